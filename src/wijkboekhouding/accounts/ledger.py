"""The money-flow ledger of an area and a year: lines, absent lines, totals and scenarios.

:func:`build_ledger` is a pure function of an :class:`~.inputs.AreaData` (plain values with
their provenance) and a :class:`~.parameters.Parameters` set.  Each :class:`Line` says
from which account to which account how many euro per year flow, by which method
(measured, apportioned, modelled, local), with its formula in words and symbols, every
input with value, unit, source, period and level, and an uncertainty note.  A line whose
input is missing is an :class:`AbsentLine` with the reason, never a zero.

Totals: *stroomt binnen* (inflows), *stroomt weg* (outflows minus the part assumed to
stay in the area, minus locally produced energy) and *blijft in de buurt*.  What-if
scenarios change the local shares (docs/ledger.md).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Callable

from . import formulas as f
from ..errors import AreaError
from ..warehouse.aggregate import DEFAULT_THRESHOLD
from .inputs import AreaData, Figure, gather
from .parameters import BENEFIT_TYPES, TASK_DRIVERS, Parameters, Section, load_parameters

METHODS = {"measured": "gemeten", "apportioned": "verdeeld", "modelled": "gemodelleerd", "local": "lokaal"}
METHOD_EXPLANATIONS = {
    "measured": "gemeten: rechtstreeks uit cijfers over het gebied zelf",
    "apportioned": "verdeeld: een bedrag van de hele gemeente, naar rato verdeeld over de gebieden",
    "modelled": "gemodelleerd: cijfers over het gebied maal landelijke prijzen of verhoudingen",
    "local": "lokaal: gemeld door een lokale partij",
}
KINDS = {"in": "stroomt binnen", "out": "stroomt uit", "local": "blijft in de buurt", "stock": "bezit",
         "breakdown": "waarvan"}

INCOME_SOURCE = "Werk, uitkeringen en pensioenen"
HOUSEHOLDS = "Huishoudens in de buurt"
OWNERS = "Woningeigenaren in de buurt"
GEMEENTE = "Gemeente"
SERVICES = "Voorzieningen in de buurt"
STATE = "Rijk (energiebelasting en btw)"
NETWORK = "Netbeheerders"
SUPPLIER_EL = "Energieleveranciers: stroom"
SUPPLIER_GAS = "Energieleveranciers: gas"
SOLAR = "Zonnepanelen in de buurt"

SPENDING = {  # category -> (destination account, local-share key, scenario)
    "voeding": ("Voeding en boodschappen", "voeding", "winkels"),
    "vervoer": ("Vervoer", "vervoer", None),
    "wonen": ("Wonen: huur, hypotheek, water", "wonen", None),
    "overig": ("Overige bestedingen (winkels, diensten, vrije tijd)", "overig", "winkels"),
}
SCENARIOS = {
    "stroom_coop": "Aandeel van de stroom dat huishoudens bij een lokale energiecoöperatie kopen",
    "winkels": "Aandeel van de boodschappen en overige bestedingen dat in winkels in de buurt terechtkomt",
}
SCENARIO_EXAMPLE = {"stroom_coop": 0.25, "winkels": 0.5}
BENEFIT_LABELS = {"bijstand": "bijstand", "ao": "arbeidsongeschiktheidsuitkering", "ww": "WW-uitkering",
                  "aow": "AOW"}
NATIONAL_BILL_2024 = 2363.0  # CBS: average household energy bill at January 2024 prices


@dataclass(frozen=True)
class Line:
    id: str
    label: str
    source_account: str
    target_account: str
    amount: float  # euro per year, never negative
    method: str  # measured | apportioned | modelled | local
    kind: str  # in | out | local | stock | breakdown
    group: str  # inkomen | energie | wonen | bestedingen | gemeente | lokaal
    formula_words: str
    formula_symbols: str
    inputs: tuple[Figure, ...]
    uncertainty: str
    local_share: float = 0.0  # share of an outflow assumed to stay in the area
    scenario: str | None = None  # the what-if that sets local_share
    part_of: str | None = None  # breakdown lines: the line they break down

    @property
    def level(self) -> str:
        """What the line rests on: the weakest input (a larger area's average, if any)."""
        borrowed = [i.level for i in self.inputs if not i.own]
        if borrowed:
            return borrowed[0]
        own = [i.level for i in self.inputs if i.level != "parameter"]
        return own[0] if own else "parameter"

    def sources(self) -> list[str]:
        return sorted({i.source for i in self.inputs})

    def as_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "from": self.source_account, "to": self.target_account,
                "amount": self.amount, "method": self.method, "method_nl": METHODS[self.method],
                "kind": self.kind, "group": self.group, "level": self.level,
                "formula_words": self.formula_words, "formula_symbols": self.formula_symbols,
                "inputs": [i.as_dict() for i in self.inputs], "uncertainty": self.uncertainty,
                "local_share": self.local_share, "scenario": self.scenario, "part_of": self.part_of,
                "sources": self.sources()}


