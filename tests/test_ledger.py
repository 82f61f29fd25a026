"""The money-flow ledger: formulas by hand, lines with their inputs, absent lines, totals, scenarios."""

import json

import pytest
from hypothesis import given, strategies as st

from wijkboekhouding.accounts import formulas as f
from wijkboekhouding.accounts.inputs import AreaData, Figure
from wijkboekhouding.accounts.ledger import build_ledger, ledger_csv, totals
from wijkboekhouding.accounts.parameters import load_parameters

PARAMS = load_parameters()
P2024 = PARAMS.energy(2024).values


def fig(key, value, unit="aantal", own=True, level="wijk WK020202"):
    return Figure(key, key, value, unit, "CBS test", "2024", level, own=own)


def area(year=2024, **values):
    data = AreaData("WK020202", "Spijkerkwartier", "wijk", year, gemeenten=("GM0202",))
    for key, value in values.items():
        data.figures[key] = value if isinstance(value, Figure) else fig(key, value)
    return data


FULL = dict(inwoners=6540, inkomen_per_inwoner=25.2, huishoudens=4690, woningvoorraad=4000, woz_gemiddeld=155,
            gas_per_woning=1000, stroom_per_woning=2500, huishoudens_laag_inkomen=18.2, zon_vermogen_kw=10)


# -- formulas, each against a hand computation -------------------------------------------------

def test_income_is_inhabitants_times_income_per_inhabitant():
    assert f.income_total(6540, 25.2) == pytest.approx(164_808_000)


def test_energy_bill_by_hand_with_2024_prices():
    # 100 dwellings, 1 000 m³ and 2 500 kWh each, CBS 85592NED 2024 excl. VAT:
    # gas supply    100×1000×0.5154 + 100×65.07           = 58 047
    # power supply  100×2500×0.1414 + 100×79.26           = 43 276
    # network       100×192.06 + 100×343.53               = 53 559
    # energy tax    100×1000×0.58301 + 100×2500×0.1088 − 100×521.78 = 33 323
    # VAT           21 % × 188 205                        = 39 523.05
    bill = f.energy_bill(100, 1000, 2500, P2024)
    assert bill.gas_supplier == pytest.approx(58_047)
    assert bill.electricity_supplier == pytest.approx(43_276)
    assert bill.network == pytest.approx(53_559)
    assert bill.energy_tax == pytest.approx(33_323)
    assert bill.vat == pytest.approx(39_523.05)
    assert bill.total == pytest.approx(227_728.05)


def test_fixed_gas_charges_only_for_dwellings_with_gas():
    # 25 % district heating: 25 dwellings pay no gas fixed charges (65.07 + 192.06 each)
    full, part = f.energy_bill(100, 1000, 2500, P2024), f.energy_bill(100, 1000, 2500, P2024, 0.75)
    assert full.gas_supplier - part.gas_supplier == pytest.approx(25 * 65.07)
    assert full.network - part.network == pytest.approx(25 * 192.06)


def test_solar_value_by_hand():
    # 10 kW × 830 kWh/kW = 8 300 kWh × (0.1414 + 0 + 0.1088) × 1.21 = 2 512.76
    assert f.solar_production_kwh(10, 830) * f.electricity_price_incl_tax(P2024) == pytest.approx(2512.75860)


def test_housing_value_property_tax_spending_and_apportioning_by_hand():
    assert f.housing_value(100, 155) == 15_500_000
    assert f.property_tax(15_500_000, 0.1) == pytest.approx(15_500)
    low, other = f.household_spending(1000, 20, 19_800, 36_800)
    assert (low, other) == (pytest.approx(3_960_000), pytest.approx(29_440_000))
    shares = f.category_shares({"voeding": 3721, "vervoer": 4351, "wonen": 10646}, 33763)
    assert shares["overig"] == pytest.approx(15045 / 33763)
    assert f.apportion(1_000_000, 50, 1000) == pytest.approx(50_000)


