"""``wijkboekhouding show AREA``: an area's figures by theme, with their sources, as text.

Fits a 100-column terminal.  Values are formatted the Dutch way (``1.234,5``); a value
that is not a plain value says so (``geheim/onderdrukt``, ``ontbreekt``, ``voorlopig``);
every figure refers to a numbered source (``Bron: CBS, tabel 83765NED, CC BY 4.0``).
"""

from __future__ import annotations

import textwrap

from ..catalogue import THEMES, Indicator, load_catalogue
from ..errors import AreaError
from ..sources.local import AreaLookup
from ..sources.records import MISSING, PROVISIONAL, SUPPRESSED, normalise_area_code
from ..workspace import Workspace
from .store import Area, Observation, Source, Warehouse

WIDTH = 100
LABEL_WIDTH = 56  # + value 10 + unit 16 + note 13 ('[1] voorlopig') fits 100 columns
THEME_TITLES = {"geld": "Geld", "wonen": "Wonen", "groen": "Groen", "sociaal": "Sociaal", "werk": "Werk",
                "energie": "Energie", "talent": "Talent", "bedrijvigheid": "Bedrijvigheid",
                "voorzieningen": "Voorzieningen"}
STATUS_TEXT = {SUPPRESSED: "geheim/onderdrukt", MISSING: "ontbreekt"}


def dutch_number(value: float, decimals: int) -> str:
    """``1234.5`` -> ``1.234,5`` (Dutch thousands point and decimal comma)."""
    text = f"{value:,.{max(decimals, 0)}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def unit_text(unit: str) -> str:
    """How a catalogue unit reads after a value: ``aantal`` adds nothing, ``x 1 000 euro`` -> ``× 1.000 euro``."""
    if unit.strip().lower() in ("", "aantal"):
        return ""
    return unit.replace("x 1 000 000", "× 1.000.000").replace("x 1 000", "× 1.000")


def find_area(wh: Warehouse, text: str) -> Area:
    """The area a CBS code or unique name denotes (its latest year); AreaError with a hint otherwise."""
    direct = wh.area(normalise_area_code(text).upper())
    if direct is not None:
        return direct
    lookup = AreaLookup(wh.areas())  # names and hints need every area
    code, candidates = lookup.find(text)
    if code is not None:
        return wh.area(code)
    if candidates:
        raise AreaError(f"{text!r} is the name of {len(candidates)} areas: "
                        f"{', '.join(lookup.describe(c) for c in candidates)}; give the CBS code of the one you mean")
    similar = lookup.similar(text)
    hint = f" Similar: {', '.join(lookup.describe(c) for c in similar)}." if similar else ""
    raise AreaError(f"unknown area {text!r}: it is not in this workspace's warehouse.{hint} "
                    "Give a CBS code (such as WK020202) or a unique area name, or import the CBS data "
                    "that holds the area first.")


def format_area(ws: Workspace, area: str, year: int | None = None) -> str:
    """The text ``show`` prints for ``area`` in ``year`` (default: the latest year with figures)."""
    with ws.warehouse() as wh:
        found = find_area(wh, area)
        all_observations = wh.observations(found.code)
        years = sorted({o.year for o in all_observations})
        if year is not None and year not in years:
            have = ", ".join(map(str, years)) or "none"
            raise AreaError(f"{found.code} has no figures for {year}; years with figures: {have}. "
                            "Pass one of those with --year, or import data for that year first.")
        year = year if year is not None else (years[-1] if years else found.year)
        shown = wh.area(found.code, year) or found
        observations = [o for o in all_observations if o.year == year]
        lines = _header(wh, shown, year, years)
        if not observations:
            lines += ["", "Geen cijfers voor dit gebied. Importeer eerst CBS-gegevens of een lokale dataset."]
            return "\n".join(lines)
        chosen = _one_per_indicator(observations, year)
        source_numbers = {sid: n for n, sid in enumerate(sorted({o.source_id for o in chosen}), start=1)}
        lines += _themes(wh.indicators(), chosen, year, source_numbers)
        lines += _sources(wh, chosen, source_numbers)
        return "\n".join(lines)