@dataclass(frozen=True)
class AbsentLine:
    id: str
    label: str
    reason: str

    def as_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "reason": self.reason}


@dataclass(frozen=True)
class Totals:
    """None where no line of that kind could be built: unknown, not zero."""

    inflow: float | None  # stroomt binnen
    outflow: float | None  # stroomt weg
    stays: float | None  # blijft in de buurt
    lm3: float | None  # (R1 + R2 + R3) / R1, a scenario figure

    def as_dict(self) -> dict:
        """Unrounded, so every figure shown (whole euros) follows from the exported one."""
        return {"stroomt_binnen": self.inflow, "stroomt_weg": self.outflow, "blijft_in_de_buurt": self.stays,
                "lm3": self.lm3}


@dataclass
class Ledger:
    code: str
    name: str
    level: str
    year: int
    lines: list[Line] = field(default_factory=list)
    absent: list[AbsentLine] = field(default_factory=list)
    key_figures: dict[str, Figure] = field(default_factory=dict)
    respend_share: float = 0.0
    parameter_files: tuple[str, ...] = ()

    @property
    def flows(self) -> list[Line]:
        """Lines that are money flows (not stocks, not breakdowns): the Sankey's links."""
        return [line for line in self.lines if line.kind in ("in", "out", "local")]

    def line(self, line_id: str) -> Line | None:
        return next((line for line in self.lines if line.id == line_id), None)

    def totals(self, scenario: dict[str, float] | None = None) -> Totals:
        return totals(self.flows, self.respend_share, scenario)

    def defaults(self) -> dict[str, float | None]:
        """Per scenario, the local share its lines have by default (None when they differ: then
        each line keeps its own share until a scenario value is chosen)."""
        seen: dict[str, set] = {}
        for line in self.flows:
            if line.scenario:
                seen.setdefault(line.scenario, set()).add(line.local_share)
        return {key: next(iter(v)) if len(v) == 1 else None for key, v in seen.items()}

    def as_dict(self) -> dict:
        return {"area": {"code": self.code, "name": self.name, "level": self.level}, "year": self.year,
                "lines": [line.as_dict() for line in self.lines], "absent": [a.as_dict() for a in self.absent],
                "totals": self.totals().as_dict(), "key_figures": {k: v.as_dict() for k, v in self.key_figures.items()},
                "scenario": scenario_inputs(self), "parameters": list(self.parameter_files)}


def totals(flows: list[Line], respend_share: float = 0.0, scenario: dict[str, float] | None = None) -> Totals:
    """Binnen = Σ inflows; weg = Σ outflows × (1 − local share) − local energy production
    (at most the energy outflow); blijft = Σ outflows × local share + Σ local lines.
    ``scenario`` sets the local share of the lines tagged with each scenario key."""
    scenario = scenario or {}
    inflow = leaving_energy = leaving_other = stays = produced_energy = 0.0
    for line in flows:
        share = scenario.get(line.scenario, line.local_share) if line.scenario else line.local_share
        if line.kind == "in":
            inflow += line.amount
        elif line.kind == "out":
            stays += line.amount * share
            if line.group == "energie":
                leaving_energy += line.amount * (1 - share)
            else:
                leaving_other += line.amount * (1 - share)
        elif line.kind == "local":
            stays += line.amount
            if line.group == "energie":
                produced_energy += line.amount
    kinds = {line.kind for line in flows}
    outflow = max(0.0, leaving_energy - produced_energy) + leaving_other if "out" in kinds else None
    stays_known = stays if kinds & {"out", "local"} else None
    lm3 = (inflow + stays + stays * respend_share) / inflow if inflow > 0 and stays_known is not None else None
    return Totals(inflow if "in" in kinds else None, outflow, stays_known, lm3)


def scenario_inputs(ledger: Ledger) -> dict:
    """What the page's script needs to recompute the totals for other scenario values."""
    return {  # amounts unrounded: the script then adds exactly the floats Python adds
        "lines": [{"id": line.id, "kind": line.kind, "group": line.group, "amount": line.amount,
                   "local_share": line.local_share, "scenario": line.scenario} for line in ledger.flows],
        "scenarios": {key: {"label": label, "default": ledger.defaults().get(key),
                            "example": SCENARIO_EXAMPLE[key]}
                      for key, label in SCENARIOS.items() if key in ledger.defaults()},
        "respend_share": ledger.respend_share,
        "rule": ("binnen = som(in); blijft = som(uit × aandeel) + som(lokaal); "
                 "weg = max(0, som(uit energie × (1 − aandeel)) − som(lokaal energie)) + som(overig uit × (1 − aandeel)); "
                 "aandeel = scenario[line.scenario] als de lijn een scenario heeft, anders local_share"),
    }