# -- lines ---------------------------------------------------------------------------------------

def test_a_full_ledger_has_every_line_with_inputs_and_sources():
    ledger = build_ledger(area(**FULL), PARAMS)
    income = ledger.line("inkomen")
    assert income.amount == pytest.approx(164_808_000) and income.method == "measured" and income.kind == "in"
    assert [i.key for i in income.inputs] == ["inwoners", "inkomen_per_inwoner"]
    energy = sum(ledger.line(i).amount for i in ("energie.stroom_leverancier", "energie.gas_leverancier",
                                                 "energie.netbeheer", "energie.rijk"))
    assert energy == pytest.approx(f.energy_bill(4000, 1000, 2500, P2024).total)
    supplier = ledger.line("energie.stroom_leverancier")
    assert supplier.method == "measured" and supplier.scenario == "stroom_coop"
    prices = [i for i in supplier.inputs if i.level == "parameter"]
    assert prices[0].source == "CBS, Gemiddelde energietarieven voor consumenten, 85592NED, periode 2024JJ00"
    assert ledger.line("wonen.woningwaarde").amount == 4000 * 155_000
    assert ledger.line("wonen.woningwaarde").kind == "stock"
    spend = [line for line in ledger.lines if line.group == "bestedingen"]
    low, other = f.household_spending(4690, 18.2, 19_800, 36_800)
    # the housing category is shown without the energy bill, which has its own lines
    assert sum(line.amount for line in spend) == pytest.approx(low + other - energy)
    assert ledger.key_figures["energierekening_per_huishouden"].value == pytest.approx(
        f.energy_bill(4000, 1000, 2500, P2024).total / 4690)
    assert {a.id for a in ledger.absent} == {"inkomen.bijstand", "inkomen.ao", "inkomen.ww", "inkomen.aow",
                                            "wonen.ozb", "gemeente"}


def test_a_missing_input_gives_an_absent_line_with_its_reason_never_zero():
    data = area(**{k: v for k, v in FULL.items() if k != "woningvoorraad"})
    data.missing["woningvoorraad"] = "niet gepubliceerd: CBS houdt dit cijfer geheim (te weinig waarnemingen)"
    ledger = build_ledger(data, PARAMS)
    assert ledger.line("energie.netbeheer") is None and ledger.line("wonen.woningwaarde") is None
    absent = {a.id: a.reason for a in ledger.absent}
    assert absent["energie.netbeheer"] == (
        "Woningvoorraad ontbreekt voor Spijkerkwartier (WK020202) in 2024: niet gepubliceerd: CBS houdt dit "
        "cijfer geheim (te weinig waarnemingen)")
    assert absent["wonen.woningwaarde"] == absent["energie.netbeheer"]
    # the per-dwelling bill needs no dwelling count and is still there
    assert ledger.key_figures["energierekening_per_woning"].value == pytest.approx(
        f.energy_bill(1, 1000, 2500, P2024).total)
    row = next(r for r in ledger_csv(ledger).splitlines() if r.startswith("energie.netbeheer,"))
    assert row == ("energie.netbeheer,absent,Energierekening: netbeheer,,,,,,,,,,,,Woningvoorraad ontbreekt voor "
                   "Spijkerkwartier (WK020202) in 2024: niet gepubliceerd: CBS houdt dit cijfer geheim (te weinig "
                   "waarnemingen)")


def test_no_prices_for_the_year_makes_the_energy_lines_absent():
    ledger = build_ledger(area(year=2017, **FULL), PARAMS)
    reason = {a.id: a.reason for a in ledger.absent}["energie.gas_leverancier"]
    assert reason == ("geen energieprijzen voor 2017 in de parameters (CBS-tarieven 84672NED/85592NED: "
                      "2018–2025)")


