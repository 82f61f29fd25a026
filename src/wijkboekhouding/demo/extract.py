"""The demo extract: a compact, gzipped JSON copy of a warehouse's CBS figures.

:func:`export_extract` writes what a warehouse holds for a set of areas (areas,
current observations grouped by the source that supplied them, sources with their
provenance, gemeente -> provincie); :func:`load_extract` loads such a file into a
workspace through the ordinary loader (:func:`warehouse.load.load_table`), one source
per original CBS table, so the demo warehouse is built exactly like a real one.

Layout (``format`` = ``wijkboekhouding-extract/1``)::

    {"format", "attribution", "gemeenten", "gemeente_provincie": [[gm, pv, pv_name]],
     "areas": [[code, year, name, level, gemeente, wijk, indeling_change]],
     "sources": [{"key", "table_id", "title", "publisher", "licence", "url", "file_name",
                  "retrieved_at", "file_sha256", "attribution",
                  "indicators": [id, ...],
                  "rows": [[area_code, period, [value, ...], [status, ...]]]}]}

``values``/``statuses`` are aligned with ``indicators``; a null status means the source
has no observation of that indicator for that area and period.  The file is written
deterministically (sorted, fixed gzip header), so the same warehouse gives the same bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from collections import defaultdict
from pathlib import Path
from typing import Callable, Iterable

from ..catalogue import Catalogue, load_catalogue
from ..errors import SourceError
from ..sources.records import CBS_ATTRIBUTION, AreaRecord, SourceMeta, SourceRow, SourceTable, Topic
from ..warehouse.load import LoadResult, load_table
from ..warehouse.store import Warehouse

FORMAT = "wijkboekhouding-extract/1"
# Rows whose source lacks some of its indicators for that area and period carry this
# dimension, listing the indicators they do have.
PRESENT_DIM = "indicatoren"


# -- export --------------------------------------------------------------------------


def export_extract(warehouse: Warehouse, keep: Callable[[str], bool], gemeenten: Iterable[str]) -> bytes:
    """The extract (gzipped JSON bytes) of every area code for which ``keep(code)`` is true
    and that has at least one current observation.

    A source's retrieval time is kept when its reader knew it; when the reader did not
    (the loader then recorded the import time) it is left empty, so the same files give
    the same extract.
    """
    conn = warehouse.conn  # read-only export of the SQLite tables, raw (names not filled in)
    areas = sorted(
        (r for r in conn.execute(
            "SELECT code, year, name, level, gemeente_code, wijk_code, indeling_change FROM area")
         if keep(r[0])),
        key=lambda r: (r[0], r[1]))
    area_keys = {(r[0], r[1]) for r in areas}

    by_source: dict[int, dict] = defaultdict(lambda: defaultdict(dict))
    for indicator_id, code, year, period, value, status, source_id in conn.execute(
            "SELECT indicator_id, area_code, year, period, value, status, source_id FROM observation"):
        if not keep(code):
            continue
        if (code, year) not in area_keys:
            raise SourceError(f"observation {indicator_id} of {code} {period} has no area {code} in {year}")
        by_source[source_id][(code, period)][indicator_id] = (value, status)

    sources = []
    covered: set = set()
    for s in warehouse.sources().values():
        if not s.current or s.id not in by_source:
            continue
        cells = by_source[s.id]
        indicators = sorted({i for row in cells.values() for i in row})
        rows = []
        for (code, period), row in sorted(cells.items()):
            covered.add((code, int(period[:4])))
            pairs = [row.get(i, (None, None)) for i in indicators]
            rows.append([code, period, [_number(v) for v, _ in pairs], [st for _, st in pairs]])
        retrieved = "" if s.retrieved_at == s.imported_at else s.retrieved_at
        sources.append({
            "key": s.key, "table_id": s.table_id, "title": s.title, "publisher": s.publisher,
            "licence": s.licence, "url": s.url, "file_name": s.file_name, "retrieved_at": retrieved,
            "file_sha256": s.content_hash, "attribution": f"{CBS_ATTRIBUTION}, tabel {s.table_id}"
            if s.publisher == "CBS" else s.publisher,
            "indicators": indicators, "rows": rows,
        })
    sources.sort(key=lambda src: src["key"])
    # An area with no current figure (its table's topics are not in the catalogue, or a later
    # table replaced all its values) would only give an empty page: leave it out.
    areas = [a for a in areas if (a[0], a[1]) in covered]

    kept_gemeenten = {a[0] for a in areas if a[3] == "gemeente"}
    gemeente_provincie = sorted(
        list(r) for r in conn.execute(
            "SELECT gemeente_code, provincie_code, provincie_name FROM gemeente_provincie")
        if r[0] in kept_gemeenten)
    data = {
        "format": FORMAT,
        "attribution": f"{CBS_ATTRIBUTION} (CC BY 4.0); table ids per source",
        "gemeenten": sorted(gemeenten),
        "gemeente_provincie": gemeente_provincie,
        "areas": [list(a) for a in areas],
        "sources": sources,
    }
    return _gzip(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8"))


def _number(value):
    """Integers without a trailing .0 keep the file small and readable."""
    if value is not None and float(value).is_integer() and abs(value) < 2 ** 53:
        return int(value)
    return value


def _gzip(raw: bytes) -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as f:
        f.write(raw)
    return out.getvalue()


# -- load ----------------------------------------------------------------------------


def read_extract(path: str | Path) -> dict:
    path = Path(path)
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise SourceError(f"{path}: not a readable demo extract ({e}); regenerate it with "
                          "'python -m wijkboekhouding.demo.regenerate'") from None
    if data.get("format") != FORMAT:
        raise SourceError(f"{path}: format {data.get('format')!r} is not {FORMAT!r}; regenerate the extract")
    return data


def source_tables(data: dict) -> Iterable[tuple[SourceTable, str, str]]:
    """``(table, key, content_hash)`` per source of an extract, ready for the loader."""
    areas = {(a[0], a[1]): AreaRecord(*a) for a in data["areas"]}
    for src in data["sources"]:
        meta = SourceMeta(table_id=src["table_id"], title=src["title"], publisher=src["publisher"],
                          licence=src["licence"], url=src["url"], file_name=src["file_name"],
                          retrieved_at=src["retrieved_at"])
        topics = [Topic(key=i) for i in src["indicators"]]
        content = json.dumps(src, sort_keys=True, separators=(",", ":")).encode("utf-8")
        yield (SourceTable(meta, topics, _rows(src, areas)), src["key"],
               "extract:" + hashlib.sha256(content).hexdigest())


def _rows(src: dict, areas: dict):
    indicators = src["indicators"]
    for line, (code, period, values, statuses) in enumerate(src["rows"], start=1):
        if all(st is not None for st in statuses):
            dims = ()
        else:
            present = " ".join(i for i, st in zip(indicators, statuses) if st is not None)
            dims = ((PRESENT_DIM, present),)
        yield SourceRow(line, areas[(code, int(period[:4]))], period, dims, values, statuses)


class _IndicatorMapper:
    """The extract's topics already are indicator ids (the interface of catalogue.TopicMapper)."""

    def __init__(self, topics: list[Topic]):
        self.ids = [t.key for t in topics]

    def indicators_for(self, dims: tuple = (), period: str | None = None) -> list[str | None]:
        present = dict(dims).get(PRESENT_DIM)
        if present is None:
            return self.ids
        have = set(present.split())
        return [i if i in have else None for i in self.ids]

    def unmapped(self) -> list[Topic]:
        return []


class _ExtractCatalogue:
    """The package catalogue, with topics mapped one to one (they are indicator ids)."""

    def __init__(self, catalogue: Catalogue):
        self.indicators = catalogue.indicators

    def mapper(self, table_id: str, topics: list[Topic]) -> _IndicatorMapper:
        return _IndicatorMapper(topics)


def load_extract(warehouse: Warehouse, data: dict, scope, catalogue: Catalogue | None = None) -> list[LoadResult]:
    """Load every source of an extract (all or nothing per source; unchanged sources are skipped)
    and its gemeente -> provincie list."""
    catalogue = _ExtractCatalogue(catalogue or load_catalogue())
    results = [load_table(warehouse, table, catalogue, key=key, content_hash=content_hash, scope=scope)
               for table, key, content_hash in source_tables(data)]
    warehouse.save_gemeente_provincie([tuple(r) for r in data["gemeente_provincie"]])
    return results