# -- building ---------------------------------------------------------------------------------


def ledger_for(wh, code_or_slug: str, year: int, params: Parameters,
               threshold: float = DEFAULT_THRESHOLD) -> Ledger:
    return build_ledger(gather(wh, code_or_slug, year, threshold), params)


def build_ledger(data: AreaData, params: Parameters) -> Ledger:
    ledger = Ledger(data.code, data.name, data.level, data.year, parameter_files=params.files)
    shares = params.get("lokaal_aandeel")
    ledger.respend_share = shares["herbesteding"] if shares else 0.0
    for build in (_income, _energy, _solar, _property, _spending, _municipal, _local):
        build(data, params, ledger)
    return ledger


def _param(section: Section, key: str, label: str, unit: str) -> Figure:
    return Figure(f"{section.path}.{key}", label, section[key], unit, section.cite(),
                  section.period or str(section.year or ""), "parameter", note=section.note)


def _absent(ledger: Ledger, line_id: str, label: str, reason: str) -> None:
    ledger.absent.append(AbsentLine(line_id, label, reason))


def _need(data: AreaData, keys) -> str | None:
    """The reason the first missing input is missing, or None when all are there."""
    for key in keys:
        if data.value(key) is None:
            return data.why_missing(key)
    return None


def _income(data: AreaData, params: Parameters, ledger: Ledger) -> None:
    label = "Inkomen van bewoners"
    if data.value("inwoners") is not None and data.value("inkomen_per_inwoner") is not None:
        people, avg = data.figures["inwoners"], data.figures["inkomen_per_inwoner"]
        words = "inwoners × gemiddeld persoonlijk inkomen per inwoner"
        symbols = "P × ī_inw × 1 000"
    elif data.value("inkomensontvangers") is not None and data.value("inkomen_per_ontvanger") is not None:
        people, avg = data.figures["inkomensontvangers"], data.figures["inkomen_per_ontvanger"]
        words = "inkomensontvangers × gemiddeld persoonlijk inkomen per ontvanger"
        symbols = "O × ī_ontv × 1 000"
    else:
        _absent(ledger, "inkomen", label,
                _need(data, ("inwoners", "inkomen_per_inwoner")) or _need(data, ("inkomensontvangers",
                                                                                 "inkomen_per_ontvanger")))
        return
    amount = f.income_total(people.value, avg.value)
    ledger.lines.append(Line(
        "inkomen", label, INCOME_SOURCE, HOUSEHOLDS, amount, "measured", "in", "inkomen", words, symbols,
        (people, avg),
        "Persoonlijk bruto-inkomen volgens CBS (vóór belastingen en premies); CBS rondt gemiddelden af op "
        "honderd euro, dus de uitkomst kan enkele procenten afwijken."))
    for kind in BENEFIT_TYPES:
        _benefit(data, params, ledger, kind)


def _benefit(data: AreaData, params: Parameters, ledger: Ledger, kind: str) -> None:
    line_id, label = f"inkomen.{kind}", f"waarvan {BENEFIT_LABELS[kind]}"
    count_key = f"uitkering_{kind}"
    section = params.benefit(data.year, kind)
    if data.value(count_key) is None:
        return _absent(ledger, line_id, label, data.why_missing(count_key))
    if section is None:
        return _absent(ledger, line_id, label, f"geen bedrag per ontvanger voor {BENEFIT_LABELS[kind]} in {data.year} "
                                               f"in de parameters (uitkeringen.{data.year}.{kind})")
    count = data.figures[count_key]
    amount_each = _param(section, "per_ontvanger_per_jaar", f"Bedrag {BENEFIT_LABELS[kind]} per ontvanger", "euro per jaar")
    ledger.lines.append(Line(
        line_id, label, INCOME_SOURCE, HOUSEHOLDS, f.benefit_total(count.value, amount_each.value), "modelled",
        "breakdown", "inkomen", f"ontvangers × wettelijk bedrag per ontvanger ({BENEFIT_LABELS[kind]})",
        "U × b", (count, amount_each),
        "Een deel van het inkomen hierboven, geen extra instroom. Wettelijk bedrag, niet wat ieder precies "
        "ontvangt (gezinssituatie, kortingen).", part_of="inkomen"))


ENERGY_NOTE = ("Landelijk gemiddelde consumententarieven; echte contracten verschillen. De CBS-levering is bruto: "
               "terug geleverde zonnestroom (saldering) verlaagt de werkelijke rekening. Een warmterekening voor "
               "stadsverwarming zit er niet in.")


