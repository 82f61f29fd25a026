"""Importing a local dataset (CSV/XLSX plus a TOML meta file) into a workspace.

The dataset's key is ``local:<slug>``: importing the same content again changes
nothing, a changed file becomes the next version of that key (the old values move to
``observation_history``).  A file with any error imports nothing.  The validation
report is written next to the input as ``<name>.rapport.csv``.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import replace
from pathlib import Path

from ..catalogue import Catalogue, SourceMapping, TableFamily, load_catalogue
from ..errors import InvalidDataError
from ..sources.local import VALUE_COLUMN, AreaLookup, LocalMeta, read_local_file, read_meta
from ..sources.records import SourceRow
from ..sources.report import Report
from ..workspace import Workspace
from .load import LoadResult, load_table
from .store import Warehouse

REPORT_COLUMNS = ("severity", "type", "file", "row", "column", "message", "fix")


def report_path(file_path: str | Path) -> Path:
    """``bomen.csv`` -> ``bomen.rapport.csv`` beside it."""
    path = Path(file_path)
    return path.with_name(f"{path.stem}.rapport.csv")


def write_report(report: Report, path: Path) -> None:
    """Write the report as a CSV that Dutch spreadsheet programs open directly (``;``, BOM)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(REPORT_COLUMNS)
        for p in report.problems:
            writer.writerow([p.severity, p.type, p.file, "" if p.row is None else p.row, p.column or "",
                             p.message, p.fix])


def import_local_file(ws: Workspace, file_path: str | Path, meta_path: str | Path) -> LoadResult:
    """Validate and import one local dataset, all or nothing; writes the report beside the file."""
    catalogue = load_catalogue()
    meta = read_meta(meta_path, catalogue)
    file_path = Path(file_path)
    with ws.warehouse() as wh:
        table = read_local_file(file_path, meta, AreaLookup(wh.areas()), catalogue)
        rows = list(table.rows)
        _check_cbs_figures(wh, rows, table.report, file_path.name)
        table = replace(table, rows=iter(rows))
        written_to = report_path(file_path)
        try:
            return load_table(wh, table, local_catalogue(catalogue, meta), key=meta.key,
                              content_hash=content_hash(file_path, meta.path, rows), scope=ws.scope,
                              extra_indicators=meta.indicators, contact=meta.contact)
        except InvalidDataError as e:
            raise InvalidDataError(f"{e}\nThe full report is in {written_to}", e.report) from None
        finally:
            write_report(table.report, written_to)


def local_catalogue(catalogue: Catalogue, meta: LocalMeta) -> Catalogue:
    """The catalogue plus this dataset as a table family whose ``waarde`` topic maps to each of its
    indicators by the row's ``indicator`` dimension."""
    # ``waarde`` is mapped per row; listing it as an area key keeps the loader from calling it
    # unmapped when no row survived validation
    family = TableFamily(name=meta.slug, title=meta.title, ids={}, publisher=meta.publisher,
                         area_keys=frozenset({VALUE_COLUMN}))
    indicators = dict(catalogue.indicators)
    for ind in meta.indicators + tuple(catalogue.indicators[i] for i in meta.reports):
        mapping = SourceMapping(table=meta.slug, key=VALUE_COLUMN, where=(("indicator", ind.id),))
        indicators[ind.id] = replace(ind, sources=ind.sources + (mapping,))
    # this family first, so a slug that equals a CBS family name still finds the dataset
    return Catalogue(indicators, {meta.slug: family, **catalogue.tables})


def content_hash(file_path: Path, meta_path: Path, rows: list[SourceRow]) -> str:
    """Same file, same meta file and the same resolved rows -> same hash ("unchanged")."""
    h = hashlib.sha256()
    for path in (meta_path, file_path):
        h.update(path.read_bytes())
        h.update(b"\0")
    for row in rows:
        h.update(repr((row.area.code, row.period, row.dims, row.values, row.statuses)).encode())
    return h.hexdigest()


def _check_cbs_figures(wh: Warehouse, rows: list[SourceRow], report: Report, file_name: str) -> None:
    """A local value for a CBS indicator must not replace a figure CBS published."""
    cbs_ids = {i.id for i in wh.indicators().values() if i.origin == "cbs"}
    by_area: dict[str, dict] = {}
    for row in rows:
        indicator = dict(row.dims)["indicator"]
        if indicator not in cbs_ids:
            continue
        if row.area.code not in by_area:
            by_area[row.area.code] = {(o.indicator_id, o.period): o for o in wh.observations(row.area.code)}
        existing = by_area[row.area.code].get((indicator, row.period))
        if existing is not None and wh.source(existing.source_id).kind == "cbs":
            source = wh.source(existing.source_id)
            report.error("replaces-cbs-figure", file_name, row.line, None,
                         f"{indicator} for {row.area.code} in {row.period} would replace the figure CBS "
                         f"published (table {source.table_id}).",
                         "Remove the row: CBS's figure stays; use a local indicator for your own count.")
