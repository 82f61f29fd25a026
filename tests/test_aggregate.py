"""The aggregation engine on small real warehouses (SQLite files written by the loader).

A test catalogue declares its own indicators and rules, so these tests show that the
engine takes every rule from the warehouse's indicator table.
"""

from __future__ import annotations

import random
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from wijkboekhouding.catalogue import parse_catalogue
from wijkboekhouding.errors import AreaError
from wijkboekhouding.sources.records import (AreaRecord, SourceMeta, SourceRow, SourceTable, Topic, level_of,
                                             wijk_of)
from wijkboekhouding.warehouse.aggregate import aggregate, aggregate_area, aggregate_many
from wijkboekhouding.warehouse.load import load_table
from wijkboekhouding.warehouse.store import Warehouse

YEAR = 2020
CATALOGUE = parse_catalogue(yaml.safe_load("""
tables:
  test: {title: Testtabel, ids: {2020: TEST2020}}
indicators:
  - {id: inwoners, theme: sociaal, nl: Aantal inwoners, en: Inhabitants, kind: count, aggregation: sum,
     sources: [{table: test, key: Inwoners}]}
  - {id: woningen, theme: wonen, nl: Woningvoorraad, en: Dwellings, kind: count, aggregation: sum,
     sources: [{table: test, key: Woningen}]}
  - {id: woz, theme: wonen, nl: Gemiddelde WOZ-waarde, en: Average WOZ, kind: average, aggregation: weighted_mean,
     base: woningen, sources: [{table: test, key: WOZ}]}
  - {id: koop_pct, theme: wonen, nl: Koopwoningen, en: Owner-occupied, kind: share, aggregation: share,
     base: woningen, sources: [{table: test, key: Koop}]}
  - {id: mediaan, theme: geld, nl: Mediaan inkomen, en: Median income, kind: average, aggregation: none,
     reason: een mediaan kan niet worden opgeteld, sources: [{table: test, key: Mediaan}]}
"""))
TOPICS = ["Inwoners", "Woningen", "WOZ", "Koop", "Mediaan"]
IDS = ["inwoners", "woningen", "woz", "koop_pct", "mediaan"]


def load(wh: Warehouse, rows: dict[str, dict], key: str = "test") -> None:
    """Load ``{code: {topic: value or None (suppressed)}}`` through the real loader."""

    def source_rows():
        for line, (code, values) in enumerate(rows.items(), start=2):
            area = AreaRecord(code, YEAR, None, level_of(code), "GM0001", wijk_of(code))
            vals = [values.get(t) for t in TOPICS]
            statuses = ["suppressed" if (t in values and v is None) else "value" if v is not None else "missing"
                        for t, v in zip(TOPICS, vals)]
            yield SourceRow(line, area, str(YEAR), (), vals, statuses)

    table = SourceTable(SourceMeta("TEST2020", "Testtabel", period=str(YEAR)), [Topic(t) for t in TOPICS],
                        source_rows())
    load_table(wh, table, CATALOGUE, key=key, content_hash=str(hash(str(rows))))


@contextmanager
def warehouse(rows: dict[str, dict]):
    with tempfile.TemporaryDirectory() as tmp:
        with Warehouse.create(Path(tmp) / "warehouse.sqlite") as wh:
            load(wh, rows)
            yield wh


def buurt(i: int) -> str:
    return f"BU0001{i // 100:02d}{i % 100:02d}"


# -- examples -------------------------------------------------------------------------

FOUR_BUURTEN = {
    "BU00010001": {"Inwoners": 1000, "Woningen": 500, "WOZ": 200, "Koop": 40, "Mediaan": 30},
    "BU00010002": {"Inwoners": 1000, "Woningen": 400, "WOZ": 300, "Koop": 50, "Mediaan": 31},
    "BU00010003": {"Inwoners": 1000, "Woningen": 100, "WOZ": 400, "Koop": 60, "Mediaan": 32},
    "BU00010004": {"Inwoners": 260, "Woningen": None, "WOZ": None, "Koop": None, "Mediaan": None},
}
MEMBERS = [(c, 1.0) for c in FOUR_BUURTEN]


def test_sum_with_a_suppressed_part_states_its_coverage_and_never_counts_it_as_zero():
    with warehouse(FOUR_BUURTEN) as wh:
        a = aggregate(wh, MEMBERS, YEAR)["woningen"]
    assert a.value == 1000 and a.status == "partial" and a.rule == "sum"
    assert a.coverage.text_nl() == "3 van 4 buurten, 92% van de inwoners"
    assert a.note_nl() == "op basis van 3 van 4 buurten, 92% van de inwoners"


