"""Reader for CSV dumps of an OData v3 ``TypedDataSet`` (``pandas.to_csv`` style).

Columns: ``ID``, a region dimension (``WijkenEnBuurten`` or ``RegioS``), optionally
``Perioden`` and other dimensions (``Woningkenmerken``, ``Btw``...), then topics whose
keys end in ``_<n>``.  Codes and names are space-padded, suppressed values are empty
or ``.``.  KWB tables have no ``Perioden``: their period is the table's year.
"""

from __future__ import annotations

import csv
from pathlib import Path

from .cells import CellError, parse_number
from .periods import PeriodError, normalise_period
from .records import (PROVISIONAL, AreaRecord, SourceMeta, SourceRow, SourceTable, Topic, VALUE, gemeente_of,
                      key_stem, level_of, normalise_area_code, number_topics, wijk_of)
from .report import Report

REGION_KEYS = ("WijkenEnBuurten", "RegioS", "Regio")
PERIOD_KEY = "Perioden"
# Topics that describe the area rather than measure it.
NAME_STEMS = {"Gemeentenaam"}
LEVEL_STEMS = {"SoortRegio"}
CHANGE_STEMS = {"IndelingswijzigingWijkenEnBuurten", "IndelingswijzigingGemeenteWijkBuurt"}
TEXT_STEMS = NAME_STEMS | LEVEL_STEMS | CHANGE_STEMS | {"Codering", "MeestVoorkomendePostcode"}


def is_topic_key(key: str) -> bool:
    return key_stem(key) != key.strip()


def read_typed_csv(path: str | Path, meta: SourceMeta, area_names: dict | None = None) -> SourceTable:
    """Read a TypedDataSet CSV dump.  ``meta.period`` is used when the file has no Perioden."""
    path = Path(path)
    report = Report()
    with open(path, encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    region_col = next((i for i, k in enumerate(header) if k in REGION_KEYS), None)
    if region_col is None:
        report.error("no-region-column", path.name, 1, None,
                     f"found none of the region columns {', '.join(REGION_KEYS)} in the header.",
                     "Is this a CBS TypedDataSet export? Export the table with its region dimension.")
        return SourceTable(meta, [], iter(()), report)
    period_col = header.index(PERIOD_KEY) if PERIOD_KEY in header else None
    dim_cols = [i for i, k in enumerate(header)
                if i not in (region_col, period_col) and k != "ID" and not is_topic_key(k)]
    value_cols = [i for i, k in enumerate(header) if is_topic_key(k) and key_stem(k) not in TEXT_STEMS]
    stem_col = {key_stem(k): i for i, k in enumerate(header) if is_topic_key(k)}
    change_col = next((stem_col[s] for s in CHANGE_STEMS if s in stem_col), None)
    name_col = next((stem_col[s] for s in NAME_STEMS if s in stem_col), None)
    topics = number_topics([Topic(key=header[i]) for i in value_cols])
    table_year = int(meta.period[:4]) if meta.period else None
    if period_col is None and table_year is None:
        report.error("no-period", path.name, 1, None, "the file has no Perioden column and no period was given.",
                     "Pass --year with the table's year.")
        return SourceTable(meta, topics, iter(()), report)
    names = area_names or {}

    def rows():
        # The file is opened only when rows are consumed: an unchanged re-import reads nothing.
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            for line, rec in enumerate(reader, start=2):
                if len(rec) != len(header):
                    report.error("wrong-field-count", path.name, line, None,
                                 f"has {len(rec)} fields where the header has {len(header)}.",
                                 "Check the quoting of this row; the file may be cut off or edited by hand.")
                    continue
                code = normalise_area_code(rec[region_col])
                level = level_of(code)
                if level is None:
                    continue  # landsdelen, COROP and other groupings are not kept
                if period_col is not None:
                    try:
                        period, provisional = normalise_period(rec[period_col])
                    except PeriodError as e:
                        report.error("bad-period", path.name, line, PERIOD_KEY, f"{e}.", "Fix the period code.")
                        continue
                else:
                    period, provisional = meta.period, False
                year = int(period[:4])
                change = rec[change_col].strip() if change_col is not None else None
                name = names.get(code)
                if name is None and name_col is not None and level in ("land", "gemeente"):
                    name = rec[name_col].strip() or None  # Gemeentenaam names the gemeente itself
                area = AreaRecord(code, year, name, level, gemeente_of(code), wijk_of(code),
                                  None if change in (None, "", ".") else change)
                values, statuses = [], []
                for i in value_cols:
                    try:
                        value, status = parse_number(rec[i])
                    except CellError as e:
                        report.error("wrong-type", path.name, line, header[i], f"{e}.",
                                     "Expected a number, '.' (suppressed) or an empty cell; correct the value.")
                        value, status = None, "missing"
                    if provisional and status == VALUE:
                        status = PROVISIONAL
                    values.append(value)
                    statuses.append(status)
                dims = tuple((header[i], rec[i].strip()) for i in dim_cols)
                yield SourceRow(line, area, period, dims, values, statuses)

    return SourceTable(meta, topics, rows(), report)
