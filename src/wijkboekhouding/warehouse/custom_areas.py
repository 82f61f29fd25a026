"""Custom areas: named sets of buurten or wijken, with membership per year range.

A definition lives in the workspace database (tables ``custom_area`` and
``custom_area_member``); CBS imports never touch it.  Each *period* of a definition
is a year range (``2017-``, ``2014-2016``, ``2024`` or all years) with its members;
a member is a buurt or wijk code in that year's indeling, optionally with a fraction
(``BU01931130:0.4``) that apportions its counts and bases.

The ``*_area*`` functions taking a :class:`Workspace` are the bodies of the
``wijkboekhouding area ...`` commands; the ones taking a :class:`Warehouse` are the
library API (see docs/custom-areas.md).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import AreaError
from ..sources.records import level_of
from ..sources.report import Report
from .store import Warehouse, utc_now

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CBS_CODE = re.compile(r"^(NL|PV|GM|WK|BU|LD|CR)\d", re.IGNORECASE)
_MEMBER_CODE = re.compile(r"^(WK\d{6}|BU\d{8})$")
_YEARS = re.compile(r"^\s*(\d{4})?\s*(-)?\s*(\d{4})?\s*$")
CSV_COLUMNS = ("slug", "name", "year_from", "year_to", "member", "fraction")


@dataclass(frozen=True)
class Member:
    code: str
    fraction: float = 1.0

    def __str__(self) -> str:
        return self.code if self.fraction == 1.0 else f"{self.code}:{self.fraction:g}"


@dataclass(frozen=True)
class Period:
    """The members of an area for the years ``year_from``..``year_to`` (None: open)."""

    year_from: int | None
    year_to: int | None
    members: tuple[Member, ...]

    def covers(self, year: int) -> bool:
        return (self.year_from is None or year >= self.year_from) and (self.year_to is None or year <= self.year_to)

    def overlaps(self, other: "Period") -> bool:
        lo = max(self.year_from or -1, other.year_from or -1)
        hi = min(self.year_to or 99999, other.year_to or 99999)
        return lo <= hi

    @property
    def label(self) -> str:
        if self.year_from is None and self.year_to is None:
            return "all years"
        if self.year_from == self.year_to:
            return str(self.year_from)
        return f"{self.year_from or ''}-{self.year_to or ''}"


@dataclass(frozen=True)
class CustomArea:
    slug: str
    name: str
    description: str
    periods: tuple[Period, ...]

    def members_in(self, year: int) -> tuple[Member, ...]:
        """The members that count in ``year`` (empty when no period covers it)."""
        for period in self.periods:
            if period.covers(year):
                return period.members
        return ()

    def years(self, available: list[int]) -> list[int]:
        """The years among ``available`` that the definition covers."""
        return [y for y in available if self.members_in(y)]


# -- parsing ----------------------------------------------------------------------


def parse_years(text: str | None) -> tuple[int | None, int | None]:
    """``2017-`` -> (2017, None); ``2014-2016``; ``2024`` -> (2024, 2024); None/'' -> all years."""
    if text is None or not text.strip():
        return None, None
    m = _YEARS.match(text)
    if not m or not (m.group(1) or m.group(3)) or (m.group(1) and m.group(3) and not m.group(2)):
        raise AreaError(f"years {text!r} not understood; write 2017- (from 2017), 2014-2016, -2016 or 2024")
    lo = int(m.group(1)) if m.group(1) else None
    hi = int(m.group(3)) if m.group(3) else None
    if not m.group(2):
        hi = lo
    if lo is not None and hi is not None and lo > hi:
        raise AreaError(f"years {text!r}: {lo} is after {hi}; write the earlier year first")
    return lo, hi


def parse_member(text: str) -> Member:
    """``WK027410`` or ``BU01931130:0.4``; raises AreaError saying what is wrong."""
    code, _, fraction_text = text.strip().partition(":")
    code = code.strip().upper()
    if not _MEMBER_CODE.match(code):
        raise AreaError(f"member {text.strip()!r} is not a buurt or wijk code; "
                        "use codes like BU01931130 or WK027410 (optionally CODE:0.4)")
    if not fraction_text:
        return Member(code)
    try:
        fraction = float(fraction_text.strip().replace(",", "."))
    except ValueError:
        fraction = -1.0
    if not 0 < fraction <= 1:
        raise AreaError(f"member {text.strip()!r}: the fraction must be a number above 0 and at most 1, e.g. {code}:0.4")
    return Member(code, fraction)


def parse_members(text: str) -> tuple[Member, ...]:
    parts = [p for p in text.split(",") if p.strip()]
    if not parts:
        raise AreaError("no members given; pass --members with buurt or wijk codes, e.g. WK027410,WK027411")
    return check_members(tuple(parse_member(p) for p in parts))


def check_members(members: tuple[Member, ...]) -> tuple[Member, ...]:
    """Reject a member listed twice and a buurt listed together with its own wijk."""
    seen: set[str] = set()
    for m in members:
        if m.code in seen:
            raise AreaError(f"member {m.code} is listed twice; list each buurt or wijk once")
        seen.add(m.code)
    for m in members:
        if level_of(m.code) == "buurt" and "WK" + m.code[2:8] in seen:
            raise AreaError(f"member {m.code} lies in member WK{m.code[2:8]}, so it would be counted twice; "
                            "list either the wijk or its buurten")
    return members


def check_slug(slug: str) -> str:
    if not _SLUG.match(slug) or _CBS_CODE.match(slug):
        raise AreaError(f"slug {slug!r} is not usable; use lower-case letters, digits and hyphens "
                        "(e.g. oosterbeek or dieze-centrum), not a CBS code")
    return slug


# -- storage (library API) ----------------------------------------------------------


def load_area(wh: Warehouse, slug: str) -> CustomArea | None:
    row = wh.conn.execute("SELECT slug, name, description FROM custom_area WHERE slug=?", (slug,)).fetchone()
    if row is None:
        return None
    periods: dict[tuple, list[Member]] = {}
    for year_from, year_to, code, fraction in wh.conn.execute(
            "SELECT year_from, year_to, member_code, fraction FROM custom_area_member WHERE slug=? ORDER BY position",
            (slug,)):
        periods.setdefault((year_from, year_to), []).append(Member(code, fraction))
    ordered = sorted(periods.items(), key=lambda kv: (kv[0][0] is not None, kv[0][0] or 0))
    return CustomArea(row[0], row[1], row[2], tuple(Period(lo, hi, tuple(ms)) for (lo, hi), ms in ordered))


def list_areas(wh: Warehouse) -> list[CustomArea]:
    slugs = [r[0] for r in wh.conn.execute("SELECT slug FROM custom_area ORDER BY slug")]
    return [load_area(wh, s) for s in slugs]


def require_area(wh: Warehouse, slug: str) -> CustomArea:
    area = load_area(wh, slug)
    if area is None:
        known = ", ".join(a.slug for a in list_areas(wh)) or "none yet"
        raise AreaError(f"no custom area {slug!r} (defined: {known}); define it with 'wijkboekhouding area define'")
    return area


def save_period(wh: Warehouse, slug: str, name: str, period: Period, description: str = "",
                replace_all: bool = False) -> CustomArea:
    """Add or replace one period of ``slug`` (creating the area).  A period for exactly the
    same years replaces the old one; one that overlaps another period is refused."""
    check_slug(slug)
    if not name.strip():
        raise AreaError(f"custom area {slug!r} needs a name, e.g. --name \"Oosterbeek\"")
    existing = None if replace_all else load_area(wh, slug)
    if existing:
        for old in existing.periods:
            same = (old.year_from, old.year_to) == (period.year_from, period.year_to)
            if not same and old.overlaps(period):
                raise AreaError(
                    f"custom area {slug!r} already has members for {old.label}, which overlaps {period.label}; "
                    f"define exactly {old.label} again to replace it, or delete the area and define it anew")
    with wh.transaction() as conn:
        conn.execute(
            """INSERT INTO custom_area (slug, name, description, defined_at) VALUES (?,?,?,?)
               ON CONFLICT (slug) DO UPDATE SET name=excluded.name,
                 description=CASE WHEN excluded.description='' THEN custom_area.description
                                  ELSE excluded.description END,
                 defined_at=excluded.defined_at""",
            (slug, name.strip(), description.strip(), utc_now()))
        if replace_all:
            conn.execute("DELETE FROM custom_area_member WHERE slug=?", (slug,))
        else:
            conn.execute("DELETE FROM custom_area_member WHERE slug=? AND year_from IS ? AND year_to IS ?",
                         (slug, period.year_from, period.year_to))
        conn.executemany(
            "INSERT INTO custom_area_member (slug, year_from, year_to, member_code, fraction, position) "
            "VALUES (?,?,?,?,?,?)",
            [(slug, period.year_from, period.year_to, m.code, m.fraction, i) for i, m in enumerate(period.members)])
    return load_area(wh, slug)


def missing_members(wh: Warehouse, area: CustomArea) -> list[tuple[int, str]]:
    """``(year, code)`` for each member absent from the warehouse in a year of its period
    (only years the warehouse holds areas for)."""
    present = set(wh.conn.execute("SELECT code, year FROM area WHERE level IN ('wijk', 'buurt')"))
    return [(year, m.code)
            for year in area.years(wh.years())
            for m in area.members_in(year)
            if (m.code, year) not in present]


# -- command bodies -----------------------------------------------------------------


def define_area(ws, slug: str, name: str, members: str, years: str | None = None, description: str = "") -> str:
    """``area define``: add or replace the members of SLUG for a year range."""
    year_from, year_to = parse_years(years)
    period = Period(year_from, year_to, parse_members(members))
    with ws.warehouse() as wh:
        area = save_period(wh, slug, name, period, description)
        text = f"Defined {area.slug} ({area.name}) for {period.label}: {', '.join(map(str, period.members))}"
        problems = _check_text(wh, area)
    return text + ("\n" + problems if problems else "")


def format_area_list(ws) -> str:
    with ws.warehouse() as wh:
        areas = list_areas(wh)
    if not areas:
        return "No custom areas yet; define one with 'wijkboekhouding area define SLUG --name NAME --members CODES'"
    lines = []
    for a in areas:
        spans = "; ".join(f"{p.label}: {len(p.members)} members" for p in a.periods)
        lines.append(f"{a.slug:<20} {a.name:<28} {spans}")
    return "\n".join(lines)


def format_area_definition(ws, slug: str) -> str:
    with ws.warehouse() as wh:
        area = require_area(wh, slug)
        lines = [f"{area.name} ({area.slug})"]
        if area.description:
            lines.append(area.description)
        available = wh.years()
        for p in area.periods:
            lines.append(f"  {p.label}:")
            years = [y for y in available if p.covers(y)]
            for m in p.members:
                known = wh.area(m.code, years[-1]) if years else None
                name = known.display_name if known else (
                    f"(not in the warehouse for {years[-1]})" if years else "(no data for these years yet)")
                share = "" if m.fraction == 1.0 else f"  fraction {m.fraction:g} (apportioned)"
                lines.append(f"    {m.code}  {name}{share}")
    return "\n".join(lines)


def delete_area(ws, slug: str) -> str:
    with ws.warehouse() as wh:
        area = require_area(wh, slug)
        with wh.transaction() as conn:
            conn.execute("DELETE FROM custom_area_member WHERE slug=?", (slug,))
            conn.execute("DELETE FROM custom_area WHERE slug=?", (slug,))
    return f"Deleted custom area {area.slug} ({area.name})"


def check_areas(ws, slug: str | None = None) -> tuple[str, bool]:
    """``area check``: members missing from the warehouse in a year of their definition."""
    with ws.warehouse() as wh:
        areas = [require_area(wh, slug)] if slug else list_areas(wh)
        if not areas:
            return "No custom areas to check", True
        lines, ok = [], True
        for area in areas:
            problems = _check_text(wh, area)
            ok = ok and not any(line.startswith("  MISSING") for line in problems.splitlines())
            lines.append(f"{area.slug}: " + ("ok" if not problems else "\n" + problems))
    return "\n".join(lines), ok


def _check_text(wh: Warehouse, area: CustomArea) -> str:
    lines = [f"  MISSING {code} in {year}: not in the warehouse for that year "
             f"(import that year's data, or fix the members for that year with 'area define --years')"
             for year, code in missing_members(wh, area)]
    available = wh.years()
    for p in area.periods:
        if available and not any(p.covers(y) for y in available):
            lines.append(f"  note: no data in the warehouse for {p.label} yet; its members cannot be checked")
    return "\n".join(lines)


def import_area_definitions(ws, csv_path: str | Path) -> str:
    """``area import``: read a CSV (slug, name, year_from, year_to, member, fraction and an
    optional description); each slug in the file gets exactly the periods the file lists.
    All or nothing: any bad row means nothing is saved."""
    path = Path(csv_path)
    report = Report()
    areas: dict[str, dict] = {}
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in CSV_COLUMNS if c not in header]
        if missing:
            raise AreaError(f"{path.name}, row 1: missing column(s) {', '.join(missing)}; "
                            f"the header must be {','.join(CSV_COLUMNS)} (description optional)")
        for line, raw in enumerate(reader, start=2):
            row = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
            _read_csv_row(path.name, line, row, areas, report)
    if not report.valid:
        raise AreaError(f"{path.name}: {len(report.errors)} error(s); no definitions were saved.\n" + report.format())
    if not areas:
        raise AreaError(f"{path.name}: no definitions in the file; add rows below the header")
    with ws.warehouse() as wh:
        for slug, spec in areas.items():
            periods = [Period(lo, hi, tuple(ms)) for (lo, hi), ms in spec["periods"].items()]
            for i, p in enumerate(periods):
                save_period(wh, slug, spec["name"], p, spec["description"], replace_all=(i == 0))
    counts = ", ".join(f"{slug} ({len(spec['periods'])} period(s))" for slug, spec in areas.items())
    return f"Imported {len(areas)} custom area(s) from {path.name}: {counts}"


def _read_csv_row(file: str, line: int, row: dict, areas: dict, report: Report) -> None:
    def fail(column, message, fix):
        report.error("bad-area-definition", file, line, column, message, fix)

    slug = row.get("slug", "")
    try:
        check_slug(slug)
    except AreaError as e:
        return fail("slug", str(e) + ".", "")
    try:
        member = parse_member(row.get("member", "") + (f":{row['fraction']}" if row.get("fraction") else ""))
    except AreaError as e:
        column = "fraction" if row.get("fraction") and _MEMBER_CODE.match(row.get("member", "").upper()) else "member"
        return fail(column, str(e) + ".", "")
    years = []
    for column in ("year_from", "year_to"):
        value = row.get(column, "")
        if value and not re.fullmatch(r"\d{4}", value):
            return fail(column, f"{value!r} is not a year.", "Write a year like 2017, or leave it empty for no limit.")
        years.append(int(value) if value else None)
    if years[0] is not None and years[1] is not None and years[0] > years[1]:
        return fail("year_to", f"year_to {years[1]} is before year_from {years[0]}.", "Swap the two years.")
    spec = areas.setdefault(slug, {"name": row.get("name", ""), "description": row.get("description", ""),
                                   "periods": {}})
    if not spec["name"] and row.get("name"):
        spec["name"] = row["name"]
    if not spec["name"]:
        return fail("name", f"custom area {slug!r} has no name.", "Fill in the name column on its first row.")
    new = Period(years[0], years[1], ())
    for (lo, hi), members in spec["periods"].items():
        if (lo, hi) != (years[0], years[1]) and Period(lo, hi, ()).overlaps(new):
            return fail("year_from", f"years {new.label} of {slug!r} overlap its earlier rows for "
                                     f"{Period(lo, hi, ()).label}.",
                        "Give each year one set of members: make the year ranges meet without overlapping.")
    members = spec["periods"].setdefault((years[0], years[1]), [])
    try:
        check_members(tuple(members) + (member,))
    except AreaError as e:
        return fail("member", str(e) + ".", "")
    members.append(member)


# -- demo -----------------------------------------------------------------------------

DIEZE_DESCRIPTION = (
    "Dieze is geen CBS-gebied. We nemen de CBS-buurt Dieze-Centrum (BU01931130) met de buurten van "
    "wijk 11 Diezerpoort die er een grens mee delen: Bollebieste (BU01931120), Bagijneweide "
    "(BU01931140) en Hogenkamp (BU01931150). Grenzen volgens de buurtkaart van de gemeente Zwolle "
    "(Buurten 2023, dezelfde buurten als bij CBS). Niet meegenomen: Indischebuurt (raakt Dieze-Centrum "
    "alleen in een hoekpunt), Het Noorden, Schildersbuurt, Meppelerstraatweg-Zuid en bedrijventerrein "
    "Floresstraat (liggen verder weg), en Noordereiland (hoort bij de Binnenstad)."
)
OOSTERBEEK_DESCRIPTION = (
    "Het dorp Oosterbeek in de gemeente Renkum. Sinds 2017 drie CBS-wijken: Oosterbeek West "
    "(WK027410), Zuidoost (WK027411) en Noordoost (WK027412). In 2014-2016 was Oosterbeek één wijk, "
    "WK027401; sinds 2017 betekent die code Renkum Zuid."
)


def define_demo_areas(ws) -> str:
    """Define the demo's custom areas Oosterbeek and Dieze (replacing earlier definitions)."""
    with ws.warehouse() as wh:
        save_period(wh, "oosterbeek", "Oosterbeek", Period(2014, 2016, (Member("WK027401"),)),
                    OOSTERBEEK_DESCRIPTION, replace_all=True)
        save_period(wh, "oosterbeek", "Oosterbeek",
                    Period(2017, None, tuple(Member(c) for c in ("WK027410", "WK027411", "WK027412"))))
        save_period(wh, "dieze", "Dieze",
                    Period(None, None, tuple(Member(c) for c in
                                             ("BU01931130", "BU01931120", "BU01931140", "BU01931150"))),
                    DIEZE_DESCRIPTION, replace_all=True)
    return "Defined the demo areas oosterbeek and dieze"