def _header(wh: Warehouse, area: Area, year: int, years: list[int]) -> list[str]:
    ancestors = wh.ancestors(area)
    crumbs = [a.display_name for a in ancestors] + [area.display_name]
    provincie = wh.provincie_of(area.gemeente_code) if area.gemeente_code else None
    if provincie and area.level != "provincie":  # KWB rows do not name their provincie
        codes = [a.code for a in ancestors]
        if provincie[0] in codes:
            crumbs[codes.index(provincie[0])] = provincie[1]
        else:
            crumbs.insert(1 if codes[:1] == ["NL00"] else 0, provincie[1])
    lines = [f"{area.display_name} — {area.level} {area.code}, {year}", " › ".join(crumbs)]
    if len(years) > 1:
        lines.append("Jaren met cijfers: " + ", ".join(map(str, years)))
    return lines


def _one_per_indicator(observations: list[Observation], year: int) -> list[Observation]:
    """The yearly value of each indicator; for monthly or quarterly series the latest period."""
    best: dict[str, Observation] = {}
    for o in observations:
        current = best.get(o.indicator_id)
        if current is None or current.period != str(year) and (o.period == str(year) or o.period > current.period):
            best[o.indicator_id] = o
    return list(best.values())


def _themes(indicators: dict[str, Indicator], observations: list[Observation], year: int,
            source_numbers: dict[int, int]) -> list[str]:
    order = {ind_id: n for n, ind_id in enumerate(load_catalogue().indicators)}
    by_theme: dict[str, list[tuple[Indicator, Observation]]] = {}
    for o in observations:
        ind = indicators.get(o.indicator_id) or Indicator(o.indicator_id, "", o.indicator_id, o.indicator_id, "", 0,
                                                          "count", "none")
        by_theme.setdefault(ind.theme, []).append((ind, o))
    lines = []
    for theme in list(THEMES) + sorted(set(by_theme) - set(THEMES)):
        rows = by_theme.get(theme)
        if not rows:
            continue
        lines += ["", THEME_TITLES.get(theme, theme.capitalize() or "Overig")]
        rows.sort(key=lambda r: (order.get(r[0].id, len(order)), r[0].label_nl))
        for ind, o in rows:
            lines += _figure_lines(ind, o, year, source_numbers[o.source_id])
    return lines


def _figure_lines(ind: Indicator, o: Observation, year: int, source_number: int) -> list[str]:
    label = ind.label_nl + (f" ({o.period})" if o.period != str(year) else "")
    if o.value is None or o.status in STATUS_TEXT:
        value, unit = STATUS_TEXT.get(o.status, "ontbreekt"), ""
    else:
        value, unit = dutch_number(o.value, ind.decimals), unit_text(ind.unit)
    note = f"[{source_number}]" + (" voorlopig" if o.status == PROVISIONAL else "")
    wrapped = textwrap.wrap(label, LABEL_WIDTH) or [ind.id]
    figure = f"{value:>10} {unit}"  # a status is wider than a number; it takes the unit's room
    last = f"  {wrapped[-1]:<{LABEL_WIDTH}} {figure:<27} {note}".rstrip()
    return [f"  {line}" for line in wrapped[:-1]] + [last]


def _sources(wh: Warehouse, observations: list[Observation], source_numbers: dict[int, int]) -> list[str]:
    periods: dict[int, set[str]] = {}
    for o in observations:
        periods.setdefault(o.source_id, set()).add(o.period)
    lines = ["", "Bronnen"]
    for source_id, n in source_numbers.items():
        source = wh.source(source_id)
        lines += textwrap.wrap(citation(source), WIDTH, initial_indent=f"  [{n}] ", subsequent_indent="      ")
        details = [source.title, "periode " + _period_range(periods[source_id]),
                   "opgehaald " + source.retrieved_at.replace("T", " ").replace("Z", " UTC")]
        if source.contact:
            details.append("contact " + source.contact)
        lines += textwrap.wrap(" · ".join(details), WIDTH, initial_indent="      ", subsequent_indent="      ")
    return lines


def citation(source: Source) -> str:
    """``Bron: CBS, tabel 83765NED, CC BY 4.0``; a local dataset: ``Bron: <publisher>, dataset <slug>, <licence>``."""
    what = f"tabel {source.table_id}" if source.kind == "cbs" else f"dataset {source.table_id}"
    return f"Bron: {source.publisher}, {what}, {source.licence}"


def _period_range(periods: set[str]) -> str:
    ordered = sorted(periods)
    return ordered[0] if len(ordered) == 1 else f"{ordered[0]} t/m {ordered[-1]}"
