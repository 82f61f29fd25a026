"""The built site: pilot pages with the warehouse's figures, years, twins, CSV injection,
atomic swap and refused path collisions.  Real KWB 2017 + 2024 files, real SQLite."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import KWB_2017, KWB_2024_CSV

PILOTS = {
    "WK020202": "wijk/WK020202-spijkerkwartier/",
    "WK059903": "wijk/WK059903-delfshaven/",
    "BU05050201": "buurt/BU05050201-stadswerven/",
    "WK019311": "wijk/WK019311-diezerpoort/",
    "BU01931130": "buurt/BU01931130-dieze-centrum/",
    "WK027410": "wijk/WK027410-oosterbeek-west/",
    "WK027411": "wijk/WK027411-oosterbeek-zuidoost/",
    "WK027412": "wijk/WK027412-oosterbeek-noordoost/",
}
PILOT_GEMEENTEN = ["GM0193", "GM0202", "GM0505", "GM0599", "GM0274"]


def make_pilot_workspace(path: Path):
    from wijkboekhouding.warehouse.custom_areas import define_demo_areas
    from wijkboekhouding.warehouse.imports import import_cbs_file
    from wijkboekhouding.workspace import Workspace

    ws = Workspace.init(path, PILOT_GEMEENTEN)
    import_cbs_file(ws, KWB_2017, table_id="83765NED")
    import_cbs_file(ws, KWB_2024_CSV, table_id="85984NED")
    define_demo_areas(ws)
    return ws


@pytest.fixture(scope="module")
def pilot(tmp_path_factory, shared_data):
    from wijkboekhouding.site import build_site

    base = tmp_path_factory.mktemp("site")
    ws = make_pilot_workspace(base / "ws")
    result = build_site(ws, base / "site")
    return ws, base / "site", result


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def text_of(html: str) -> str:
    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts = []

        def handle_data(self, data):
            self.parts.append(data)

    p = Text()
    p.feed(html)
    return " ".join(" ".join(p.parts).split())


def test_every_pilot_area_page_exists_with_its_warehouse_figures(pilot):
    from wijkboekhouding.site.numbers import format_value

    ws, site, _ = pilot
    with ws.warehouse() as wh:
        indicators = wh.indicators()
        for code, url in PILOTS.items():
            html = page(site, url)
            area = wh.area(code)
            assert f"<h1>{area.display_name.replace('Wijk 11 ', '')}</h1>" in html
            assert area.year == 2024
            observations = [o for o in wh.observations(code, 2024) if o.period == "2024"]
            assert len(observations) >= 8, code
            text = text_of(html)
            for o in observations:
                ind = indicators[o.indicator_id]
                if o.status == "value":
                    shown = format_value(o.value, ind.decimals, ind.unit)
                    assert f"{ind.label_nl} {shown}" in text, (code, o)


def test_spijkerkwartier_2017_page_shows_6540_inhabitants_and_links_its_years(pilot):
    _, site, _ = pilot
    old = page(site, "wijk/WK020202-spijkerkwartier/2017/")
    assert "Aantal inwoners 6.540" in text_of(old)
    assert "Bron: CBS, tabel 83765NED, 2017, CC BY 4.0" in old
    latest = page(site, "wijk/WK020202-spijkerkwartier/")
    assert "Aantal inwoners 6.880" in text_of(latest)
    years = re.search(r'<nav class="years" aria-label="Kies een jaar">(.*?)</nav>', latest, re.S).group(1)
    assert 'href="../../wijk/WK020202-spijkerkwartier/2017/">2017</a>' in years
    assert 'aria-current="page">2024</a>' in years
    assert "Aantal inwoners: verloop" in latest  # the time series over 2017 and 2024


def test_a_code_flagged_as_changed_is_not_merged_into_one_series(tmp_path, shared_data):
    """Renkum's WK027401 was Oosterbeek until 2016 and is Renkum Zuid since 2017; CBS flags
    2017 as changed (3).  So 2017 and 2024 form one series (both Renkum Zuid), 2016 stays
    out of it, and the 2016 area does not borrow the later name."""
    from wijkboekhouding.site import build_site
    from wijkboekhouding.warehouse.imports import import_cbs_file
    from wijkboekhouding.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws", ["GM0274"])
    import_cbs_file(ws, KWB_2017, table_id="83765NED")
    import_cbs_file(ws, KWB_2024_CSV, table_id="85984NED")
    import_cbs_file(ws, shared_data / "cbs-zonnestroom-wijken-buurten-2016-2022" / "84131NED_full_data.csv")
    with ws.warehouse() as wh:
        assert wh.area("WK027401", 2016).name is None
        assert wh.area("WK027401", 2017).name == "Renkum Zuid"
    build_site(ws, tmp_path / "site")
    latest = page(tmp_path / "site", "wijk/WK027401-renkum-zuid/")
    years = re.search(r'<nav class="years".*?</nav>', latest, re.S).group(0)
    assert ">2017<" in years and ">2024<" in years and ">2016<" not in years
    assert "Dezelfde code bestaat ook in 2016, maar het is niet zeker" in latest
    assert (tmp_path / "site" / "wijk/WK027401-renkum-zuid/2016/index.html").is_file()


def test_breadcrumbs_index_pages_and_search_index_reach_every_area(pilot):
    ws, site, result = pilot
    html = page(site, "buurt/BU01931130-dieze-centrum/")
    crumbs = re.search(r'<nav class="crumbs".*?</nav>', html, re.S).group(0)
    assert [t for t in re.findall(r">([^<>]+)</a>", crumbs)] == ["Nederland", "Zwolle", "Diezerpoort"]
    index = json.loads((site / "zoekindex.json").read_text(encoding="utf-8"))
    urls = {row[3] for row in index}
    for url in PILOTS.values():
        assert url in urls
    linked = set()
    for path in site.rglob("index.html"):
        if "embed" in path.parts or "scherm" in path.parts:
            continue
        linked.update(re.findall(r'href="(?:\.\./)*([a-z]+/[A-Z]{2}\d+[^"#]*/)"', path.read_text(encoding="utf-8")))
    with ws.warehouse() as wh:
        codes = {a.code for a in wh.areas()}
    reached = {u.split("/")[1].split("-")[0] for u in linked}
    assert codes <= reached | {"NL00"}
    assert "gebied/oosterbeek/" in urls
    assert "Oosterbeek" in page(site, "gebied/oosterbeek/")


def test_data_twins_hold_every_figure_with_provenance(pilot):
    _, site, _ = pilot
    doc = json.loads((site / "wijk/WK020202-spijkerkwartier/data.json").read_text(encoding="utf-8"))
    assert doc["gebied"]["jaren_zelfde_gebied"] == [2017, 2024]
    rows = {(r["indicator"], r["jaar"]): r for r in doc["cijfers"]}
    assert rows[("inwoners", 2017)]["waarde"] == 6540 and rows[("inwoners", 2017)]["tabel"] == "83765NED"
    assert rows[("inwoners", 2024)]["waarde"] == 6880 and rows[("inwoners", 2024)]["tabel"] == "85984NED"
    assert rows[("inwoners", 2024)]["licentie"] == "CC BY 4.0"
    table = list(csv.DictReader(io.StringIO((site / "wijk/WK020202-spijkerkwartier/data.csv").read_text("utf-8"))))
    by_key = {(r["indicator"], r["jaar"]): r for r in table}
    assert by_key[("inwoners", "2017")]["waarde"] == "6540.0"
    assert by_key[("inwoners", "2017")]["bron"] == "CBS"
    assert len(table) == len(doc["cijfers"])


def test_suppressed_and_missing_figures_say_so(pilot):
    ws, site, _ = pilot
    with ws.warehouse() as wh:
        row = wh.conn.execute(
            "SELECT o.area_code, o.indicator_id, a.level, o.status FROM observation o JOIN area a "
            "ON a.code=o.area_code AND a.year=o.year WHERE o.status='suppressed' AND o.year=2017 "
            "AND a.level='buurt' LIMIT 1").fetchone()
        area = wh.area(row[0])
        label = wh.indicators()[row[1]].label_nl
    from wijkboekhouding.site.urls import area_url

    html = page(site, area_url("buurt", row[0], area.name, 2017 if area.year != 2017 else None))
    assert f"{label} geheim" in text_of(html)
    assert "CBS maakt dit cijfer niet bekend" in html


def test_csv_twin_neutralises_formula_cells(tmp_path, shared_data):
    """A local party's name or title starting with = + - @ must not run as a formula."""
    from wijkboekhouding.site import build_site
    from wijkboekhouding.warehouse.imports import import_cbs_file
    from wijkboekhouding.warehouse.local import import_local_file
    from wijkboekhouding.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws", ["GM0202"])
    import_cbs_file(ws, KWB_2017, table_id="83765NED")
    data = tmp_path / "bomen.csv"
    data.write_text("gebied,periode,indicator,waarde\nWK020202,2017,bomen_geteld,412\n", encoding="utf-8")
    meta = tmp_path / "meta.toml"
    meta.write_text(
        'title = "@SUM(A1:A9) bomen"\npublisher = "=HYPERLINK(\\"http://evil.example\\",\\"klik\\")"\n'
        'licence = "-CC BY 4.0"\ntheme = "groen"\nslug = "bomen"\n\n[[indicator]]\nid = "bomen_geteld"\n'
        'nl = "+Bomen geteld"\nunit = "aantal"\ndecimals = 0\nkind = "count"\naggregation = "sum"\n',
        encoding="utf-8")
    import_local_file(ws, data, meta)
    site = tmp_path / "site"
    build_site(ws, site)
    text = (site / "wijk/WK020202/data.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    local = next(r for r in rows if r["indicator"] == "bomen_geteld")
    assert local["omschrijving"] == "'+Bomen geteld"
    assert local["bron"] == "'=HYPERLINK(\"http://evil.example\",\"klik\"): @SUM(A1:A9) bomen"
    assert local["licentie"] == "'-CC BY 4.0"
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "@")), cell
    html = page(site, "wijk/WK020202/")
    assert "Lokale bijdragen" in html and "aangeleverd door =HYPERLINK" in html.replace("&#34;", '"')