def test_a_gemeente_average_applied_to_a_wijk_is_modelled_and_says_so():
    gm = "gemeente GM0202, gemiddelde toegepast op wijk WK020202"
    data = area(**{**FULL, "gas_per_woning": fig("gas_per_woning", 710, own=False, level=gm)})
    ledger = build_ledger(data, PARAMS)
    line = ledger.line("energie.gas_leverancier")
    assert line.method == "modelled" and line.level == gm
    assert ledger.line("inkomen").level == "wijk WK020202"


def test_benefits_are_a_breakdown_of_income_not_an_extra_inflow():
    ledger = build_ledger(area(**FULL, uitkering_bijstand=100, uitkering_aow=50), PARAMS)
    bijstand, aow = ledger.line("inkomen.bijstand"), ledger.line("inkomen.aow")
    assert bijstand.amount == pytest.approx(100 * 15405.96) and bijstand.part_of == "inkomen"
    assert aow.amount == pytest.approx(50 * 13224.48)
    assert bijstand.kind == "breakdown" and bijstand not in ledger.flows
    assert ledger.totals().inflow == pytest.approx(164_808_000)
    assert {a.id: a.reason for a in ledger.absent}["inkomen.ww"].startswith("Personen met een WW-uitkering ontbreekt")


def test_municipal_spending_is_apportioned_by_its_driver():
    params = load_parameters(override={"gemeente": {"GM0202": {"uitgaven": {"2024": {
        "source": "Gemeente Arnhem, jaarrekening (test)", "afval": 20_000_000.0, "bestuur": 10_000_000.0}}}}})
    data = area(**FULL)
    data.gemeente_figures = {"huishoudens": fig("huishoudens", 83_000, level="gemeente GM0202"),
                             "inwoners": fig("inwoners", 160_000, level="gemeente GM0202")}
    ledger = build_ledger(data, params)
    assert ledger.line("gemeente.afval").amount == pytest.approx(20_000_000 * 4690 / 83_000)
    assert ledger.line("gemeente.bestuur").amount == pytest.approx(10_000_000 * 6540 / 160_000)
    assert ledger.line("gemeente.afval").method == "apportioned"


def test_totals_and_the_two_scenarios_by_hand():
    ledger = build_ledger(area(**FULL), PARAMS)
    flows = ledger.flows
    inflow = sum(x.amount for x in flows if x.kind == "in")
    energy = sum(x.amount for x in flows if x.kind == "out" and x.group == "energie")
    solar = ledger.line("energie.zonnestroom").amount
    spend = {x.id: x.amount for x in flows if x.group == "bestedingen"}
    local = {"bestedingen.voeding": 0.25, "bestedingen.vervoer": 0.1, "bestedingen.wonen": 0.2,
             "bestedingen.overig": 0.2}
    t = ledger.totals()
    assert t.inflow == pytest.approx(inflow)
    assert t.stays == pytest.approx(sum(spend[k] * s for k, s in local.items()) + solar)
    assert t.outflow == pytest.approx(energy - solar + sum(spend[k] * (1 - s) for k, s in local.items()))
    # scenario: 30 % of electricity from a local cooperative, 50 % of shopping local
    coop = ledger.line("energie.stroom_leverancier").amount
    s = ledger.totals({"stroom_coop": 0.3, "winkels": 0.5})
    local.update({"bestedingen.voeding": 0.5, "bestedingen.overig": 0.5})
    assert s.stays == pytest.approx(sum(spend[k] * v for k, v in local.items()) + solar + 0.3 * coop)
    assert s.outflow == pytest.approx(energy - 0.3 * coop - solar + sum(spend[k] * (1 - v) for k, v in local.items()))
    assert s.lm3 == pytest.approx((inflow + s.stays * 1.25) / inflow)


