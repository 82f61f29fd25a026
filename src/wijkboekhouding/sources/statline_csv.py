"""Readers for the CSV files StatLine's "Downloaden" button writes.

Current layout ("CSV"): ``;``-separated, every text field quoted, UTF-8 with BOM, CRLF; the
header holds title paths with the unit in brackets (``Bevolking/Aantal inwoners
(aantal)``); numbers use a decimal comma; names are space-padded; ``.`` = not available.
The first column names the area; KWB exports may add ``Regioaanduiding/Codering (code)``
(the area code), ``…/Gemeentenaam (naam)``, ``…/Soort regio (omschrijving)`` and
``…/Indelingswijziging gemeente, wijk, buurt (code)``.  Columns without a unit are
dimensions (``Populatie``, ``Kenmerken van huishoudens``), ``Perioden`` holds labels
such as ``2024*`` (provisional).

Older layout ("CSV met statistische symbolen"): a title line, a blank line, a line
``"";"Onderwerp"``, a line of ``|``-separated topic paths, a line with the dimension
names and the units, all values quoted, and a footer ``"Bron: CBS"``.

Topic key = the header text (``path (unit)``, whitespace collapsed); path = the header
without the unit.  Without a code column, areas are found by name through
``resolve_name(name, gemeente_name, level) -> code | None``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Callable, Iterable

from .cells import CellError, area_code, parse_number
from .periods import PeriodError, normalise_period
from .records import (AreaRecord, MISSING, PROVISIONAL, VALUE, SourceMeta, SourceRow, SourceTable, Topic,
                      gemeente_of, level_of, number_topics, wijk_of)
from .report import Report
from .typed_csv import WRONG_TYPE_FIX, unknown_area

REGION_NAME_HEADERS = {"wijken en buurten", "regio's", "regio’s", "regio", "gemeenten", "regio-indeling"}
PERIOD_HEADER = "perioden"
AREA_KEY_PREFIX = "regioaanduiding/"
LEVEL_LABELS = {"land": "land", "landsdeel": None, "provincie": "provincie", "gemeente": "gemeente",
                "wijk": "wijk", "buurt": "buurt"}
_UNIT = re.compile(r"^(.*?)\s*\(([^()]*)\)$")
# StatLine tells namesakes apart by a suffix: "Utrecht (gemeente)", "Utrecht (PV)",
# "Groot-Amsterdam (CR)"; the groupings (CR, LD, ...) are not kept.
_NAME_SUFFIX = re.compile(r"^(.*?)\s*\((gemeente|PV|CR|COROP|LD|AM|GGD|JZ|VR|RES|ES)\)$")
SUFFIX_LEVELS = {"gemeente": "gemeente", "PV": "provincie"}

ResolveName = Callable[[str, "str | None", "str | None"], "str | None"]


def collapse(text: str) -> str:
    """Single spaces: headers carry newlines, double and non-breaking spaces."""
    return " ".join(text.split())


def split_unit(header: str) -> tuple[str, str]:
    """``Bevolking/Aantal inwoners (aantal)`` -> (``Bevolking/Aantal inwoners``, ``aantal``)."""
    m = _UNIT.match(header)
    return (m.group(1).strip(), m.group(2).strip()) if m else (header, "")


def name_key(name: str) -> str:
    return collapse(name).casefold()


class AreaNames:
    """Finds area codes by name in a list of known areas (the workspace's warehouse).

    Wijk and buurt codes change with the indeling, so they are matched in the file's year
    only; gemeente and land names in any year (their codes are never reused).  Call it
    as ``resolve_name(name, gemeente_name, level)``; readers use :meth:`candidates` to
    choose between namesakes by the file's row order.
    """

    def __init__(self, areas: Callable[[], Iterable]):
        self._areas = areas
        self._index: dict | None = None
        self._gemeenten: dict | None = None
        self._known: set = set()

    def _load(self) -> None:
        index: dict[str, list] = {}
        gemeenten: dict[str, set] = {}
        for a in self._areas():
            if not a.name:
                continue
            index.setdefault(name_key(a.name), []).append((a.code, a.year))
            if a.level == "gemeente":
                gemeenten.setdefault(name_key(a.name), set()).add(a.code)
        self._index, self._gemeenten = index, gemeenten
        self._known = {pair for pairs in index.values() for pair in pairs}

    def known(self, code: str, year: int) -> bool:
        """Whether the warehouse holds ``code`` in ``year`` (not only in another year)."""
        if self._index is None:
            self._load()
        return (code, year) in self._known

    def candidates(self, name: str, gemeente_name: str | None = None, level: str | None = None,
                   year: int | None = None) -> list[str]:
        if self._index is None:
            self._load()
        found = self._index.get(name_key(name), [])
        if level:
            found = [(c, y) for c, y in found if level_of(c) == level]
        if gemeente_name:
            gms = self._gemeenten.get(name_key(gemeente_name), set())
            found = [(c, y) for c, y in found if level_of(c) == "land" or gemeente_of(c) in gms]
        codes = []
        for code, y in found:
            stable = level_of(code) in ("land", "provincie", "gemeente")
            if (year is None or y == year or stable) and code not in codes:
                codes.append(code)
        return codes

    def __call__(self, name: str, gemeente_name: str | None = None, level: str | None = None) -> str | None:
        codes = self.candidates(name, gemeente_name, level)
        return codes[0] if len(codes) == 1 else None


class AreaFinder:
    """Turns a row's region cells into an :class:`AreaRecord`, or reports why it cannot.

    Files without codes list areas in CBS order (gemeente, then each wijk followed by its
    buurten); when a name fits several areas (wijk Delfshaven and its buurt Delfshaven),
    the one that fits that order and was not used yet is taken, and of namesakes in one
    wijk the lowest code (CBS lists areas in code order).
    """

    def __init__(self, file: str, report: Report, resolve_name: ResolveName | None, region_header: str):
        self.file, self.report, self.resolve_name = file, report, resolve_name
        self.region_header = region_header
        self.may_hold_subareas = region_header.casefold() == "wijken en buurten"
        self.gemeente = self.wijk = None
        self.used: set = set()
        self.found = self.unresolved = 0

    def by_code(self, line: int, raw_code: str, name: str | None, year: int, change: str | None,
                column: str) -> AreaRecord | None:
        code, level = area_code(raw_code)
        if level is None:
            if code:
                unknown_area(self.report, self.file, line, column, code)
            return None
        return AreaRecord(code, year, name or None, level, gemeente_of(code), wijk_of(code),
                          None if change in (None, "", ".") else change)

    def by_name(self, line: int, name: str, gemeente_name: str | None, level: str | None, year: int,
                key: tuple) -> AreaRecord | None:
        m = _NAME_SUFFIX.match(name)
        if m:
            if m.group(2) not in SUFFIX_LEVELS:
                return None  # a COROP region, landsdeel ...: not kept
            name, level = m.group(1), SUFFIX_LEVELS[m.group(2)]
        code = self._resolve(name, gemeente_name, level, year, key)
        if code is None:
            self.unresolved += 1
            where = f" in gemeente {gemeente_name!r}" if gemeente_name else ""
            self.report.warning(
                "unknown-area", self.file, line, self.region_header,
                f"no single area in the warehouse is named {name!r}{where} in {year}; the row was skipped.",
                "Import a CBS file with area codes for that year first (such as the KWB table), "
                "or download the export with the 'Codering (code)' column.")
            return None
        self.found += 1
        self.used.add((code,) + key)
        level = level_of(code)
        if level == "gemeente":
            self.gemeente, self.wijk = code, None
        elif level == "wijk":
            self.gemeente, self.wijk = gemeente_of(code), code
        return AreaRecord(code, year, name, level, gemeente_of(code), wijk_of(code))

    def _resolve(self, name, gemeente_name, level, year, key) -> str | None:
        candidates = getattr(self.resolve_name, "candidates", None)
        if candidates is None:
            return self.resolve_name(name, gemeente_name, level)
        codes = [c for c in candidates(name, gemeente_name, level, year) if (c,) + key not in self.used]
        if not gemeente_name and self.gemeente:
            inside = [c for c in codes if gemeente_of(c) == self.gemeente or level_of(c) in ("land", "gemeente")]
            codes = inside or codes
            if self.may_hold_subareas and hasattr(self.resolve_name, "known"):
                # "Waterland" after Amsterdam's rows is one of its buurten, not the gemeente
                # Waterland, unless the warehouse knows that gemeente in the file's year.
                codes = [c for c in codes if level_of(c) != "gemeente" or c == self.gemeente
                         or self.resolve_name.known(c, year)]
        if len(codes) <= 1:
            return codes[0] if codes else None
        rules = (lambda c: level_of(c) == "buurt" and wijk_of(c) == self.wijk,
                 lambda c: level_of(c) == "wijk" and gemeente_of(c) == self.gemeente,
                 lambda c: level_of(c) == "gemeente" and c != self.gemeente)
        for rule in rules:
            hits = sorted(c for c in codes if rule(c))
            if hits:
                return hits[0]  # namesakes in one wijk: CBS lists them in code order
        return None

    def finish(self, file: str) -> None:
        """After the last row: a file none of whose names is known imports nothing."""
        if self.unresolved and not self.found:
            self.report.error(
                "no-known-areas", file, None, self.region_header,
                f"none of the {self.unresolved} area names in the file is known in the warehouse.",
                "Import a CBS file with area codes for the same year first (such as the KWB table), "
                "or download the export with the 'Codering (code)' column.")


def _cell(report: Report, file: str, line: int, column: str, text: str, provisional: bool):
    try:
        value, status = parse_number(text, decimal_comma=True)
    except CellError as e:
        report.error("wrong-type", file, line, column, f"{e}.", WRONG_TYPE_FIX)
        return None, MISSING
    if provisional and status == VALUE:
        status = PROVISIONAL
    return value, status


class _Columns:
    """Which header column is which, for both layouts."""

    def __init__(self, headers: list[str], units: list[str] | None = None):
        self.headers = [collapse(h) for h in headers]
        self.region = self.code = self.gemeente = self.level = self.change = self.period = None
        self.dims: list[int] = []
        self.values: list[int] = []
        topics = []
        for i, h in enumerate(self.headers):
            low = h.casefold()
            if low in REGION_NAME_HEADERS and self.region is None:
                self.region = i
            elif low == PERIOD_HEADER:
                self.period = i
            elif low.startswith(AREA_KEY_PREFIX):
                field = low[len(AREA_KEY_PREFIX):]
                if field.startswith("codering"):
                    self.code = i
                elif field.startswith("gemeentenaam"):
                    self.gemeente = i
                elif field.startswith("soort regio"):
                    self.level = i
                elif field.startswith("indelingswijziging"):
                    self.change = i
            else:
                path, unit = split_unit(h) if units is None else (h, collapse(units[i]))
                if units is None and not unit:
                    self.dims.append(i)
                    continue
                self.values.append(i)
                key = h if units is None else f"{path} ({unit})" if unit else path
                topics.append(Topic(key=key, title=path.split("/")[-1], path=path, unit=unit))
        self.topics = number_topics(topics)


def _header_problem(header: list[str]) -> str | None:
    if len(header) == 1 and ";" in header[0]:
        return ("malformed quoting: the header is a single quoted field that contains the separators "
                f"(it starts {header[0][:40]!r}); the quotes around each field were doubled, "
                "as happens when a CSV is re-saved by a spreadsheet program.")
    return None


def read_statline_csv(path: str | Path, meta: SourceMeta, encoding: str = "utf-8-sig",
                      resolve_name: ResolveName | None = None, report: Report | None = None) -> SourceTable:
    """Read a StatLine CSV export in the current layout."""
    path = Path(path)
    report = report or Report()
    file = path.name
    with open(path, encoding=encoding, newline="") as f:
        header = next(csv.reader(f, delimiter=";"), [])
    problem = _header_problem(header)
    if problem:
        report.error("malformed-quoting", file, 1, None, problem,
                     "Download the table from StatLine again, or replace every \"\" by \" in a text editor.")
        return SourceTable(meta, [], iter(()), report)
    cols = _Columns(header)
    if not _check_columns(cols, report, file, resolve_name, meta):
        return SourceTable(meta, cols.topics, iter(()), report)

    def records():
        with open(path, encoding=encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=";", strict=True)
            next(reader, None)
            line = 1
            try:
                for line, rec in enumerate(reader, start=2):
                    yield line, rec
            except csv.Error as e:
                report.error("malformed-quoting", file, line + 1, None,
                             f"malformed quoting: {e} (a quote inside a quoted field must be doubled).",
                             "Download the table from StatLine again; do not re-save it in a spreadsheet program.")

    return SourceTable(meta, cols.topics, _rows(file, cols, records(), meta, report, resolve_name), report)


def read_statline_symbols_csv(path: str | Path, meta: SourceMeta, encoding: str = "utf-8-sig",
                              resolve_name: ResolveName | None = None, report: Report | None = None
                              ) -> SourceTable:
    """Read the older "CSV met statistische symbolen" layout."""
    path = Path(path)
    report = report or Report()
    file = path.name
    with open(path, encoding=encoding, newline="") as f:
        lines = list(csv.reader(f, delimiter=";"))
    # title, blank, "";"Onderwerp", paths, dimension names + units
    head = [i for i, rec in enumerate(lines[:10]) if rec and rec[-1].strip() == "Onderwerp"]
    if not head or head[0] + 2 >= len(lines):
        report.error("not-a-statline-csv", file, 1, None,
                     "the file has no \"Onderwerp\" line, so it is not a StatLine \"CSV met statistische symbolen\".",
                     "Download the table from StatLine again; see docs/sources.md for the layouts read.")
        return SourceTable(meta, [], iter(()), report)
    paths_line, units_line = lines[head[0] + 1], lines[head[0] + 2]
    n_dims = next((i for i, p in enumerate(paths_line) if p.strip()), len(paths_line))
    headers = units_line[:n_dims] + [p.replace("|", "/") for p in paths_line[n_dims:]]
    units = [""] * n_dims + units_line[n_dims:]
    cols = _Columns(headers, units)
    if not _check_columns(cols, report, file, resolve_name, meta):
        return SourceTable(meta, cols.topics, iter(()), report)
    first_data = head[0] + 3

    def records():
        for n, rec in enumerate(lines[first_data:], start=first_data + 1):
            if len(rec) <= 1 and (not rec or not rec[0].strip() or rec[0].strip().startswith("Bron")):
                continue  # blank lines and the footer "Bron: CBS"
            yield n, rec

    return SourceTable(meta, cols.topics, _rows(file, cols, records(), meta, report, resolve_name), report)


def _check_columns(cols: _Columns, report: Report, file: str, resolve_name, meta: SourceMeta) -> bool:
    if cols.region is None and cols.code is None:
        report.error("no-region-column", file, 1, None,
                     "found no region column (\"Wijken en buurten\", \"Regio's\" or \"Regioaanduiding/Codering\").",
                     "Download the table with its region dimension.")
        return False
    if not cols.values:
        report.error("no-topics", file, 1, None, "the header has no topic columns with a unit, such as "
                     "\"Bevolking/Aantal inwoners (aantal)\".", "Download the table with at least one topic.")
        return False
    if cols.code is None and resolve_name is None:
        report.error("no-area-codes", file, 1, cols.headers[cols.region],
                     "the file names its areas without codes, and no list of area names was given to find them.",
                     "Import it into a workspace (wijkboekhouding import cbs --file) that already holds the areas, "
                     "or download the export with the 'Codering (code)' column.")
        return False
    if cols.period is None and not meta.period:
        report.error("no-period", file, 1, None, "the file has no Perioden column and no period was given.",
                     "Pass --year with the table's year.")
        return False
    return True


def _rows(file: str, cols: _Columns, records, meta: SourceMeta, report: Report, resolve_name):
    width = len(cols.headers)
    region_header = cols.headers[cols.code if cols.code is not None else cols.region]
    finder = AreaFinder(file, report, resolve_name, region_header)
    for line, rec in records:
        if len(rec) != width:
            report.error("wrong-field-count", file, line, None, f"has {len(rec)} fields where the header has {width}.",
                         "Check the quoting of this row; the file may be cut off or edited by hand.")
            continue
        if cols.period is not None:
            try:
                period, provisional = normalise_period(rec[cols.period])
            except PeriodError as e:
                report.error("bad-period", file, line, cols.headers[cols.period], f"{e}.", "Fix the period.")
                continue
        else:
            period, provisional = meta.period, False
        year = int(period[:4])
        dims = tuple((cols.headers[i], collapse(rec[i])) for i in cols.dims)
        name = collapse(rec[cols.region]) if cols.region is not None else None
        if cols.code is not None:
            change = rec[cols.change].strip() if cols.change is not None else None
            area = finder.by_code(line, rec[cols.code], name, year, change, region_header)
        else:
            if all(not rec[i].strip() for i in cols.values):
                continue  # a discontinued area listed without figures
            gemeente_name = collapse(rec[cols.gemeente]) if cols.gemeente is not None else None
            level = LEVEL_LABELS.get(collapse(rec[cols.level]).lower()) if cols.level is not None else None
            area = finder.by_name(line, name, gemeente_name, level, year, (period, dims))
        if area is None:
            continue
        values, statuses = [], []
        for i in cols.values:
            value, status = _cell(report, file, line, cols.headers[i], rec[i], provisional)
            values.append(value)
            statuses.append(status)
        yield SourceRow(line, area, period, dims, values, statuses)
    finder.finish(file)
