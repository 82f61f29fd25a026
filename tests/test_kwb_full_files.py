"""Correctness on the full national KWB files: the warehouse holds exactly what CBS published.

The source files are parsed here with the csv module and CBS's legend of symbols (an
oracle independent of our readers).  Which column feeds which indicator is taken from
the reader's topics and the catalogue (checked in the catalogue's own tests); values,
statuses and areas are compared cell by cell in both directions.

Aggregation check: for every count indicator that adds up, the sum over a wijk's
buurten equals CBS's wijk value within CBS's rounding.  CBS publishes the counts of every
wijk and buurt as multiples of 5, each rounded on its own and not always to the nearest
multiple (a wijk with one buurt of 25 inhabitants can be published as 30), so each of the
n buurt figures and the wijk figure may be up to one step of 5 off:
TOLERANCE(n) = 5 * (n + 1).  The test prints the largest deviation, and how many wijken
exceed the tighter nearest-multiple bound 2.5 * (n + 1).  Wijken where a buurt value is
suppressed are not compared (a suppressed part is never treated as zero) and are counted.
"""

import csv
import re
from collections import defaultdict

import pytest

from conftest import KWB_2017, KWB_2024_CSV
from wijkboekhouding.catalogue import load_catalogue
from wijkboekhouding.sources.files import open_cbs_file
from wijkboekhouding.warehouse.imports import import_cbs_file

pytestmark = pytest.mark.fullfile

# CBS "Verklaring van symbolen": '.' unknown/unreliable/secret, 'x' secret, '-' nihil; empty: cannot occur.
LEGEND = {".": (None, "suppressed"), "x": (None, "suppressed"), "": (None, "missing"), "-": (0.0, "value")}
# Since 2024 Amsterdam's wijk and buurt codes end in letters (WK0363AF, BU0363AF01).
AREA_CODE = re.compile(r"^(NL\d\d|PV\d\d|GM\d{4}|WK\d{4}[0-9A-Z]{2}|BU\d{4}[0-9A-Z]{4})$")


def oracle_cell(text: str, decimal_comma: bool):
    s = text.strip()
    if s in LEGEND:
        return LEGEND[s]
    return float(s.replace(",", ".") if decimal_comma else s), "value"


def read_source(path, code_column, delimiter, decimal_comma):
    """``{code: {column: (value, status)}}`` straight from the file."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f, delimiter=delimiter)
        rows = {}
        for row in reader:
            code = row[code_column].strip()
            code = "NL00" if code == "NL01" else code
            if AREA_CODE.match(code):
                assert code not in rows, f"{code} twice in {path.name}"
                rows[code] = row
        return reader.fieldnames, rows


def column_indicators(path, table_id, year, fieldnames):
    """``{file column: indicator id}`` for the columns that land in the warehouse."""
    catalogue = load_catalogue()
    table, _ = open_cbs_file(path, catalogue, table_id=table_id, year=year)
    ids = catalogue.mapper(table_id, table.topics).indicators_for((), str(year))
    squash = {" ".join(name.split()): name for name in fieldnames}
    mapping = {}
    for topic, indicator in zip(table.topics, ids):
        if indicator is None:
            continue
        column = topic.key if topic.key in fieldnames else squash[" ".join(topic.key.split())]
        mapping[column] = indicator
    return mapping


def check_every_value(workspace, path, table_id, year, code_column, delimiter=",", decimal_comma=False):
    result = import_cbs_file(workspace, path, table_id=table_id, year=year)
    fieldnames, rows = read_source(path, code_column, delimiter, decimal_comma)
    mapping = column_indicators(path, table_id, year, fieldnames)
    assert mapping, f"no column of {path.name} maps to an indicator"

    expected = {}
    for code, row in rows.items():
        for column, indicator in mapping.items():
            expected[(code, indicator)] = oracle_cell(row[column], decimal_comma)
    with workspace.warehouse() as wh:
        stored = {(code, ind): (value, status) for ind, code, value, status in wh.conn.execute(
            "SELECT indicator_id, area_code, value, status FROM observation WHERE source_id=? AND period=?",
            (result.source_id, str(year)))}
        area_codes = {code for (code,) in wh.conn.execute("SELECT code FROM area WHERE year=?", (year,))}

    assert set(stored) == set(expected), (
        f"missing {sorted(set(expected) - set(stored))[:5]}, extra {sorted(set(stored) - set(expected))[:5]}")
    wrong = [(key, expected[key], stored[key]) for key in expected if stored[key] != expected[key]]
    assert not wrong, f"{len(wrong)} values differ from the file, e.g. {wrong[:5]}"
    assert area_codes == set(rows)
    print(f"\n{path.name}: {len(rows)} areas x {len(mapping)} columns = {len(expected)} values, all equal")
    return len(rows)


def check_buurten_add_up_to_wijken(workspace, year):
    catalogue = load_catalogue()
    counts = [i.id for i in catalogue.indicators.values() if i.kind == "count" and i.aggregation == "sum"]
    with workspace.warehouse() as wh:
        values = wh.values(counts, year)
        buurten = defaultdict(list)
        for area in wh.areas(year=year, level="buurt"):
            buurten[area.wijk_code].append(area.code)
    largest, compared, skipped, beyond_nearest = (0.0, None), 0, 0, 0
    for indicator in counts:
        for wijk, parts in buurten.items():
            total = values.get((wijk, indicator))
            cells = [values.get((b, indicator)) for b in parts]
            if total is None or total.status != "value":
                continue
            if any(c is None or c.status != "value" for c in cells):
                skipped += 1
                continue
            deviation = abs(sum(c.value for c in cells) - total.value)
            tolerance = 5 * (len(parts) + 1)
            beyond_nearest += deviation > 2.5 * (len(parts) + 1)
            assert deviation <= tolerance, (
                f"{indicator} {year}: buurten of {wijk} add up to {sum(c.value for c in cells)}, "
                f"CBS's wijk value is {total.value} (tolerance {tolerance})")
            compared += 1
            if deviation > largest[0]:
                largest = (deviation, f"{indicator} {wijk} ({len(parts)} buurten)")
    assert compared > 1000
    print(f"{year}: {compared} wijk sums within 5 x (buurten + 1); largest deviation {largest[0]:g} at "
          f"{largest[1]}; {beyond_nearest} beyond 2.5 x (buurten + 1); "
          f"{skipped} wijk/indicator pairs not compared (a buurt value suppressed)")


def test_kwb_2017_every_value_equals_the_file_and_buurten_add_up(workspace):
    areas = check_every_value(workspace, KWB_2017, "83765NED", 2017, "WijkenEnBuurten")
    assert areas == 16667  # 14 of them carry only a code and name: their values are stored as missing
    check_buurten_add_up_to_wijken(workspace, 2017)


def test_kwb_2024_every_value_equals_the_file_and_buurten_add_up(workspace):
    areas = check_every_value(workspace, KWB_2024_CSV, "85984NED", 2024, "Regioaanduiding/Codering (code)",
                              delimiter=";", decimal_comma=True)
    assert areas == 18310
    check_buurten_add_up_to_wijken(workspace, 2024)