def test_weighted_mean_weighs_by_the_base_of_the_known_parts():
    with warehouse(FOUR_BUURTEN) as wh:
        figures = aggregate(wh, MEMBERS, YEAR, threshold=0.0)
    # (200*500 + 300*400 + 400*100) / 1000; the fourth buurt has no dwellings count, so no weight
    assert figures["woz"].value == pytest.approx(260.0)
    assert figures["koop_pct"].value == pytest.approx(46.0)
    assert figures["woz"].rule == "weighted_mean" and figures["koop_pct"].rule == "share"
    assert figures["woz"].coverage.text_nl() == "3 van 4 buurten, 100% van de woningvoorraad"
    # a part whose base is unknown cannot prove the coverage: the part share (75%) counts
    assert figures["woz"].coverage.share == pytest.approx(0.75)
    assert figures["inwoners"].value == 3260 and figures["inwoners"].status == "value"


def test_below_the_threshold_no_value_is_given():
    with warehouse(FOUR_BUURTEN) as wh:
        figures = aggregate(wh, MEMBERS, YEAR, threshold=0.95)
    a = figures["woningen"]
    assert a.value is None and a.status == "insufficient"
    assert a.reason == ("niet beschikbaar voor dit gebied: van te weinig delen bekend "
                        "(3 van 4 buurten, 92% van de inwoners; minimaal 95% nodig)")
    assert figures["woz"].value is None  # 75% of the parts


def test_a_rule_none_indicator_is_not_available_with_its_reason():
    with warehouse(FOUR_BUURTEN) as wh:
        a = aggregate(wh, MEMBERS, YEAR)["mediaan"]
    assert a.value is None and a.status == "not_aggregatable" and a.rule == "none"
    assert a.reason == "niet beschikbaar voor dit gebied: een mediaan kan niet worden opgeteld"


def test_a_fraction_apportions_counts_and_bases_and_marks_the_result():
    with warehouse(FOUR_BUURTEN) as wh:
        figures = aggregate(wh, [("BU00010001", 1.0), ("BU00010003", 0.4)], YEAR)
    assert figures["inwoners"].value == pytest.approx(1400)
    assert figures["woningen"].value == pytest.approx(540)
    assert figures["woz"].value == pytest.approx((200 * 500 + 400 * 40) / 540)
    assert figures["woz"].apportioned and figures["inwoners"].apportioned
    assert "deels toegerekend" in figures["inwoners"].note_nl()


def test_a_member_absent_from_the_warehouse_is_an_unknown_part():
    with warehouse(FOUR_BUURTEN) as wh:
        a = aggregate(wh, [("BU00010001", 1.0), ("BU00019999", 1.0)], YEAR, threshold=0.0)["inwoners"]
    assert a.value == 1000 and a.coverage.text_nl() == "1 van 2 buurten"


def test_unknown_indicator_and_bad_fraction_are_refused():
    with warehouse(FOUR_BUURTEN) as wh:
        with pytest.raises(AreaError) as e:
            aggregate(wh, MEMBERS, YEAR, ["inwoners", "bestaat_niet"])
        assert str(e.value) == ("unknown indicator(s) bestaat_niet; the warehouse knows "
                                "inwoners, koop_pct, mediaan, woningen, woz")
        with pytest.raises(AreaError, match="fraction 1.5 must be above 0 and at most 1"):
            aggregate(wh, [("BU00010001", 1.5)], YEAR)


def test_a_cbs_code_gives_its_own_published_figures():
    with warehouse(FOUR_BUURTEN) as wh:
        figures = aggregate_area(wh, "BU00010004", YEAR)
        assert figures["inwoners"].value == 260 and figures["inwoners"].rule == "published"
        assert figures["woz"].status == "suppressed" and figures["woz"].value is None
        with pytest.raises(AreaError) as e:
            aggregate_area(wh, "geen-gebied", YEAR)
        assert "'geen-gebied' is neither a custom area nor a CBS code" in str(e.value)


# -- properties ------------------------------------------------------------------------

value = st.one_of(st.none(), st.integers(0, 5000))
part = st.fixed_dictionaries({
    "Inwoners": st.integers(0, 5000), "Woningen": value,
    "WOZ": st.one_of(st.none(), st.integers(50, 900)), "Koop": st.one_of(st.none(), st.integers(0, 100)),
})
complete_part = st.fixed_dictionaries({
    "Inwoners": st.integers(0, 5000), "Woningen": st.integers(1, 3000),
    "WOZ": st.integers(50, 900), "Koop": st.integers(0, 100),
})


