"""Opening a downloaded CBS file: detect its layout and hand it to the right reader.

Layouts (see docs/sources.md): TypedDataSet dumps as CSV (``typed_csv``) or JSON records
(``typed_json``), StatLine CSV exports (the current ``;``-quoted layout and the older
"met statistische symbolen" layout, ``statline_csv``), KWB spreadsheets and their CSVs
(``kwb_sheet``), the Wijk- en buurtkaart attribute tables (parquet, dbf:
``map_attributes``), and CBS's "Gemeenten alfabetisch" list (``gemeentelijst``).

Text files are UTF-8 (a byte-order mark is stripped); a file that is not valid UTF-8 is
read as Windows-1252 with an ``encoding`` warning in the report.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
from pathlib import Path

from ..errors import SourceError
from .gemeentelijst import is_gemeentelijst_header
from .kwb_sheet import is_kwb_sheet_header, read_kwb_sheet
from .map_attributes import read_dbf, read_parquet
from .records import CBS_ATTRIBUTION, SourceMeta, SourceTable
from .report import Report
from .statline_csv import ResolveName, read_statline_csv, read_statline_symbols_csv
from .typed_csv import read_typed_csv
from .typed_json import read_typed_json

_TABLE_ID = re.compile(r"(\d{5}[A-Z]{3}|\d{5}ned)", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(19[89]\d|20[0-4]\d)(?!\d)")
_MAP_VERSION = re.compile(r"[_-]v(?:ersie)?[_-]?(\d)(?![\d])", re.IGNORECASE)
KWB_FAMILY = "kwb"
UTF8, CP1252 = "utf-8-sig", "cp1252"
LAYOUTS = ("typed-csv", "typed-json", "statline-csv", "statline-csv-symbols", "kwb-sheet", "parquet", "dbf",
           "gemeentelijst")


def file_hash(path: Path) -> str:
    return _scan(path)[0]


def _scan(path: Path) -> tuple[str, bool]:
    """The file's SHA-256 and whether it is valid UTF-8, in one pass."""
    h = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return h.hexdigest(), utf8


def text_encoding(path: Path) -> str:
    """``utf-8-sig`` (a byte-order mark is stripped) or, when the bytes are not UTF-8, ``cp1252``."""
    return UTF8 if _scan(path)[1] else CP1252


def table_id_from_name(path: Path) -> str | None:
    m = _TABLE_ID.search(path.name)
    return m.group(1).upper() if m else None


def year_from_text(text: str) -> int | None:
    m = _YEAR.search(text)
    return int(m.group(1)) if m else None


def _head_lines(path: Path, encoding: str, n: int = 8) -> list[str]:
    with open(path, encoding=encoding, errors="replace", newline="") as f:
        lines = []
        for line in f:
            lines.append(line.rstrip("\r\n"))
            if len(lines) >= n:
                break
    return lines


def detect_layout(path: Path, encoding: str = UTF8) -> str:
    """One of :data:`LAYOUTS`; raises SourceError for a file that is none of them."""
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return "parquet"
    if suffix == ".dbf":
        return "dbf"
    if suffix == ".xlsx":
        return "kwb-sheet"
    if suffix == ".xls":
        raise SourceError(f"{path.name}: the old binary .xls format cannot be read; open it in a spreadsheet "
                          "program and save it as .xlsx (or as CSV with ';' separators), then import that file.")
    lines = _head_lines(path, encoding)
    first = lines[0] if lines else ""
    if suffix == ".json" or first.lstrip().startswith(("[", "{")):
        return "typed-json"
    if first.startswith('"'):
        fields = next(csv.reader([first], delimiter=";"))
        if len(fields) > 1 or ";" in first:
            return "statline-csv"  # the reader reports malformed quoting itself
        if any(line.rstrip(";").endswith('"Onderwerp"') for line in lines[1:]):
            return "statline-csv-symbols"
        if '","' in first or '"\t"' in first:
            separator = "','" if '","' in first else "a tab"
            raise SourceError(
                f"{path.name}: the fields are separated by {separator}, but StatLine CSV exports use ';' "
                "(the file was probably re-saved by a spreadsheet program). Download it from StatLine again, "
                "or save it as CSV with ';' as the separator.")
    plain = first.split(";") if first.count(";") > first.count(",") else first.split(",")
    if first.startswith("ID,") or any(f",{k}," in first for k in ("WijkenEnBuurten", "RegioS", "Regio")):
        return "typed-csv"
    if first.startswith("ID;"):
        raise SourceError(f"{path.name}: the fields are separated by ';', but TypedDataSet CSV dumps use ','. "
                          "Save the file with ',' as the separator, or import the original download.")
    if is_kwb_sheet_header(plain):
        return "kwb-sheet"
    if is_gemeentelijst_header(plain):
        return "gemeentelijst"
    raise SourceError(
        f"{path.name}: not a CBS layout this program reads (first line: {first[:80]!r}). Expected a StatLine CSV "
        "export, a TypedDataSet CSV or JSON dump, a KWB spreadsheet, a Wijk- en buurtkaart table "
        "(.parquet, .dbf) or the Gemeenten alfabetisch list; see docs/sources.md.")


