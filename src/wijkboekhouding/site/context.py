"""Pass 1 of the build: the context of every page, computed from the warehouse.

Nothing is written here.  The warehouse is read in a few bulk queries into
:class:`SiteData`; :func:`area_pages` then yields one :class:`PageContext` per area
and year.  Sections (a theme, the ledger slot, ...) add their own part through the
section list in :mod:`.sections`.

Years of one code: the page shows the latest year; every other year the warehouse
holds gets its own page.  Years are linked into one time series (and into the year
choice) only when they are surely the same area -- see :func:`same_area`.
"""

from __future__ import annotations

import importlib.util
from collections import defaultdict
from dataclasses import dataclass, field

from ..catalogue import THEMES
from ..sources.records import MISSING, PROVISIONAL, SUPPRESSED, VALUE
from ..warehouse.store import Area, Observation, Source, Warehouse
from .numbers import STATUS_EXPLANATION, STATUS_TEXT, format_value, ratio_phrase
from .urls import area_url, display_name

LEVEL_LABEL = {"land": "land", "provincie": "provincie", "gemeente": "gemeente", "wijk": "wijk", "buurt": "buurt",
               "gebied": "eigen gebied"}
CHILD_LEVEL = {"land": "gemeente", "provincie": "gemeente", "gemeente": "wijk", "wijk": "buurt"}
KEY_FIGURES = ("inwoners", "huishoudens", "woningvoorraad", "woz_gemiddeld", "inkomen_per_inwoner")

AGGREGATE_MODULE = "wijkboekhouding.warehouse.aggregate"


def has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


@dataclass
class SiteData:
    """Everything pass 1 needs, read from the warehouse in bulk."""

    areas: dict[tuple[str, int], Area]
    raw_names: dict[tuple[str, int], str | None]
    years_of: dict[str, list[int]]
    obs: dict[tuple[str, int], dict[str, Observation]]
    indicators: dict
    sources: dict[int, Source]
    provincie: dict[str, tuple[str, str]]
    children: dict[tuple[str, int], list[str]]
    title: str = ""
    notes: dict[tuple[str, int, str], str] = field(default_factory=dict)  # aggregate notes
    aggregates: dict[tuple[str, int], object] = field(default_factory=dict)  # (key, year) -> AreaFigures

    @classmethod
    def load(cls, wh: Warehouse, title: str = "") -> "SiteData":
        conn = wh.conn
        raw = [Area(*r) for r in conn.execute("SELECT * FROM area ORDER BY code, year")]
        raw_names = {(a.code, a.year): a.name for a in raw}
        areas = {(a.code, a.year): a for a in wh._named(raw)}
        years_of: dict[str, list[int]] = defaultdict(list)
        children: dict[tuple[str, int], list[str]] = defaultdict(list)
        for a in areas.values():
            years_of[a.code].append(a.year)
            parent = a.wijk_code if a.level == "buurt" else a.gemeente_code if a.level == "wijk" else \
                "NL00" if a.level == "gemeente" else None
            if parent:
                children[(parent, a.year)].append(a.code)
        obs: dict[tuple[str, int], dict[str, Observation]] = defaultdict(dict)
        # Yearly figures only; per area, year and indicator the latest period (a local dataset
        # may report 2022 for an area of the 2024 indeling).  Monthly rows are not shown.
        for r in conn.execute(
                "SELECT indicator_id, area_code, year, period, value, status, source_id FROM observation "
                "WHERE length(period) = 4 ORDER BY period"):
            obs[(r[1], r[2])][r[0]] = Observation(*r)
        provincie = {g: (p, n) for g, p, n in conn.execute(
            "SELECT gemeente_code, provincie_code, provincie_name FROM gemeente_provincie")}
        return cls(areas, raw_names, dict(years_of), dict(obs), wh.indicators(), wh.sources(), provincie,
                   dict(children), title)

    def use_provincies(self) -> None:
        """With provincie pages, NL lists provincies and a provincie its gemeenten."""
        for (code, year), kids in list(self.children.items()):
            if code == "NL00":
                self.children[(code, year)] = sorted({c for c in (self.provincie.get(g, (None,))[0] for g in kids)
                                                      if c and (c, year) in self.areas})

    def name(self, code: str, year: int) -> str:
        a = self.areas.get((code, year))
        return display_name(code, a.name if a else None)

    def latest(self, code: str) -> Area:
        return self.areas[(code, self.years_of[code][-1])]

    def url(self, code: str, year: int | None = None) -> str:
        """The address of ``code``'s page; ``year`` only for a year other than the latest."""
        latest = self.latest(code)
        return area_url(latest.level, code, latest.name, None if year in (None, latest.year) else year)