def _energy_inputs(data: AreaData, params: Parameters):
    """(figures, prices section, reason): what the energy bill needs."""
    prices = params.energy(data.year)
    reason = _need(data, ("gas_per_woning", "stroom_per_woning"))
    if reason is None and prices is None:
        years = params.energy_years()
        reason = (f"geen energieprijzen voor {data.year} in de parameters (CBS-tarieven 84672NED/85592NED: "
                  f"{years[0]}–{years[-1]})" if years else f"geen energieprijzen voor {data.year} in de parameters")
    return prices, reason


def _energy(data: AreaData, params: Parameters, ledger: Ledger) -> None:
    ids = ("energie.stroom_leverancier", "energie.gas_leverancier", "energie.netbeheer", "energie.rijk")
    labels = ("Energierekening: stroom aan leveranciers", "Energierekening: gas aan leveranciers",
              "Energierekening: netbeheer", "Energierekening: belasting en btw")
    prices, reason = _energy_inputs(data, params)
    reason = reason or _need(data, ("woningvoorraad",))
    if reason:
        _per_dwelling(data, params, ledger)
        for line_id, label in zip(ids, labels):
            _absent(ledger, line_id, label, reason)
        return
    dwellings, gas, kwh = (data.figures[k] for k in ("woningvoorraad", "gas_per_woning", "stroom_per_woning"))
    heat = data.figures.get("woningen_stadsverwarming_pct")
    connected = 1 - heat.value / 100 if heat else 1.0
    bill = f.energy_bill(dwellings.value, gas.value, kwh.value, prices.values, connected)
    method = "measured" if gas.own and kwh.own else "modelled"
    p = lambda key, label, unit: _param(prices, key, label, unit)  # noqa: E731
    heat_inputs = (heat,) if heat else ()
    gas_note = "" if heat else " Alle woningen zijn als aangesloten op gas gerekend (aandeel stadsverwarming onbekend)."
    shares = params.get("lokaal_aandeel")
    ledger.lines.append(Line(
        ids[0], labels[0], HOUSEHOLDS, SUPPLIER_EL, bill.electricity_supplier, method, "out", "energie",
        "woningen × gemiddelde elektriciteitslevering × variabel leveringstarief + woningen × vast leveringstarief "
        "(excl. btw)", "W × kWh_w × p_lev + W × vast_e",
        (dwellings, kwh, p("stroom_levering_per_kwh", "Variabel leveringstarief stroom", "euro per kWh"),
         p("stroom_vastrecht_per_jaar", "Vast leveringstarief stroom", "euro per jaar")),
        ENERGY_NOTE, local_share=shares["stroom_levering"] if shares else 0.0, scenario="stroom_coop"))
    ledger.lines.append(Line(
        ids[1], labels[1], HOUSEHOLDS, SUPPLIER_GAS, bill.gas_supplier, method, "out", "energie",
        "woningen × gemiddeld aardgasverbruik × variabel leveringstarief + woningen met gas × vast leveringstarief "
        "(excl. btw)", "W × m³_w × p_lev + W × (1 − sv) × vast_g",
        (dwellings, gas, *heat_inputs, p("gas_levering_per_m3", "Variabel leveringstarief gas", "euro per m³"),
         p("gas_vastrecht_per_jaar", "Vast leveringstarief gas", "euro per jaar")),
        ENERGY_NOTE + gas_note, local_share=shares["gas_levering"] if shares else 0.0))
    ledger.lines.append(Line(
        ids[2], labels[2], HOUSEHOLDS, NETWORK, bill.network, method, "out", "energie",
        "woningen × transporttarief stroom + woningen met gas × transporttarief gas (excl. btw)",
        "W × net_e + W × (1 − sv) × net_g",
        (dwellings, *heat_inputs, p("stroom_netbeheer_per_jaar", "Transporttarief stroom", "euro per jaar"),
         p("gas_netbeheer_per_jaar", "Transporttarief gas", "euro per jaar")),
        ENERGY_NOTE + gas_note))
    state_inputs = (dwellings, gas, kwh,
                    p("gas_energiebelasting_per_m3", "Energiebelasting gas", "euro per m³"),
                    p("gas_ode_per_m3", "Opslag duurzame energie gas", "euro per m³"),
                    p("stroom_energiebelasting_per_kwh", "Energiebelasting stroom", "euro per kWh"),
                    p("stroom_ode_per_kwh", "Opslag duurzame energie stroom", "euro per kWh"),
                    p("vermindering_energiebelasting_per_jaar", "Vermindering energiebelasting", "euro per jaar"),
                    p("btw_pct", "Btw", "%"))
    words = ("(m³ × (energiebelasting + ODE) + kWh × (energiebelasting + ODE) − woningen × vermindering "
             "energiebelasting) + btw over de hele rekening")
    symbols = "W × (m³_w × (eb_g + ode_g) + kWh_w × (eb_e + ode_e) − verm) + btw × rekening_excl"
    source, target = (HOUSEHOLDS, STATE) if bill.state >= 0 else (STATE, HOUSEHOLDS)
    ledger.lines.append(Line(
        ids[3], labels[3], source, target, abs(bill.state), method, "out" if bill.state >= 0 else "in", "energie",
        words, symbols, state_inputs, ENERGY_NOTE))
    _per_dwelling(data, params, ledger, bill)


