"""CBS OData v4 (``datasets.cbs.nl/odata/v1/CBS/<table>``) into a :class:`SourceTable`.

A download asks for the dataset's service document (a 404 there means the table does
not exist on v4), ``Properties``, ``Dimensions``, ``MeasureCodes`` (and ``MeasureGroups``
when the table has them), each dimension's ``<Dim>Codes`` list (area names, period
status; the region list filtered like the data) and ``Observations`` filtered on region,
following ``@odata.nextLink``.

v4 is long: one observation per measure.  :func:`read_v4` gathers the observations of one
(region, period, other dimensions) into one row, values aligned with the measures.
``ValueAttribute`` says why a value is absent: ``Confidential`` becomes ``suppressed``,
``Missing`` and ``Impossible`` (cannot occur) become ``missing``; an attribute we do not
know becomes ``suppressed`` with a warning.  A period whose code has ``Status``
*Voorlopig* makes its values ``provisional``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from .http import CBSClient, Page, build_url
from .odata3 import (NATIONAL, DownloadPages, PERIOD_KEY, PROVISIONAL_STATUS, REGION_KEYS, area_record,
                     default_period, region_filter, statline_url, topic_path)
from .periods import PeriodError, normalise_period
from .records import (MISSING, PROVISIONAL, SUPPRESSED, VALUE, SourceMeta, SourceRow, SourceTable, Topic, level_of,
                      normalise_area_code, number_topics)
from .report import Report

GEO_KINDS = ("GeoDimension", "GeoDetail")
ATTRIBUTE_STATUS = {"Confidential": SUPPRESSED, "Missing": MISSING, "Impossible": MISSING}
TEXT_TYPES = ("String",)


@dataclass
class V4Download(DownloadPages):
    table_id: str
    properties: dict
    dimensions: list[dict]
    measures: list[dict]
    measure_groups: list[dict]
    codes: dict[str, list[dict]]  # dimension id -> its code list
    observations: list[Page]
    pages: list[Page]


def download_v4(client: CBSClient, base_url: str, table_id: str, gemeenten: Iterable[str] | None = None,
                progress: Callable[[int], None] | None = None) -> V4Download:
    pages: list[Page] = []

    def get_all(name: str, table=None, **params) -> list[dict]:
        items = []
        for page in client.pages(build_url(base_url, table_id, name, **params), table):
            pages.append(page)
            items.extend(page.data.get("value") or ())
        return items

    service = client.get(build_url(base_url, table_id), table_id)
    pages.append(service)
    entity_sets = {e.get("name") for e in service.data.get("value") or ()}
    properties = client.get(build_url(base_url, table_id, "Properties"))
    pages.append(properties)
    dimensions = get_all("Dimensions")
    measures = get_all("MeasureCodes")
    groups = get_all("MeasureGroups") if "MeasureGroups" in entity_sets else []
    region = _region_dimension(dimensions)
    codes = {}
    for dim in dimensions:
        name = dim["Identifier"]
        if f"{name}Codes" in entity_sets:
            wanted = region_filter("Identifier", gemeenten) if name == region else None
            codes[name] = get_all(f"{name}Codes", filter=wanted)
    wanted = region_filter(region, gemeenten) if region else None
    observations = []
    for page in client.pages(build_url(base_url, table_id, "Observations", filter=wanted), progress=progress):
        pages.append(page)
        observations.append(page)
    return V4Download(table_id, properties.data, dimensions, measures, groups, codes, observations, pages)


def _region_dimension(dimensions: list[dict]) -> str | None:
    for d in dimensions:
        if d.get("Kind") in GEO_KINDS or d.get("Identifier") in REGION_KEYS:
            return d["Identifier"]
    return None


def read_v4(download: V4Download, year: int | None = None) -> SourceTable:
    report = Report()
    groups = {g.get("Id"): g for g in download.measure_groups}
    numeric = [m for m in download.measures if m.get("DataType") not in TEXT_TYPES]
    topics = number_topics([
        Topic(m["Identifier"], (m.get("Title") or "").strip(),
              topic_path({**m, "ParentId": m.get("MeasureGroupId")}, groups, parent_key="ParentId"), m.get("Unit") or "")
        for m in numeric])
    index = {t.key: i for i, t in enumerate(topics)}
    region = _region_dimension(download.dimensions)
    geo = next((d for d in download.dimensions if d["Identifier"] == region), {})
    has_periods = any(d["Identifier"] == PERIOD_KEY for d in download.dimensions)
    dim_keys = [d["Identifier"] for d in download.dimensions if d["Identifier"] not in (region, PERIOD_KEY)]
    props = download.properties
    table_period = default_period(year, geo.get("MapYear"), props.get("TemporalCoverage"))
    label = download.observations[0].url if download.observations else download.table_id
    meta = SourceMeta(table_id=download.table_id, title=(props.get("Title") or download.table_id).strip(),
                      url=statline_url(download.table_id), retrieved_at=download.retrieved_at, period=table_period)
    if not has_periods and not table_period:
        report.error("no-period", label, None, None,
                     f"table {download.table_id} has no Perioden dimension and its Properties give no year.",
                     "Pass --year with the table's year.")
        return SourceTable(meta, topics, iter(()), report)
    names = {normalise_area_code(c["Identifier"]): (c.get("Title") or "").strip() or None
             for c in download.codes.get(region, ())} if region else {}
    provisional_periods = {c["Identifier"].strip() for c in download.codes.get(PERIOD_KEY, ())
                           if c.get("Status") == PROVISIONAL_STATUS}
    unknown_attributes: set[str] = set()

    def rows():
        grouped: dict[tuple, SourceRow] = {}
        line = 0
        for page in download.observations:
            for obs in page.data.get("value") or ():
                line += 1
                i = index.get(obs.get("Measure"))
                if i is None:
                    continue  # a text measure (StringValue)
                if has_periods:
                    raw = obs[PERIOD_KEY]
                    try:
                        period, provisional = normalise_period(raw)
                    except PeriodError as e:
                        report.error("bad-period", label, line, PERIOD_KEY, f"{e}.", "Report this to CBS.")
                        continue
                    provisional = provisional or raw.strip() in provisional_periods
                else:
                    period, provisional = table_period, False
                code = normalise_area_code(obs[region]) if region else NATIONAL
                if level_of(code) is None:
                    continue
                dims = tuple((k, str(obs.get(k, "")).strip()) for k in dim_keys)
                row = grouped.get((code, period, dims))
                if row is None:
                    name = names.get(code) or ("Nederland" if code == NATIONAL else None)
                    row = SourceRow(line, area_record(code, int(period[:4]), name), period, dims,
                                    [None] * len(topics), [MISSING] * len(topics))
                    grouped[(code, period, dims)] = row
                value, status = _value(obs, label, line, report, unknown_attributes)
                if provisional and status == VALUE:
                    status = PROVISIONAL
                row.values[i] = value
                row.statuses[i] = status
        yield from grouped.values()

    return SourceTable(meta, topics, rows(), report)


def _value(obs: dict, label: str, line: int, report: Report, unknown: set) -> tuple[float | None, str]:
    attribute = obs.get("ValueAttribute") or "None"
    value = obs.get("Value")
    if attribute == "None":
        return (None, MISSING) if value is None else (float(value), VALUE)
    status = ATTRIBUTE_STATUS.get(attribute)
    if status is None:
        status = SUPPRESSED if value is None else VALUE
        if attribute not in unknown:
            unknown.add(attribute)
            report.warning("unknown-value-attribute", label, line, "ValueAttribute",
                           f"CBS marks values with {attribute!r}, which this program does not know; "
                           "values without a number are stored as suppressed.",
                           "Check the figure on StatLine; report it to the wijkboekhouding maintainers.")
    return (None if value is None else float(value)), status
