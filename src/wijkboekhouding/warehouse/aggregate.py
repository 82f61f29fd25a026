"""The one aggregation engine: figures of an area made of parts (buurten, wijken, gemeenten).

Each indicator's rule comes from the warehouse's indicator table, never from code:

- ``sum``: the parts' values add up (counts);
- ``weighted_mean`` / ``share``: the parts' values weighted by their base
  (WOZ by dwellings, income per inhabitant by inhabitants, % low income by households);
- ``none``: not aggregatable; the result says why, in Dutch.

A part whose value is suppressed or missing is never taken as zero.  The result states
its coverage: parts known of parts total, and the share of the base that is known
("3 van 4 buurten, 92% van de inwoners").  Below the coverage threshold no value is
given.  Sums measure coverage against the indicator's base if it has one, else against
the parts' inhabitants (:data:`SUM_COVERAGE_BASE`), else by counting parts.  When a base
is itself unknown for some part, the lower of base share and part share counts.

A member may carry a fraction (a first step below buurt level): its counts and its base
are multiplied by it, and the result is marked ``apportioned``.

Speed: one query fetches every observation of all members for the year; the rest is
plain Python (see benchmarks/aggregate.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping, NamedTuple, Sequence

from ..catalogue import Indicator
from ..errors import AreaError
from ..sources.records import PROVISIONAL, VALUE, level_of
from .store import Warehouse

DEFAULT_THRESHOLD = 0.9
SUM_COVERAGE_BASE = "inwoners"  # how much of an area a sum covers, when the indicator names no base
_MAX_CODES_PER_QUERY = 20000  # above this, read the year's observations whole and filter in Python

# Statuses of an Aggregate
COMPLETE = "value"            # every part known
PARTIAL = "partial"           # value shown, some parts unknown but coverage >= threshold
INSUFFICIENT = "insufficient"  # coverage below the threshold: no value
NOT_AGGREGATABLE = "not_aggregatable"
MISSING = "missing"           # no part known at all
PUBLISHED = "published"       # rule: the area's own published figure, not an aggregate
SUPPRESSED = "suppressed"     # status of a published figure CBS kept back

_PART_NOUNS = {"buurt": ("buurt", "buurten"), "wijk": ("wijk", "wijken"), "gemeente": ("gemeente", "gemeenten")}


class Coverage(NamedTuple):
    """How much of an area an aggregate rests on."""

    parts_known: int
    parts_total: int
    part_level: str | None = None     # buurt | wijk | gemeente | None (mixed)
    base_id: str | None = None        # indicator the base share is measured in
    base_label: str | None = None     # Dutch noun phrase: "de inwoners"
    base_known: float | None = None   # base of the parts whose value is known
    base_total: float | None = None   # base of all parts whose base is known
    bases_complete: bool = True       # every part's base is known

    @property
    def parts_share(self) -> float:
        return self.parts_known / self.parts_total if self.parts_total else 0.0

    @property
    def base_share(self) -> float | None:
        if self.base_id is None or not self.base_total:
            return None
        return self.base_known / self.base_total

    @property
    def share(self) -> float:
        """The share the threshold is applied to."""
        base = self.base_share
        if base is None:
            return self.parts_share
        return base if self.bases_complete else min(base, self.parts_share)

    @property
    def complete(self) -> bool:
        return self.parts_known == self.parts_total

    def text_nl(self) -> str:
        """``3 van 4 buurten, 92% van de inwoners``."""
        one, many = _PART_NOUNS.get(self.part_level, ("deel", "delen"))
        text = f"{self.parts_known} van {self.parts_total} {one if self.parts_total == 1 else many}"
        base = self.base_share
        if base is not None:
            text += f", {math.floor(base * 100 + 1e-9)}% van {self.base_label}"
        return text


class Aggregate(NamedTuple):
    """One indicator's figure for an area made of parts."""

    indicator_id: str
    value: float | None
    status: str          # value | partial | insufficient | not_aggregatable | missing | published | suppressed
    rule: str            # sum | weighted_mean | share | none | published
    coverage: Coverage
    apportioned: bool = False
    provisional: bool = False
    reason: str | None = None       # Dutch, when there is no value
    base_value: float | None = None  # weights behind a mean/share (to combine aggregates further)

    @property
    def shown(self) -> bool:
        return self.value is not None

    def note_nl(self) -> str:
        """What a reader should know next to the value (empty for a complete, plain figure)."""
        if self.reason:
            return self.reason
        notes = []
        if self.status == PARTIAL:
            notes.append(f"op basis van {self.coverage.text_nl()}")
        if self.apportioned:
            notes.append("deels toegerekend: van een buurt telt een opgegeven deel mee")
        if self.provisional:
            notes.append("voorlopig cijfer")
        return "; ".join(notes)


