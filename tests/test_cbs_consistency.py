"""The engine against CBS itself: every wijk from its buurten, every gemeente from its wijken.

Tolerances (and why):

- Counts (rule ``sum``).  KWB publishes the counts of wijken and buurten as multiples of 5,
  each rounded on its own and not always to the nearest multiple; rounding an integer to a
  multiple of 5 moves it by at most 4.  A wijk from n buurten: n + 1 rounded figures, so
  ``|sum - published| <= 4 * (n + 1)``.  A gemeente (published unrounded) from n wijken:
  ``4 * n``, and the wijken may fall short of the gemeente by 0.2% of its inhabitants more:
  CBS counts in a gemeente's total residents it cannot place in a wijk or buurt (always a
  shortfall, never an excess; worst case 2017: GM1883 Sittard-Geleen, 179 of 93 319
  inhabitants, 120 of them with a western migration background).
- Means and shares (rules ``weighted_mean`` / ``share`` whose base has values: in KWB 2017
  income per inhabitant and the shares of persons in the lowest 40% / highest 20% incomes,
  all weighted by inhabitants).  Values are rounded to one step (0.1), so with the right
  weights a weighted mean of rounded parts and the rounded published figure differ by at
  most one step.  The weights are not quite right: CBS divides by the persons in private
  households (with an income), KWB 2017 publishes all inhabitants (rounded to 5), so a
  buurt with a care home or student housing weighs a little too much.  Hence, in rounding
  steps: median deviation <= 1/2, 90% of the wijken <= 2, every complete wijk <= 40 and
  every complete gemeente <= 5; and the weighted mean is at least 4x closer to CBS than an
  unweighted mean of the buurten (the test prints both).
- The rules and the indicators come from the warehouse: every ``sum`` indicator with values
  in the year is checked, every mean or share whose base has values.

Only *complete* aggregates (every part known) are held to these bounds.  Aggregates with
suppressed parts are counted and printed; they are marked partial and carry their coverage.
"""

from __future__ import annotations

import statistics
from collections import defaultdict

import pytest

from conftest import KWB_2017, KWB_2024_CSV
from wijkboekhouding.warehouse.aggregate import aggregate_many
from wijkboekhouding.warehouse.imports import import_cbs_file

pytestmark = pytest.mark.fullfile

ROUNDING_STEP = 4          # the most a count moves when CBS rounds it to a multiple of 5
UNPLACED_RESIDENTS = 0.002  # share of a gemeente's residents that may be in no wijk


@pytest.fixture(scope="module")
def kwb2017(tmp_path_factory, shared_data):
    from wijkboekhouding.workspace import Workspace

    ws = Workspace.init(tmp_path_factory.mktemp("kwb2017") / "ws", [])
    import_cbs_file(ws, KWB_2017, table_id="83765NED")
    return ws


def parts_of(wh, year):
    """``({wijk: buurten}, {gemeente: wijken})`` from the warehouse's areas of ``year``."""
    wijken, gemeenten = defaultdict(list), defaultdict(list)
    for a in wh.areas(year=year):
        if a.level == "buurt":
            wijken[a.wijk_code].append((a.code, 1.0))
        elif a.level == "wijk":
            gemeenten[a.gemeente_code].append((a.code, 1.0))
    return wijken, gemeenten


def compare(wh, groups, year, indicator_id):
    """``(complete, partial, other)``: lists of (deviation, code, n parts, aggregate, published)."""
    results = aggregate_many(wh, groups, year, [indicator_id], threshold=0.9)
    published = wh.values([indicator_id], year, list(groups))
    complete, partial, other = [], [], []
    for code, figures in results.items():
        a = figures[indicator_id]
        o = published.get((code, indicator_id))
        if o is None or o.value is None:
            other.append((None, code, len(groups[code]), a, None))
            continue
        row = (None if a.value is None else a.value - o.value, code, len(groups[code]), a, o.value)
        (complete if a.status == "value" else partial if a.status == "partial" else other).append(row)
    return complete, partial, other


def show_worst(title, rows, limit=5):
    rows = sorted((r for r in rows if r[0] is not None), key=lambda r: -abs(r[0]))
    print(f"\n{title}: {len(rows)} compared; worst:")
    for d, code, n, a, pub in rows[:limit]:
        print(f"  {code}: engine {a.value:.2f}, CBS {pub:g}, deviation {d:+.2f} over {n} parts "
              f"({a.coverage.text_nl()})")


def indicators_with(wh, year, rules):
    """Indicators of ``rules`` with values in ``year`` (and, for means, a base with values):
    the warehouse's indicator table decides, not this test."""
    present = {r[0] for r in wh.conn.execute(
        "SELECT DISTINCT indicator_id FROM observation WHERE period=? AND status='value'", (str(year),))}
    return sorted(i.id for i in wh.indicators().values()
                  if i.aggregation in rules and i.id in present and (i.base is None or i.base in present))


