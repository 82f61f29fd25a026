"""Building the static site in two passes (Pelican style).

Pass 1 (:func:`compute_pages`) reads the warehouse and computes the context of every
page -- figures, comparisons, chart specifications -- writing nothing.  Pass 2
(:func:`render_site`) renders the pages, charts, twins, embeds and big-screen pages
and writes them through a :class:`Writer` into a fresh folder that replaces the old
site only when everything succeeded.
"""

from __future__ import annotations

import importlib
import itertools
import json
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from html import escape
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from ..accounts.parameters import load_parameters
from ..errors import BuildError
from ..workspace import Workspace
from . import twins
from .charts import Chart, render
from ..warehouse.store import Observation
from .context import AGGREGATE_MODULE, PageContext, SiteData, area_pages, has_module, source_text
from .ledger import SiteLedgers, geldstromen_section
from .sections import SECTIONS, Section, page_sections
from .urls import embed_url, root_of, screen_url
from .writer import Writer, atomic_site

PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'")
EMBED_CSP = ("default-src 'self'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; "
             "object-src 'none'; base-uri 'self'; form-action 'none'")
STATIC_FILES = ("site.css", "site.js", "embed-child.js")
DEFAULT_TITLE = "Wijkboekhouding"


@dataclass
class BuildResult:
    out_dir: Path
    pages: int = 0
    areas: int = 0
    embeds: int = 0
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    pass1_seconds: float = 0.0
    largest_page: tuple[int, str] = (0, "")
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (f"Site built in {self.out_dir}: {self.areas} areas, {self.pages} area pages, {self.embeds} embeds, "
                f"{self.files} files, {self.bytes / 1e6:.1f} MB in {self.seconds:.1f} s. "
                f"Preview it with 'wijkboekhouding serve' and open http://127.0.0.1:8000/")
        return "\n".join([text, *self.notes])


@dataclass
class RenderedSection:
    section: Section
    context: dict
    charts: list[Chart]
    charts_html: list[str]
    body: str
    embed_body: str | None = None  # the section's embed, when it differs from ``body``


@dataclass
class PlannedPage:
    """A page with its sections' contexts: the output of pass 1 for one area and year."""

    page: PageContext
    sections: list[tuple[Section, dict]]


