"""Gathering a ledger's inputs from the warehouse into plain values with their provenance.

This is the only module of ``accounts`` that reads the warehouse.  Figures of an area
come from :func:`wijkboekhouding.warehouse.aggregate.aggregate_area` (a CBS area's own
published figures, or a custom area's parts aggregated by each indicator's rule), so
ratios are never summed here.  What comes out is an :class:`AreaData`: plain numbers
that :func:`wijkboekhouding.accounts.ledger.build_ledger` turns into lines, and that
tests can also write by hand.

Local money flows follow a naming convention (docs/ledger.md): a local indicator whose id
starts with ``geldstroom_in_``, ``geldstroom_uit_`` or ``geldstroom_lokaal_`` and whose
unit is euro is a flow into, out of, or within the area; ``van X naar Y`` in its
description names the accounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..sources.records import PROVISIONAL, VALUE, gemeente_of, level_of, wijk_of
from ..warehouse.store import Warehouse

# Indicators the ledger reads for the area itself.
AREA_INDICATORS = (
    "inwoners", "huishoudens", "woningvoorraad", "inkomensontvangers", "inkomen_per_inwoner",
    "inkomen_per_ontvanger", "huishoudens_laag_inkomen", "woz_gemiddeld", "gas_per_woning", "stroom_per_woning",
    "woningen_stadsverwarming_pct", "zon_installaties", "zon_vermogen_kw",
    "uitkering_bijstand", "uitkering_ao", "uitkering_ww", "uitkering_aow",
)
# Energy use falls back to a larger area's average when the area has none.
ENERGY_USE = ("gas_per_woning", "stroom_per_woning", "woningen_stadsverwarming_pct")
FLOW_PREFIXES = {"geldstroom_in_": "in", "geldstroom_uit_": "out", "geldstroom_lokaal_": "local"}
_FROM_TO = re.compile(r"\bvan\s+(.+?)\s+naar\s+(.+?)\s*(?:[.;]|$)", re.IGNORECASE)

LEVEL_NOUN = {"land": "Nederland", "provincie": "provincie", "gemeente": "gemeente", "wijk": "wijk",
              "buurt": "buurt", "gebied": "gebied"}

# Labels and units for inputs, used when the warehouse's catalogue does not have them.
FALLBACK_LABELS = {
    "inwoners": ("Aantal inwoners", "aantal"),
    "huishoudens": ("Aantal huishoudens", "aantal"),
    "woningvoorraad": ("Woningvoorraad", "aantal"),
    "inkomensontvangers": ("Aantal inkomensontvangers", "aantal"),
    "inkomen_per_inwoner": ("Gemiddeld inkomen per inwoner", "x 1 000 euro"),
    "inkomen_per_ontvanger": ("Gemiddeld inkomen per inkomensontvanger", "x 1 000 euro"),
    "huishoudens_laag_inkomen": ("Huishoudens met een laag inkomen", "%"),
    "woz_gemiddeld": ("Gemiddelde WOZ-waarde van woningen", "x 1 000 euro"),
    "gas_per_woning": ("Gemiddeld aardgasverbruik per woning", "m³ per jaar"),
    "stroom_per_woning": ("Gemiddelde elektriciteitslevering per woning", "kWh per jaar"),
    "woningen_stadsverwarming_pct": ("Woningen met stadsverwarming", "%"),
    "zon_installaties": ("Zonnestroominstallaties bij woningen", "aantal"),
    "zon_vermogen_kw": ("Opgesteld vermogen zonnepanelen bij woningen", "kW"),
    "uitkering_bijstand": ("Personen met een bijstandsuitkering", "aantal"),
    "uitkering_ao": ("Personen met een arbeidsongeschiktheidsuitkering", "aantal"),
    "uitkering_ww": ("Personen met een WW-uitkering", "aantal"),
    "uitkering_aow": ("Personen met een AOW-uitkering", "aantal"),
    "inwoners_0_15": ("Inwoners van 0 tot 15 jaar", "aantal"),
    "inwoners_65_plus": ("Inwoners van 65 jaar of ouder", "aantal"),
    "jongeren_jeugdzorg": ("Jongeren met jeugdzorg", "aantal"),
    "wmo_clienten": ("Wmo-cliënten", "aantal"),
    "bedrijfsvestigingen": ("Bedrijfsvestigingen", "aantal"),
    "oppervlakte_land_ha": ("Oppervlakte land", "ha"),
}


@dataclass(frozen=True)
class Figure:
    """One input with its provenance: value, unit, source table and period, and the level
    it rests on (a gemeente average applied to a wijk is weaker than the wijk's own)."""

    key: str
    label: str
    value: float
    unit: str
    source: str  # "CBS 83765NED (Kerncijfers wijken en buurten 2017)" or "parameters.toml: energie.2024"
    period: str
    level: str  # "wijk WK020202" | "gemeente GM0202, gemiddelde toegepast op het gebied" | "parameter"
    own: bool = True  # measured for the area itself (False: a larger area's value applied)
    note: str = ""

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "value": self.value, "unit": self.unit, "source": self.source,
                "period": self.period, "level": self.level, "own": self.own, "note": self.note}


