"""The Geldstromen section: the money-flow ledger of every area page.

Pass 1 reads nothing per area: :class:`SiteInputs` answers the ledger's questions from
the values :class:`~.context.SiteData` loaded in bulk (and the aggregates of provincies
and custom areas computed with the workspace's coverage threshold), through the same
:func:`wijkboekhouding.accounts.inputs.area_data` the CLI uses.  Pass 2 builds each
page's ledger (``build_ledger``, pure) in the worker that renders it: the section, its
Sankey embed, the ``geldstromen`` part of ``data.json`` and ``ledger.csv``.
"""

from __future__ import annotations

import json

from ..accounts.inputs import AreaData, area_data, cite, ledger_indicator_ids, published_figures
from ..accounts.ledger import (KINDS, METHODS, SCENARIO_EXAMPLE, SCENARIOS, Ledger, build_ledger, euro,
                               euro_or_unknown, method_card, scenario_inputs)
from ..accounts.parameters import Parameters
from ..accounts.sankey import render_sankey
from .context import PageContext, SiteData
from .sections import Section

SECTION_ID = "geldstromen"
TITLE = "Geldstromen"


class SiteInputs:
    """The ledger's :class:`~wijkboekhouding.accounts.inputs.InputSource` for one year, over
    the values the site already loaded (no query per area)."""

    def __init__(self, data: SiteData, year: int):
        self.data, self.year, self.indicators = data, year, data.indicators
        self.ids = ledger_indicator_ids(data.indicators)
        self._period = str(year)
        self._cites: dict[int, str] = {}

    def area_figures(self, code_or_slug: str, ids: list[str]):
        aggregated = self.data.aggregates.get((code_or_slug, self.year))
        if aggregated is not None:
            return aggregated
        return published_figures(code_or_slug, self.data.areas.get((code_or_slug, self.year)), self.year,
                                 self.observation, ids)

    def observation(self, code: str, indicator_id: str):
        o = self.data.obs.get((code, self.year), {}).get(indicator_id)
        return o if o is not None and o.period == self._period else None

    def cite(self, source_id: int) -> str:
        text = self._cites.get(source_id)
        if text is None:
            text = self._cites[source_id] = cite(self.data.sources[source_id])
        return text


class SiteLedgers:
    """Builds the ledger of any page of this site (in pass 2, where the page is rendered)."""

    def __init__(self, data: SiteData, params: Parameters):
        self.data, self.params = data, params
        self._inputs: dict[int, SiteInputs] = {}

    def inputs(self, code: str, year: int) -> AreaData:
        src = self._inputs.get(year)
        if src is None:
            src = self._inputs[year] = SiteInputs(self.data, year)
        return area_data(src, code)

    def ledger(self, code: str, year: int) -> Ledger:
        return build_ledger(self.inputs(code, year), self.params)


def geldstromen_section(ledgers: SiteLedgers) -> Section:
    """The Geldstromen section: a light marker in pass 1, the whole ledger in pass 2."""

    def context(page: PageContext) -> dict:
        return {"figures": [], "embed": True}

    def prepare(page: PageContext, ctx: dict, rendered: bool) -> dict:
        return ledger_context(ledgers.ledger(page.code, page.year), rendered)

    return Section(SECTION_ID, TITLE, context, "sections/geldstromen.html.j2", prepare=prepare,
                   embed_template="sections/geldstromen-embed.html.j2")


def ledger_context(ledger: Ledger, rendered: bool = True) -> dict:
    """What the section's templates need (``rendered=False``: only the ledger, for twins)."""
    ctx = {"figures": [], "ledger": ledger, "embed": bool(ledger.flows)}
    if not rendered:
        return ctx
    totals = ledger.totals()
    example = ledger.totals(SCENARIO_EXAMPLE)
    defaults = ledger.defaults()
    scenarios = []
    for key, label in SCENARIOS.items():
        if key not in defaults:
            continue
        lines = [line for line in ledger.flows if line.scenario == key]
        default = defaults[key]
        if default is None:
            weight = sum(line.amount for line in lines)
            mean = sum(line.amount * line.local_share for line in lines) / weight if weight else 0.0
            position = 5 * round(mean * 20)
            text = "standaard: " + ", ".join(f"{_pct(line.local_share)} {_short(line)}" for line in lines)
        else:
            position = round(default * 100)
            text = _pct(default)
        scenarios.append({"key": key, "label": label, "position": position, "text": text,
                          "example": _pct(SCENARIO_EXAMPLE[key])})
    ctx.update({
        "totals": {"binnen": _euro_or_unknown(totals.inflow), "weg": _euro_or_unknown(totals.outflow),
                   "blijft": _euro_or_unknown(totals.stays)},
        "known": {"binnen": totals.inflow is not None, "weg": totals.outflow is not None,
                  "blijft": totals.stays is not None},
        "example": {"weg": euro_or_unknown(example.outflow), "blijft": euro_or_unknown(example.stays),
                    "text": _example_text(scenarios)},
        "scenarios": scenarios,
        "scenario_json": _script_json(scenario_inputs(ledger)),
        "sankey": render_sankey(ledger, "geldstromen-sankey") if ledger.flows else "",
        "cards": [dict(method_card(line), kind=KINDS[line.kind], method_key=line.method,
                       amount=euro(line.amount) + ("" if line.kind == "stock" else " per jaar"),
                       route=f"{line.source_account} → {line.target_account}", part_of=line.part_of)
                  for line in ledger.lines],
        "sources": sorted({s for line in ledger.lines for s in line.sources()}),
        "methods": METHODS,
        "euro": euro,
    })
    return ctx


EXAMPLE_TEXT = {"stroom_coop": "{pct} van de stroom van een lokale energiecoöperatie komt",
                "winkels": "{pct} van de boodschappen en overige bestedingen naar winkels in de buurt gaat"}


def _example_text(scenarios: list[dict]) -> str:
    """``25 % van de stroom ... komt en 50 % van ... gaat``."""
    return " en ".join(EXAMPLE_TEXT[sc["key"]].format(pct=sc["example"]) for sc in scenarios)


def _euro_or_unknown(amount: float | None) -> str:
    return "onbekend" if amount is None else euro(amount)


def _pct(share: float) -> str:
    return f"{share * 100:.0f} %"


SHORT_LABELS = {"bestedingen.voeding": "boodschappen", "bestedingen.overig": "overige bestedingen"}


def _short(line) -> str:
    return SHORT_LABELS.get(line.id, line.label)


def _script_json(value) -> str:
    """JSON safe inside ``<script type="application/json">`` (no ``</script>``, no ``<!--``)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


__all__ = ["SiteInputs", "SiteLedgers", "geldstromen_section", "ledger_context"]
