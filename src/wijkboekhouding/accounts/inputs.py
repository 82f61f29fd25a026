"""Gathering a ledger's inputs from the warehouse into plain values with their provenance.

This is the only module of ``accounts`` that reads the warehouse, through an
:class:`InputSource` for one year: :class:`WarehouseInputs` queries it (the CLI, one
area); the site adapts the values it loaded in bulk, so a national build makes no query
per area.  A custom area's or provincie's figures come from
:func:`wijkboekhouding.warehouse.aggregate.aggregate_area` (each indicator aggregated by
its own rule, with the workspace's coverage threshold), so ratios are never summed here;
a CBS area's are its own published figures (:func:`published_figures`, the same rule).
:func:`area_data` turns them into an :class:`AreaData`: plain numbers that
:func:`wijkboekhouding.accounts.ledger.build_ledger` turns into lines, and that tests can
also write by hand.

Local money flows follow a naming convention (docs/ledger.md): a local indicator whose id
starts with ``geldstroom_in_``, ``geldstroom_uit_`` or ``geldstroom_lokaal_`` and whose
unit is euro is a flow into, out of, or within the area; ``van X naar Y`` in its
description names the accounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from ..errors import AreaError
from ..sources.records import PROVISIONAL, SUPPRESSED, VALUE, gemeente_of, level_of, wijk_of
from ..warehouse.aggregate import DEFAULT_THRESHOLD, MISSING, PUBLISHED, Aggregate, AreaFigures, Coverage
from ..warehouse.store import Area, Observation, Source, Warehouse

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


class InputSource(Protocol):
    """Where the inputs of one year's ledgers come from.

    :class:`WarehouseInputs` queries the warehouse area by area (the CLI); the site adapts
    the values it already loaded in bulk (``site/ledger.py``).  Both feed the same
    :func:`area_data`, so a page shows exactly what ``wijkboekhouding ledger`` prints.
    """

    year: int
    indicators: dict
    ids: list[str]  # ledger_indicator_ids(indicators), computed once per source

    def area_figures(self, code_or_slug: str, ids: list[str]) -> AreaFigures:
        """Aggregated figures of a custom area or provincie, published ones of a CBS area."""

    def observation(self, code: str, indicator_id: str) -> Observation | None:
        """A CBS area's own yearly observation (period = the year), or None."""

    def cite(self, source_id: int) -> str:
        """``CBS 83765NED (title)`` or ``publisher: title``."""


def ledger_indicator_ids(indicators: dict) -> list[str]:
    """The indicators a ledger reads: area inputs, apportioning drivers and local money flows."""
    flows = [i for i, ind in indicators.items()
             if flow_direction(i) and ind.origin == "local" and ind.unit.lower().startswith("euro")]
    return sorted(set(AREA_INDICATORS) | set(_driver_ids()) | set(flows))


def published_figures(code: str, area: Area | None, year: int, observation, ids) -> AreaFigures:
    """A CBS area's own published figures, as ``aggregate_area`` gives them for a CBS code
    (rule ``published``; suppressed and missing values carry its reasons).  ``observation``
    is ``(code, indicator_id) -> Observation | None``."""
    if area is None:
        raise AreaError(f"{code} is not in the warehouse for {year}; import that year's data first")
    out = {}
    for iid in ids:
        o = observation(code, iid)
        usable = o is not None and o.value is not None and o.status in (VALUE, PROVISIONAL)
        coverage = Coverage(1 if usable else 0, 1, level_of(code))
        if usable:
            out[iid] = Aggregate(iid, o.value, PUBLISHED, PUBLISHED, coverage, provisional=o.status == PROVISIONAL)
        elif o is not None and o.status == SUPPRESSED:
            out[iid] = Aggregate(iid, None, SUPPRESSED, PUBLISHED, coverage,
                                 reason="niet gepubliceerd: CBS houdt dit cijfer geheim (te weinig waarnemingen)")
        else:
            out[iid] = Aggregate(iid, None, MISSING, PUBLISHED, coverage, reason=f"geen cijfer voor {year}")
    return AreaFigures(out, key=code, name=area.display_name, level=level_of(code), year=year,
                       members=[(code, 1.0)])