def environment() -> Environment:
    env = Environment(loader=PackageLoader("wijkboekhouding.site", "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined, auto_reload=False)
    return env


# -- pass 1 --------------------------------------------------------------------------------

def compute_pages(data: SiteData, provincie_pages: bool = False,
                  sections_list: list[Section] = SECTIONS) -> list[PlannedPage]:
    """Pass 1: the context of every area page and its sections.  Writes nothing."""
    planned = []
    for page in area_pages(data, provincie_pages):
        sections = []
        for section in sections_list:
            ctx = section.context(page)
            if ctx is not None:
                sections.append((section, ctx))
        planned.append(PlannedPage(page, sections))
    return planned


def add_aggregate_areas(data: SiteData, wh, threshold: float) -> bool:
    """Add provincie and custom-area (``/gebied/<slug>/``) pages to ``data``.

    Their figures are aggregates computed by ``wijkboekhouding.warehouse.aggregate``
    (``aggregate_area(warehouse, code_or_slug, year, threshold=threshold)``, the
    workspace's ``coverage_threshold``); they are kept in ``data.aggregates`` for the
    ledger.  Without that module the site
    has no provincie or custom-area pages, and breadcrumbs name the provincie without a
    link.  An aggregate cites the source its parts' figures came from.  Returns whether
    provincie pages are built.
    """
    if not has_module(AGGREGATE_MODULE):
        return False
    aggregate = importlib.import_module(AGGREGATE_MODULE)
    from ..warehouse.custom_areas import list_areas
    from ..warehouse.store import Area

    source_of: dict[tuple[str, int], int] = {}
    for (code, year), figures in data.obs.items():
        for ind_id, o in figures.items():
            source_of.setdefault((ind_id, year), o.source_id)
    years = sorted({y for ys in data.years_of.values() for y in ys})

    def add(key: str, name: str, level: str, year: int, figures, members: list[str]) -> None:
        published = (key, year) in data.areas  # CBS publishes this provincie itself (e.g. 81528NED)
        data.aggregates[(key, year)] = figures
        data.areas[(key, year)] = Area(key, year, name, level, None, None, None)
        data.raw_names[(key, year)] = name
        if not published:
            data.years_of.setdefault(key, []).append(year)
        data.children[(key, year)] = [m for m in members if (m, year) in data.areas]
        own = data.obs.setdefault((key, year), {})
        reported = {i for m in members for i in data.obs.get((m, year), ())}
        for ind_id, agg in figures.items():
            if ind_id in own:  # CBS's own figure for the area wins over an aggregate of its parts
                continue
            if agg.value is None and ind_id not in reported:
                continue  # no part has this figure (e.g. a national tariff): nothing to explain
            source_id = source_of.get((ind_id, year))
            if source_id is None:
                continue
            status = ("provisional" if agg.provisional else "value") if agg.value is not None else \
                "suppressed" if agg.status == "suppressed" else "missing"
            own[ind_id] = Observation(ind_id, key, year, str(year), agg.value, status, source_id)
            note = agg.note_nl()
            if note:
                data.notes[(key, year, ind_id)] = note

    provincie_pages = False
    for year in years:
        provincies = {pv: name for gm, (pv, name) in data.provincie.items() if (gm, year) in data.areas}
        for pv, name in sorted(provincies.items()):
            figures = aggregate.aggregate_area(wh, pv, year, threshold=threshold)
            add(pv, name, "provincie", year, figures, [g for g, (p, _) in data.provincie.items() if p == pv])
            provincie_pages = True
    for custom in list_areas(wh):
        for year in custom.years(years):
            if not any((m.code, year) in data.areas for m in custom.members_in(year)):
                continue  # no member has figures in that year (e.g. a year of national tariffs only)
            figures = aggregate.aggregate_area(wh, custom.slug, year, threshold=threshold)
            add(custom.slug, custom.name, "gebied", year, figures, [c for c, _ in figures.members])
    return provincie_pages


# -- pass 2 --------------------------------------------------------------------------------

class Renderer:
    """Pass 2: renders planned pages and writes them."""

    def __init__(self, writer: Writer, site_title: str, site_url: str, bare: bool = False):
        self.writer = writer
        self.env = environment()
        self.site_title = site_title
        self.site_url = site_url.rstrip("/")
        self.bare = bare
        self.t_area = self.env.get_template("bare.html.j2" if bare else "area.html.j2")
        self.t_embed = self.env.get_template("bare.html.j2" if bare else "embed.html.j2")
        self.t_screen = self.env.get_template("bare.html.j2" if bare else "screen.html.j2")
        self.t_chart = self.env.get_template("chart.html.j2")
        self.embeds = 0
        self.largest = (0, "")

    def _common(self, url: str) -> dict:
        return {"root": root_of(url), "site_title": self.site_title, "site_url": self.site_url, "csp": PAGE_CSP}

    def sections(self, planned: PlannedPage) -> list[RenderedSection]:
        """Render each section's charts and body once; page, embeds and big screen reuse them."""
        out = []
        for section, ctx in planned.sections:
            if section.prepare:
                ctx = section.prepare(planned.page, ctx, not self.bare)
            if self.bare:
                out.append(RenderedSection(section, ctx, [], [], ""))
                continue
            charts = [render(spec) for spec in (section.charts(planned.page, ctx) if section.charts else [])]
            charts_html = [self.t_chart.render(chart=c) for c in charts]
            body = self.env.get_template(section.template).render(page=planned.page, section=section, s=ctx,
                                                                  charts_html=charts_html)
            embed_body = self.env.get_template(section.embed_template).render(
                page=planned.page, section=section, s=ctx) if section.embed_template else None
            out.append(RenderedSection(section, ctx, charts, charts_html, body, embed_body))
        return out

    def snippet(self, code: str, section_id: str, title: str) -> str:
        base = self.site_url or "https://JOUW-WIJKBOEKHOUDING.nl"
        src = f"{base}/{embed_url(code, section_id)}"
        origin = "/".join(base.split("/")[:3])
        return (f'<iframe src="{src}" title="{escape(title)}" style="width:100%;border:0;height:480px" '
                f'loading="lazy"></iframe>\n'
                f'<script>(function(){{var o="{origin}",f=document.currentScript.previousElementSibling;'
                f'addEventListener("message",function(e){{if(e.origin!==o||e.source!==f.contentWindow)return;'
                f'var d=e.data;if(d&&d.type==="wijkboekhouding-hoogte"&&typeof d.hoogte==="number"&&d.hoogte>0'
                f'&&d.hoogte<20000)f.style.height=Math.ceil(d.hoogte)+"px"}})}})();</script>')

    def area(self, planned: PlannedPage, other_year_urls: dict[int, str], twin_base: str) -> list[RenderedSection]:
        page = planned.page
        sections = self.sections(planned)
        snippets = {r.section.id: self.snippet(page.code, r.section.id, f"{r.section.title} – {page.name}")
                    for r in sections}
        html = self.t_area.render(page=page, sections=sections, snippets=snippets,
                                  other_year_urls=other_year_urls, screen_url=screen_url(page.code),
                                  twin_base=twin_base, **self._common(page.url))
        self.writer.write(page.url, html, f"{page.code} {page.year}")
        if len(html) > self.largest[0]:
            self.largest = (len(html), page.url)
        if page.is_latest:
            self.embed_pages(page, sections)
            url = screen_url(page.code)
            self.writer.write(url, self.t_screen.render(page=page, sections=sections,
                                                        **self._common(url)), f"scherm {page.code}")
        return sections

    def embed_pages(self, page: PageContext, sections: list[RenderedSection]) -> None:
        """Every section and every chart as a standalone page, for every area."""
        for r in sections:
            if not r.section.embeddable:
                continue
            used = [page.sources[n - 1] for n in sorted({f.source for f in r.context.get("figures", [])})]
            items = [(r.section.id, r.section.title, r.embed_body or r.body)] + [
                (c.spec.id, c.spec.title, html) for c, html in zip(r.charts, r.charts_html)]
            for eid, title, body in items:
                url = embed_url(page.code, eid)
                common = self._common(url)
                common["csp"] = EMBED_CSP
                html = self.t_embed.render(page=page, section=r.section, s=r.context, body=body, title=title, sections=[r],
                                           used_sources=used, **common)
                self.writer.write(url, html, f"embed {page.code} {eid}")
                self.embeds += 1


@dataclass
class ChunkResult:
    written: dict[str, str]
    bytes: int
    embeds: int
    largest: tuple[int, str]
    search_index: list[list[str]]


def render_areas(groups: list[list[PlannedPage]], root: Path, site_title: str, site_url: str,
                 bare: bool) -> ChunkResult:
    """Render the pages, twins, embeds and big-screen page of some areas (one list per code)."""
    writer = Writer(root)
    r = Renderer(writer, site_title, site_url, bare)
    search_index = []
    for group in groups:
        latest = group[0].page
        other_year_urls = {p.page.year: p.page.url for p in group}
        ledgers = {}
        for p in group:
            for rendered in r.area(p, other_year_urls, latest.url):
                ledger = rendered.context.get("ledger")
                if ledger is not None:
                    ledgers[p.page.year] = ledger
                    writer.write(p.page.url + "ledger.csv", twins.ledger_to_csv(ledger), f"ledger.csv {p.page.code}")
        pages = [p.page for p in group]
        writer.write(latest.url + "data.json", twins.to_json(pages, latest.url, ledgers), f"data.json {latest.code}")
        writer.write(latest.url + "data.csv", twins.to_csv(pages), f"data.csv {latest.code}")
        parent = latest.gemeente_name if latest.level in ("wijk", "buurt") else ""
        search_index.append([latest.name, latest.level_label, parent, latest.url])
    return ChunkResult(writer.written, writer.bytes, r.embeds, r.largest, search_index)


_FORKED: tuple | None = None  # the work a forked worker inherits (no pickling of page contexts)


def _render_forked(lo: int, hi: int) -> ChunkResult:
    groups, root, site_title, site_url, bare = _FORKED
    return render_areas(groups[lo:hi], root, site_title, site_url, bare)


def render_site(planned: list[PlannedPage], writer: Writer, data: SiteData, featured: list[str],
                site_title: str, site_url: str, bare: bool = False, workers: int = 1) -> list[ChunkResult]:
    """Pass 2: write every page of the site, in ``workers`` forked processes for big sites."""
    global _FORKED
    static = resources.files("wijkboekhouding.site").joinpath("static")
    for name in STATIC_FILES:
        writer.write(f"static/{name}", static.joinpath(name).read_bytes(), f"static {name}")
    groups = [list(g) for _, g in itertools.groupby(planned, key=lambda p: p.page.code)]
    if workers > 1 and len(groups) > workers:
        bounds = [len(groups) * i // workers for i in range(workers + 1)]
        _FORKED = (groups, writer.root, site_title, site_url, bare)
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                chunks = list(pool.map(_render_forked, bounds[:-1], bounds[1:]))
        finally:
            _FORKED = None
    else:
        chunks = [render_areas(groups, writer.root, site_title, site_url, bare)]
    for chunk in chunks:  # one address written by two workers: refuse the build
        for key, what in chunk.written.items():
            if key in writer.written:
                raise BuildError(f"two pages want the same output path {key!r}: {writer.written[key]} and {what}. "
                                 "Two areas lead to the same address (code and name slug); fix the area names or "
                                 "codes in the warehouse and build again.")
            writer.written[key] = what
        writer.bytes += chunk.bytes

    search_index = [row for chunk in chunks for row in chunk.search_index]
    writer.write("zoekindex.json", json.dumps(search_index, ensure_ascii=False, separators=(",", ":")), "zoekindex")
    env = environment()
    common = {"root": "", "site_title": site_title, "site_url": site_url, "csp": PAGE_CSP}
    featured_links = [(data.name(c, data.years_of[c][-1]), data.url(c)) for c in featured if c in data.years_of]
    provincies = sorted({(name, data.url(pv)) for pv, name in data.provincie.values() if pv in data.years_of})
    writer.write("", env.get_template("home.html.j2").render(featured=featured_links, provincies=provincies,
                                                              **common), "home")
    sources = sorted({source_text(s, s.title.rsplit(" ", 1)[-1] if s.title[-4:].isdigit() else s.retrieved_at[:4])
                      for s in data.sources.values() if s.current})
    writer.write("over/", env.get_template("over.html.j2").render(sources=sources, **{**common, "root": "../"}),
                 "over")
    return chunks


def default_workers(pages: int) -> int:
    """Fork for big sites only: below ~1 500 pages a second process costs more than it saves."""
    return max(1, min(os.cpu_count() or 1, 4)) if pages >= 1500 else 1


def build_site(ws: Workspace, out_dir: str | Path, *, bare: bool = False, workers: int | None = None) -> BuildResult:
    """Build the workspace's site into ``out_dir`` (written aside, then swapped in)."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    params = load_parameters(ws.path)
    with ws.warehouse() as wh:
        data = SiteData.load(wh, ws.settings.get("name", ""))
        provincie_pages = add_aggregate_areas(data, wh, ws.settings["coverage_threshold"])
    if provincie_pages:
        data.use_provincies()
    planned = compute_pages(data, provincie_pages, page_sections(geldstromen_section(SiteLedgers(data, params))))
    pass1 = time.perf_counter() - started
    result = BuildResult(out_dir, pass1_seconds=pass1)
    title = ws.settings.get("name") or DEFAULT_TITLE
    with atomic_site(out_dir) as root:
        writer = Writer(root)
        chunks = render_site(planned, writer, data, ws.gemeenten, title, ws.settings.get("site_url", ""), bare,
                             workers or default_workers(len(planned)))
    result.pages = len(planned)
    result.areas = len(data.years_of)
    result.embeds = sum(c.embeds for c in chunks)
    result.files = writer.files
    result.bytes = writer.bytes
    result.largest_page = max(c.largest for c in chunks)
    result.seconds = time.perf_counter() - started
    if not provincie_pages:
        result.notes.append("No provincie pages: no gemeente-provincie list in the warehouse, or "
                            "wijkboekhouding.warehouse.aggregate is not available.")
    return result