def test_the_ledger_is_json_and_csv():
    ledger = build_ledger(area(**FULL), PARAMS)
    data = json.loads(json.dumps(ledger.as_dict()))
    assert data["scenario"]["scenarios"]["stroom_coop"] == {
        "label": "Aandeel van de stroom dat huishoudens bij een lokale energiecoöperatie kopen",
        "default": 0.0, "example": 0.25}
    rows = ledger_csv(ledger).splitlines()
    assert rows[0] == ("id,status,label,from,to,amount_euro_per_year,method,kind,level,formula,formula_symbols,"
                       "inputs,sources,uncertainty,reason")
    assert rows[1].startswith("inkomen,present,Inkomen van bewoners,"
                              "\"Werk, uitkeringen en pensioenen\",Huishoudens in de buurt,164808000.00,measured,in,")
    assert rows[-1].startswith("gemeente,absent,Uitgaven van de gemeente in het gebied,")


# -- properties -------------------------------------------------------------------------------------

counts = st.floats(min_value=0, max_value=1e6, allow_nan=False)
means = st.floats(min_value=0, max_value=5000, allow_nan=False)
pct = st.floats(min_value=0, max_value=100, allow_nan=False)


@given(inwoners=counts, income=means, huishoudens=counts, dwellings=counts, woz=means, gas=means, power=means,
       low=pct, heat=pct, kw=counts, year=st.sampled_from([2018, 2020, 2022, 2023, 2024, 2025]))
def test_no_flow_is_ever_negative(inwoners, income, huishoudens, dwellings, woz, gas, power, low, heat, kw, year):
    ledger = build_ledger(area(year=year, inwoners=inwoners, inkomen_per_inwoner=income, huishoudens=huishoudens,
                               woningvoorraad=dwellings, woz_gemiddeld=woz, gas_per_woning=gas,
                               stroom_per_woning=power, huishoudens_laag_inkomen=low,
                               woningen_stadsverwarming_pct=heat, zon_vermogen_kw=kw), PARAMS)
    assert all(line.amount >= 0 for line in ledger.lines)
    t = ledger.totals()
    assert t.inflow >= 0 and t.outflow >= 0 and t.stays >= 0


@given(dwellings=st.floats(min_value=1, max_value=1e5), gas=means, power=means, heat=pct,
       year=st.sampled_from([2019, 2022, 2024]))
def test_doubling_the_dwellings_doubles_the_energy_bill(dwellings, gas, power, heat, year):
    def bill(w):
        ledger = build_ledger(area(year=year, woningvoorraad=w, gas_per_woning=gas, stroom_per_woning=power,
                                   woningen_stadsverwarming_pct=heat), PARAMS)
        return sum(x.amount if x.kind == "out" else -x.amount for x in ledger.flows if x.group == "energie")
    assert bill(2 * dwellings) == pytest.approx(2 * bill(dwellings), rel=1e-9, abs=1e-6)


def js_totals(exported, scenario):
    """The page script's rule, written from the exported data alone (ledger.scenario_inputs)."""
    inflow = stays = energy_out = other_out = produced = 0.0
    for line in exported["lines"]:
        share = scenario.get(line["scenario"], line["local_share"]) if line["scenario"] else line["local_share"]
        if line["kind"] == "in":
            inflow += line["amount"]
        elif line["kind"] == "out":
            stays += line["amount"] * share
            if line["group"] == "energie":
                energy_out += line["amount"] * (1 - share)
            else:
                other_out += line["amount"] * (1 - share)
        else:
            stays += line["amount"]
            produced += line["amount"] if line["group"] == "energie" else 0
    return inflow, max(0, energy_out - produced) + other_out, stays


@given(coop=st.floats(0, 1), shops=st.floats(0, 1))
def test_the_exported_scenario_data_recomputes_the_python_totals(coop, shops):
    ledger = build_ledger(area(**FULL), PARAMS)
    exported = json.loads(json.dumps(ledger.as_dict()["scenario"]))
    scenario = {"stroom_coop": coop, "winkels": shops}
    t = ledger.totals(scenario)
    assert js_totals(exported, scenario) == (pytest.approx(t.inflow, abs=0.05), pytest.approx(t.outflow, abs=0.05),
                                             pytest.approx(t.stays, abs=0.05))
