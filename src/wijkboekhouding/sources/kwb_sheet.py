"""Reader for CBS's KWB spreadsheet downloads (``kwb-2019.xls`` and its CSV exports).

One row per area, short column names: ``gwb_code_10`` (``GM0202``, ``WK020202``,
``BU02020211``), ``gwb_code_8``, ``regio`` (the area's name), ``gm_naam``, ``recs``
(Land/Gemeente/Wijk/Buurt), ``gwb_code``, ``ind_wbi`` (indeling change flag), then the
topics (``a_inw``, ``g_woz``, ...; the short names are the topic keys).  CSV copies are
``;``-separated, often Windows-1252, with a decimal comma; ``.`` = not available.  The
table has no period column: its period is the table's year.
"""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

from .cells import CellError, parse_value
from .records import MISSING, SourceMeta, SourceRow, SourceTable, Topic, number_topics
from .report import Report
from .statline_csv import AreaFinder
from .typed_csv import WRONG_TYPE_FIX

CODE_KEYS = ("gwb_code_10", "gwb_code")
NAME_KEY = "regio"
CHANGE_KEY = "ind_wbi"
# Columns describing the area (not topics): ``pst_mvp`` is its most common postcode,
# ``pst_dekp`` a class (1-6) saying how well that postcode covers it.
AREA_KEYS = {"gwb_code_10", "gwb_code_8", "gwb_code", "regio", "gm_naam", "recs", "ind_wbi", "pst_mvp", "pst_dekp"}


def is_kwb_sheet_header(header: list) -> bool:
    return bool(header) and str(header[0] or "").strip().lower() in CODE_KEYS


def read_kwb_sheet(path: str | Path, meta: SourceMeta, encoding: str = "utf-8-sig",
                   report: Report | None = None) -> SourceTable:
    """Read a KWB spreadsheet (.xlsx) or its CSV export."""
    path = Path(path)
    report = report or Report()
    if path.suffix.lower() == ".xlsx":
        header, records = _xlsx(path)
        decimal_comma = False
    else:
        with open(path, encoding=encoding, newline="") as f:
            header = next(csv.reader(f, delimiter=";"), [])
        records = _csv(path, encoding)
        decimal_comma = True
    header = [str(h or "").strip() for h in header]
    file = path.name
    code_col = next((header.index(k) for k in CODE_KEYS if k in header), None)
    if code_col is None:
        report.error("not-a-kwb-sheet", file, 1, None,
                     "found no gwb_code_10 column in the first row, so this is not a KWB spreadsheet.",
                     "Import other spreadsheets with 'wijkboekhouding import local'; docs/sources.md describes "
                     "the KWB layout.")
        return SourceTable(meta, [], iter(()), report)
    if not meta.period:
        report.error("no-period", file, 1, None, "the file has no period column and no year was given.",
                     "Pass --year with the table's year.")
        return SourceTable(meta, [], iter(()), report)
    name_col = header.index(NAME_KEY) if NAME_KEY in header else None
    change_col = header.index(CHANGE_KEY) if CHANGE_KEY in header else None
    value_cols = [i for i, k in enumerate(header) if k and k.lower() not in AREA_KEYS]
    topics = number_topics([Topic(key=header[i]) for i in value_cols])
    year = int(meta.period[:4])

    def rows():
        finder = AreaFinder(file, report, None, header[code_col])
        for line, rec in records:
            if len(rec) != len(header):
                report.error("wrong-field-count", file, line, None,
                             f"has {len(rec)} fields where the header has {len(header)}.",
                             "Check the quoting of this row; the file may be cut off or edited by hand.")
                continue
            name = str(rec[name_col]).strip() if name_col is not None and rec[name_col] is not None else None
            change = str(rec[change_col]).strip() if change_col is not None and rec[change_col] is not None else None
            area = finder.by_code(line, str(rec[code_col] or ""), name, year, change, header[code_col])
            if area is None:
                continue
            values, statuses = [], []
            for i in value_cols:
                try:
                    value, status = parse_value(rec[i], decimal_comma=decimal_comma)
                except CellError as e:
                    report.error("wrong-type", file, line, header[i], f"{e}.", WRONG_TYPE_FIX)
                    value, status = None, MISSING
                values.append(value)
                statuses.append(status)
            yield SourceRow(line, area, meta.period, (), values, statuses)

    return SourceTable(meta, topics, rows(), report)


def _csv(path: Path, encoding: str):
    with open(path, encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader, None)
        for line, rec in enumerate(reader, start=2):
            yield line, rec


def _open_workbook(path: Path):
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Workbook contains no default style"
        return load_workbook(path, read_only=True, data_only=True)


def _xlsx(path: Path):
    wb = _open_workbook(path)
    try:
        header = next(wb.worksheets[0].iter_rows(max_row=1, values_only=True), ())
    finally:
        wb.close()

    def records():
        book = _open_workbook(path)
        try:
            for line, rec in enumerate(book.worksheets[0].iter_rows(min_row=2, values_only=True), start=2):
                if any(c not in (None, "") for c in rec):
                    yield line, list(rec) + [None] * (len(header) - len(rec))
        finally:
            book.close()

    return list(header), records()
