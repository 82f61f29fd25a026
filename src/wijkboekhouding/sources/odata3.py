"""CBS OData v3 (``opendata.cbs.nl/ODataApi/odata/<table>``) into a :class:`SourceTable`.

A download asks, in this order and each through the cache of :mod:`.http`:

1. ``TableInfos`` (title, period; a 404 here means the table does not exist),
2. ``DataProperties`` (dimensions, the GeoDetail with its ``MapYear`` for KWB tables,
   topic groups and topics with unit and datatype),
3. the region dimension's code list (area names) and the ``Perioden`` code list
   (``Status`` *Voorlopig* marks provisional figures), filtered like the data,
4. ``TypedDataSet`` filtered on region with ``$filter``, following ``odata.nextLink``.

Every body is kept so the import can hash exactly what CBS sent; :func:`read_v3` then
turns the pages into rows without touching the network.

Choices: ``null`` in a TypedDataSet is CBS's ``.`` ("onbekend, onvoldoende betrouwbaar
of geheim") and becomes status ``suppressed``, as the ``.`` marker does in files.
Topics with ``Datatype`` ``String`` (Gemeentenaam, SoortRegio, Codering, postcode) describe
the area and are not value topics.  A table without a region dimension is a national
table: its rows belong to ``NL00``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .cells import CellError, parse_number
from .http import CBSClient, Page, build_url
from .periods import PeriodError, normalise_period
from .records import (PROVISIONAL, SUPPRESSED, VALUE, AreaRecord, SourceMeta, SourceRow, SourceTable, Topic,
                      gemeente_of, key_stem, level_of, normalise_area_code, number_topics, wijk_of)
from .report import Report

GEO_TYPES = ("GeoDetail", "GeoDimension")
REGION_KEYS = ("WijkenEnBuurten", "RegioS", "Regio")
PERIOD_KEY = "Perioden"
NAME_STEMS = ("Gemeentenaam",)
CHANGE_STEMS = ("IndelingswijzigingWijkenEnBuurten", "IndelingswijzigingGemeenteWijkBuurt")
NATIONAL = "NL00"
PROVISIONAL_STATUS = "Voorlopig"


def statline_url(table_id: str) -> str:
    return f"https://opendata.cbs.nl/statline/#/CBS/nl/dataset/{table_id}/table"


def region_filter(key: str, gemeenten: Iterable[str] | None) -> str | None:
    """The ``$filter`` for a workspace of ``gemeenten``: NL, every provincie and gemeente,
    and the wijken and buurten of the workspace's own gemeenten.  None: the whole country.

    ``startswith`` rather than ``eq`` because CBS pads codes with spaces (``'NL00      '``).
    """
    codes = sorted({g.strip().upper() for g in gemeenten or ()})
    if not codes:
        return None
    prefixes = ["NL", "PV", "GM"] + [f"{level}{g[2:]}" for g in codes for level in ("WK", "BU")]
    return " or ".join(f"startswith({key},'{p}')" for p in prefixes)


def area_record(code: str, year: int, name: str | None, change: str | None = None) -> AreaRecord:
    return AreaRecord(code, year, name, level_of(code), gemeente_of(code), wijk_of(code),
                      None if change in (None, "", ".") else change)


def default_period(year: int | None, map_year, period_text: str | None) -> str:
    """The period of rows without ``Perioden``: ``--year``, else the map year, else the table's period."""
    if year:
        return str(year)
    if map_year:
        return str(map_year)
    text = (period_text or "").strip()
    return text if re.fullmatch(r"\d{4}", text) else ""


def content_hash(pages: Iterable[Page]) -> str:
    h = hashlib.sha256()
    for page in pages:
        h.update(page.url.encode("utf-8") + b"\n")
        h.update(page.body)
        h.update(b"\n")
    return h.hexdigest()


