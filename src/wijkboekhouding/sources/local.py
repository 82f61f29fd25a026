"""Reader for local datasets: a CSV or XLSX file described by a TOML meta file.

A local party (a nature society, an energy cooperative, the municipality itself)
delivers its figures in one of two layouts:

- *long*: columns ``gebied`` (or ``code``), ``periode`` (or ``jaar``), ``indicator``
  and ``waarde``, one value per row;
- *wide*: ``gebied``/``code``, ``periode``/``jaar`` and one column per indicator id.

Areas are CBS codes or unambiguous area names (resolved with an :class:`AreaLookup`
built from the warehouse); periods are years (``2023``) or CBS period codes
(``2023JJ00``).  CSV files may use ``;`` or ``,``, UTF-8 (with or without BOM) or
cp1252, and a decimal comma.  Every problem goes into the table's report; an unknown
area is a warning (the row is skipped), everything else wrong is an error.

Unlike the CBS readers this one reads the whole file up front: local files are small,
and the importer hashes the normalised rows to tell a changed file from the same one.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..catalogue import THEMES, Catalogue, Indicator, parse_catalogue
from ..errors import CatalogueError, SourceError
from .cells import MARKERS, CellError
from .periods import PeriodError, normalise_period
from .records import (MISSING, PROVISIONAL, VALUE, AreaRecord, SourceMeta, SourceRow, SourceTable, Topic,
                      gemeente_of, level_of, normalise_area_code, wijk_of)
from .report import Report

AREA_COLUMNS = ("code", "gebiedscode", "gebied")
PERIOD_COLUMNS = ("periode", "jaar")
INDICATOR_COLUMN, VALUE_COLUMN = "indicator", "waarde"
IGNORED_COLUMNS = ("naam", "opmerking", "toelichting")
VALUE_TOPIC = Topic(key=VALUE_COLUMN)

META_KEYS = ("title", "publisher", "licence", "contact", "theme", "description", "slug", "reports", "indicator")
REQUIRED_META = {
    "title": 'title = "Bomentelling Spijkerkwartier"',
    "publisher": 'publisher = "Natuurvereniging Arnhem"',
    "licence": 'licence = "CC BY 4.0"',
    "theme": 'theme = "groen"',
}
INDICATOR_KEYS = ("id", "theme", "nl", "en", "unit", "decimals", "kind", "aggregation", "base", "reason",
                  "description")
REQUIRED_INDICATOR = {
    "id": 'id = "bomen_geteld"',
    "nl": 'nl = "Bomen geteld"',
    "kind": 'kind = "count" (count, share, average or amount)',
    "aggregation": 'aggregation = "sum" (sum, weighted_mean, share or none)',
}
_INDICATOR_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


# -- the meta file ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalMeta:
    """What a meta file says about its dataset."""

    path: Path
    title: str
    publisher: str
    licence: str
    theme: str
    slug: str
    contact: str = ""
    description: str = ""
    reports: tuple[str, ...] = ()  # CBS catalogue indicator ids this dataset reports values for
    indicators: tuple[Indicator, ...] = ()  # new local indicators

    @property
    def key(self) -> str:
        return f"local:{self.slug}"

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.indicators) + self.reports


def slugify(text: str) -> str:
    """``Bomentelling Spijkerkwartier 2023`` -> ``bomentelling-spijkerkwartier-2023``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    options = sorted(options)
    close = [o for o in options if word and o.startswith(word)]
    close = close or difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def read_meta(path: str | Path, catalogue: Catalogue) -> LocalMeta:
    """Read and check a meta file; raises SourceError naming the file and key of every problem."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise SourceError(f"{path}: no such meta file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise SourceError(f"{path}: not a valid TOML file ({e}); fix the syntax (see docs/local-data.md)") from None
    problems: list[str] = []

    for key in data:
        if key not in META_KEYS:
            problems.append(f"unknown key {key!r}{_did_you_mean(key, META_KEYS)}; "
                            f"the keys are {', '.join(META_KEYS)}")
    for key, example in REQUIRED_META.items():
        if not isinstance(data.get(key), str) or not data[key].strip():
            what = "is missing" if key not in data else "must be a non-empty text"
            problems.append(f"key {key!r} {what}; add a line such as {example}")
    for key in ("contact", "description", "slug"):
        if key in data and not isinstance(data[key], str):
            problems.append(f"key {key!r} must be a text in quotes")
    theme = data.get("theme")
    if isinstance(theme, str) and theme.strip() and theme not in THEMES:
        problems.append(f"key 'theme': {theme!r} is not a theme{_did_you_mean(theme, THEMES)}; "
                        f"use one of {', '.join(THEMES)}")

    title = data.get("title") if isinstance(data.get("title"), str) else ""
    slug = data.get("slug") if isinstance(data.get("slug"), str) else slugify(title)
    if title and not _SLUG.match(slug):
        problems.append(f"key 'slug': {slug!r} is not a slug; use lower-case letters, digits and hyphens "
                        "such as slug = \"bomentelling-spijkerkwartier\"")

    reports = data.get("reports", [])
    if not isinstance(reports, list) or not all(isinstance(r, str) for r in reports):
        problems.append('key \'reports\' must be a list of CBS indicator ids, such as reports = ["inwoners"]')
        reports = []
    for r in reports:
        if r not in catalogue.indicators:
            problems.append(f"key 'reports': {r!r} is not an indicator in the CBS catalogue"
                            f"{_did_you_mean(r, catalogue.indicators)}; define it under [[indicator]] instead")

    raw_indicators = data.get("indicator", [])
    if not isinstance(raw_indicators, list) or not all(isinstance(r, dict) for r in raw_indicators):
        problems.append("key 'indicator' must be a list of tables: write each definition under [[indicator]]")
        raw_indicators = []
    if not raw_indicators and not reports:
        problems.append("the dataset defines no indicators; add an [[indicator]] section "
                        "(or list the CBS indicators it reports under reports = [...])")
    problems += _check_indicators(raw_indicators, catalogue, theme if isinstance(theme, str) and theme else None)

    indicators: tuple[Indicator, ...] = ()
    if not problems and raw_indicators:
        filled = [{"theme": theme, "en": raw["nl"], **raw} for raw in raw_indicators]
        cbs = [_as_raw(i) for i in catalogue.indicators.values()]
        try:
            parsed = parse_catalogue({"indicators": filled + cbs}, origin="local")
        except CatalogueError as e:
            problems.append(str(e).replace("indicator #", "[[indicator]] #", 1))
        else:
            indicators = tuple(parsed.indicators[raw["id"]] for raw in raw_indicators)

    if problems:
        raise SourceError("\n".join(f"{path}: {p}" for p in problems))
    return LocalMeta(path=path, title=title.strip(), publisher=data["publisher"].strip(),
                     licence=data["licence"].strip(), theme=theme, slug=slug,
                     contact=data.get("contact", "").strip(), description=data.get("description", "").strip(),
                     reports=tuple(reports), indicators=indicators)


def _check_indicators(raw_indicators: list[dict], catalogue: Catalogue, theme: str | None) -> list[str]:
    problems = []
    seen: set[str] = set()
    local_ids = {r["id"] for r in raw_indicators if isinstance(r.get("id"), str)}
    for n, raw in enumerate(raw_indicators, start=1):
        where = f"[[indicator]] #{n}" + (f" ({raw['id']})" if isinstance(raw.get("id"), str) else "")
        for key in raw:
            if key not in INDICATOR_KEYS:
                problems.append(f"{where}: unknown key {key!r}{_did_you_mean(key, INDICATOR_KEYS)}; "
                                f"the keys are {', '.join(INDICATOR_KEYS)}")
        required = dict(REQUIRED_INDICATOR)
        if theme is None:
            required["theme"] = 'theme = "groen" (or set theme for the whole dataset)'
        for key, example in required.items():
            if key not in raw:
                problems.append(f"{where}: key {key!r} is missing; add a line such as {example}")
        base = raw.get("base")
        if base is not None and base not in local_ids and base not in catalogue.indicators:
            problems.append(f"{where}: base {base!r} is neither an indicator of this file nor of the CBS "
                            f"catalogue{_did_you_mean(str(base), list(catalogue.indicators) + list(local_ids))}; "
                            "use the id of the indicator this one is weighted by")
        ind_id = raw.get("id")
        if ind_id is None:
            continue
        if not isinstance(ind_id, str) or not _INDICATOR_ID.match(ind_id):
            problems.append(f"{where}: id {ind_id!r} is not a valid id; use lower-case letters, digits and "
                            "underscores, starting with a letter, such as id = \"bomen_geteld\"")
        elif ind_id in catalogue.indicators:
            problems.append(f"{where}: id {ind_id!r} is a CBS catalogue indicator; pick another id, or remove "
                            f"this definition and add reports = [\"{ind_id}\"] to report values for it")
        elif ind_id in seen:
            problems.append(f"{where}: id {ind_id!r} is defined twice; remove one definition")
        seen.add(ind_id)
    return problems


def _as_raw(ind: Indicator) -> dict:
    """A catalogue indicator in meta-file form, so local bases may refer to it."""
    raw = {"id": ind.id, "theme": ind.theme, "nl": ind.label_nl, "en": ind.label_en, "unit": ind.unit,
           "decimals": ind.decimals, "kind": ind.kind, "aggregation": ind.aggregation}
    if ind.base:
        raw["base"] = ind.base
    if ind.not_aggregatable_reason:
        raw["reason"] = ind.not_aggregatable_reason
    return raw


# -- areas ------------------------------------------------------------------------------------


def _name_key(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


class AreaLookup:
    """Finds an area by CBS code or by a name that only one area carries.

    Built from area objects with ``code``, ``year``, ``name``, ``level`` and
    ``gemeente_code`` (the warehouse's :class:`Area`); a reader, so it never writes.
    """

    def __init__(self, areas: Iterable):
        self.areas: dict[str, object] = {}  # code -> its latest area
        self.years: dict[str, list[int]] = {}
        self.by_name: dict[str, set[str]] = {}
        for a in areas:
            self.years.setdefault(a.code, []).append(a.year)
            latest = self.areas.get(a.code)
            if latest is None or a.year >= latest.year:
                self.areas[a.code] = a
            if a.name:
                self.by_name.setdefault(_name_key(a.name), set()).add(a.code)

    def find(self, text: str) -> tuple[str | None, list[str]]:
        """``(code, [])`` when found, ``(None, candidate codes)`` when the name is ambiguous,
        ``(None, [])`` when unknown."""
        code = normalise_area_code(text).upper()
        if level_of(code) is not None and code[2:].isdigit():
            return (code, []) if code in self.areas else (None, [])
        codes = sorted(self.by_name.get(_name_key(text), ()))
        if len(codes) == 1:
            return codes[0], []
        return None, codes

    def nearest_year(self, code: str, year: int) -> int:
        """The warehouse year of ``code`` closest to ``year`` (later wins a tie): local data for a
        year without a CBS indeling is attached to the nearest indeling, not to a new area."""
        return min(self.years[code], key=lambda y: (abs(y - year), -y))

    def describe(self, code: str) -> str:
        """``WK020202 (wijk Spijkerkwartier, gemeente Arnhem)``."""
        a = self.areas[code]
        parts = [a.level + (f" {a.name}" if a.name else "")]
        if a.gemeente_code and a.gemeente_code != code:
            gemeente = self.areas.get(a.gemeente_code)
            parts.append(f"gemeente {gemeente.name if gemeente and gemeente.name else a.gemeente_code}")
        return f"{code} ({', '.join(parts)})"

    def similar(self, text: str, n: int = 3) -> list[str]:
        """Codes of areas whose code or name looks like ``text``."""
        code = normalise_area_code(text).upper()
        hits = []
        if level_of(code) is not None and code[2:].isdigit():
            same_kind = [c for c in self.areas if len(c) == len(code) and c[:2] == code[:2]]
            hits = sorted(same_kind, key=lambda c: (-_common_prefix(c, code), abs(int(c[2:]) - int(code[2:]))))[:n]
            hits = [c for c in hits if _common_prefix(c, code) >= len(code) - 3]
        names = difflib.get_close_matches(_name_key(text), list(self.by_name), n=n, cutoff=0.75)
        for name in names:
            hits.extend(sorted(self.by_name[name]))
        return list(dict.fromkeys(hits))[:n]


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


# -- cells ------------------------------------------------------------------------------------


class AmbiguousNumberError(CellError):
    """``1.234`` in a decimal-comma file: a thousands separator or a decimal point?"""


_PLAIN_POINT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)")
_PLAIN_COMMA = re.compile(r"[+-]?\d+,\d+")
_GROUPED = [re.compile(rf"[+-]?\d{{1,3}}(?:{re.escape(t)}\d{{3}})+(?:{re.escape(d)}\d+)?")
            for t, d in ((".", ","), (",", "."), (" ", ","), (" ", "."))]
_ONE_GROUP_POINT = re.compile(r"[+-]?\d{1,3}\.\d{3}")
_ONE_GROUP_COMMA = re.compile(r"[+-]?\d{1,3},\d{3}")


def parse_local_number(cell, decimal_comma: bool = True) -> tuple[float | None, str]:
    """A local file's cell as ``(value, status)``; raises CellError for anything else.

    Accepts ``1234``, ``12,5`` and ``12.5``, Dutch ``1.234,5``, English ``1,234.5``,
    ``6 540``, and the CBS markers (``.`` suppressed, empty or ``?`` missing, ``-`` nihil).
    ``1.234`` in a decimal-comma file (and ``1,234`` in a decimal-point file) is ambiguous.
    """
    if cell is None:
        return None, MISSING
    if isinstance(cell, bool) or not isinstance(cell, (int, float, str)):
        raise CellError(f"{cell!r} is not a number")
    if not isinstance(cell, str):
        return float(cell), VALUE
    s = cell.strip().replace("\u00a0", " ").replace("\u202f", " ")
    marker = MARKERS.get(s)
    if marker is not None:
        return marker
    if (decimal_comma and _ONE_GROUP_POINT.fullmatch(s)) or (not decimal_comma and _ONE_GROUP_COMMA.fullmatch(s)):
        raise AmbiguousNumberError(f"{s!r} could be a whole number with a thousands separator or a decimal number")
    if _PLAIN_POINT.fullmatch(s):
        return float(s), VALUE
    if _PLAIN_COMMA.fullmatch(s):
        return float(s.replace(",", ".")), VALUE
    for pattern in _GROUPED:
        if pattern.fullmatch(s):
            decimal = "," if pattern in (_GROUPED[0], _GROUPED[2]) else "."
            whole, _, fraction = s.rpartition(decimal) if decimal in s else (s, "", "")
            digits = re.sub(r"[^\d+-]", "", whole)
            return float(digits + ("." + fraction if fraction else "")), VALUE
    raise CellError(f"{s!r} is not a number")


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


# -- files ------------------------------------------------------------------------------------


def _read_csv(path: Path, report: Report) -> tuple[list[tuple[int, list]], bool]:
    """Rows as ``(line, cells)`` and whether numbers use a decimal comma."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise SourceError(f"{path}: the file is neither UTF-8 nor cp1252 text; save it as CSV UTF-8 "
                              "from your spreadsheet program and import again") from None
        report.info("encoding", path.name, None, None, "the file is not UTF-8; it was read as cp1252 (Windows).",
                    "Nothing to do; saving as 'CSV UTF-8' avoids the guess.")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=first.count)
    try:
        rows = [(n, cells) for n, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter),
                                                     start=1)]
    except csv.Error as e:
        raise SourceError(f"{path}: cannot read the file as CSV ({e}); check its quotes") from None
    return rows, delimiter != ","