def test_a_failing_build_leaves_the_previous_site_untouched(tmp_path, shared_data):
    from wijkboekhouding.errors import BuildError
    from wijkboekhouding.site import build_site
    from wijkboekhouding.warehouse.imports import import_cbs_file
    from wijkboekhouding.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws", ["GM0202"])
    import_cbs_file(ws, KWB_2024_CSV, table_id="85984NED")
    out = tmp_path / "out" / "site"
    build_site(ws, out)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    with ws.warehouse() as wh, wh.transaction() as conn:
        # A second area whose code and name lead to the same address as Spijkerkwartier.
        conn.execute("INSERT INTO area VALUES ('wk020202', 2024, 'Spijkerkwartier', 'wijk', 'GM0202', NULL, '1')")
    with pytest.raises(BuildError) as e:
        build_site(ws, out, workers=1)
    assert str(e.value) == (
        "two pages want the same output path 'wijk/wk020202-spijkerkwartier/index.html': WK020202 2024 and "
        "wk020202 2024. Two areas lead to the same address (code and name slug); fix the area names or codes in "
        "the warehouse and build again.")
    after = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert os.listdir(tmp_path / "out") == ["site"]  # no half-written folder left behind


def test_writer_refuses_to_write_one_path_twice(tmp_path):
    from wijkboekhouding.errors import BuildError
    from wijkboekhouding.site.writer import Writer

    w = Writer(tmp_path)
    w.write("wijk/WK020202-spijkerkwartier/", "<p>een</p>", "WK020202 2024")
    with pytest.raises(BuildError) as e:
        w.write("wijk/WK020202-Spijkerkwartier/", "<p>twee</p>", "WK020202 2024 (again)")
    assert str(e.value) == (
        "two pages want the same output path 'wijk/WK020202-Spijkerkwartier/index.html': WK020202 2024 and "
        "WK020202 2024 (again). Two areas lead to the same address (code and name slug); fix the area names or "
        "codes in the warehouse and build again.")
    assert (tmp_path / "wijk/WK020202-spijkerkwartier/index.html").read_text() == "<p>een</p>"