def same(a, b) -> bool:
    if a.value is None or b.value is None:
        return a.value is b.value and a.status == b.status
    return a.value == pytest.approx(b.value, rel=1e-9, abs=1e-9) and a.status == b.status


@settings(max_examples=40, deadline=None)
@given(st.lists(complete_part, min_size=1, max_size=12), st.integers(1, 4), st.randoms())
def test_aggregating_partition_aggregates_equals_aggregating_the_whole(parts, n_groups, rnd):
    """Buurten -> wijken -> gemeente through the engine twice equals buurten -> gemeente."""
    rows = {buurt(i): p for i, p in enumerate(parts)}
    groups: dict[str, list] = {}
    for code in rows:
        groups.setdefault(f"WK0001{rnd.randrange(n_groups):02d}", []).append((code, 1.0))
    with warehouse(rows) as wh:
        whole = aggregate(wh, [(c, 1.0) for c in rows], YEAR, IDS[:4], threshold=0.0)
        per_group = aggregate_many(wh, groups, YEAR, IDS[:4], threshold=0.0)
        topic_of = dict(zip(IDS, TOPICS))
        load(wh, {g: {topic_of[i]: a.value for i, a in figs.items()} for g, figs in per_group.items()},
             key="groups")
        combined = aggregate(wh, [(g, 1.0) for g in groups], YEAR, IDS[:4], threshold=0.0)
    for iid in IDS[:4]:
        assert same(whole[iid], combined[iid]), iid


@settings(max_examples=40, deadline=None)
@given(st.lists(part, min_size=1, max_size=12), st.integers(1, 4), st.randoms())
def test_partial_aggregates_combine_by_their_known_bases(parts, n_groups, rnd):
    """With suppressed parts: group sums add up, group means combine by their usable base."""
    rows = {buurt(i): p for i, p in enumerate(parts)}
    groups: dict[int, list] = {}
    for code in rows:
        groups.setdefault(rnd.randrange(n_groups), []).append((code, 1.0))
    with warehouse(rows) as wh:
        whole = aggregate(wh, [(c, 1.0) for c in rows], YEAR, IDS[:4], threshold=0.0)
        per_group = aggregate_many(wh, groups, YEAR, IDS[:4], threshold=0.0).values()
    for iid in ("inwoners", "woningen"):
        known = [p[TOPICS[IDS.index(iid)]] for p in parts if p[TOPICS[IDS.index(iid)]] is not None]
        expected = sum(known) if known else None
        assert whole[iid].value == expected  # suppressed parts are left out, never added as zero
        sums = [g[iid].value for g in per_group if g[iid].value is not None]
        assert (sum(sums) if sums else None) == expected
        assert whole[iid].coverage.parts_known == len(known)
    for iid in ("woz", "koop_pct"):
        shown = [g[iid] for g in per_group if g[iid].value is not None]
        if whole[iid].value is None:
            assert not shown
            continue
        weight = sum(g.base_value for g in shown)
        assert sum(g.value * g.base_value for g in shown) / weight == pytest.approx(whole[iid].value)
        assert weight == pytest.approx(whole[iid].base_value)


@settings(max_examples=40, deadline=None)
@given(st.lists(part, min_size=1, max_size=10), st.randoms(), st.floats(0, 1))
def test_member_order_does_not_matter_and_fraction_one_is_plain_membership(parts, rnd, threshold):
    rows = {buurt(i): p for i, p in enumerate(parts)}
    codes = list(rows)
    shuffled = codes[:]
    rnd.shuffle(shuffled)
    with warehouse(rows) as wh:
        plain = aggregate(wh, codes, YEAR, IDS, threshold)
        reordered = aggregate(wh, [(c, 1.0) for c in shuffled], YEAR, IDS, threshold)
    for iid in IDS:
        assert same(plain[iid], reordered[iid]), iid
        assert plain[iid].coverage == reordered[iid].coverage
        assert not plain[iid].apportioned


def test_properties_see_both_complete_and_partial_cases():
    """Guard against the strategies above never producing a suppressed part."""
    rnd = random.Random(4)
    rows = {buurt(i): {"Inwoners": rnd.randint(0, 50), "Woningen": None if i % 3 == 0 else 10} for i in range(9)}
    with warehouse(rows) as wh:
        a = aggregate(wh, list(rows), YEAR, ["woningen"], threshold=0.0)["woningen"]
    assert a.status == "partial" and a.value == 60 and a.coverage.parts_known == 6
