"""The Sankey diagram: accessible inline SVG whose numbers equal its table's."""

import xml.etree.ElementTree as ET

from hypothesis import given, strategies as st

from wijkboekhouding.accounts.inputs import AreaData, Figure
from wijkboekhouding.accounts.ledger import build_ledger, euro
from wijkboekhouding.accounts.parameters import load_parameters
from wijkboekhouding.accounts.sankey import render_sankey

PARAMS = load_parameters()
SVG = "{http://www.w3.org/2000/svg}"


def ledger_of(**values):
    data = AreaData("WK020202", "Spijkerkwartier", "wijk", 2024, gemeenten=("GM0202",))
    for key, value in values.items():
        data.figures[key] = Figure(key, key, value, "", "CBS test", "2024", "wijk WK020202")
    return build_ledger(data, PARAMS)


def parts(html):
    figure = ET.fromstring(html)
    svg = figure.find(f".//{SVG}svg")
    links = {p.get("data-line"): p.get("data-amount") for p in svg.iter(f"{SVG}path")}
    titles = {p.get("data-line"): p.find(f"{SVG}title").text for p in svg.iter(f"{SVG}path")}
    rows = {tr.get("data-line"): tr.findall("td")[2].text for tr in figure.find(".//table").find("tbody")}
    return figure, svg, links, titles, rows


FULL = dict(inwoners=6540, inkomen_per_inwoner=25.2, huishoudens=4690, woningvoorraad=4000, woz_gemiddeld=155,
            gas_per_woning=1000, stroom_per_woning=2500, huishoudens_laag_inkomen=18.2, zon_vermogen_kw=10)


def test_the_svg_is_accessible_and_every_flow_is_in_the_table():
    ledger = ledger_of(**FULL)
    figure, svg, links, titles, rows = parts(render_sankey(ledger))
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "geldstromen-titel geldstromen-beschrijving"
    assert svg.find(f"{SVG}title").text == "Geldstromen Spijkerkwartier, 2024"
    assert svg.find(f"{SVG}desc").text.startswith("Stroomt binnen € 164.808.000, stroomt weg € ")
    assert set(links) == set(rows) == {line.id for line in ledger.flows}
    assert titles["inkomen"] == ("Werk, uitkeringen en pensioenen → Huishoudens in de buurt: € 164.808.000 per jaar "
                                 "(gemeten)")
    head = [th.text for th in figure.find(".//table").find("thead").iter("th")]
    assert head == ["Van", "Naar", "Bedrag per jaar", "Soort", "Methode"]
    assert "<script" not in render_sankey(ledger) and "href" not in render_sankey(ledger)


amounts = st.floats(min_value=0, max_value=1e6, allow_nan=False)


@given(inwoners=amounts, income=st.floats(0, 80), dwellings=amounts, gas=st.floats(0, 3000), power=st.floats(0, 6000),
       households=amounts, low=st.floats(0, 100), kw=amounts)
def test_the_sankeys_numbers_equal_the_tables(inwoners, income, dwellings, gas, power, households, low, kw):
    ledger = ledger_of(inwoners=inwoners, inkomen_per_inwoner=income, woningvoorraad=dwellings, gas_per_woning=gas,
                       stroom_per_woning=power, huishoudens=households, huishoudens_laag_inkomen=low,
                       zon_vermogen_kw=kw, woz_gemiddeld=200)
    _, _, links, titles, rows = parts(render_sankey(ledger))
    drawn = {line.id: euro(line.amount) for line in ledger.flows if line.amount > 0}
    assert links == rows == drawn
    for line_id, amount in drawn.items():
        assert f": {amount} per jaar" in titles[line_id]