class AreaFigures(dict):
    """``{indicator_id: Aggregate}`` for one area and year, with what it was built from."""

    def __init__(self, figures: Mapping[str, Aggregate], *, key: str, name: str, level: str, year: int,
                 members: Sequence[tuple[str, float]] = (), missing: Sequence[str] = (), description: str = ""):
        super().__init__(figures)
        self.key = key              # slug or CBS code
        self.name = name
        self.level = level          # gebied | provincie | land | gemeente | wijk | buurt
        self.year = year
        self.members = tuple(members)   # (code, fraction) the figures were built from
        self.missing = tuple(missing)   # member codes absent from the warehouse in ``year``
        self.description = description


# -- the engine ---------------------------------------------------------------------


def aggregate(warehouse: Warehouse, members: Iterable[tuple[str, float]], year: int,
              indicator_ids: Iterable[str] | None = None, threshold: float = DEFAULT_THRESHOLD
              ) -> dict[str, Aggregate]:
    """Aggregate ``members`` (``(code, fraction)``) for ``year``: ``{indicator_id: Aggregate}``."""
    return aggregate_many(warehouse, {"": list(members)}, year, indicator_ids, threshold)[""]


def aggregate_many(warehouse: Warehouse, groups: Mapping[object, Iterable[tuple[str, float]]], year: int,
                   indicator_ids: Iterable[str] | None = None, threshold: float = DEFAULT_THRESHOLD
                   ) -> dict[object, dict[str, Aggregate]]:
    """:func:`aggregate` for many areas at once, with one query for all their members."""
    indicators = warehouse.indicators()
    plans = [_Plan.of(ind, indicators) for ind in _wanted(indicators, indicator_ids).values()]
    groups = {key: _members(ms) for key, ms in groups.items()}
    codes = {code for ms in groups.values() for code, _ in ms}
    needed = {p.id for p in plans} | {p.base for p in plans if p.base}
    known, provisional = _read(warehouse, needed, year, codes)
    with_data = {iid for _, iid in known}
    out = {}
    for key, members in groups.items():
        group = _Group(members, known)
        out[key] = {p.id: _aggregate_one(p, group, known, provisional, with_data, threshold, year) for p in plans}
    return out


def _wanted(indicators: dict[str, Indicator], ids: Iterable[str] | None) -> dict[str, Indicator]:
    if ids is None:
        return dict(indicators)
    ids = list(ids)
    unknown = [i for i in ids if i not in indicators]
    if unknown:
        raise AreaError(f"unknown indicator(s) {', '.join(unknown)}; the warehouse knows "
                        f"{', '.join(sorted(indicators)) or 'none (import data first)'}")
    return {i: indicators[i] for i in ids}


def _members(members: Iterable[tuple[str, float]]) -> list[tuple[str, float]]:
    out = []
    for m in members:
        code, fraction = (m, 1.0) if isinstance(m, str) else (m[0], float(m[1]))
        if not 0 < fraction <= 1:
            raise AreaError(f"member {code}: fraction {fraction} must be above 0 and at most 1")
        out.append((code, fraction))
    return out


def _read(warehouse: Warehouse, ids: set[str], year: int, codes: set[str]):
    """``known[(code, id)] = value`` for usable values; ``provisional`` = keys of provisional ones."""
    if not ids or not codes:
        return {}, set()
    obs = warehouse.values(sorted(ids), year, sorted(codes) if len(codes) <= _MAX_CODES_PER_QUERY else None)
    known, provisional = {}, set()
    for key, o in obs.items():
        if o.value is not None and o.status in (VALUE, PROVISIONAL) and o.area_code in codes:
            known[key] = o.value
            if o.status == PROVISIONAL:
                provisional.add(key)
    return known, provisional