@dataclass(frozen=True)
class LocalFlow:
    key: str
    label: str
    direction: str  # in | out | local
    amount: float
    source_account: str
    target_account: str
    figure: Figure


@dataclass
class AreaData:
    """Everything the ledger needs about one area and year, as plain values."""

    code: str
    name: str
    level: str  # land | provincie | gemeente | wijk | buurt | gebied
    year: int
    gemeenten: tuple[str, ...] = ()
    figures: dict[str, Figure] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)  # indicator id -> why (Dutch)
    gemeente_figures: dict[str, Figure] = field(default_factory=dict)  # drivers of the (single) gemeente
    local_flows: list[LocalFlow] = field(default_factory=list)

    def value(self, key: str) -> float | None:
        f = self.figures.get(key)
        return None if f is None else f.value

    def why_missing(self, key: str) -> str:
        label = FALLBACK_LABELS.get(key, (key, ""))[0]
        reason = self.missing.get(key) or f"geen cijfer in het pakhuis voor {self.year}"
        return f"{label} ontbreekt voor {self.name} ({self.code}) in {self.year}: {reason}"


# -- reading the warehouse -------------------------------------------------------------------


def area_figures(wh: Warehouse, code_or_slug: str, year: int, indicator_ids) -> tuple:
    """``(area figures, member codes)``: the one place figures are read (the aggregation engine)."""
    from ..warehouse.aggregate import aggregate_area

    known = wh.indicators()
    ids = [i for i in indicator_ids if i in known]
    figures = aggregate_area(wh, code_or_slug, year, ids)
    return figures, [code for code, _ in figures.members]


def gather(wh: Warehouse, code_or_slug: str, year: int) -> AreaData:
    """The ledger's inputs for an area (CBS code or custom-area slug) in ``year``."""
    indicators = wh.indicators()
    flow_ids = [i for i, ind in indicators.items()
                if flow_direction(i) and ind.origin == "local" and ind.unit.lower().startswith("euro")]
    driver_ids = sorted(set(_driver_ids()))
    wanted = sorted(set(AREA_INDICATORS) | set(driver_ids) | set(flow_ids))
    figures, members = area_figures(wh, code_or_slug, year, wanted)
    level = figures.level
    gemeenten = tuple(sorted({g for g in (gemeente_of(m) for m in members) if g}))
    if level == "gemeente":
        gemeenten = (figures.key,)
    data = AreaData(code=figures.key, name=figures.name, level=level, year=year, gemeenten=gemeenten)
    sources = _sources(wh, wanted, year, members)
    where = f"{LEVEL_NOUN.get(level, level)} {figures.key}"
    for iid in wanted:
        agg = figures.get(iid)
        label, unit = _label(indicators, iid)
        if agg is None or agg.value is None:
            data.missing[iid] = agg.reason if agg is not None and agg.reason else "niet in het pakhuis"
            continue
        note = agg.note_nl()
        data.figures[iid] = Figure(iid, label, agg.value, unit, sources.get(iid, "onbekende bron"), str(year),
                                   where, own=True, note=note)
    _energy_fallback(wh, data, members, indicators)
    if len(gemeenten) == 1:
        data.gemeente_figures = _gemeente_figures(wh, gemeenten[0], year, driver_ids, indicators)
    for iid in flow_ids:
        figure = data.figures.get(iid)
        if figure is not None:
            data.local_flows.append(_local_flow(indicators[iid], figure))
    return data


