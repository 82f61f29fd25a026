"""The Geldstromen section on the built site: the same ledger as the CLI, its twins, the Sankey,
absent lines, the custom area and the coverage threshold.  Real KWB 2017 + 2024 files, CBS
81528NED (energy use per gemeente) and the Wijk- en buurtkaart 2024 (dwellings and energy per
wijk and buurt, so Delfshaven has an energy bill); real SQLite; a real build."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest

from conftest import SHARED_DATA
from test_site import make_pilot_workspace, page, text_of

ENERGY_81528 = SHARED_DATA / "cbs-energieverbruik-woningen-regio-81528NED" / "81528NED_full_data.csv"
MAP_2024 = SHARED_DATA / "kwb-2024-wijkbuurtkaart-v2-nprz-parquet"
SPIJKERKWARTIER = "wijk/WK020202-spijkerkwartier/"
DELFSHAVEN = "wijk/WK059903-delfshaven/"
_BUILT: dict = {}


def ledger_site(tmp_path_factory):
    """The pilot workspace plus energy data, built once per test session: ``(ws, site dir)``."""
    if "site" not in _BUILT:
        from wijkboekhouding.site import build_site
        from wijkboekhouding.warehouse.imports import import_cbs_file

        base = tmp_path_factory.mktemp("ledger-site")
        ws = make_pilot_workspace(base / "ws")
        import_cbs_file(ws, ENERGY_81528, table_id="81528NED")
        for level in ("wijk", "buurt"):
            import_cbs_file(ws, MAP_2024 / f"{level}_2024_stats.parquet")
        build_site(ws, base / "site")
        _BUILT["site"] = (ws, base / "site")
    return _BUILT["site"]


@pytest.fixture(scope="module")
def built(tmp_path_factory, shared_data):
    return ledger_site(tmp_path_factory)


def section_of(html: str) -> str:
    return re.search(r'<section class="section" id="geldstromen".*?</section>', html, re.S).group(0)


class LedgerParser(HTMLParser):
    """Lines (title, amount), absent lines (label, reason) and totals of a Geldstromen section."""

    def __init__(self):
        super().__init__()
        self.lines, self.absent, self.totals = [], [], {}
        self._where, self._text, self._total = None, [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "p" and a.get("class") == "ledger-line-head":
            self._where, self._text = "line", []
        elif tag == "li" and (a.get("id") or "").startswith("ontbreekt-"):
            self._where, self._text = "absent", []
        elif tag == "dd" and "data-total" in a:
            self._where, self._text, self._total = "total", [], a["data-total"]

    def handle_endtag(self, tag):
        text = "".join(self._text).strip()
        if self._where == "line" and tag == "p":
            title, amount = text.rsplit(": ", 1)
            self.lines.append((title.split(" ", 1)[1], amount))
        elif self._where == "absent" and tag == "li":
            self.absent.append(tuple(text.split(" — ontbreekt: ", 1)))
        elif self._where == "total" and tag == "dd":
            self.totals[self._total] = text
        else:
            return
        self._where = None

    def handle_data(self, data):
        if self._where:
            self._text.append(data)


def parse(html: str) -> LedgerParser:
    p = LedgerParser()
    p.feed(section_of(html))
    return p


def cli_ledger(ws, area: str, year: int) -> dict:
    from wijkboekhouding.accounts.ledger import format_ledger

    return json.loads(format_ledger(ws, area, year, "json"))


def euro_or_unknown(amount):
    from wijkboekhouding.accounts.ledger import euro

    return "onbekend" if amount is None else euro(amount)


@pytest.mark.parametrize("url,year", [(SPIJKERKWARTIER + "2017/", 2017), (SPIJKERKWARTIER, 2024),
                                      (DELFSHAVEN, 2024), ("buurt/BU05050201-stadswerven/", 2024)])
def test_the_section_shows_the_same_lines_and_amounts_as_the_cli(built, url, year):
    from wijkboekhouding.accounts.ledger import euro

    ws, site = built
    code = re.search(r"/([A-Z]{2}\d+)-", url).group(1)
    expected = cli_ledger(ws, code, year)
    shown = parse(page(site, url))
    assert shown.lines == [(line["label"], euro(line["amount"]) + ("" if line["kind"] == "stock" else " per jaar"))
                           for line in expected["lines"]]
    assert shown.absent == [(a["label"], a["reason"]) for a in expected["absent"]]
    totals = expected["totals"]
    if not any(line["kind"] in ("in", "out", "local") for line in expected["lines"]):
        assert shown.totals == {}
        assert "te weinig cijfers om geldstromen te berekenen" in text_of(section_of(page(site, url)))
        return
    assert shown.totals == {"binnen": euro_or_unknown(totals["stroomt_binnen"]),
                            "weg": euro_or_unknown(totals["stroomt_weg"]),
                            "blijft": euro_or_unknown(totals["blijft_in_de_buurt"])}


def test_spijkerkwartier_2017_has_its_income_line_with_a_method_card(built):
    _, site = built
    html = section_of(page(site, SPIJKERKWARTIER + "2017/"))
    text = text_of(html)
    assert "gemeten Inkomen van bewoners : € 164.808.000 per jaar" in text
    card = re.search(r'<li class="ledger-line" id="regel-inkomen">.*?</li>', html, re.S).group(0)
    card_text = text_of(card)
    assert "Formule: P × ī_inw × 1 000" in card_text
    assert "Inwoners × gemiddeld persoonlijk inkomen per inwoner." in card_text
    assert "Aantal inwoners 6.540 aantal CBS 83765NED (Kerncijfers wijken en buurten 2017), 2017 wijk WK020202" \
        in card_text
    assert "Deze regel rust op: wijk WK020202" in card_text
    assert "Onzekerheid: Persoonlijk bruto-inkomen volgens CBS" in card_text


def test_an_absent_line_shows_its_reason(built):
    _, site = built
    text = text_of(section_of(page(site, DELFSHAVEN)))
    assert ("Onroerendezaakbelasting (schatting) — ontbreekt: geen OZB-tarief voor GM0599 in 2024 in de parameters "
            "([gemeente.GM0599.ozb.2024] tarief_pct)") in text
    assert "Deze regels zijn niet te berekenen. Ze tellen niet mee, ook niet als nul." in text


def test_ledger_csv_beside_each_page_equals_ledger_csv(built):
    from wijkboekhouding.accounts.ledger import format_ledger, ledger_csv, ledger_for
    from wijkboekhouding.accounts.parameters import load_parameters
    from wijkboekhouding.site.twins import neutralise

    ws, site = built
    params = load_parameters(ws.path)
    for url, code, year in ((SPIJKERKWARTIER, "WK020202", 2024), (SPIJKERKWARTIER + "2017/", "WK020202", 2017),
                            (DELFSHAVEN, "WK059903", 2024), ("gebied/oosterbeek/", "oosterbeek", 2024)):
        written = (site / url / "ledger.csv").read_text(encoding="utf-8")
        with ws.warehouse() as wh:
            ledger = ledger_for(wh, code, year, params, ws.settings["coverage_threshold"])
        assert written == ledger_csv(ledger, cell=neutralise) == ledger_csv(ledger)
        assert written.rstrip("\n") == format_ledger(ws, code, year, "csv")
    assert 'href="ledger.csv"' in page(site, SPIJKERKWARTIER)


def test_data_json_holds_every_years_ledger(built):
    ws, site = built
    doc = json.loads((site / SPIJKERKWARTIER / "data.json").read_text(encoding="utf-8"))
    assert sorted(doc["geldstromen"]) == ["2017", "2024"]
    for year in (2017, 2024):
        assert doc["geldstromen"][str(year)] == cli_ledger(ws, "WK020202", year)


def test_the_sankeys_numbers_equal_its_tables_and_the_sections(built):
    from wijkboekhouding.accounts.ledger import euro

    ws, site = built
    html = section_of(page(site, DELFSHAVEN))
    drawn = dict(re.findall(r'<path d="[^"]+" fill="none" [^>]*data-line="([^"]+)" data-amount="([^"]+)"', html))
    table = dict(re.findall(r'<tr data-line="([^"]+)"><td>[^<]*</td><td>[^<]*</td><td class="bedrag">([^<]+)</td>',
                            html))
    expected = {line["id"]: euro(line["amount"]) for line in cli_ledger(ws, "WK059903", 2024)["lines"]
                if line["kind"] in ("in", "out", "local") and line["amount"] > 0}
    assert len(expected) >= 4
    assert drawn == table == expected
    cards = {i.replace("-", ".", 1): a for i, a in re.findall(
        r'id="regel-([a-z_.-]+)">\s*<p class="ledger-line-head">.*?<span class="bedrag">([^<]+) per jaar</span>', html,
        re.S)}
    assert {k: cards[k] for k in expected} == expected


def test_the_sankey_embed_exists_with_source_and_link_back(built):
    _, site = built
    html = page(site, "embed/v1/WK059903/geldstromen/")
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'class="sankey"' in html
    assert "Berekend door wijkboekhouding uit: CBS 85984NED" in html
    assert f'href="../../../../{DELFSHAVEN}#geldstromen" target="_top"' in html
    assert "scenario-form" not in html and "ledger-lines" not in html
    assert re.findall(r"<script[^>]*>", html) == ['<script src="../../../../static/embed-child.js" defer>']
    assert 'id="snippet-geldstromen"' in page(site, DELFSHAVEN)


def test_every_area_page_has_a_geldstromen_section(built):
    _, site = built
    for url in ("nederland/", "gemeente/GM0202-arnhem/", "gemeente/GM0202-arnhem/2012/", SPIJKERKWARTIER,
                "buurt/BU02020211-spijkerbuurt/", "gebied/oosterbeek/", "gebied/dieze/"):
        assert '<section class="section" id="geldstromen"' in page(site, url), url


def test_the_custom_area_ledger_is_built_from_aggregated_inputs(built):
    """Oosterbeek = WK027410 + WK027411 + WK027412: its income line is the sum of inhabitants
    times their inhabitant-weighted income, as the aggregation engine computes them."""
    from wijkboekhouding.accounts.ledger import euro
    from wijkboekhouding.warehouse.aggregate import aggregate_area

    ws, site = built
    with ws.warehouse() as wh:
        figures = aggregate_area(wh, "oosterbeek", 2017, ["inwoners", "inkomen_per_inwoner"],
                                 ws.settings["coverage_threshold"])
        members = {code: (wh.values(["inwoners", "inkomen_per_inwoner"], 2017, [code])) for code in
                   ("WK027410", "WK027411", "WK027412")}
    people = sum(v[(c, "inwoners")].value for c, v in members.items())
    weighted = sum(v[(c, "inwoners")].value * v[(c, "inkomen_per_inwoner")].value for c, v in members.items()) / people
    assert figures["inwoners"].value == people and figures["inkomen_per_inwoner"].value == pytest.approx(weighted)
    html = section_of(page(site, "gebied/oosterbeek/2017/"))
    shown = dict(parse(page(site, "gebied/oosterbeek/2017/")).lines)
    assert shown["Inkomen van bewoners"] == euro(people * weighted * 1000) + " per jaar"
    card = text_of(re.search(r'id="regel-inkomen">.*?</li>', html, re.S).group(0))
    assert "Deze regel rust op: gebied oosterbeek" in card
    assert f"Aantal inwoners {people:,.0f} aantal".replace(",", ".") in card


def test_site_and_ledger_use_the_workspaces_coverage_threshold(tmp_path, shared_data):
    """A custom area with one buurt whose income CBS kept secret: at a threshold of 0.5 the
    area has an income (from the other buurt), at 1.0 it has none -- on the page and in the CLI."""
    from test_site import KWB_2017
    from wijkboekhouding.accounts.ledger import format_ledger
    from wijkboekhouding.site.build import add_aggregate_areas
    from wijkboekhouding.site.context import SiteData
    from wijkboekhouding.warehouse.custom_areas import define_area
    from wijkboekhouding.warehouse.imports import import_cbs_file
    from wijkboekhouding.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws", ["GM0202"])
    import_cbs_file(ws, KWB_2017, table_id="83765NED")
    with ws.warehouse() as wh:
        values = wh.values(["inkomen_per_inwoner", "inwoners"], 2017)
    income = {c: o for (c, i), o in values.items() if c.startswith("BU0202") and i == "inkomen_per_inwoner"}
    people = {c: o.value for (c, i), o in values.items() if i == "inwoners" and o.value}
    secret = min(c for c, o in income.items() if o.status == "suppressed" and c in people)
    known = max((c for c, o in income.items() if o.value is not None and c in people), key=people.get)
    define_area(ws, "proef", "Proefgebied", f"{known},{secret}")
    results = {}
    for threshold in (0.5, 1.0):
        ws.settings["coverage_threshold"] = threshold
        with ws.warehouse() as wh:
            data = SiteData.load(wh)
            add_aggregate_areas(data, wh, ws.settings["coverage_threshold"])
        page_income = data.aggregates[("proef", 2017)]["inkomen_per_inwoner"].value
        cli = json.loads(format_ledger(ws, "proef", 2017, "json"))
        results[threshold] = (page_income, [line["id"] for line in cli["lines"]], cli["absent"])
    assert results[0.5][0] is not None and "inkomen" in results[0.5][1]
    assert results[1.0][0] is None and "inkomen" not in results[1.0][1]
    reason = next(a["reason"] for a in results[1.0][2] if a["id"] == "inkomen")
    assert "van te weinig delen bekend" in reason and "minimaal 100% nodig" in reason


def test_csv_cells_of_a_local_flow_are_neutralised(tmp_path):
    from wijkboekhouding.accounts.inputs import AreaData, Figure, LocalFlow
    from wijkboekhouding.accounts.ledger import build_ledger
    from wijkboekhouding.accounts.parameters import load_parameters
    from wijkboekhouding.site.twins import ledger_to_csv

    data = AreaData("WK020202", "Spijkerkwartier", "wijk", 2024, gemeenten=("GM0202",))
    figure = Figure("geldstroom_in_x", "=HYPERLINK(\"http://x\")", 100.0, "euro per jaar", "@partij: lijst", "2024",
                    "wijk WK020202")
    data.local_flows.append(LocalFlow("geldstroom_in_x", figure.label, "in", 100.0, "-Buiten", "+Binnen", figure))
    rows = list(csv.reader(io.StringIO(ledger_to_csv(build_ledger(data, load_parameters())))))
    line = next(r for r in rows if r[0] == "lokaal.geldstroom_in_x")
    assert line[2:5] == ["'=HYPERLINK(\"http://x\")", "'-Buiten", "'+Binnen"]
    assert line[5] == "100.00"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row if cell)


def test_the_page_exports_the_scenario_inputs_for_its_script(built):
    from wijkboekhouding.accounts.ledger import build_ledger, scenario_inputs
    from wijkboekhouding.accounts.inputs import gather
    from wijkboekhouding.accounts.parameters import load_parameters

    ws, site = built
    html = page(site, DELFSHAVEN)
    exported = json.loads(re.search(r'<script type="application/json" class="geldstromen-data">(.*?)</script>',
                                    html, re.S).group(1))
    with ws.warehouse() as wh:
        ledger = build_ledger(gather(wh, "WK059903", 2024, ws.settings["coverage_threshold"]),
                              load_parameters(ws.path))
    assert exported == json.loads(json.dumps(scenario_inputs(ledger)))
    assert '<form class="scenario-form" hidden' in html  # without script: the static default only
    assert "Voorbeeld: als 25 % van de stroom van een lokale energiecoöperatie komt, dan blijft er" in text_of(html)


def test_published_figures_follow_the_aggregation_engines_rule(built):
    """The site reads a CBS area's figures from memory; they must equal aggregate_area's."""
    from wijkboekhouding.accounts.inputs import published_figures
    from wijkboekhouding.warehouse.aggregate import aggregate_area

    ws, _ = built
    with ws.warehouse() as wh:
        ids = sorted(wh.indicators())
        for code, year in (("WK020202", 2017), ("BU05990320", 2024), ("GM0202", 2012), ("NL00", 2017)):
            engine = aggregate_area(wh, code, year, ids)
            values = wh.values(ids, year, [code])
            ours = published_figures(code, wh.area(code, year), year, lambda c, i: values.get((c, i)), ids)
            assert dict(ours) == dict(engine)
            assert (ours.key, ours.name, ours.level, ours.members) == (engine.key, engine.name, engine.level,
                                                                       engine.members)

