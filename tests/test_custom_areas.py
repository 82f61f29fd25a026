"""Custom areas through the real CLI: define, list, show, check, import, delete, aggregate."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from conftest import KWB_2017
from wijkboekhouding.cli import cli
from wijkboekhouding.errors import AreaError
from wijkboekhouding.warehouse.aggregate import aggregate_area
from wijkboekhouding.warehouse.custom_areas import DIEZE_DESCRIPTION, define_demo_areas, load_area
from wijkboekhouding.warehouse.imports import import_cbs_file

# A tiny KWB 2014 table (82931NED layout) made up for these tests: the codes are Renkum's
# 2014 indeling, the numbers are invented.
KWB_2014_HEADER = ("ID,WijkenEnBuurten,Gemeentenaam_1,SoortRegio_2,Codering_3,"
                   "IndelingswijzigingWijkenEnBuurten_4,AantalInwoners_5")
KWB_2014_ROWS = [
    "0,GM0274    ,Renkum    ,Gemeente  ,GM0274    ,.,31000",
    "1,WK027401  ,Renkum    ,Wijk      ,WK027401  ,1,{oosterbeek}",
    "2,BU02740100,Renkum    ,Buurt     ,BU02740100,1,6000",
]


def write_kwb_2014(path, oosterbeek=12000):
    lines = [KWB_2014_HEADER] + [r.format(oosterbeek=oosterbeek) for r in KWB_2014_ROWS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def imported(tmp_path_factory, shared_data):
    """A workspace with KWB 2017 and the 2014 table, imported once per module."""
    from wijkboekhouding.workspace import Workspace

    tmp = tmp_path_factory.mktemp("imported")
    ws = Workspace.init(tmp / "ws", [])
    import_cbs_file(ws, KWB_2017, table_id="83765NED")
    import_cbs_file(ws, write_kwb_2014(tmp / "kwb_2014.csv"), table_id="82931NED")
    return ws


@pytest.fixture
def ws(imported, tmp_path):
    """A fresh copy of the imported workspace for each test."""
    from wijkboekhouding.workspace import Workspace

    shutil.copytree(imported.path, tmp_path / "ws")
    return Workspace.open(tmp_path / "ws")


def run(ws, *args, ok=True):
    result = CliRunner().invoke(cli, ["area", *args, "-w", str(ws.path)])
    assert (result.exit_code == 0) == ok, result.output
    return result.output.strip()


def define_oosterbeek(ws):
    run(ws, "define", "oosterbeek", "--name", "Oosterbeek", "--members", "WK027410,WK027411,WK027412",
        "--years", "2017-")
    return run(ws, "define", "oosterbeek", "--name", "Oosterbeek", "--members", "WK027401", "--years", "2014-2016")


def test_oosterbeek_per_year_definition_decides_the_members(ws):
    assert define_oosterbeek(ws) == "Defined oosterbeek (Oosterbeek) for 2014-2016: WK027401"
    with ws.warehouse() as wh:
        y2017 = aggregate_area(wh, "oosterbeek", 2017)
        y2014 = aggregate_area(wh, "oosterbeek", 2014)
    # KWB 2017: WK027410 820 + WK027411 5245 + WK027412 5310 inhabitants
    assert y2017["inwoners"].value == 820 + 5245 + 5310 and y2017["inwoners"].status == "value"
    assert y2017.members == (("WK027410", 1.0), ("WK027411", 1.0), ("WK027412", 1.0))
    # 2014: the old wijk WK027401 (in 2017 that code is Renkum Zuid, 5835 inhabitants)
    assert y2014["inwoners"].value == 12000 and y2014.name == "Oosterbeek" and y2014.level == "gebied"
    assert run(ws, "list") == "oosterbeek           Oosterbeek                   2014-2016: 1 members; 2017-: 3 members"
    shown = run(ws, "show", "oosterbeek")
    assert "  2014-2016:\n    WK027401  WK027401\n  2017-:\n    WK027410  WK027410" in shown
    assert run(ws, "check", "oosterbeek") == "oosterbeek: ok"


def test_check_reports_a_member_missing_in_a_year_of_its_definition(ws):
    output = run(ws, "define", "oosterbeek", "--name", "Oosterbeek", "--members", "WK027410,WK027411,WK027412",
                 "--years", "2014-")
    assert "MISSING WK027410 in 2014: not in the warehouse for that year" in output
    output = run(ws, "check", ok=False)
    assert output.splitlines()[1:] == [
        f"  MISSING {code} in 2014: not in the warehouse for that year (import that year's data, or fix the "
        "members for that year with 'area define --years')" for code in ("WK027410", "WK027411", "WK027412")]
    with ws.warehouse() as wh:
        figures = aggregate_area(wh, "oosterbeek", 2014, threshold=0.0)
    assert figures.missing == ("WK027410", "WK027411", "WK027412")
    assert figures["inwoners"].value is None and figures["inwoners"].status == "missing"


def test_definitions_survive_a_new_version_of_the_cbs_data(ws, tmp_path):
    define_oosterbeek(ws)
    result = import_cbs_file(ws, write_kwb_2014(tmp_path / "kwb_2014.csv", oosterbeek=12345), table_id="82931NED")
    assert result.version == 2
    with ws.warehouse() as wh:
        assert len(load_area(wh, "oosterbeek").periods) == 2
        assert aggregate_area(wh, "oosterbeek", 2014)["inwoners"].value == 12345


def test_bad_definitions_are_refused_with_what_to_do(ws):
    assert run(ws, "define", "wk0274", "--name", "X", "--members", "WK027410", ok=False) == (
        "Error: slug 'wk0274' is not usable; use lower-case letters, digits and hyphens "
        "(e.g. oosterbeek or dieze-centrum), not a CBS code")
    assert run(ws, "define", "x", "--name", "X", "--members", "GM0274", ok=False) == (
        "Error: member 'GM0274' is not a buurt or wijk code; use codes like BU01931130 or WK027410 "
        "(optionally CODE:0.4)")
    assert run(ws, "define", "x", "--name", "X", "--members", "BU01931130:1.4", ok=False) == (
        "Error: member 'BU01931130:1.4': the fraction must be a number above 0 and at most 1, e.g. BU01931130:0.4")
    assert run(ws, "define", "x", "--name", "X", "--members", "WK019311,BU01931130", ok=False) == (
        "Error: member BU01931130 lies in member WK019311, so it would be counted twice; "
        "list either the wijk or its buurten")
    assert run(ws, "define", "x", "--name", "X", "--members", "WK019311", "--years", "2017-2014", ok=False) == (
        "Error: years '2017-2014': 2017 is after 2014; write the earlier year first")
    define_oosterbeek(ws)
    assert run(ws, "define", "oosterbeek", "--name", "Oosterbeek", "--members", "WK027410", "--years", "2016-",
               ok=False) == (
        "Error: custom area 'oosterbeek' already has members for 2014-2016, which overlaps 2016-; "
        "define exactly 2014-2016 again to replace it, or delete the area and define it anew")
    assert run(ws, "show", "nergens", ok=False) == (
        "Error: no custom area 'nergens' (defined: oosterbeek); define it with 'wijkboekhouding area define'")


def test_a_fraction_of_a_buurt_is_apportioned(ws):
    run(ws, "define", "dieze-half", "--name", "Half Dieze-Centrum", "--members", "BU01931130:0.5,BU01931120")
    with ws.warehouse() as wh:
        figures = aggregate_area(wh, "dieze-half", 2017)
    # KWB 2017: BU01931130 960 inhabitants, BU01931120 1735
    assert figures["inwoners"].value == pytest.approx(480 + 1735)
    assert figures["inwoners"].apportioned and figures["inkomen_per_inwoner"].apportioned
    # income per inhabitant 22.9 (960 inh.) and 18.4 (1735 inh.), the first weighted by half
    assert figures["inkomen_per_inwoner"].value == pytest.approx((22.9 * 480 + 18.4 * 1735) / 2215)


def test_import_definitions_from_csv(ws, tmp_path):
    good = tmp_path / "gebieden.csv"
    good.write_text(
        "slug,name,year_from,year_to,member,fraction,description\n"
        "oosterbeek,Oosterbeek,2014,2016,WK027401,,Het dorp\n"
        "oosterbeek,Oosterbeek,2017,,WK027410,,\n"
        "oosterbeek,,2017,,WK027411,,\n"
        "oosterbeek,,2017,,WK027412,,\n"
        "dieze,Dieze,,,BU01931130,,\n"
        "dieze,,,,BU01931120,0.5,\n", encoding="utf-8")
    assert run(ws, "import", str(good)) == (
        "Imported 2 custom area(s) from gebieden.csv: oosterbeek (2 period(s)), dieze (1 period(s))")
    with ws.warehouse() as wh:
        assert aggregate_area(wh, "oosterbeek", 2017)["inwoners"].value == 11375
        assert load_area(wh, "dieze").periods[0].members[1].fraction == 0.5
        assert load_area(wh, "oosterbeek").description == "Het dorp"

    bad = tmp_path / "fout.csv"
    bad.write_text(
        "slug,name,year_from,year_to,member,fraction\n"
        "noord,Noord,2017,,WK019311,\n"
        "noord,,2017,,BU0193113,\n"
        "noord,,twintig,,BU01931130,\n"
        "noord,,2017,,BU01931140,2\n", encoding="utf-8")
    output = run(ws, "import", str(bad), ok=False)
    assert output.splitlines() == [
        "Error: fout.csv: 3 error(s); no definitions were saved.",
        "ERROR   [bad-area-definition] fout.csv, row 3, column 'member': member 'BU0193113' is not a buurt or "
        "wijk code; use codes like BU01931130 or WK027410 (optionally CODE:0.4).",
        "ERROR   [bad-area-definition] fout.csv, row 4, column 'year_from': 'twintig' is not a year. "
        "Write a year like 2017, or leave it empty for no limit.",
        "ERROR   [bad-area-definition] fout.csv, row 5, column 'fraction': member 'BU01931140:2': the fraction "
        "must be a number above 0 and at most 1, e.g. BU01931140:0.4.",
    ]
    with ws.warehouse() as wh:
        assert load_area(wh, "noord") is None

    no_header = tmp_path / "kaal.csv"
    no_header.write_text("slug,name,member\nx,X,WK019311\n", encoding="utf-8")
    assert run(ws, "import", str(no_header), ok=False) == (
        "Error: kaal.csv, row 1: missing column(s) year_from, year_to, fraction; the header must be "
        "slug,name,year_from,year_to,member,fraction (description optional)")


def test_delete(ws):
    define_oosterbeek(ws)
    assert run(ws, "delete", "oosterbeek") == "Deleted custom area oosterbeek (Oosterbeek)"
    assert run(ws, "list").startswith("No custom areas yet")
    with ws.warehouse() as wh, pytest.raises(AreaError):
        aggregate_area(wh, "oosterbeek", 2017)


def test_demo_areas(ws):
    define_demo_areas(ws)
    with ws.warehouse() as wh:
        dieze = aggregate_area(wh, "dieze", 2017)
        oosterbeek = aggregate_area(wh, "oosterbeek", 2017)
        with pytest.raises(AreaError) as e:
            aggregate_area(wh, "oosterbeek", 2013)
    assert str(e.value) == ("custom area 'oosterbeek' has no members for 2013 (defined for 2014-2016, 2017-); "
                            "add them with 'wijkboekhouding area define oosterbeek --years 2013'")
    # Dieze-Centrum 960, Bollebieste 1735, Bagijneweide 805, Hogenkamp 3120 (KWB 2017)
    assert dieze["inwoners"].value == 960 + 1735 + 805 + 3120
    assert dieze.description == DIEZE_DESCRIPTION and "Dieze-Centrum (BU01931130)" in dieze.description
    assert oosterbeek["inwoners"].value == 11375
    assert oosterbeek["inwoners_65_plus"].coverage.text_nl() == "3 van 3 wijken, 100% van de inwoners"


def test_provincie_is_the_sum_of_its_gemeenten(ws, shared_data):
    rows = (shared_data / "gemeenten-lijst-2019" / "Gemeenten_alfabetisch_2019.csv").read_text(
        encoding="utf-8").splitlines()[1:]
    pairs = [(r.split(";")[1], r.split(";")[4], r.split(";")[5]) for r in rows]
    with ws.warehouse() as wh:
        wh.save_gemeente_provincie(pairs)
        figures = aggregate_area(wh, "PV25", 2017)
        gelderland = [g for g, pv, _ in pairs if pv == "PV25"]
        published = wh.values(["inwoners"], 2017, gelderland)
    assert figures.name == "Gelderland" and figures.level == "provincie"
    assert figures["inwoners"].value == sum(o.value for o in published.values())
    assert figures["inwoners"].coverage.parts_total == len(published)