def flow_direction(indicator_id: str) -> str | None:
    for prefix, direction in FLOW_PREFIXES.items():
        if indicator_id.startswith(prefix):
            return direction
    return None


def _driver_ids():
    from .parameters import TASK_DRIVERS

    return TASK_DRIVERS.values()


def _label(indicators, iid: str) -> tuple[str, str]:
    ind = indicators.get(iid)
    if ind is not None:
        return ind.label_nl, ind.unit
    return FALLBACK_LABELS.get(iid, (iid, ""))


def _sources(wh: Warehouse, ids, year: int, codes) -> dict[str, str]:
    """``{indicator id: "CBS 83765NED (title)"}`` over the observations the figures rest on."""
    if not codes:
        return {}
    found: dict[str, set] = {}
    for (_, iid), obs in wh.values(ids, year, codes).items():
        if obs.status in (VALUE, PROVISIONAL):
            found.setdefault(iid, set()).add(obs.source_id)
    return {iid: "; ".join(_cite(wh, sid) for sid in sorted(sids)) for iid, sids in found.items()}


def _cite(wh: Warehouse, source_id: int) -> str:
    s = wh.source(source_id)
    if s.kind == "cbs":
        return f"CBS {s.table_id} ({s.title})"
    return f"{s.publisher}: {s.title}"


def _energy_fallback(wh: Warehouse, data: AreaData, members, indicators) -> None:
    """Energy use per dwelling from the nearest larger area (wijk, then gemeente) when the
    area has none of its own; the figure says whose average it is."""
    if data.level in ("land", "provincie"):
        return
    wijken = {w for w in (wijk_of(m) for m in members) if w}
    candidates = []
    if len(wijken) == 1 and data.level != "wijk":
        candidates.append(("wijk", next(iter(wijken))))
    if len(data.gemeenten) == 1 and data.level != "gemeente":
        candidates.append(("gemeente", data.gemeenten[0]))
    for iid in ENERGY_USE:
        if iid in data.figures:
            continue
        for level, code in candidates:
            obs = wh.values([iid], data.year, [code]).get((code, iid))
            if obs is None or obs.value is None or obs.status not in (VALUE, PROVISIONAL):
                continue
            label, unit = _label(indicators, iid)
            reason = data.missing.pop(iid, "")
            data.figures[iid] = Figure(
                iid, label, obs.value, unit, _cite(wh, obs.source_id), obs.period,
                f"{level} {code}, gemiddelde toegepast op {LEVEL_NOUN.get(data.level, 'het gebied')} {data.code}",
                own=False, note=f"geen cijfer voor het gebied zelf ({reason})" if reason else "")
            break


def _gemeente_figures(wh: Warehouse, gemeente: str, year: int, ids, indicators) -> dict[str, Figure]:
    out = {}
    for (_, iid), obs in wh.values(list(ids), year, [gemeente]).items():
        if obs.value is None or obs.status not in (VALUE, PROVISIONAL):
            continue
        label, unit = _label(indicators, iid)
        out[iid] = Figure(iid, label, obs.value, unit, _cite(wh, obs.source_id), obs.period, f"gemeente {gemeente}")
    return out


def _local_flow(indicator, figure: Figure) -> LocalFlow:
    direction = flow_direction(indicator.id)
    m = _FROM_TO.search(indicator.description_nl or "")
    publisher = figure.source.split(":")[0] if ":" in figure.source else "lokale partij"
    if m:
        source_account, target_account = m.group(1).strip(), m.group(2).strip()
    elif direction == "in":
        source_account, target_account = "Buiten de buurt", publisher
    elif direction == "out":
        source_account, target_account = publisher, "Buiten de buurt"
    else:
        source_account, target_account = "Bewoners", publisher
    return LocalFlow(indicator.id, indicator.label_nl, direction, figure.value, source_account, target_account,
                     figure)