def _per_dwelling(data: AreaData, params: Parameters, ledger: Ledger, bill: f.EnergyBill | None = None) -> None:
    """Key figures: the energy bill per dwelling (and per household when both counts are known)."""
    prices, reason = _energy_inputs(data, params)
    if reason:
        return
    heat = data.figures.get("woningen_stadsverwarming_pct")
    connected = 1 - heat.value / 100 if heat else 1.0
    gas, kwh = data.figures["gas_per_woning"], data.figures["stroom_per_woning"]
    per = f.energy_bill(1, gas.value, kwh.value, prices.values, connected).total
    level = gas.level if not gas.own else kwh.level
    ledger.key_figures["energierekening_per_woning"] = Figure(
        "energierekening_per_woning", "Energierekening per woning (gas en stroom, incl. btw)", per, "euro per jaar",
        f"berekend: {gas.source}; {prices.cite()}", str(data.year), level, own=gas.own and kwh.own,
        note=f"CBS: een gemiddeld huishouden betaalde in januari 2024 ongeveer € {NATIONAL_BILL_2024:,.0f} per jaar."
             .replace(",", "."))
    if bill is not None and data.value("huishoudens"):
        ledger.key_figures["energierekening_per_huishouden"] = Figure(
            "energierekening_per_huishouden", "Energierekening per huishouden", bill.total / data.value("huishoudens"),
            "euro per jaar", "berekend uit de energierekening en het aantal huishoudens", str(data.year), level,
            own=gas.own and kwh.own)


def _solar(data: AreaData, params: Parameters, ledger: Ledger) -> None:
    line_id, label = "energie.zonnestroom", "Zonnestroom van daken in de buurt"
    section, prices = params.get("zon"), params.energy(data.year)
    reason = _need(data, ("zon_vermogen_kw",))
    if reason is None and prices is None:
        reason = f"geen stroomprijs voor {data.year} in de parameters om de opbrengst te waarderen"
    if reason is None and section is None:
        reason = "geen opbrengst per kW (zon.opbrengst_kwh_per_kw) in de parameters"
    if reason:
        return _absent(ledger, line_id, label, reason)
    kw = data.figures["zon_vermogen_kw"]
    per_kw = _param(section, "opbrengst_kwh_per_kw", "Opbrengst per kW opgesteld vermogen", "kWh per jaar")
    price = Figure(f"{prices.path}.stroomprijs_incl_belasting", "Stroomprijs incl. energiebelasting en btw",
                   f.electricity_price_incl_tax(prices.values), "euro per kWh", prices.cite(), prices.period,
                   "parameter", note="(levering + ODE + energiebelasting) × (1 + btw)")
    amount = f.solar_production_kwh(kw.value, per_kw.value) * price.value
    ledger.lines.append(Line(
        line_id, label, SOLAR, HOUSEHOLDS, amount, "modelled", "local", "energie",
        "opgesteld vermogen × landelijke opbrengst per kW × stroomprijs die huishoudens niet hoeven te betalen",
        "kW × y × p_kWh", (kw, per_kw, price),
        "Landelijke gemiddelde opbrengst; ligging en schaduw verschillen per dak. Gewaardeerd tegen de "
        "consumentenprijs (saldering); wat de panelen kostten is niet afgetrokken."))