def _guess_table(catalogue, path: Path, layout: str, year: int | None, encoding: str
                 ) -> tuple[str | None, int | None]:
    """Table id and year from the file itself: the title line or the file name names a
    catalogue family ("Kerncijfers wijken en buurten 2024"); KWB spreadsheets and map
    tables belong to the KWB family of their year."""
    texts = [path.stem.replace("_", " ")]
    if layout == "statline-csv-symbols":
        texts.insert(0, _head_lines(path, encoding, 1)[0].strip('"'))
    for text in texts:
        for family in catalogue.tables.values():
            if family.title.lower() in text.lower():
                y = year or year_from_text(text)
                if y in family.ids:
                    return family.ids[y], y
    if layout in ("kwb-sheet", "parquet", "dbf") and KWB_FAMILY in catalogue.tables:
        y = year or year_from_text(path.stem)
        ids = catalogue.tables[KWB_FAMILY].ids
        if y in ids:
            return ids[y], y
    return None, year


def open_cbs_file(path: str | Path, catalogue, table_id: str | None = None, year: int | None = None,
                  resolve_name: ResolveName | None = None) -> tuple[SourceTable, str]:
    """Return the file's records and its content hash.  Raises SourceError when the file
    cannot be read at all.  ``resolve_name(name, gemeente_name, level) -> code | None``
    finds areas in files that name them without codes (the workspace's warehouse
    provides one: ``statline_csv.AreaNames``)."""
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{path}: no such file")
    content_hash, utf8 = _scan(path)
    encoding = UTF8 if utf8 else CP1252
    report = Report()
    layout = detect_layout(path, encoding)
    if layout == "gemeentelijst":
        raise SourceError(f"{path.name}: this is CBS's list of gemeenten and provincies, not a table of figures; "
                          "import it with 'wijkboekhouding import cbs --file', which fills the provincie "
                          "of each gemeente.")
    if not utf8 and layout not in ("parquet", "dbf") and path.suffix.lower() != ".xlsx":
        report.warning("encoding", path.name, None, None,
                       "the file is not UTF-8; it was read as Windows-1252 (cp1252).",
                       "Check that names with accents (Súdwest-Fryslân) look right; "
                       "save the file as UTF-8 to silence this.")
    table_id = table_id or table_id_from_name(path)
    if not table_id:
        table_id, year = _guess_table(catalogue, path, layout, year, encoding)
    if not table_id:
        raise SourceError(f"{path.name}: cannot tell which CBS table this is; pass --table (e.g. --table 83765NED)")
    family = catalogue.family_of(table_id)
    if year is None and family is not None:
        year = family.year_of(table_id)
    title = family.title if family else table_id
    if family and year:
        title = f"{family.title} {year}"
    if layout in ("parquet", "dbf") and year:
        version = _MAP_VERSION.search(f"{path.parent.name} {path.stem}")
        title = f"Wijk- en buurtkaart {year}" + (f" versie {version.group(1)}" if version else "")
    table_id = table_id.upper() if table_id[-3:].isalpha() else table_id
    meta = SourceMeta(
        table_id=table_id,
        title=title,
        url=f"https://opendata.cbs.nl/statline/#/CBS/nl/dataset/{table_id}/table",
        file_name=path.name,
        period=str(year) if year else "",
    )
    if layout == "typed-csv":
        table = read_typed_csv(path, meta, encoding=encoding, report=report)
    elif layout == "typed-json":
        table = read_typed_json(path, meta, report=report)
    elif layout == "statline-csv":
        table = read_statline_csv(path, meta, encoding, resolve_name, report)
    elif layout == "statline-csv-symbols":
        table = read_statline_symbols_csv(path, meta, encoding, resolve_name, report)
    elif layout == "kwb-sheet":
        table = read_kwb_sheet(path, meta, encoding, report)
    elif layout == "parquet":
        table = read_parquet(path, meta, report)
    else:
        table = read_dbf(path, meta, report)
    return table, content_hash


__all__ = ["open_cbs_file", "detect_layout", "file_hash", "CBS_ATTRIBUTION", "LAYOUTS"]