def test_atomic_swap_replaces_the_old_site_only_on_success(tmp_path):
    from wijkboekhouding.site.writer import atomic_site

    out = tmp_path / "site"
    with atomic_site(out) as root:
        (root / "index.html").write_text("v1")
    with pytest.raises(RuntimeError):
        with atomic_site(out) as root:
            (root / "index.html").write_text("v2 half")
            raise RuntimeError("render failed")
    assert (out / "index.html").read_text() == "v1"
    with atomic_site(out) as root:
        (root / "index.html").write_text("v2")
    assert (out / "index.html").read_text() == "v2"
    assert sorted(os.listdir(tmp_path)) == ["site"]


def test_embeds_exist_for_every_area_with_source_and_link_back(pilot):
    ws, site, _ = pilot
    with ws.warehouse() as wh:
        codes = {a.code for a in wh.areas()}
    for code in codes:
        assert (site / "embed/v1" / code / "kerncijfers/index.html").is_file() or \
            (site / "embed/v1" / code / "sociaal/index.html").is_file(), code
    html = page(site, "embed/v1/WK020202/sociaal/")
    assert "Bron: CBS, tabel 85984NED, 2024, CC BY 4.0" in html
    assert 'href="../../../../wijk/WK020202-spijkerkwartier/#sociaal" target="_top"' in html
    assert "<style>" in html and 'rel="stylesheet"' not in html
    assert (site / "embed/v1/WK020202/sociaal-leeftijd/index.html").is_file()