def _same_name(a: str | None, b: str | None, code: str) -> bool | None:
    if not a or not b:
        return None
    return display_name(code, a).casefold() == display_name(code, b).casefold()


def same_area(data: SiteData, code: str, earlier: int, later: int) -> bool:
    """Are ``code`` in ``earlier`` and in ``later`` surely the same area?

    Yes when both years name it and the names match (ignoring a "Wijk 02 " prefix and
    case).  When a year has no name of its own (KWB 2017 names only gemeenten), CBS's
    change flag decides.  The flag of a year describes the change since the year
    before, so it is the *later* year's flag that must say "1 = unchanged": Renkum's
    WK027401 was Oosterbeek until 2016 and is Renkum Zuid since 2017 (flag 3 in 2017),
    and Spijkerkwartier's boundary changed in 2018 (flag 3), so 2018 starts its series.
    When years in between are missing from the warehouse, the later flag is the only
    evidence we have and is taken as it stands.
    """
    names = _same_name(data.raw_names.get((code, earlier)), data.raw_names.get((code, later)), code)
    if names is not None:
        return names
    return data.areas[(code, later)].indeling_change == "1"


def linked_years(data: SiteData, code: str) -> tuple[list[int], list[int]]:
    """(years in the latest area's series, oldest first; other years of the code)."""
    years = data.years_of[code]
    chain = [years[-1]]
    for year in reversed(years[:-1]):
        if not same_area(data, code, year, chain[-1]):
            break
        chain.append(year)
    linked = sorted(chain)
    return linked, [y for y in years if y not in linked]


@dataclass(slots=True)
class Figure:
    """One indicator's figure on a page.  Text (Dutch formatting, comparisons) is made on
    demand in pass 2, so pass 1 keeps only numbers for tens of thousands of pages."""

    id: str
    label: str
    unit: str
    kind: str
    decimals: int
    theme: str
    value: float | None
    status: str
    note: str
    source: int  # number in the page's source list
    period: str
    gemeente_value: float | None = None
    nl_value: float | None = None
    has_gemeente: bool = False
    has_nl: bool = False

    @property
    def display(self) -> str:
        if self.value is None:
            return STATUS_TEXT.get(self.status, "–")
        return format_value(self.value, self.decimals, self.unit)

    @property
    def gemeente(self) -> str:
        return format_value(self.gemeente_value, self.decimals, self.unit) if self.has_gemeente else ""

    @property
    def nl(self) -> str:
        return format_value(self.nl_value, self.decimals, self.unit) if self.has_nl else ""

    @property
    def vs_gemeente(self) -> str:
        return ratio_phrase(self.value, self.gemeente_value, self.kind, "gemeentelijk") if self.has_gemeente else ""

    @property
    def vs_nl(self) -> str:
        return ratio_phrase(self.value, self.nl_value, self.kind, "landelijk") if self.has_nl else ""


@dataclass(slots=True)
class PageContext:
    code: str
    year: int
    name: str
    level: str
    url: str
    is_latest: bool
    series_years: list[int]
    other_years: list[int]
    breadcrumbs: list[tuple[str, str | None]]
    years: list[tuple[int, str, bool]]
    figures: dict[str, Figure]
    sources: list[dict]
    children: list[tuple[str, str, str]]
    child_level: str
    gemeente_name: str = ""
    history: dict[str, list[float | None]] = field(default_factory=dict)
    history_sources: dict[str, str] = field(default_factory=dict)
    sections: list = field(default_factory=list)
    local: list[dict] = field(default_factory=list)

    @property
    def level_label(self) -> str:
        return LEVEL_LABEL[self.level]

    def source_of(self, *figures: Figure) -> str:
        return "; ".join(dict.fromkeys(self.sources[f.source - 1]["text"] for f in figures))

    def key_figures(self) -> list[Figure]:
        return [self.figures[i] for i in KEY_FIGURES if i in self.figures]


def source_text(src: Source, period: str) -> str:
    """``Bron: CBS, tabel 85984NED, 2024, CC BY 4.0``."""
    what = f"tabel {src.table_id}" if src.kind == "cbs" else src.title
    return f"Bron: {src.publisher}, {what}, {period}, {src.licence}"


def area_pages(data: SiteData, provincie_pages: bool = False):
    """Yield the context of every area page, latest year first per code."""
    for code in sorted(data.years_of, key=_code_order):
        series, others = linked_years(data, code)
        for year in [series[-1]] + series[-2::-1] + others:
            yield page_context(data, code, year, series, others, provincie_pages)


def _code_order(code: str) -> tuple:
    return ({"NL": 0, "PV": 1, "GM": 2, "WK": 3, "BU": 4}.get(code[:2], 5), code)