def _property(data: AreaData, params: Parameters, ledger: Ledger) -> None:
    reason = _need(data, ("woningvoorraad", "woz_gemiddeld"))
    if reason:
        _absent(ledger, "wonen.woningwaarde", "Waarde van de woningen", reason)
        _absent(ledger, "wonen.ozb", "Onroerendezaakbelasting (schatting)", reason)
        return
    dwellings, woz = data.figures["woningvoorraad"], data.figures["woz_gemiddeld"]
    value = f.housing_value(dwellings.value, woz.value)
    ledger.lines.append(Line(
        "wonen.woningwaarde", "Waarde van de woningen", OWNERS, OWNERS, value, "measured", "stock", "wonen",
        "woningen × gemiddelde WOZ-waarde", "W × WOZ × 1 000", (dwellings, woz),
        "Een bezit, geen geldstroom: daarom niet in de totalen. WOZ-waarde op de peildatum van het jaar ervoor."))
    if len(data.gemeenten) != 1:
        return _absent(ledger, "wonen.ozb", "Onroerendezaakbelasting (schatting)",
                       "het gebied ligt in meer dan één gemeente; elke gemeente heeft een eigen OZB-tarief")
    gemeente = data.gemeenten[0]
    section = params.ozb(gemeente, data.year)
    if section is None:
        return _absent(ledger, "wonen.ozb", "Onroerendezaakbelasting (schatting)",
                       f"geen OZB-tarief voor {gemeente} in {data.year} in de parameters "
                       f"([gemeente.{gemeente}.ozb.{data.year}] tarief_pct)")
    rate = _param(section, "tarief_pct", f"OZB-tarief woningen (eigenaren) {gemeente}", "% van de WOZ-waarde")
    ledger.lines.append(Line(
        "wonen.ozb", "Onroerendezaakbelasting (schatting)", OWNERS, GEMEENTE, f.property_tax(value, rate.value),
        "modelled", "out", "wonen", "woningen × gemiddelde WOZ-waarde × OZB-tarief eigenaren",
        "W × WOZ × 1 000 × t_ozb", (dwellings, woz, rate),
        "Schatting: vrijstellingen en afrondingen per aanslag zijn niet meegenomen."))


def _spending(data: AreaData, params: Parameters, ledger: Ledger) -> None:
    groups, categories = params.get("bestedingen.groepen"), params.get("bestedingen.categorieen")
    reason = _need(data, ("huishoudens", "huishoudens_laag_inkomen"))
    if reason is None and (groups is None or categories is None):
        reason = "geen bestedingen per huishouden in de parameters"
    if reason:
        for cat, (target, _, _) in SPENDING.items():
            _absent(ledger, f"bestedingen.{cat}", f"Bestedingen: {target.lower()}", reason)
        return
    households, low = data.figures["huishoudens"], data.figures["huishoudens_laag_inkomen"]
    low_each = _param(groups, "laag_inkomen_per_huishouden", "Bestedingen per huishouden met laag inkomen", "euro per jaar")
    other_each = _param(groups, "overig_per_huishouden", "Bestedingen per overig huishouden", "euro per jaar")
    low_total, other_total = f.household_spending(households.value, low.value, low_each.value, other_each.value)
    total = low_total + other_total
    shares = f.category_shares({"wonen": categories["wonen_water_energie"], "voeding": categories["voeding"],
                                "vervoer": categories["vervoer"]}, categories["totaal"])
    local = params.get("lokaal_aandeel")
    energy = sum(line.amount for line in ledger.lines if line.group == "energie" and line.kind == "out")
    energy_state_refund = sum(line.amount for line in ledger.lines if line.id == "energie.rijk" and line.kind == "in")
    energy -= energy_state_refund
    for cat, (target, share_key, scenario) in SPENDING.items():
        share_total = (categories["totaal"] - sum(categories[c] for c in ("wonen_water_energie", "voeding", "vervoer"))
                       if cat == "overig" else categories["wonen_water_energie" if cat == "wonen" else cat])
        share_fig = Figure(f"{categories.path}.{cat}", f"Aandeel {cat} in de bestedingen", shares[cat], "aandeel",
                           categories.cite(), str(categories.year), "parameter",
                           note=f"{share_total:.0f} van {categories['totaal']:.0f} euro per huishouden")
        amount = total * shares[cat]
        words = "(huishoudens met laag inkomen × hun bestedingen + overige huishoudens × hun bestedingen) × aandeel"
        symbols = "(H × l × B_laag + H × (1 − l) × B_overig) × a"
        note = ("Landelijke bestedingen per inkomensgroep toegepast op de huishoudens van de buurt; niet "
                f"geïndexeerd naar {data.year}. De verdeling over categorieën komt uit het budgetonderzoek "
                f"{categories.year}.")
        if cat == "wonen" and energy > 0:
            amount = max(0.0, amount - energy)
            words += " − energierekening (die staat hierboven apart)"
            symbols += " − E"
        elif cat == "wonen":
            target = "Wonen: huur, hypotheek, water en energie"
        ledger.lines.append(Line(
            f"bestedingen.{cat}", f"Bestedingen: {target.lower()}", HOUSEHOLDS, target, amount, "modelled", "out",
            "bestedingen", words, symbols, (households, low, low_each, other_each, share_fig), note,
            local_share=local[share_key] if local else 0.0, scenario=scenario))