def check_counts(wh, year):
    wijken, gemeenten = parts_of(wh, year)
    assert len(wijken) > 3000 and len(gemeenten) > 300
    inwoners = {code: o.value for (code, _), o in wh.values(["inwoners"], year, list(gemeenten)).items()}
    ids = indicators_with(wh, year, ("sum",))
    assert "inwoners" in ids and len(ids) >= 6, ids
    for iid in ids:
        complete, partial, other = compare(wh, wijken, year, iid)
        show_worst(f"{year} {iid}, wijk from buurten", complete)
        print(f"  partial (suppressed buurten): {len(partial)}, no value: {len(other)}")
        assert len(complete) >= 0.95 * len(wijken)
        for d, code, n, a, pub in complete:
            assert abs(d) <= ROUNDING_STEP * (n + 1), (code, a.value, pub)
        for d, code, n, a, pub in partial:
            assert a.coverage.share >= 0.9 and a.coverage.parts_known < n

        complete, partial, other = compare(wh, gemeenten, year, iid)
        show_worst(f"{year} {iid}, gemeente from wijken", complete)
        assert len(complete) >= 0.95 * len(gemeenten)
        for d, code, n, a, pub in complete:
            unplaced = UNPLACED_RESIDENTS * inwoners[code]
            assert -ROUNDING_STEP * n - unplaced <= d <= ROUNDING_STEP * n, (code, a.value, pub)
    return ids


def test_kwb_2017_counts_of_every_wijk_and_gemeente_add_up(kwb2017):
    with kwb2017.warehouse() as wh:
        assert check_counts(wh, 2017) == ["inwoners", "inwoners_65_plus", "migratieachtergrond_marokko",
                                          "migratieachtergrond_niet_westers", "migratieachtergrond_turkije",
                                          "migratieachtergrond_westers"]


def test_kwb_2017_means_and_shares_weighted_by_their_base(kwb2017):
    with kwb2017.warehouse() as wh:
        ids = indicators_with(wh, 2017, ("weighted_mean", "share"))
        assert ids == ["inkomen_per_inwoner", "personen_hoogste_inkomen_20_pct", "personen_laagste_inkomen_40_pct"]
        wijken, gemeenten = parts_of(wh, 2017)
        indicators = wh.indicators()
        for iid in ids:
            step = 10 ** -indicators[iid].decimals  # CBS's rounding step for this figure
            complete, partial, other = compare(wh, wijken, 2017, iid)
            show_worst(f"2017 {iid}, wijk from buurten (complete)", complete)
            show_worst(f"2017 {iid}, wijk from buurten (partial, >= 90% of the base)", partial)
            print(f"  no value (below 90% or nothing known): {len(other)}")
            deviations = sorted(abs(r[0]) for r in complete)
            assert len(complete) > 1500 and len(partial) > 500
            assert statistics.median(deviations) <= step / 2
            assert deviations[int(0.9 * len(deviations))] <= 2 * step
            assert deviations[-1] <= 40 * step

            # the weighting matters: an unweighted mean of the same buurten is much further off
            buurt_values = wh.values([iid], 2017)
            unweighted = []
            for d, code, n, a, pub in complete:
                vals = [buurt_values[(b, iid)].value for b, _ in wijken[code]]
                unweighted.append(abs(sum(vals) / len(vals) - pub))
            print(f"  mean |deviation| weighted {statistics.mean(deviations):.3f}, "
                  f"unweighted {statistics.mean(unweighted):.3f}")
            assert statistics.mean(deviations) < statistics.mean(unweighted) / 4

            complete, partial, other = compare(wh, gemeenten, 2017, iid)
            show_worst(f"2017 {iid}, gemeente from wijken (complete)", complete)
            show_worst(f"2017 {iid}, gemeente from wijken (partial)", partial)
            assert len(complete) > 300
            assert max(abs(r[0]) for r in complete) <= 5 * step


def test_kwb_2017_suppressed_buurten_are_never_zero(kwb2017):
    """A wijk with suppressed buurten: coverage below 100%, never a silently smaller figure."""
    with kwb2017.warehouse() as wh:
        wijken, _ = parts_of(wh, 2017)
        results = aggregate_many(wh, wijken, 2017, ["inkomen_per_inwoner"], threshold=0.9)
        statuses = defaultdict(int)
        for code, figures in results.items():
            a = figures["inkomen_per_inwoner"]
            statuses[a.status] += 1
            if a.status in ("partial", "insufficient"):
                assert a.coverage.parts_known < a.coverage.parts_total
            if a.status == "insufficient":
                assert a.value is None and a.reason.startswith("niet beschikbaar voor dit gebied: van te weinig")
        print(f"\n2017 inkomen_per_inwoner per wijk: {dict(statuses)}")
        assert statuses["insufficient"] > 0 and statuses["partial"] > 0


def test_kwb_2024_counts_of_every_wijk_and_gemeente_add_up(tmp_path, shared_data):
    """The StatLine CSV export of KWB 2024: population by sex and age group."""
    from wijkboekhouding.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws", [])
    import_cbs_file(ws, KWB_2024_CSV, table_id="85984NED")
    with ws.warehouse() as wh:
        assert check_counts(wh, 2024) == ["inwoners", "inwoners_0_15", "inwoners_15_25", "inwoners_25_45",
                                          "inwoners_45_65", "inwoners_65_plus", "mannen", "vrouwen"]
