"""The ledger on real warehouses: real CBS files, custom areas, local flows and the CLI."""

import json
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import KWB_2017, SHARED_DATA
from wijkboekhouding.accounts import formulas as f
from wijkboekhouding.accounts.inputs import AreaData, Figure, gather
from wijkboekhouding.accounts.ledger import build_ledger, ledger_for, ledger_section
from wijkboekhouding.accounts.parameters import load_parameters
from wijkboekhouding.cli import cli
from wijkboekhouding.warehouse.custom_areas import define_area
from wijkboekhouding.warehouse.imports import import_cbs_file
from wijkboekhouding.warehouse.local import import_local_file
from wijkboekhouding.workspace import Workspace

ENERGY_81528 = SHARED_DATA / "cbs-energieverbruik-woningen-regio-81528NED" / "81528NED_full_data.csv"
PARAMS = load_parameters()
BUURTEN = ("BU02020210", "BU02020211", "BU02020212")
COLUMNS = ("ID,WijkenEnBuurten,Gemeentenaam_1,SoortRegio_2,Codering_3,AantalInwoners_5,HuishoudensTotaal_28,"
           "Woningvoorraad_34,GemiddeldeWOZWaardeVanWoningen_35,GemiddeldAardgasverbruikTotaal_50,"
           "GemiddeldeElektriciteitsleveringTotaal_45,PercentageWoningenMetStadsverwarming_52,"
           "GemiddeldInkomenPerInwoner_66,HuishoudensMetEenLaagInkomen_70")
FIELDS = ("inwoners", "huishoudens", "woningvoorraad", "woz_gemiddeld", "gas_per_woning", "stroom_per_woning",
          "woningen_stadsverwarming_pct", "inkomen_per_inwoner", "huishoudens_laag_inkomen")
BASES = {"woz_gemiddeld": "woningvoorraad", "gas_per_woning": "woningvoorraad", "stroom_per_woning": "woningvoorraad",
         "woningen_stadsverwarming_pct": "woningvoorraad", "inkomen_per_inwoner": "inwoners",
         "huishoudens_laag_inkomen": "huishoudens"}