def _municipal(data: AreaData, params: Parameters, ledger: Ledger) -> None:
    label = "Uitgaven van de gemeente in het gebied"
    if len(data.gemeenten) != 1:
        return _absent(ledger, "gemeente", label, "het gebied ligt niet in precies één gemeente")
    gemeente = data.gemeenten[0]
    section = params.municipal_spending(gemeente, data.year)
    if section is None:
        return _absent(ledger, "gemeente", label,
                       f"geen uitgaven per taak voor {gemeente} in {data.year} in de parameters; een gemeente kan ze "
                       f"invullen in parameters.toml ([gemeente.{gemeente}.uitgaven.{data.year}])")
    for task, total in section.values.items():
        driver = TASK_DRIVERS[task]
        line_id, task_label = f"gemeente.{task}", f"Gemeente: {task.replace('_', ' en ')}"
        area_driver = data.figures.get(driver)
        gm_driver = data.gemeente_figures.get(driver) if data.level != "gemeente" else area_driver
        if area_driver is None:
            _absent(ledger, line_id, task_label, data.why_missing(driver))
            continue
        if gm_driver is None or not gm_driver.value:
            _absent(ledger, line_id, task_label, f"{area_driver.label} ontbreekt voor gemeente {gemeente} in {data.year}")
            continue
        spend = _param(section, task, f"Uitgaven {gemeente} aan {task}", "euro per jaar")
        ledger.lines.append(Line(
            line_id, task_label, GEMEENTE, SERVICES, f.apportion(total, area_driver.value, gm_driver.value),
            "apportioned", "in", "gemeente", f"uitgaven van de gemeente aan {task} × aandeel van het gebied in "
            f"{area_driver.label.lower()}", "U_taak × d_gebied / d_gemeente", (spend, area_driver, gm_driver),
            "Toegerekend naar een verdeelsleutel, niet gemeten: werkelijke uitgaven per buurt kunnen sterk "
            "afwijken."))


def _local(data: AreaData, params: Parameters, ledger: Ledger) -> None:
    for flow in data.local_flows:
        kind = {"in": "in", "out": "out", "local": "local"}[flow.direction]
        ledger.lines.append(Line(
            f"lokaal.{flow.key}", flow.label, flow.source_account, flow.target_account, abs(flow.amount), "local",
            kind, "lokaal", "zoals gemeld door de lokale partij", "gemeld bedrag", (flow.figure,),
            "Gemeld door een lokale partij; niet door CBS gecontroleerd."))


# -- output ---------------------------------------------------------------------------------


def euro(amount: float) -> str:
    """``1234567.8`` -> ``€ 1.234.568``."""
    return "€ " + f"{amount:,.0f}".replace(",", ".")


def euro_or_unknown(amount: float | None) -> str:
    return "onbekend (de regels ontbreken)" if amount is None else euro(amount)


def latest_ledger(wh, code_or_slug: str, params: Parameters, year: int | None = None,
                  threshold: float = DEFAULT_THRESHOLD) -> Ledger:
    """The ledger for ``year``; without one, the most complete ledger (most flow lines) of the
    years the area exists in, the latest of equally complete ones."""
    if year is not None:
        return ledger_for(wh, code_or_slug, year, params, threshold)
    years = wh.area_years(code_or_slug.strip().upper()) or wh.years()
    if not years:
        raise AreaError(f"{code_or_slug} is not in the warehouse; import data first")
    best, error = None, None
    for y in sorted(years, reverse=True):
        try:
            ledger = ledger_for(wh, code_or_slug, y, params, threshold)
        except AreaError as e:  # e.g. a custom area without members in that year
            error = error or e
            continue
        if best is None or len(ledger.flows) > len(best.flows):
            best = ledger
    if best is None:
        raise error
    return best


def format_ledger(ws, area: str, year: int | None, fmt: str) -> str:
    """The body of ``wijkboekhouding ledger``: table, json or csv."""
    params = load_parameters(ws.path)
    with ws.warehouse() as wh:
        ledger = latest_ledger(wh, area, params, year, ws.settings["coverage_threshold"])
    if fmt == "json":
        return json.dumps(ledger.as_dict(), ensure_ascii=False, indent=2)
    if fmt == "csv":
        return ledger_csv(ledger).rstrip("\n")
    return format_table(ledger)