@dataclass(frozen=True)
class _Plan:
    """How one indicator aggregates, read once from its definition."""

    id: str
    rule: str
    weighted: bool
    base: str | None          # weights (means, shares) or coverage measure (sums)
    base_label: str | None
    reason: str | None        # why there is no value whatever the parts say

    @classmethod
    def of(cls, ind: Indicator, indicators: dict[str, Indicator]) -> "_Plan":
        weighted = ind.aggregation in ("weighted_mean", "share")
        reason = None
        if ind.aggregation == "none":
            reason = ind.not_aggregatable_reason or "dit cijfer kan niet worden opgeteld of gemiddeld"
        if weighted:
            base = ind.base if ind.base in indicators else None
            if base is None:
                reason = "er is geen basis om mee te wegen"
        else:
            base = ind.base if ind.base in indicators else (
                SUM_COVERAGE_BASE if SUM_COVERAGE_BASE in indicators and ind.id != SUM_COVERAGE_BASE else None)
        label = _base_label(indicators[base]) if base else None
        return cls(ind.id, ind.aggregation, weighted, base, label, reason)


class _Group:
    """One area's members, with its base totals computed once per base."""

    def __init__(self, members: list[tuple[str, float]], known: dict):
        self.members = members
        self.known = known
        levels = {level_of(code) for code, _ in members}
        self.part_level = levels.pop() if len(levels) == 1 else None
        self.apportioned = any(f != 1.0 for _, f in members)
        self._bases: dict[str, tuple[float, bool, bool]] = {}
        self._unknown: dict[str | None, Coverage] = {}

    def unknown_coverage(self, plan: "_Plan") -> Coverage:
        """The coverage of an indicator none of whose parts is known."""
        hit = self._unknown.get(plan.base)
        if hit is None:
            n = len(self.members)
            base_total, complete, any_base = self.base(plan.base) if plan.base else (0.0, True, False)
            hit = Coverage(0, n, self.part_level, plan.base, plan.base_label, 0.0, base_total, complete) \
                if any_base else Coverage(0, n, self.part_level)
            self._unknown[plan.base] = hit
        return hit

    def base(self, base: str) -> tuple[float, bool, bool]:
        """``(base_total, every part's base known, any part's base known)``."""
        hit = self._bases.get(base)
        if hit is None:
            values = [(self.known.get((code, base)), f) for code, f in self.members]
            known = [b * f for b, f in values if b is not None]
            hit = self._bases[base] = (sum(known), len(known) == len(values), bool(known))
        return hit


def _aggregate_one(plan: _Plan, group: _Group, known: dict, provisional: set, with_data: set,
                   threshold: float, year: int) -> Aggregate:
    iid, rule, n = plan.id, plan.rule, len(group.members)
    if plan.reason:
        status = NOT_AGGREGATABLE if rule == "none" else MISSING
        return Aggregate(iid, None, status, rule, Coverage(0, n, group.part_level),
                         reason=f"niet beschikbaar voor dit gebied: {plan.reason}")
    base, weighted = plan.base, plan.weighted
    bases = group._bases.get(base) or group.base(base) if base else (0.0, True, False)
    base_total, bases_complete, any_base = bases

    if iid not in with_data:  # common for wide catalogues: answer from the group's cached coverage
        coverage = group.unknown_coverage(plan)
        if weighted and not any_base:
            reason = f"er zijn geen cijfers over {plan.base_label} om mee te wegen ({year})"
        else:
            reason = f"geen cijfers van de delen in {year}"
        return Aggregate(iid, None, MISSING, rule, coverage, group.apportioned,
                         reason=f"niet beschikbaar voor dit gebied: {reason}")

    total = weight = base_known = 0.0
    parts_known = 0
    is_provisional = False
    for code, fraction in group.members:
        value = known.get((code, iid))
        if value is None:
            continue
        b = known.get((code, base)) if base else None
        if b is None and weighted:
            continue
        parts_known += 1
        if provisional and (code, iid) in provisional:
            is_provisional = True
        if b is not None:
            base_known += b * fraction
        if weighted:
            total += value * b * fraction
            weight += b * fraction
        else:
            total += value * fraction

    if base and any_base:
        coverage = Coverage(parts_known, n, group.part_level, base, plan.base_label, base_known, base_total,
                            bases_complete)
    else:
        coverage = Coverage(parts_known, n, group.part_level)

    if weighted and not any_base:
        return Aggregate(iid, None, MISSING, rule, coverage, group.apportioned,
                         reason=f"niet beschikbaar voor dit gebied: er zijn geen cijfers over "
                                f"{plan.base_label} om mee te wegen ({year})")
    if parts_known == 0 or (weighted and weight <= 0):
        return Aggregate(iid, None, MISSING, rule, coverage, group.apportioned,
                         reason=f"niet beschikbaar voor dit gebied: geen cijfers van de delen in {year}")
    if coverage.share < threshold - 1e-9:
        return Aggregate(iid, None, INSUFFICIENT, rule, coverage, group.apportioned,
                         reason=f"niet beschikbaar voor dit gebied: van te weinig delen bekend "
                                f"({coverage.text_nl()}; minimaal {round(threshold * 100)}% nodig)")
    value = total / weight if weighted else total
    return Aggregate(iid, value, COMPLETE if coverage.complete else PARTIAL, rule, coverage,
                     group.apportioned, is_provisional, base_value=weight if weighted else None)