def kwb_file(path: Path, rows: dict[str, tuple]) -> Path:
    """A tiny KWB 2024 TypedDataSet CSV with the ledger's columns (values written as given; None = '.')."""
    lines = [COLUMNS]
    for n, (code, values) in enumerate(rows.items()):
        level = {"GM": "Gemeente", "WK": "Wijk", "BU": "Buurt"}[code[:2]]
        cells = ["." if v is None else repr(float(v)) for v in values]
        lines.append(f"{n},{code:<10},Arnhem,{level:<10},{code:<10}," + ",".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def arnhem_2017(tmp_path_factory):
    """Arnhem workspace with the real KWB 2017 extract and 81528NED (energy use per gemeente)."""
    ws = Workspace.init(tmp_path_factory.mktemp("arnhem") / "ws", ["GM0202"])
    import_cbs_file(ws, KWB_2017, table_id="83765NED")
    import_cbs_file(ws, ENERGY_81528, table_id="81528NED")
    return ws


def test_cli_ledger_for_spijkerkwartier_on_the_real_2017_file(arnhem_2017):
    result = CliRunner().invoke(cli, ["ledger", "WK020202", "-w", str(arnhem_2017.path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Geldstromen WK020202 (WK020202), 2017"
    assert lines[2] == "Inkomen van bewoners: € 164.808.000 per jaar  [gemeten, stroomt binnen]"
    assert lines[3] == "    Werk, uitkeringen en pensioenen -> Huishoudens in de buurt"
    assert lines[6] == ("    - Aantal inwoners: 6.540 aantal  [CBS 83765NED (Kerncijfers wijken en buurten 2017); 2017; "
                        "wijk WK020202]")
    assert lines[7] == ("    - Gemiddeld inkomen per inwoner: 25,2 x 1 000 euro  [CBS 83765NED (Kerncijfers wijken en "
                        "buurten 2017); 2017; wijk WK020202]")
    assert ("  Energierekening: netbeheer: geen energieprijzen voor 2017 in de parameters (CBS-tarieven "
            "84672NED/85592NED: 2018–2025)") in lines
    assert ("  Waarde van de woningen: Woningvoorraad ontbreekt voor WK020202 (WK020202) in 2017: geen cijfer "
            "voor 2017") in lines
    assert lines[-4:] == ["Stroomt binnen:       € 164.808.000", "Stroomt weg:          onbekend (de regels ontbreken)",
                          "Blijft in de buurt:   onbekend (de regels ontbreken)",
                          "(onvolledig: 16 regels ontbreken en tellen niet mee)"]


def test_cli_ledger_json_and_csv(arnhem_2017):
    out = CliRunner().invoke(cli, ["ledger", "WK020202", "--format", "json", "-w", str(arnhem_2017.path)])
    data = json.loads(out.output)
    assert data["year"] == 2017 and data["lines"][0]["amount"] == 164_808_000
    assert data["lines"][0]["inputs"][1]["source"] == "CBS 83765NED (Kerncijfers wijken en buurten 2017)"
    out = CliRunner().invoke(cli, ["ledger", "WK020202", "--format", "csv", "--year", "2017", "-w",
                                   str(arnhem_2017.path)])
    rows = out.output.splitlines()
    assert rows[0].startswith("id,status,label,from,to,amount_euro_per_year")
    assert len(rows) == 1 + 1 + 16


def test_an_unknown_area_is_a_one_line_error(arnhem_2017):
    out = CliRunner().invoke(cli, ["ledger", "WK999999", "-w", str(arnhem_2017.path)])
    assert out.exit_code == 1
    assert out.output.startswith("Error: ")


KWB_2024_ROWS = {
        "GM0202": (164_000, 86_000, 78_000, 260, 1000, 2400, 10, None, 12),
        "WK020202": (6_800, 4_900, 4_200, 290, None, None, None, None, None),
        "BU02020210": (1_400, 1_000, 900, 240, 800, 2000, 0, None, 20),
        "BU02020211": (3_300, 2_300, 2_000, 300, None, None, None, None, 18),
}


@pytest.fixture(scope="module")
def arnhem_2024(tmp_path_factory):
    """A tiny KWB 2024 file of our own for Arnhem, plus the real 81528NED."""
    tmp = tmp_path_factory.mktemp("arnhem2024")
    ws = Workspace.init(tmp / "ws", ["GM0202"])
    import_cbs_file(ws, kwb_file(tmp / "kwb2024.csv", KWB_2024_ROWS), table_id="85984NED")
    import_cbs_file(ws, ENERGY_81528, table_id="81528NED")
    return ws


def test_energy_use_falls_back_to_the_gemeente_and_says_so(arnhem_2024):
    with arnhem_2024.warehouse() as wh:
        own = ledger_for(wh, "BU02020210", 2024, PARAMS)
        borrowed = ledger_for(wh, "BU02020211", 2024, PARAMS)
    assert own.line("energie.gas_leverancier").method == "measured"
    assert own.line("energie.gas_leverancier").level == "buurt BU02020210"
    gas = borrowed.line("energie.gas_leverancier")
    assert gas.method == "modelled"
    # GM0202's gas_per_woning: 1000 in our KWB file, replaced by 81528NED's 710 (imported last)
    gas_input = next(i for i in gas.inputs if i.key == "gas_per_woning")
    assert gas_input.level == "gemeente GM0202, gemiddelde toegepast op buurt BU02020211"
    assert gas_input.own is False and gas_input.source.startswith("CBS 81528NED")
    assert gas_input.value == 710  # 81528NED: GM0202, T001100, 2024JJ00


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(10, 5000), st.integers(10, 3000), st.floats(0.9, 1.1), st.integers(50, 900),
                          st.integers(200, 2000), st.integers(800, 5000), st.integers(0, 100),
                          st.floats(5, 60).map(lambda x: round(x, 1)), st.floats(0, 60).map(lambda x: round(x, 1))),
                min_size=2, max_size=3))
def test_a_custom_areas_ledger_is_the_ledger_of_its_aggregated_inputs(rows):
    # dwellings close to households, so no part's energy bill exceeds its housing spending
    rows = [(r[0], r[1], round(r[1] * r[2]), *r[3:]) for r in rows]
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.init(Path(tmp) / "ws", ["GM0202"])
        members = dict(zip(BUURTEN, rows))
        kwb_file(Path(tmp) / "kwb.csv", members)
        import_cbs_file(ws, Path(tmp) / "kwb.csv", table_id="85984NED")
        define_area(ws, "test-gebied", name="Testgebied", members=",".join(members))
        with ws.warehouse() as wh:
            custom = ledger_for(wh, "test-gebied", 2024, PARAMS)
            parts = [ledger_for(wh, code, 2024, PARAMS) for code in members]
    # 1. the same ledger as one built by hand from the inputs aggregated by their own rules
    values = [dict(zip(FIELDS, r)) for r in rows]
    data = AreaData("test-gebied", "Testgebied", "gebied", 2024, gemeenten=("GM0202",))
    for key in FIELDS:
        if key in BASES:
            value = f.weighted_mean([(v[key], v[BASES[key]]) for v in values])
        else:
            value = sum(v[key] for v in values)
        data.figures[key] = Figure(key, key, value, "", "CBS", "2024", "gebied")
    by_hand = build_ledger(data, PARAMS)
    assert [x.id for x in custom.lines] == [x.id for x in by_hand.lines]
    for mine, theirs in zip(custom.lines, by_hand.lines):
        assert mine.amount == pytest.approx(theirs.amount, rel=1e-9), mine.id
    # 2. extensive lines add up over the parts (ratios were weighted, never summed)
    def signed_energy(ledger):
        return sum(x.amount if x.kind == "out" else -x.amount for x in ledger.flows if x.group == "energie"
                   and x.kind != "local")
    assert signed_energy(custom) == pytest.approx(sum(signed_energy(p) for p in parts), rel=1e-9)
    for line_id in ("inkomen", "wonen.woningwaarde"):
        assert custom.line(line_id).amount == pytest.approx(sum(p.line(line_id).amount for p in parts), rel=1e-9)
    spending = lambda led: sum(x.amount for x in led.lines if x.group == "bestedingen") + signed_energy(led)  # noqa
    assert spending(custom) == pytest.approx(sum(spending(p) for p in parts), rel=1e-6)


def test_a_custom_area_with_a_suppressed_part_gives_absent_lines_with_the_engines_reason(tmp_path):
    ws = Workspace.init(tmp_path / "ws", ["GM0202"])
    kwb_file(tmp_path / "kwb.csv", {
        "BU02020210": (1_400, 1_000, 900, 240, 800, 2000, 0, 24.0, 20),
        "BU02020211": (3_300, 2_300, None, 300, 900, 2100, 0, 26.0, 18),
    })
    import_cbs_file(ws, tmp_path / "kwb.csv", table_id="85984NED")
    define_area(ws, "half", name="Half", members="BU02020210,BU02020211")
    with ws.warehouse() as wh:
        ledger = ledger_for(wh, "half", 2024, PARAMS)
    assert ledger.line("inkomen").amount == pytest.approx(f.income_total(4700, (1400 * 24 + 3300 * 26) / 4700))
    reason = {a.id: a.reason for a in ledger.absent}["wonen.woningwaarde"]
    assert reason.startswith("Woningvoorraad ontbreekt voor Half (half) in 2024: niet beschikbaar voor dit gebied: "
                             "van te weinig delen bekend (1 van 2 buurten")


def test_a_local_flow_dataset_becomes_a_local_line(tmp_path):
    ws = Workspace.init(tmp_path / "ws", ["GM0202"])
    import_cbs_file(ws, kwb_file(tmp_path / "kwb2024.csv", KWB_2024_ROWS), table_id="85984NED")
    meta = tmp_path / "coop.toml"
    meta.write_text('''title = "Energiecooperatie Spijkerkwartier: subsidies"
publisher = "Energiecooperatie Spijkerkwartier"
licence = "CC BY 4.0"
theme = "geld"

[[indicator]]
id = "geldstroom_in_subsidie_provincie"
nl = "Subsidie van de provincie"
unit = "euro per jaar"
kind = "amount"
aggregation = "sum"
description = "Subsidie van Provincie Gelderland naar Energiecooperatie Spijkerkwartier."
''', encoding="utf-8")
    data = tmp_path / "coop.csv"
    data.write_text("code,jaar,geldstroom_in_subsidie_provincie\nBU02020210,2024,25000\n", encoding="utf-8")
    import_local_file(ws, data, meta)
    with ws.warehouse() as wh:
        ledger = ledger_for(wh, "BU02020210", 2024, PARAMS)
    line = ledger.line("lokaal.geldstroom_in_subsidie_provincie")
    assert (line.source_account, line.target_account) == ("Provincie Gelderland", "Energiecooperatie Spijkerkwartier")
    assert line.amount == 25000 and line.method == "local" and line.kind == "in"
    assert line.inputs[0].source == "Energiecooperatie Spijkerkwartier: Energiecooperatie Spijkerkwartier: subsidies"


def test_ledger_section_is_json_serialisable_and_its_sankey_matches(arnhem_2024):
    with arnhem_2024.warehouse() as wh:
        section = ledger_section(wh, "BU02020210", None, PARAMS)
    json.dumps(section)
    assert section["year"] == 2024
    assert section["sankey_svg"].startswith('<figure class="geldstromen sankey-box"')
    assert len(section["method_cards"]) == len(section["lines"])
    # voeding 0.25 and overig 0.2 by default: no single default for the shops scenario
    assert section["scenario"]["scenarios"]["winkels"]["default"] is None
    assert section["scenario"]["scenarios"]["stroom_coop"]["default"] == 0.0
    assert gather  # the input layer is importable on its own