class DownloadPages:
    """What every download offers from its ``pages``: a content hash and the retrieval time."""

    pages: list[Page]

    @property
    def content_hash(self) -> str:
        return content_hash(self.pages)

    @property
    def retrieved_at(self) -> str:
        return min(p.retrieved_at for p in self.pages)


@dataclass
class V3Download(DownloadPages):
    """Everything CBS sent for one table and filter."""

    table_id: str
    info: dict
    properties: list[dict]
    region_codes: list[dict]
    period_codes: list[dict]
    data: list[Page]
    pages: list[Page] = field(default_factory=list)  # every page, metadata included, in request order


def download_v3(client: CBSClient, base_url: str, table_id: str, gemeenten: Iterable[str] | None = None,
                progress: Callable[[int], None] | None = None) -> V3Download:
    """Download a table's metadata and its rows for ``gemeenten`` (None: the whole country)."""
    pages: list[Page] = []

    def get(*parts, table=None, **params) -> Page:
        page = client.get(build_url(base_url, table_id, *parts, format="json", **params), table)
        pages.append(page)
        return page

    info = get("TableInfos", table=table_id).data.get("value") or [{}]
    properties = get("DataProperties").data.get("value") or []
    region_key = _region_key(properties)
    wanted = region_filter(region_key, gemeenten) if region_key else None
    region_codes: list[dict] = []
    if region_key:
        key_filter = region_filter("Key", gemeenten)
        for page in client.pages(build_url(base_url, table_id, region_key, format="json", filter=key_filter)):
            pages.append(page)
            region_codes.extend(page.data.get("value") or ())
    period_codes = []
    if any(p.get("Key") == PERIOD_KEY for p in properties):
        period_codes = get(PERIOD_KEY).data.get("value") or []
    data = []
    for page in client.pages(build_url(base_url, table_id, "TypedDataSet", format="json", filter=wanted),
                             progress=progress):
        pages.append(page)
        data.append(page)
    return V3Download(table_id, info[0], properties, region_codes, period_codes, data, pages)


def _region_key(properties: list[dict]) -> str | None:
    for p in properties:
        if p.get("Type") in GEO_TYPES:
            return p["Key"]
    for p in properties:
        if p.get("Type") == "Dimension" and p.get("Key") in REGION_KEYS:
            return p["Key"]
    return None


def topic_path(item: dict, by_id: dict, title_key: str = "Title", parent_key: str = "ParentID") -> str:
    """``Bevolking/Leeftijdsgroepen/65 jaar of ouder``: the group titles above a topic, then its title."""
    parts = [item[title_key].strip()]
    parent = by_id.get(item.get(parent_key))
    while parent is not None:
        parts.append(parent[title_key].strip())
        parent = by_id.get(parent.get(parent_key))
    return "/".join(reversed(parts))