def _base_label(ind: Indicator) -> str:
    """``Aantal inwoners`` -> ``de inwoners``; ``Woningvoorraad`` -> ``de woningvoorraad``."""
    label = ind.label_nl.strip()
    if label.lower().startswith("aantal "):
        label = label[len("aantal "):]
    return "de " + label[:1].lower() + label[1:]


# -- areas by code or slug ----------------------------------------------------------


def aggregate_area(warehouse: Warehouse, code_or_slug: str, year: int, indicator_ids: Iterable[str] | None = None,
                   threshold: float = DEFAULT_THRESHOLD) -> AreaFigures:
    """Figures of a custom area (by slug), a provincie (from its gemeenten) or a CBS area
    (its own published figures, rule ``published``) for ``year``."""
    from .custom_areas import load_area

    custom = load_area(warehouse, code_or_slug)
    if custom is not None:
        members = custom.members_in(year)
        if not members:
            spans = ", ".join(p.label for p in custom.periods)
            raise AreaError(f"custom area {custom.slug!r} has no members for {year} (defined for {spans}); "
                            f"add them with 'wijkboekhouding area define {custom.slug} --years {year}'")
        pairs = [(m.code, m.fraction) for m in members]
        return AreaFigures(aggregate(warehouse, pairs, year, indicator_ids, threshold), key=custom.slug,
                           name=custom.name, level="gebied", year=year, members=pairs,
                           missing=[c for c, _ in pairs if warehouse.area(c, year) is None], description=custom.description)

    code = code_or_slug.strip().upper()
    level = level_of(code)
    if level == "provincie":
        return _provincie(warehouse, code, year, indicator_ids, threshold)
    if level is None:
        raise AreaError(f"{code_or_slug!r} is neither a custom area nor a CBS code (NL00, PV.., GM...., WK......, "
                        "BU........); see 'wijkboekhouding area list'")
    area = warehouse.area(code, year)
    if area is None:
        raise AreaError(f"{code} is not in the warehouse for {year}; import that year's data first")
    figures = _published(warehouse, code, year, indicator_ids)
    return AreaFigures(figures, key=code, name=area.display_name, level=level, year=year, members=[(code, 1.0)])


def _provincie(warehouse: Warehouse, code: str, year: int, indicator_ids, threshold) -> AreaFigures:
    gemeenten = [a.code for a in warehouse.children(code, year)]
    if not gemeenten:
        raise AreaError(f"no gemeenten of {code} in the warehouse for {year}: the gemeente-provincie list "
                        "is empty or that year's data is not imported")
    pairs = [(g, 1.0) for g in gemeenten]
    figures = aggregate(warehouse, pairs, year, indicator_ids, threshold)
    # A figure CBS publishes for the provincie itself wins over the sum of its gemeenten.
    for iid, published in _published(warehouse, code, year, figures.keys()).items():
        if published.value is not None:
            figures[iid] = published
    provincie = warehouse.provincie_of(gemeenten[0])
    name = provincie[1] if provincie and provincie[0] == code else code
    return AreaFigures(figures, key=code, name=name, level="provincie", year=year, members=pairs)


def _published(warehouse: Warehouse, code: str, year: int, indicator_ids) -> dict[str, Aggregate]:
    ids = list(indicator_ids) if indicator_ids is not None else list(warehouse.indicators())
    obs = warehouse.values(ids, year, [code])
    out = {}
    for iid in ids:
        o = obs.get((code, iid))
        usable = o is not None and o.value is not None and o.status in (VALUE, PROVISIONAL)
        coverage = Coverage(1 if usable else 0, 1, level_of(code))
        if usable:
            out[iid] = Aggregate(iid, o.value, PUBLISHED, PUBLISHED, coverage, provisional=o.status == PROVISIONAL)
        elif o is not None and o.status == "suppressed":
            out[iid] = Aggregate(iid, None, SUPPRESSED, PUBLISHED, coverage,
                                 reason="niet gepubliceerd: CBS houdt dit cijfer geheim (te weinig waarnemingen)")
        else:
            out[iid] = Aggregate(iid, None, MISSING, PUBLISHED, coverage,
                                 reason=f"geen cijfer voor {year}")
    return out
