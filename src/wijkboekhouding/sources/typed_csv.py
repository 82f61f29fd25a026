"""Reader for CSV dumps of an OData v3 ``TypedDataSet`` (``pandas.to_csv`` style).

Columns: ``ID``, a region dimension (``WijkenEnBuurten`` or ``RegioS``), optionally
``Perioden`` and other dimensions (``Woningkenmerken``, ``Btw``...), then topics whose
keys end in ``_<n>``.  Codes and names are space-padded, suppressed values are empty
or ``.``.  KWB tables have no ``Perioden``: their period is the table's year.  National
tables (energy tariffs) have no region dimension: their rows are for Nederland (NL00).

The row logic (:func:`typed_table`) is shared with the JSON records variant
(``typed_json``): both hand it a header and records aligned with it.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterable, Iterator

from .cells import CellError, area_code, parse_value
from .periods import PeriodError, normalise_period
from .records import (MISSING, PROVISIONAL, VALUE, AreaRecord, SourceMeta, SourceRow, SourceTable, Topic,
                      gemeente_of, key_stem, number_topics, wijk_of)
from .report import Report

REGION_KEYS = ("WijkenEnBuurten", "RegioS", "Regio")
PERIOD_KEY = "Perioden"
NATIONAL = "NL00"
# Topics that describe the area rather than measure it.
NAME_STEMS = {"Gemeentenaam"}
LEVEL_STEMS = {"SoortRegio"}
CHANGE_STEMS = {"IndelingswijzigingWijkenEnBuurten", "IndelingswijzigingGemeenteWijkBuurt"}
TEXT_STEMS = NAME_STEMS | LEVEL_STEMS | CHANGE_STEMS | {"Codering", "MeestVoorkomendePostcode"}
WRONG_TYPE_FIX = "Expected a number, '.' (suppressed) or an empty cell; correct the value."


def is_topic_key(key: str) -> bool:
    return key_stem(key) != key.strip()


def unknown_area(report: Report, file: str, line: int, column: str | None, code: str) -> None:
    """The one warning for a region cell that is not a CBS area code: the row is skipped."""
    report.warning("unknown-area", file, line, column,
                   f"{code!r} is not a CBS area code (NL00, PV.., GM...., WK......, BU........); the row was skipped.",
                   "Correct the code if the row should be imported.")


def read_typed_csv(path: str | Path, meta: SourceMeta, area_names: dict | None = None,
                   encoding: str = "utf-8-sig", report: Report | None = None) -> SourceTable:
    """Read a TypedDataSet CSV dump.  ``meta.period`` is used when the file has no Perioden."""
    path = Path(path)
    with open(path, encoding=encoding, newline="") as f:
        header = next(csv.reader(f), [])

    def records() -> Iterator[tuple[int, list]]:
        # The file is opened only when rows are consumed: an unchanged re-import reads nothing.
        with open(path, encoding=encoding, newline="") as handle:
            reader = csv.reader(handle)
            next(reader, None)
            for line, rec in enumerate(reader, start=2):
                yield line, rec

    return typed_table(path.name, header, records(), meta, report or Report(), area_names)


def typed_table(file: str, header: list[str], records: Iterable[tuple[int, list]], meta: SourceMeta,
                report: Report, area_names: dict | None = None) -> SourceTable:
    """A SourceTable over TypedDataSet records: ``(line, cells aligned with header)`` pairs;
    cells are strings (CSV) or typed values (JSON)."""
    region_col = next((i for i, k in enumerate(header) if k in REGION_KEYS), None)
    period_col = header.index(PERIOD_KEY) if PERIOD_KEY in header else None
    dim_cols = [i for i, k in enumerate(header)
                if i not in (region_col, period_col) and k != "ID" and not is_topic_key(k)]
    value_cols = [i for i, k in enumerate(header) if is_topic_key(k) and key_stem(k) not in TEXT_STEMS]
    stem_col = {key_stem(k): i for i, k in enumerate(header) if is_topic_key(k)}
    change_col = next((stem_col[s] for s in CHANGE_STEMS if s in stem_col), None)
    name_col = next((stem_col[s] for s in NAME_STEMS if s in stem_col), None)
    topics = number_topics([Topic(key=header[i]) for i in value_cols])
    if not value_cols:
        report.error("no-topics", file, 1, None,
                     "the header has no topic columns (keys such as AantalInwoners_5).",
                     "Is this a CBS TypedDataSet export? Export the table with its topics.")
        return SourceTable(meta, [], iter(()), report)
    if region_col is None:
        if any(k in header for k in ("Codering_3", "Gemeentenaam_1")):
            report.error("no-region-column", file, 1, None,
                         f"found none of the region columns {', '.join(REGION_KEYS)} in the header.",
                         "Export the table with its region dimension.")
            return SourceTable(meta, topics, iter(()), report)
        report.info("national-table", file, None, None,
                    "the table has no region dimension; its figures are for Nederland as a whole (NL00).")
    table_year = int(meta.period[:4]) if meta.period else None
    if period_col is None and table_year is None:
        report.error("no-period", file, 1, None, "the file has no Perioden column and no period was given.",
                     "Pass --year with the table's year.")
        return SourceTable(meta, topics, iter(()), report)
    names = area_names or {}
    region_key = header[region_col] if region_col is not None else None

    def rows():
        for line, rec in records:
            if len(rec) != len(header):
                report.error("wrong-field-count", file, line, None,
                             f"has {len(rec)} fields where the header has {len(header)}.",
                             "Check the quoting of this row; the file may be cut off or edited by hand.")
                continue
            if region_col is None:
                code, level = NATIONAL, "land"
            else:
                raw = str(rec[region_col] or "").strip()
                code, level = area_code(raw)
                if level is None:
                    if code:
                        unknown_area(report, file, line, region_key, code)
                    continue  # landsdelen, COROP and other groupings are not kept
                if raw != code and all(rec[i] in (None, "") for i in value_cols):
                    continue  # an empty NL01 row beside the NL00 rows (84948NED has both)
            if period_col is not None:
                try:
                    period, provisional = normalise_period(str(rec[period_col] or ""))
                except PeriodError as e:
                    report.error("bad-period", file, line, PERIOD_KEY, f"{e}.", "Fix the period code.")
                    continue
            else:
                period, provisional = meta.period, False
            year = int(period[:4])
            change = str(rec[change_col]).strip() if change_col is not None and rec[change_col] is not None else None
            name = names.get(code)
            if name is None and name_col is not None and level in ("land", "gemeente") and rec[name_col]:
                name = str(rec[name_col]).strip() or None  # Gemeentenaam names the gemeente itself
            area = AreaRecord(code, year, name, level, gemeente_of(code), wijk_of(code),
                              None if change in (None, "", ".") else change)
            values, statuses = [], []
            for i in value_cols:
                try:
                    value, status = parse_value(rec[i])
                except CellError as e:
                    report.error("wrong-type", file, line, header[i], f"{e}.", WRONG_TYPE_FIX)
                    value, status = None, MISSING
                if provisional and status == VALUE:
                    status = PROVISIONAL
                values.append(value)
                statuses.append(status)
            dims = tuple((header[i], str(rec[i]).strip()) for i in dim_cols)
            yield SourceRow(line, area, period, dims, values, statuses)

    return SourceTable(meta, topics, rows(), report)