def read_v3(download: V3Download, year: int | None = None) -> SourceTable:
    """The rows of a downloaded table, values aligned with the numeric Topic DataProperties."""
    report = Report()
    props = download.properties
    by_id = {p.get("ID"): p for p in props if p.get("Type") == "TopicGroup"}
    numeric = [p for p in props if p.get("Type") == "Topic" and p.get("Datatype") != "String"]
    text_keys = {key_stem(p["Key"]): p["Key"] for p in props if p.get("Type") == "Topic" and p.get("Datatype") == "String"}
    topics = number_topics([Topic(p["Key"], p.get("Title", "").strip(), topic_path(p, by_id), p.get("Unit") or "")
                            for p in numeric])
    region_key = _region_key(props)
    geo = next((p for p in props if p.get("Type") in GEO_TYPES), {})
    dim_keys = [p["Key"] for p in props if p.get("Type") == "Dimension" and p["Key"] != region_key]
    has_periods = any(p.get("Key") == PERIOD_KEY for p in props)
    table_period = default_period(year, geo.get("MapYear"), download.info.get("Period"))
    label = download.data[0].url if download.data else download.table_id
    meta = SourceMeta(table_id=download.table_id, title=(download.info.get("Title") or download.table_id).strip(),
                      url=statline_url(download.table_id), retrieved_at=download.retrieved_at, period=table_period)
    if not has_periods and not table_period:
        report.error("no-period", label, None, None,
                     f"table {download.table_id} has no Perioden dimension and its TableInfos give no year.",
                     "Pass --year with the table's year.")
        return SourceTable(meta, topics, iter(()), report)
    names = {normalise_area_code(c["Key"]): (c.get("Title") or "").strip() or None for c in download.region_codes}
    provisional_periods = {c["Key"].strip() for c in download.period_codes if c.get("Status") == PROVISIONAL_STATUS}
    name_key = next((text_keys[s] for s in NAME_STEMS if s in text_keys), None)
    change_key = next((text_keys[s] for s in CHANGE_STEMS if s in text_keys), None)
    keys = [t.key for t in topics]

    def rows():
        line = 0
        checked = False
        for page in download.data:
            for rec in page.data.get("value") or ():
                line += 1
                if not checked:
                    checked = True
                    if not _columns_present(rec, keys, region_key, has_periods, label, report):
                        return
                if has_periods:
                    raw = rec[PERIOD_KEY]
                    try:
                        period, provisional = normalise_period(raw)
                    except PeriodError as e:
                        report.error("bad-period", label, line, PERIOD_KEY, f"{e}.", "Report this to CBS.")
                        continue
                    provisional = provisional or raw.strip() in provisional_periods
                else:
                    period, provisional = table_period, False
                code = normalise_area_code(rec[region_key]) if region_key else NATIONAL
                if level_of(code) is None:
                    continue  # landsdelen, COROP, woonplaatsen and other groupings are not kept
                name = names.get(code)
                if name is None and name_key and level_of(code) in ("land", "gemeente"):
                    name = (rec.get(name_key) or "").strip() or None  # Gemeentenaam names the gemeente itself
                if name is None and code == NATIONAL:
                    name = "Nederland"
                change = (rec.get(change_key) or "").strip() if change_key else None
                area = area_record(code, int(period[:4]), name, change)
                values, statuses = [], []
                for key in keys:
                    value, status = cell_value(rec.get(key), label, line, key, report)
                    if provisional and status == VALUE:
                        status = PROVISIONAL
                    values.append(value)
                    statuses.append(status)
                dims = tuple((k, str(rec.get(k, "")).strip()) for k in dim_keys)
                yield SourceRow(line, area, period, dims, values, statuses)

    return SourceTable(meta, topics, rows(), report)


def cell_value(raw, label: str, line: int, key: str, report: Report) -> tuple[float | None, str]:
    """A TypedDataSet value (a number or null) or an UntypedDataSet string (``"   135.5"``, ``"."``)."""
    if raw is None:
        return None, SUPPRESSED
    if isinstance(raw, bool):
        raw = str(raw)
    if isinstance(raw, (int, float)):
        return float(raw), VALUE
    try:
        return parse_number(str(raw))
    except CellError as e:
        report.error("wrong-type", label, line, key, f"{e}.",
                     "CBS sent text where DataProperties promise a number; report this to CBS.")
        return None, "missing"


def _columns_present(rec: dict, keys: list[str], region_key: str | None, has_periods: bool, label: str,
                     report: Report) -> bool:
    """Check the first row against DataProperties: every topic and dimension must be there."""
    expected = keys + ([region_key] if region_key else []) + ([PERIOD_KEY] if has_periods else [])
    missing = [k for k in expected if k not in rec]
    if missing:
        report.error("missing-column", label, 1, missing[0],
                     f"the TypedDataSet rows lack {len(missing)} column(s) that DataProperties describe: "
                     f"{', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}.",
                     "The table changed while it was downloaded; delete the cache folder .cache/cbs and import again.")
        return False
    return True
