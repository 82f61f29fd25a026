"""An area page is a list of sections; each is a (context function, template) pair.

A context function takes the page context and returns the section's own context (a
dict) or ``None`` when the section does not apply (pass 1).  Pass 2 may refine it: an
optional ``prepare(page, ctx, rendered)`` returns the context to render (the ledger is
built there, in the worker that writes the page), and an optional chart function turns
page and section context into chart specifications.  :func:`page_sections` gives the
list; the build adds the Geldstromen section (``site/ledger.py``), which needs the
build's data and parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .charts import ChartSpec
from .context import PageContext
from .numbers import format_value, nl_number

THEME_TITLES = {
    "geld": "Geld", "wonen": "Wonen", "groen": "Groen", "sociaal": "Mensen en huishoudens", "werk": "Werk",
    "energie": "Energie", "talent": "Talent en onderwijs", "bedrijvigheid": "Bedrijvigheid",
    "voorzieningen": "Voorzieningen",
}
THEME_INTROS = {
    "geld": "Inkomen, uitkeringen en wat een gebied aan geld binnenkrijgt.",
    "wonen": "Woningen, hun waarde en wie er eigenaar van is.",
    "groen": "Oppervlakte, land en groen.",
    "sociaal": "Hoeveel mensen er wonen, hoe oud ze zijn en hoe ze samenwonen; zorg en ondersteuning.",
    "werk": "Werk en uitkeringen die met werk te maken hebben.",
    "energie": "Gas- en stroomverbruik, stadsverwarming en zonnepanelen.",
    "talent": "Onderwijs en vaardigheden.",
    "bedrijvigheid": "Bedrijven en vestigingen.",
    "voorzieningen": "Voorzieningen in de buurt.",
}
AGE_GROUPS = (("inwoners_0_15", "0–15 jaar"), ("inwoners_15_25", "15–25 jaar"), ("inwoners_25_45", "25–45 jaar"),
              ("inwoners_45_65", "45–65 jaar"), ("inwoners_65_plus", "65 jaar of ouder"))
SEXES = (("mannen", "Mannen"), ("vrouwen", "Vrouwen"))
HOUSEHOLDS = (("eenpersoonshuishoudens", "Eenpersoons"), ("huishoudens_zonder_kinderen", "Zonder kinderen"),
              ("huishoudens_met_kinderen", "Met kinderen"))


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    context: Callable[[PageContext], dict | None]
    template: str
    embeddable: bool = True
    charts: Callable[[PageContext, dict], list[ChartSpec]] | None = None  # drawn in pass 2
    prepare: Callable[[PageContext, dict, bool], dict] | None = None  # pass 2: the context to render
    embed_template: str | None = None  # the section's embed body, when it differs from the page's


def theme_section(theme: str) -> Section:
    def context(page: PageContext) -> dict | None:
        figures = [f for f in page.figures.values() if f.theme == theme]
        return {"intro": THEME_INTROS[theme], "figures": figures}

    def charts(page: PageContext, ctx: dict) -> list[ChartSpec]:
        figures = ctx["figures"]
        charts: list[ChartSpec] = []
        if theme == "sociaal":
            charts += _composition(page, "leeftijd", "Leeftijdsopbouw", AGE_GROUPS, "inwoners")
            charts += _composition(page, "geslacht", "Mannen en vrouwen", SEXES, "inwoners")
            charts += _composition(page, "huishoudens", "Soorten huishoudens", HOUSEHOLDS, "huishoudens")
        charts += _comparisons(page, [f for f in figures if f.kind != "count" and f.value is not None])
        charts += [_history(page, f) for f in figures if f.id in page.history][:MAX_HISTORY_CHARTS]
        return charts

    return Section(theme, THEME_TITLES[theme], context, "sections/theme.html.j2", charts=charts)


def _area_label(page: PageContext) -> str:
    return page.name


MAX_BARS_PER_CHART = 6
# Comparison charts per theme.  A wide table (the 2024 map has ~90 proximity figures) would
# otherwise draw a chart per six figures and push a page past 150 KB; every figure, with its
# gemeente and NL comparison, stays in the theme's table.
MAX_COMPARISON_CHARTS = 1
MAX_HISTORY_CHARTS = 2  # time series per theme (81528NED alone gives 15 years of 30 figures)


def _comparisons(page: PageContext, figures: list) -> list[ChartSpec]:
    """Comparison bars (area, gemeente, NL): one chart per unit, at most six figures each."""
    by_unit: dict[str, list] = {}
    for f in figures:
        by_unit.setdefault(f.unit, []).append(f)
    charts = []
    for unit, figs in by_unit.items():
        for i in range(0, len(figs), MAX_BARS_PER_CHART):
            charts.append(_comparison(page, figs[i:i + MAX_BARS_PER_CHART]))
            if len(charts) == MAX_COMPARISON_CHARTS:
                return charts
    return charts


def _comparison(page: PageContext, figs: list) -> ChartSpec:
    fig = figs[0]
    names = [_area_label(page)]
    if page.level in ("wijk", "buurt") and page.gemeente_name:
        names.append(f"Gemeente {page.gemeente_name}")
    if page.code != "NL00":
        names.append("Nederland")
    keys = ["own", "gemeente", "nl"][:1] + (["gemeente"] if len(names) > 1 and names[1].startswith("Gemeente") else []) \
        + (["nl"] if page.code != "NL00" else [])
    series = []
    for name, key in zip(names, keys):
        series.append((name, [f.value if key == "own" else f.gemeente_value if key == "gemeente" else f.nl_value
                              for f in figs]))
    cats = [f.label for f in figs]
    parts = "; ".join(f"{c}: " + ", ".join(f"{n} {_plain(vals[i], figs[i])}" for n, vals in series)
                      for i, c in enumerate(cats))
    title = f"{fig.label} ({page.year})" if len(figs) == 1 else f"Vergelijking met {' en '.join(names[1:]) or 'elkaar'} ({page.year})"
    cid = f"{fig.theme}-{fig.id}" if len(figs) == 1 else f"{fig.theme}-vergelijking-{fig.id}"
    return ChartSpec(id=cid, kind="bars", title=title, desc=f"{parts}.", categories=cats, series=series,
                     unit=fig.unit, decimals=fig.decimals, source=page.source_of(*figs))


def _composition(page: PageContext, cid: str, title: str, parts: tuple, total_id: str) -> list[ChartSpec]:
    """Stacked shares (in %) of the area, its gemeente and NL -- only with every part known."""
    own = [page.figures.get(i) for i, _ in parts]
    if any(f is None or f.value is None for f in own):
        return []
    series = []
    for label, values in (
        (_area_label(page), [f.value for f in own]),
        (f"Gemeente {page.gemeente_name}" if page.gemeente_name else "", [f.gemeente_value for f in own]),
        ("Nederland" if page.code != "NL00" else "", [f.nl_value for f in own]),
    ):
        if label and all(v is not None for v in values):
            total = sum(values)
            series.append((label, [100.0 * v / total if total else None for v in values]))
    cats = [label for _, label in parts]
    desc = "; ".join(f"{name}: " + ", ".join(f"{c} {_pct(v)}" for c, v in zip(cats, vals)) for name, vals in series)
    return [ChartSpec(id=f"sociaal-{cid}", kind="stacked", title=f"{title} ({page.year}, aandeel in %)",
                      desc=desc + ".", categories=cats, series=series, unit="%", decimals=1,
                      source=page.source_of(*own))]


def _history(page: PageContext, fig) -> ChartSpec:
    values = page.history[fig.id]
    years = [str(y) for y in page.series_years]
    parts = ", ".join(f"{y}: {_plain(v, fig)}" for y, v in zip(years, values))
    return ChartSpec(id=f"{fig.theme}-{fig.id}-verloop", kind="line", title=f"{fig.label}: verloop",
                     desc=f"{fig.label} in {page.name} per jaar{unit_suffix(fig.unit)}: {parts}.",
                     categories=years, series=[(page.name, values)], unit=fig.unit, decimals=fig.decimals,
                     source=page.history_sources[fig.id])


def unit_suffix(unit: str) -> str:
    return "" if unit in ("", "aantal", "%", "procent") or unit.startswith(("x 1 000 euro", "euro")) else f" ({unit})"


def _plain(value, fig) -> str:
    return "onbekend" if value is None else format_value(value, fig.decimals, fig.unit)


def _pct(value) -> str:
    return "onbekend" if value is None else f"{nl_number(value, 1)} %"


def key_figures_section() -> Section:
    def context(page: PageContext) -> dict | None:
        figures = page.key_figures()
        return {"intro": "De belangrijkste cijfers in één oogopslag.", "figures": figures} if figures else None

    return Section("kerncijfers", "Kerncijfers", context, "sections/theme.html.j2")


def page_sections(*extra: Section) -> list[Section]:
    """Key figures, one section per theme, then ``extra`` (the build adds Geldstromen)."""
    return [key_figures_section()] + [theme_section(t) for t in THEME_TITLES] + list(extra)


SECTIONS: list[Section] = page_sections()
