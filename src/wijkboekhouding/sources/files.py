"""Opening a downloaded CBS file: detect its layout and hand it to the right reader.

Layouts: TypedDataSet CSV dumps (``typed_csv``), StatLine CSV exports (current
``;``-quoted layout and the older "met statistische symbolen" layout), KWB
spreadsheets/CSVs, and the Wijk- en buurtkaart attribute tables (parquet, dbf).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..errors import SourceError
from .records import CBS_ATTRIBUTION, SourceMeta, SourceTable
from .typed_csv import read_typed_csv

_TABLE_ID = re.compile(r"(\d{5}[A-Z]{3}|\d{5}ned)", re.IGNORECASE)


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def table_id_from_name(path: Path) -> str | None:
    m = _TABLE_ID.search(path.name)
    return m.group(1).upper() if m else None


def detect_layout(path: Path) -> str:
    """One of 'typed-csv', 'statline-csv', 'statline-csv-symbols', 'parquet', 'dbf', 'xlsx'."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return "parquet"
    if suffix == ".dbf":
        return "dbf"
    if suffix in (".xlsx", ".xls"):
        return "xlsx"
    with path.open("rb") as f:
        head = f.read(4096)
    text = head.decode("utf-8-sig", errors="replace")
    first = text.splitlines()[0] if text else ""
    if first.startswith('"') and ";" in first:
        return "statline-csv"
    if first.startswith("ID,") or ",WijkenEnBuurten," in first or ",RegioS," in first:
        return "typed-csv"
    raise SourceError(
        f"{path}: cannot tell which CBS layout this file has (first line: {first[:80]!r}). "
        "Expected a StatLine CSV export or a TypedDataSet CSV; see docs/sources.md")


def open_cbs_file(path: str | Path, catalogue, table_id: str | None = None, year: int | None = None
                  ) -> tuple[SourceTable, str]:
    """Return the file's records and its content hash.  Raises SourceError when the file
    cannot be read at all."""
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{path}: no such file")
    table_id = table_id or table_id_from_name(path)
    if not table_id:
        raise SourceError(f"{path}: cannot tell which CBS table this is; pass --table (e.g. --table 83765NED)")
    family = catalogue.family_of(table_id)
    if year is None and family is not None:
        year = family.year_of(table_id)
    title = family.title if family else table_id
    if family and year:
        title = f"{family.title} {year}"
    meta = SourceMeta(
        table_id=table_id.upper() if table_id[-3:].isalpha() else table_id,
        title=title,
        url=f"https://opendata.cbs.nl/statline/#/CBS/nl/dataset/{table_id}/table",
        file_name=path.name,
        period=str(year) if year else "",
    )
    layout = detect_layout(path)
    if layout == "typed-csv":
        return read_typed_csv(path, meta), file_hash(path)
    raise SourceError(f"{path}: layout {layout!r} is not supported yet")


__all__ = ["open_cbs_file", "detect_layout", "file_hash", "CBS_ATTRIBUTION"]