def format_table(ledger: Ledger) -> str:
    out = [f"Geldstromen {ledger.name} ({ledger.code}), {ledger.year}", ""]
    for line in ledger.lines:
        head = f"{'  ' if line.part_of else ''}{line.label}: {euro(line.amount)} per jaar"
        out.append(f"{head}  [{METHODS[line.method]}, {KINDS[line.kind]}]")
        out.append(f"    {line.source_account} -> {line.target_account}")
        out.append(f"    formule: {line.formula_words}  ({line.formula_symbols})")
        out.append(f"    niveau: {line.level}")
        for i in line.inputs:
            out.append(f"    - {i.label}: {_fmt_value(i.value)} {i.unit}  [{i.source}; {i.period}; {i.level}]"
                       + (f"  ({i.note})" if i.note else ""))
        out.append(f"    onzekerheid: {line.uncertainty}")
    if ledger.absent:
        out += ["", "Ontbreekt (niet als nul geteld):"]
        out += [f"  {a.label}: {a.reason}" for a in ledger.absent]
    t = ledger.totals()
    out += ["", f"Stroomt binnen:       {euro_or_unknown(t.inflow)}", f"Stroomt weg:          {euro_or_unknown(t.outflow)}",
            f"Blijft in de buurt:   {euro_or_unknown(t.stays)}"]
    if ledger.absent:
        out.append(f"(onvolledig: {len(ledger.absent)} regels ontbreken en tellen niet mee)")
    for key, figure in ledger.key_figures.items():
        out.append(f"{figure.label}: {euro(figure.value)} ({figure.level})")
    return "\n".join(out)


def _fmt_value(value: float) -> str:
    if abs(value) >= 100 or value == int(value):
        return f"{value:,.0f}".replace(",", ".")
    return f"{value:.5g}".replace(".", ",")


CSV_COLUMNS = ("id", "status", "label", "from", "to", "amount_euro_per_year", "method", "kind", "level",
               "formula", "formula_symbols", "inputs", "sources", "uncertainty", "reason")


def ledger_csv(ledger: Ledger, cell: Callable[[str], str] = str) -> str:
    """One row per line, absent lines included with their reason.  ``cell`` is applied to
    every text cell (the site passes its CSV-injection guard, ``site.twins.neutralise``)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for line in ledger.lines:
        inputs = "; ".join(f"{i.label} = {i.value:g} {i.unit} ({i.source}, {i.period}, {i.level})" for i in line.inputs)
        texts = [line.id, "present", line.label, line.source_account, line.target_account]
        rest = [line.method, line.kind, line.level, line.formula_words, line.formula_symbols, inputs,
                "; ".join(line.sources()), line.uncertainty, ""]
        writer.writerow([cell(t) for t in texts] + [f"{line.amount:.2f}"] + [cell(t) for t in rest])
    for a in ledger.absent:
        writer.writerow([cell(a.id), "absent", cell(a.label), "", "", "", "", "", "", "", "", "", "", "",
                         cell(a.reason)])
    return buf.getvalue()


def method_card(line: Line) -> dict:
    """A plain-Dutch explanation of one line for the site: formula in words and symbols,
    every input with value, unit, source (table and period) and level, and the uncertainty."""
    inputs = [{"label": i.label, "value": _fmt_value(i.value), "unit": i.unit, "source": i.source,
               "period": i.period, "level": i.level, "note": i.note} for i in line.inputs]
    return {"id": line.id, "title": line.label, "amount": euro(line.amount) + " per jaar",
            "method": METHODS[line.method], "method_explained": METHOD_EXPLANATIONS[line.method],
            "text": f"{line.label}: {line.formula_words}. Dit is {METHODS[line.method]}, op basis van {line.level}.",
            "formula_words": line.formula_words, "formula": line.formula_symbols, "level": line.level,
            "inputs": inputs, "uncertainty": line.uncertainty}


def ledger_section(wh, code_or_slug: str, year: int | None, params: Parameters,
                   threshold: float = DEFAULT_THRESHOLD) -> dict:
    """The "Geldstromen" section of an area page: JSON-serialisable context."""
    from .sankey import render_sankey

    ledger = latest_ledger(wh, code_or_slug, params, year, threshold)
    return {
        "area": {"code": ledger.code, "name": ledger.name, "level": ledger.level}, "year": ledger.year,
        "lines": [line.as_dict() for line in ledger.lines], "absent": [a.as_dict() for a in ledger.absent],
        "totals": ledger.totals().as_dict(),
        "totals_example": ledger.totals(SCENARIO_EXAMPLE).as_dict(),
        "method_cards": [method_card(line) for line in ledger.lines],
        "key_figures": {k: v.as_dict() for k, v in ledger.key_figures.items()},
        "sankey_svg": render_sankey(ledger) if ledger.flows else "",
        "scenario": scenario_inputs(ledger),
        "csv": ledger_csv(ledger),
    }


__all__ = ["Line", "AbsentLine", "Ledger", "Totals", "build_ledger", "ledger_for", "latest_ledger", "totals",
           "format_ledger", "ledger_csv", "ledger_section", "scenario_inputs", "method_card"]