def _read_xlsx(path: Path) -> list[tuple[int, list]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a broken file
        raise SourceError(f"{path}: cannot open the file as an Excel workbook ({e}); "
                          "save it again as .xlsx and import again") from None
    try:
        sheet = book.worksheets[0]
        return [(n, list(cells)) for n, cells in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()


def read_local_file(path: str | Path, meta: LocalMeta, areas: AreaLookup, catalogue: Catalogue) -> SourceTable:
    """Read a local CSV or XLSX file; every data problem goes into the returned report."""
    path = Path(path)
    report = Report()
    source_meta = SourceMeta(table_id=meta.slug, title=meta.title, publisher=meta.publisher, licence=meta.licence,
                             file_name=path.name, kind="local")
    if not path.exists():
        raise SourceError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        rows, decimal_comma = _read_xlsx(path), True
    elif suffix in (".csv", ".txt"):
        rows, decimal_comma = _read_csv(path, report)
    else:
        raise SourceError(f"{path}: a local dataset must be a .csv or .xlsx file; save it in one of those formats")
    rows = [(n, cells) for n, cells in rows if any(_text(c) for c in cells)]
    if not rows:
        report.error("empty-file", path.name, None, None, "the file holds no header and no rows.",
                     "Fill in a header row (gebied, periode, ...) and the data.")
        return SourceTable(source_meta, [VALUE_TOPIC], iter(()), report)
    if len(rows) == 1:
        report.error("no-rows", path.name, None, None, "the file has a header but no data rows.",
                     "Add the figures below the header row.")
    reader = _LocalRows(path.name, meta, areas, report, decimal_comma, set(catalogue.indicators))
    return SourceTable(source_meta, [VALUE_TOPIC], iter(reader.read(rows[0], rows[1:])), report)


class _LocalRows:
    """Turns a local file's cells into SourceRows, one per area, period and indicator."""

    def __init__(self, file_name: str, meta: LocalMeta, areas: AreaLookup, report: Report, decimal_comma: bool,
                 cbs_ids: set[str]):
        self.file = file_name
        self.cbs_ids = cbs_ids
        self.meta = meta
        self.areas = areas
        self.report = report
        self.decimal_comma = decimal_comma
        self.known = set(meta.indicator_ids)

    def read(self, header_row: tuple[int, list], rows: list[tuple[int, list]]) -> list[SourceRow]:
        header = [_text(c).lower() for c in header_row[1]]
        columns = {name: i for i, name in reversed(list(enumerate(header))) if name}
        area_col = next((columns[c] for c in AREA_COLUMNS if c in columns), None)
        period_col = next((columns[c] for c in PERIOD_COLUMNS if c in columns), None)
        long_layout = INDICATOR_COLUMN in columns
        self._check_header(header_row[0], header, columns, area_col, period_col, long_layout)
        if long_layout:
            value_cols = {columns[VALUE_COLUMN]: None} if VALUE_COLUMN in columns else {}
        else:
            roles = {area_col, period_col} | {columns[c] for c in AREA_COLUMNS + IGNORED_COLUMNS if c in columns}
            value_cols = {i: name for i, name in enumerate(header) if name and i not in roles}
            for i, name in value_cols.items():
                self._check_indicator(name, header_row[0], name)
        if not self.report.valid:
            return []  # the header is wrong: checking rows would only repeat it

        out: list[SourceRow] = []
        seen: dict[tuple, int] = {}
        for line, cells in rows:
            cells = list(cells) + [None] * (len(header) - len(cells))
            extra = [c for c in cells[len(header):] if _text(c)]
            if extra:
                self.report.error("wrong-field-count", self.file, line, None,
                                  f"has {len(header) + len(extra)} fields where the header has {len(header)}.",
                                  "Remove the extra cells or check the quotes of this row.")
                continue
            area = self._area(line, header[area_col], _text(cells[area_col]))
            if area is False:
                continue  # unknown area: a warning, the row is skipped
            period = self._period(line, header[period_col], cells[period_col])
            if long_layout:
                ind = _text(cells[columns[INDICATOR_COLUMN]]).lower()
                ok = self._check_indicator(ind, line, INDICATOR_COLUMN)
                indicators = [(columns[VALUE_COLUMN], ind if ok else None)]
            else:
                indicators = list(value_cols.items())
            for col, ind in indicators:
                value, status = self._value(line, header[col], cells[col])
                if area is None or period is None or ind is None or status is None:
                    continue
                key = (area.code, period[0], ind)
                if key in seen:
                    what = f"indicator {ind}, " if long_layout else ""
                    self.report.error(
                        "duplicate-row", self.file, line, None,
                        f"{what}area {area.code}, period {period[0]} already appears on row {seen[key]}.",
                        "Remove one of the two rows, or correct its area or period.")
                    break
                seen[key] = line
                if period[1] and status == VALUE:
                    status = PROVISIONAL
                year = self.areas.nearest_year(area.code, int(period[0][:4]))
                out.append(SourceRow(line, area._replace(year=year), period[0],
                                     (("indicator", ind),), [value], [status]))
        return out

    def _check_header(self, line, header, columns, area_col, period_col, long_layout) -> None:
        for name in sorted({n for n in header if n and header.count(n) > 1}):
            self.report.error("duplicate-column", self.file, line, name, f"the header has column {name!r} twice.",
                              "Remove or rename one of the two columns.")
        missing = []
        if area_col is None:
            missing.append(("gebied", "the area: a CBS code such as BU02020210 or an area name"))
        if period_col is None:
            missing.append(("periode", "the period: a year such as 2023 or a CBS code such as 2023JJ00"))
        if long_layout and VALUE_COLUMN not in columns:
            missing.append((VALUE_COLUMN, "the value of the indicator named in column 'indicator'"))
        for name, what in missing:
            self.report.error("missing-column", self.file, line, name, f"the header has no column {name!r}.",
                              f"Add a column {name!r} holding {what}.")

    def _check_indicator(self, ind: str, line: int, column: str) -> bool:
        if ind in self.known:
            return True
        meta_name = self.meta.path.name
        if not ind:
            self.report.error("missing-value", self.file, line, column, "the indicator is empty.",
                              f"Fill in one of: {', '.join(self.meta.indicator_ids)}.")
        elif ind in self.cbs_ids:
            self.report.error("unknown-indicator", self.file, line, column,
                              f"{ind!r} is a CBS indicator this dataset does not report.",
                              f"Add reports = [\"{ind}\"] to {meta_name} if you mean to report it.")
        else:
            self.report.error("unknown-indicator", self.file, line, column,
                              f"{ind!r} is not an indicator of this dataset{_did_you_mean(ind, self.known)}.",
                              f"Use one of {', '.join(self.meta.indicator_ids)}, or define it under "
                              f"[[indicator]] in {meta_name}.")
        return False

    def _area(self, line: int, column: str, text: str):
        """An AreaRecord, None after an error, or False for an unknown area (skip the row)."""
        if not text:
            self.report.error("missing-value", self.file, line, column, "the area is empty.",
                              "Fill in a CBS code such as BU02020210 or the area's name.")
            return None
        code, candidates = self.areas.find(text)
        if code is None and candidates:
            self.report.error("ambiguous-area", self.file, line, column,
                              f"{text!r} is the name of {len(candidates)} areas: "
                              f"{', '.join(self.areas.describe(c) for c in candidates)}.",
                              "Write the CBS code of the area you mean instead of its name.")
            return None
        if code is None:
            similar = self.areas.similar(text)
            hint = f" Similar: {', '.join(similar)}." if similar else ""
            self.report.warning("unknown-area", self.file, line, column,
                                f"{text!r} is not an area in this workspace, so the row was skipped.{hint}",
                                "Correct the code or name, or import the CBS data that holds this area first.")
            return False
        # no name: the loader then keeps the name the warehouse has for that year
        return AreaRecord(code, self.areas.areas[code].year, None, level_of(code), gemeente_of(code), wijk_of(code))

    def _period(self, line: int, column: str, cell) -> tuple[str, bool] | None:
        text = _text(cell)
        try:
            period, provisional = normalise_period(text)
            if not 1800 <= int(period[:4]) <= 2100:
                raise PeriodError(f"{text!r} is not a plausible year")
            return period, provisional
        except PeriodError:
            what = "the period is empty." if not text else f"{text!r} is not a period."
            self.report.error("unknown-period", self.file, line, column, what,
                              "Write a year such as 2023 or a CBS period code such as 2023JJ00 or 2023MM05.")
            return None

    def _value(self, line: int, column: str, cell) -> tuple[float | None, str | None]:
        try:
            return parse_local_number(cell, self.decimal_comma)
        except AmbiguousNumberError as e:
            self.report.error("ambiguous-number", self.file, line, column, f"{e}.",
                              "Write the number without a thousands separator, such as 1234 or 1,234 (decimal).")
        except CellError as e:
            self.report.error("wrong-type", self.file, line, column, f"{e}.",
                              "Write a number such as 1234 or 12,5; '.' for a suppressed value, "
                              "or leave the cell empty when it is unknown.")
        return None, None