def test_pages_load_nothing_from_another_host_and_set_a_csp(pilot):
    _, site, _ = pilot
    for url in ["", "wijk/WK020202-spijkerkwartier/", "embed/v1/WK020202/sociaal/", "scherm/WK020202/"]:
        html = page(site, url)
        assert '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'' in html
        assert '<html lang="nl">' in html
        for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert not re.match(r"^(https?:)?//", ref), (url, ref)
        assert "cookie" not in html.lower().replace("geen cookies", "")


def test_chart_svg_has_title_desc_and_its_numbers_as_a_table(pilot):
    _, site, _ = pilot
    html = page(site, "wijk/WK020202-spijkerkwartier/")
    svg = re.search(r'<svg class="chart"[^>]*aria-labelledby="sociaal-leeftijd-t sociaal-leeftijd-d".*?</svg>', html, re.S)
    assert svg and 'role="img"' in svg.group(0)
    assert '<title id="sociaal-leeftijd-t">Leeftijdsopbouw (2024, aandeel in %)</title>' in svg.group(0)
    # 350 of 6 880 inhabitants are 0-15: 5,1 %
    assert "Spijkerkwartier: 0–15 jaar 5,1 %" in svg.group(0)
    box = html[svg.end():svg.end() + 3000]
    assert "<details" in box and '<th scope="row">0–15 jaar</th><td class="num">5,1 %</td>' in box


def test_number_formatting_and_comparisons_are_dutch():
    from wijkboekhouding.site.numbers import format_value, nl_number, ratio_phrase

    assert nl_number(1234.5, 1) == "1.234,5"
    assert nl_number(-3.25, 2) == "−3,25"
    assert format_value(155, 0, "x 1 000 euro") == "€ 155.000"
    assert format_value(7.9, 1, "%") == "7,9 %"
    assert ratio_phrase(33.6, 24.0, "average", "gemeentelijk") == "1,4 × het gemeentelijk gemiddelde"
    assert ratio_phrase(24.5, 24.0, "average", "landelijk") == "ongeveer gelijk aan het landelijk gemiddelde"
    assert ratio_phrase(6880, 167632, "count", "gemeentelijk") == "4,1 % van het gemeentelijk totaal"


def test_url_builder_slugs():
    from wijkboekhouding.site.urls import area_url, display_name, embed_url

    assert area_url("gemeente", "GM0202", "Arnhem") == "gemeente/GM0202-arnhem/"
    assert area_url("wijk", "WK019311", "Wijk 11 Diezerpoort") == "wijk/WK019311-diezerpoort/"
    assert display_name("WK019312", "Wijk 11 Diezerpoort") == "Wijk 11 Diezerpoort"  # digits differ: keep
    assert area_url("buurt", "BU02020211", "Spijkerbuurt", 2017) == "buurt/BU02020211-spijkerbuurt/2017/"
    assert area_url("gemeente", "GM0796", "'s-Hertogenbosch") == "gemeente/GM0796-s-hertogenbosch/"
    assert area_url("land", "NL00", "Nederland") == "nederland/"
    assert area_url("provincie", "PV25", "Gelderland") == "provincie/PV25-gelderland/"
    assert area_url("gebied", "oosterbeek", "Oosterbeek") == "gebied/oosterbeek/"
    assert embed_url("WK020202", "wonen") == "embed/v1/WK020202/wonen/"


SNAPSHOT = Path(__file__).parent / "snapshots" / "wijk-WK020202-spijkerkwartier.html"


def test_area_page_html_matches_the_snapshot(pilot):
    """Refresh after an intended change: WBH_UPDATE_SNAPSHOTS=1 pytest tests/test_site.py -k snapshot"""
    _, site, _ = pilot
    html = page(site, "wijk/WK020202-spijkerkwartier/")
    if os.environ.get("WBH_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(html, encoding="utf-8")
    assert SNAPSHOT.is_file(), "no snapshot yet: run WBH_UPDATE_SNAPSHOTS=1 pytest tests/test_site.py -k snapshot"
    assert html == SNAPSHOT.read_text(encoding="utf-8")