def page_context(data: SiteData, code: str, year: int, series: list[int], others: list[int],
                 provincie_pages: bool = False) -> PageContext:
    area = data.areas[(code, year)]
    in_series = year in series
    latest_year = data.years_of[code][-1]
    url = data.url(code, year)
    name = data.name(code, year)

    sources: dict[int, int] = {}
    source_list: list[dict] = []

    def source_number(obs: Observation) -> int:
        if obs.source_id not in sources:
            src = data.sources[obs.source_id]
            sources[obs.source_id] = len(source_list) + 1
            source_list.append({"n": len(source_list) + 1, "text": source_text(src, obs.period), "title": src.title,
                                "publisher": src.publisher, "table_id": src.table_id, "licence": src.licence,
                                "url": src.url, "period": obs.period, "kind": src.kind,
                                "retrieved_at": src.retrieved_at, "file_name": src.file_name})
        return sources[obs.source_id]

    own = data.obs.get((code, year), {})
    gm = area.gemeente_code if area.level in ("wijk", "buurt") else None
    gm_obs = data.obs.get((gm, year), {}) if gm else {}
    nl_obs = data.obs.get(("NL00", year), {}) if code != "NL00" else {}
    figures: dict[str, Figure] = {}
    local: list[dict] = []
    for ind_id, ind in data.indicators.items():
        o = own.get(ind_id)
        if o is None:
            continue
        value = o.value if o.status in (VALUE, PROVISIONAL) else None
        note = data.notes.get((code, year, ind_id)) or STATUS_EXPLANATION.get(o.status, "")
        fig = Figure(ind_id, ind.label_nl, ind.unit, ind.kind, ind.decimals, ind.theme, value, o.status,
                     note, source_number(o), o.period, _usable(gm_obs.get(ind_id)), _usable(nl_obs.get(ind_id)),
                     gm is not None, code != "NL00")
        figures[ind_id] = fig
        src = data.sources[o.source_id]
        if src.kind == "local":
            local.append({"label": ind.label_nl, "display": fig.display, "publisher": src.publisher,
                          "title": src.title, "period": o.period, "source": fig.source})

    history: dict[str, list[float | None]] = {}
    history_sources: dict[str, str] = {}
    if in_series and len(series) > 1:
        for ind_id in figures:
            found = [data.obs.get((code, y), {}).get(ind_id) for y in series]
            values = [_usable(o) for o in found]
            if sum(v is not None for v in values) > 1:
                history[ind_id] = values
                history_sources[ind_id] = "; ".join(dict.fromkeys(
                    source_text(data.sources[o.source_id], o.period) for o in found if o is not None))

    crumbs: list[tuple[str, str | None]] = []
    if code != "NL00" and "NL00" in data.years_of:
        crumbs.append(("Nederland", data.url("NL00")))
    if area.gemeente_code and area.gemeente_code in data.provincie:
        pv_code, pv_name = data.provincie[area.gemeente_code]
        crumbs.append((pv_name, data.url(pv_code) if provincie_pages and pv_code in data.years_of else None))
    for parent in (area.gemeente_code, area.wijk_code):
        if parent and parent != code and parent in data.years_of:
            crumbs.append((data.name(parent, year) if (parent, year) in data.areas else
                           data.name(parent, data.years_of[parent][-1]), data.url(parent)))

    year_links = [(y, data.url(code, y), y == year) for y in series] if in_series else [(year, url, True)]
    child_level = CHILD_LEVEL.get(area.level, "")
    children = sorted(((data.name(c, year), data.url(c, None if data.years_of[c][-1] == year else year),
                        data.areas[(c, year)].level) for c in data.children.get((code, year), [])),
                      key=lambda t: t[0].casefold())

    return PageContext(
        code=code, year=year, name=name, level=area.level, url=url, is_latest=year == latest_year,
        series_years=series if in_series else [year], other_years=[y for y in data.years_of[code] if
                                                                  y not in (series if in_series else [year])],
        breadcrumbs=crumbs, years=year_links, figures=figures, sources=source_list, children=children,
        child_level=child_level, gemeente_name=data.name(gm, year) if gm and (gm, year) in data.areas else "",
        history=history, history_sources=history_sources, local=local,
    )


def _usable(o: Observation | None) -> float | None:
    return o.value if o is not None and o.status in (VALUE, PROVISIONAL) else None


__all__ = ["SiteData", "PageContext", "Figure", "area_pages", "page_context", "same_area", "linked_years",
           "THEMES", "SUPPRESSED", "MISSING", "has_module", "AGGREGATE_MODULE", "source_text"]