class WarehouseInputs:
    """Inputs read from the warehouse for the areas asked for (one area: the CLI)."""

    def __init__(self, wh: Warehouse, year: int, threshold: float = DEFAULT_THRESHOLD):
        self.wh, self.year, self.threshold = wh, year, threshold
        self.indicators = wh.indicators()
        self.ids = ledger_indicator_ids(self.indicators)
        self._values: dict[str, dict] = {}
        self._cites: dict[int, str] = {}

    def area_figures(self, code_or_slug: str, ids: list[str]) -> AreaFigures:
        from ..warehouse.aggregate import aggregate_area
        from ..warehouse.custom_areas import load_area

        code = code_or_slug.strip().upper()
        if load_area(self.wh, code_or_slug) is not None or level_of(code) in (None, "provincie"):
            return aggregate_area(self.wh, code_or_slug, self.year, ids, self.threshold)
        return published_figures(code, self.wh.area(code, self.year), self.year, self.observation, ids)

    def observation(self, code: str, indicator_id: str) -> Observation | None:
        values = self._values.get(code)
        if values is None:
            values = self._values[code] = self.wh.values(self.ids, self.year, [code])
        return values.get((code, indicator_id))

    def cite(self, source_id: int) -> str:
        text = self._cites.get(source_id)
        if text is None:
            text = self._cites[source_id] = cite(self.wh.source(source_id))
        return text


def cite(source: Source) -> str:
    if source.kind == "cbs":
        return f"CBS {source.table_id} ({source.title})"
    return f"{source.publisher}: {source.title}"


def gather(wh: Warehouse, code_or_slug: str, year: int, threshold: float = DEFAULT_THRESHOLD) -> AreaData:
    """The ledger's inputs for an area (CBS code or custom-area slug) in ``year``; aggregates
    use the coverage ``threshold`` (the workspace setting ``coverage_threshold``)."""
    return area_data(WarehouseInputs(wh, year, threshold), code_or_slug)


def area_data(src: InputSource, code_or_slug: str) -> AreaData:
    """The ledger's inputs for one area from ``src`` (plain values with provenance)."""
    year, indicators, wanted = src.year, src.indicators, src.ids
    flow_ids = [i for i in wanted if flow_direction(i) and i in indicators]
    known = [i for i in wanted if i in indicators]
    figures = src.area_figures(code_or_slug, known)
    members = [code for code, _ in figures.members]
    level = figures.level
    gemeenten = tuple(sorted({g for g in (gemeente_of(m) for m in members) if g}))
    if level == "gemeente":
        gemeenten = (figures.key,)
    data = AreaData(code=figures.key, name=figures.name, level=level, year=year, gemeenten=gemeenten)
    sources = _sources(src, known, members)
    where = f"{LEVEL_NOUN.get(level, level)} {figures.key}"
    period = str(year)
    for iid in wanted:
        agg = figures.get(iid)
        if agg is None or agg.value is None:
            data.missing[iid] = agg.reason if agg is not None and agg.reason else "niet in het pakhuis"
            continue
        label, unit = _label(indicators, iid)
        data.figures[iid] = Figure(iid, label, agg.value, unit, sources.get(iid, "onbekende bron"), period,
                                   where, own=True, note=agg.note_nl())
    _energy_fallback(src, data, members)
    if len(gemeenten) == 1:
        data.gemeente_figures = _gemeente_figures(src, gemeenten[0], sorted(set(_driver_ids())))
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


def _sources(src: InputSource, ids, codes) -> dict[str, str]:
    """``{indicator id: "CBS 83765NED (title)"}`` over the observations the figures rest on."""
    found: dict[str, set] = {}
    for code in codes:
        for iid in ids:
            obs = src.observation(code, iid)
            if obs is not None and obs.status in (VALUE, PROVISIONAL):
                found.setdefault(iid, set()).add(obs.source_id)
    return {iid: "; ".join(src.cite(sid) for sid in sorted(sids)) for iid, sids in found.items()}


def _energy_fallback(src: InputSource, data: AreaData, members) -> None:
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
            obs = src.observation(code, iid)
            if obs is None or obs.value is None or obs.status not in (VALUE, PROVISIONAL):
                continue
            label, unit = _label(src.indicators, iid)
            reason = data.missing.pop(iid, "")
            data.figures[iid] = Figure(
                iid, label, obs.value, unit, src.cite(obs.source_id), obs.period,
                f"{level} {code}, gemiddelde toegepast op {LEVEL_NOUN.get(data.level, 'het gebied')} {data.code}",
                own=False, note=f"geen cijfer voor het gebied zelf ({reason})" if reason else "")
            break


def _gemeente_figures(src: InputSource, gemeente: str, ids) -> dict[str, Figure]:
    out = {}
    for iid in ids:
        obs = src.observation(gemeente, iid)
        if obs is None or obs.value is None or obs.status not in (VALUE, PROVISIONAL):
            continue
        label, unit = _label(src.indicators, iid)
        out[iid] = Figure(iid, label, obs.value, unit, src.cite(obs.source_id), obs.period, f"gemeente {gemeente}")
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
