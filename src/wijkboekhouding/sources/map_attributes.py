"""Readers for the attribute tables of CBS's Wijk- en buurtkaart (parquet and dbf).

One row per area of one level; the level follows from the most specific code column
(``buurtcode``/``BU_CODE``, ``wijkcode``/``WK_CODE``, ``gemeentecode``/``GM_CODE``).
Column names are the topic keys (snake_case in the 2024 release, ``AANT_INW`` style in
the older dbf files).  CBS writes sentinels instead of empty cells: ``-99997`` (secret),
``-99995`` (not available) and ``-99999999`` (older releases) are suppressed values; a NaN
is missing.  Water parts of an area (``water = JA``) and Belgian territory (``B``) are
separate rows without figures and are skipped.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import SourceError
from .cells import CellError, parse_value
from .records import MISSING, SUPPRESSED, SourceMeta, SourceRow, SourceTable, Topic, number_topics
from .report import Report
from .statline_csv import AreaFinder
from .typed_csv import WRONG_TYPE_FIX

SENTINELS = {-99997.0, -99995.0, -99999999.0}
CODE_NAME_KEYS = (("buurtcode", "buurtnaam"), ("wijkcode", "wijknaam"), ("gemeentecode", "gemeentenaam"))
CHANGE_KEYS = ("indelingswijziging_wijken_en_buurten", "ind_wbi")
DBF_ALIASES = {"bu_code": "buurtcode", "bu_naam": "buurtnaam", "wk_code": "wijkcode", "wk_naam": "wijknaam",
               "gm_code": "gemeentecode", "gm_naam": "gemeentenaam"}
SKIPPED_WATER = {"JA", "B"}
NOT_TOPICS = {"water", "jrstatcode", "jaar", "meest_voorkomende_postcode", "dekkingspercentage", "id", "fid",
              "geometry",
              "buurtcode", "buurtnaam", "wijkcode", "wijknaam", "gemeentecode", "gemeentenaam",
              "bu_code", "bu_naam", "wk_code", "wk_naam", "gm_code", "gm_naam", "pv_code", "pv_naam",
              *CHANGE_KEYS}


class _Columns:
    def __init__(self, file: str, names: list[str], numeric: set[str]):
        lower = {DBF_ALIASES.get(n.lower(), n.lower()): n for n in names}
        self.code = self.name = None
        for code_key, name_key in CODE_NAME_KEYS:
            if code_key in lower:
                self.code, self.name = lower[code_key], lower.get(name_key)
                break
        if self.code is None:
            raise SourceError(f"{file}: found no buurtcode, wijkcode or gemeentecode column (BU_CODE, WK_CODE, "
                              "GM_CODE in dbf files); is this a Wijk- en buurtkaart attribute table?")
        self.change = next((lower[k] for k in CHANGE_KEYS if k in lower), None)
        self.water = lower.get("water")
        self.year = lower.get("jaar")
        self.values = [n for n in names if n in numeric and n.lower() not in NOT_TOPICS]
        self.topics = number_topics([Topic(key=n) for n in self.values])


def _cell(report, file, line, column, cell):
    try:
        value, status = parse_value(cell)
    except CellError as e:
        report.error("wrong-type", file, line, column, f"{e}.", WRONG_TYPE_FIX)
        return None, MISSING
    if value in SENTINELS:
        return None, SUPPRESSED
    return value, status


def _table(file: str, cols: _Columns, records, meta: SourceMeta, report: Report) -> SourceTable:
    def rows():
        finder = AreaFinder(file, report, None, cols.code)
        water = 0
        for line, rec in records:
            if cols.water and str(rec.get(cols.water) or "").strip().upper() in SKIPPED_WATER:
                water += 1
                continue
            year_cell = rec.get(cols.year) if cols.year else None
            period = str(int(year_cell)) if year_cell else meta.period
            change = rec.get(cols.change) if cols.change else None
            name = rec.get(cols.name) if cols.name else None
            area = finder.by_code(line, str(rec.get(cols.code) or ""), (name or "").strip() or None, int(period),
                                  None if change is None else str(change).strip(), cols.code)
            if area is None:
                continue
            values, statuses = [], []
            for key in cols.values:
                value, status = _cell(report, file, line, key, rec.get(key))
                values.append(value)
                statuses.append(status)
            yield SourceRow(line, area, period, (), values, statuses)
        if water:
            report.info("water-rows", file, None, cols.water,
                        f"{water} rows for water or foreign territory (water = JA or B) carry no figures "
                        "and were skipped.")

    if not meta.period and cols.year is None:
        report.error("no-period", file, 1, None, "the file has no jaar column and no year was given.",
                     "Pass --year with the map's year.")
        return SourceTable(meta, cols.topics, iter(()), report)
    return SourceTable(meta, cols.topics, rows(), report)


def read_parquet(path: str | Path, meta: SourceMeta, report: Report | None = None) -> SourceTable:
    import pyarrow.parquet as pq
    import pyarrow.types as pt

    path = Path(path)
    report = report or Report()
    schema = pq.read_schema(path)
    numeric = {f.name for f in schema if pt.is_integer(f.type) or pt.is_floating(f.type)}
    cols = _Columns(path.name, list(schema.names), numeric)

    def records():
        parquet = pq.ParquetFile(path)
        try:
            line = 1
            for batch in parquet.iter_batches(batch_size=4096):
                for rec in batch.to_pylist():
                    line += 1
                    yield line, rec
        finally:
            parquet.close()

    return _table(path.name, cols, records(), meta, report)


def dbf_encoding(path: Path, report: Report) -> str:
    """The text encoding of a dbf file: its ``.cpg`` sidecar, else UTF-8 when every text
    field decodes as UTF-8, else Windows-1252 (with a warning)."""
    from dbfread import DBF

    cpg = path.with_suffix(".cpg")
    if cpg.exists():
        return cpg.read_text(encoding="ascii").strip() or "utf-8"
    table = DBF(path, raw=True, load=False)
    text_fields = [f.name for f in table.fields if f.type == "C"]
    try:
        for rec in table:
            for name in text_fields:
                rec[name].decode("utf-8")
    except UnicodeDecodeError:
        report.warning("encoding", path.name, None, None,
                       "the file is not UTF-8 and has no .cpg file; it was read as Windows-1252 (cp1252).",
                       "Check that names with accents (Súdwest-Fryslân) look right.")
        return "cp1252"
    return "utf-8"


def read_dbf(path: str | Path, meta: SourceMeta, report: Report | None = None) -> SourceTable:
    from dbfread import DBF

    path = Path(path)
    report = report or Report()
    encoding = dbf_encoding(path, report)
    table = DBF(path, encoding=encoding, load=False)
    numeric = {f.name for f in table.fields if f.type in "NFIBO"}
    cols = _Columns(path.name, list(table.field_names), numeric)

    def records():
        for line, rec in enumerate(DBF(path, encoding=encoding, load=False), start=2):
            yield line, rec

    return _table(path.name, cols, records(), meta, report)
