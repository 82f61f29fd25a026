"""Local datasets: CSV/XLSX plus a TOML meta file, validated, imported all or nothing."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import KWB_2017
from wijkboekhouding.cli import cli
from wijkboekhouding.errors import InvalidDataError, SourceError
from wijkboekhouding.sources.cells import CellError
from wijkboekhouding.sources.local import parse_local_number
from wijkboekhouding.sources.records import AreaRecord, SourceMeta, SourceRow, SourceTable
from wijkboekhouding.warehouse.imports import import_cbs_file
from wijkboekhouding.warehouse.load import load_table
from wijkboekhouding.catalogue import load_catalogue
from wijkboekhouding.warehouse.local import import_local_file
from wijkboekhouding.workspace import Workspace

DATA = Path(__file__).parent / "data" / "local"
META = DATA / "meta.toml"


@pytest.fixture(scope="module")
def kwb_2017_workspace(tmp_path_factory):
    """A workspace for Arnhem and Renkum with the real KWB 2017 file imported (built once)."""
    ws = Workspace.init(tmp_path_factory.mktemp("template") / "ws", ["GM0202", "GM0274"])
    import_cbs_file(ws, KWB_2017, table_id="83765NED")
    return ws


@pytest.fixture
def ws(kwb_2017_workspace, tmp_path):
    """A private copy of the KWB 2017 workspace."""
    shutil.copytree(kwb_2017_workspace.path, tmp_path / "ws")
    return Workspace.open(tmp_path / "ws")


def copy_in(tmp_path: Path, *names: str) -> list[Path]:
    """Copy test files into tmp_path, so reports are written there and not into tests/data."""
    out = []
    for name in names:
        target = tmp_path / Path(name).name
        shutil.copy(DATA / name, target)
        out.append(target)
    return out


def values(ws, code, indicator):
    with ws.warehouse() as wh:
        return {o.period: (o.value, o.status) for o in wh.observations(code) if o.indicator_id == indicator}


def snapshot(ws):
    with ws.warehouse() as wh:
        return (wh.count_observations(), len(wh.sources()), sorted(wh.indicators()),
                wh.conn.execute("SELECT count(*) FROM area").fetchone()[0])


def read_report_file(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


# -- good files ---------------------------------------------------------------------------------


def test_long_csv_imports_values_statuses_and_the_local_indicators(ws, tmp_path):
    data, meta = copy_in(tmp_path, "long.csv", "meta.toml")
    result = import_local_file(ws, data, meta)
    assert result.summary() == "local:bomentelling-test: version 1, 7 rows, 4 areas, 7 observations written"
    assert values(ws, "BU02020211", "bomen_geteld") == {"2022": (1036.0, "value")}
    assert values(ws, "WK020202", "bomen_geteld") == {"2023": (2100.0, "provisional")}
    assert values(ws, "WK020202", "boomsoorten") == {"2022": (None, "missing"), "2023": (None, "suppressed")}
    with ws.warehouse() as wh:
        trees = wh.indicators()["bomen_geteld"]
        source = wh.current_source("local:bomentelling-test")
    assert (trees.origin, trees.theme, trees.label_nl) == ("local", "groen", "Bomen geteld")
    assert (source.kind, source.table_id, source.publisher, source.licence, source.contact) == (
        "local", "bomentelling-test", "Natuurvereniging Test", "CC BY 4.0", "bomen@example.org")
    assert read_report_file(tmp_path / "long.rapport.csv") == []


@pytest.mark.parametrize("name", ["wide_bom.csv", "wide_cp1252.csv"])
def test_wide_csv_with_semicolons_bom_or_cp1252_and_decimal_comma(ws, tmp_path, name):
    data, meta = copy_in(tmp_path, name, "meta.toml")
    result = import_local_file(ws, data, meta)
    assert (result.version, result.observations) == (1, 6)
    assert values(ws, "BU02020211", "bomen_geteld") == {"2022": (1036.0, "value")}
    assert values(ws, "BU02020212", "bomen_geteld") == {"2022": (587.0, "value")}
    assert values(ws, "BU02020210", "boomsoorten") == {"2022": (23.0, "value")}
    notes = [(p.severity, p.type) for p in result.report.problems]
    assert notes == ([("info", "encoding")] if name == "wide_cp1252.csv" else [])


def test_xlsx_wide_layout(ws, tmp_path):
    path = tmp_path / "bomen.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Gebied", "Jaar", "bomen_geteld", "boomsoorten"])
    sheet.append(["BU02020210", 2022, 412, 23])
    sheet.append(["BU02020211", 2022, "1.036,0", 31.0])
    sheet.append([None, None, None, None])
    sheet.append(["BU02020212", "2022JJ00", 587, None])
    book.save(path)
    book.close()
    (meta,) = copy_in(tmp_path, "meta.toml")
    result = import_local_file(ws, path, meta)
    assert result.observations == 6
    assert values(ws, "BU02020211", "bomen_geteld") == {"2022": (1036.0, "value")}
    assert values(ws, "BU02020212", "boomsoorten") == {"2022": (None, "missing")}


def test_xlsx_with_a_bad_cell_names_its_excel_row(ws, tmp_path):
    path = tmp_path / "bomen.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["gebied", "jaar", "bomen_geteld"])
    sheet.append(["BU02020210", 2022, True])
    book.save(path)
    book.close()
    (meta,) = copy_in(tmp_path, "meta.toml")
    with pytest.raises(InvalidDataError) as e:
        import_local_file(ws, path, meta)
    assert ("bomen.xlsx, row 2, column 'bomen_geteld': True is not a number. Write a number such as 1234 or "
            "12,5; '.' for a suppressed value, or leave the cell empty when it is unknown.") in str(e.value)


def test_areas_by_unambiguous_name(tmp_path):
    ws = named_workspace(tmp_path)
    data = tmp_path / "namen.csv"
    data.write_text("gebied;jaar;bomen_geteld\nSpijkerbuurt;2023;1051\n  spijkerKWARTIER ;2023;2900\n",
                    encoding="utf-8")
    (meta,) = copy_in(tmp_path, "meta.toml")
    import_local_file(ws, data, meta)
    assert values(ws, "BU02020211", "bomen_geteld") == {"2023": (1051.0, "value")}
    assert values(ws, "WK020202", "bomen_geteld") == {"2023": (2900.0, "value")}


def test_an_ambiguous_name_is_an_error_naming_the_candidates(tmp_path):
    ws = named_workspace(tmp_path)
    data = tmp_path / "namen.csv"
    data.write_text("gebied;jaar;bomen_geteld\nCentrum;2023;800\n", encoding="utf-8")
    (meta,) = copy_in(tmp_path, "meta.toml")
    with pytest.raises(InvalidDataError) as e:
        import_local_file(ws, data, meta)
    assert ("namen.csv, row 2, column 'gebied': 'Centrum' is the name of 2 areas: WK020001 (wijk Centrum, "
            "gemeente Apeldoorn), WK020201 (wijk Centrum, gemeente Arnhem). Write the CBS code of the area you "
            "mean instead of its name.") in str(e.value)


def named_workspace(tmp_path) -> Workspace:
    """A workspace for Apeldoorn and Arnhem whose areas carry CBS's 2024 names (two wijken are
    called Centrum)."""
    ws = Workspace.init(tmp_path / "named", ["GM0200", "GM0202"])
    names = [("GM0200", "Apeldoorn"), ("GM0202", "Arnhem"), ("WK020001", "Centrum"), ("WK020201", "Centrum"),
             ("WK020202", "Spijkerkwartier"), ("BU02020211", "Spijkerbuurt")]
    level = {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}
    rows = [SourceRow(n, AreaRecord(code, 2024, name, level[code[:2]], "GM" + code[2:6],
                                    "WK" + code[2:8] if code.startswith("BU") else None), "2024", (), [], [])
            for n, (code, name) in enumerate(names, start=2)]
    table = SourceTable(SourceMeta("names", "CBS area names 2024"), [], iter(rows))
    with ws.warehouse() as wh:
        load_table(wh, table, load_catalogue(), key="test:names", content_hash="names", scope=ws.scope)
    return ws


# -- bad files: every problem with its exact message -------------------------------------------

FIX_NUMBER = ("Write a number such as 1234 or 12,5; '.' for a suppressed value, or leave the cell empty "
              "when it is unknown.")
BAD = {
    "wrong_type.csv": f"wrong_type.csv, row 3, column 'waarde': 'veel' is not a number. {FIX_NUMBER}",
    "missing_column.csv": (
        "missing_column.csv, row 1, column 'periode': the header has no column 'periode'. Add a column 'periode' "
        "holding the period: a year such as 2023 or a CBS code such as 2023JJ00."),
    "unknown_indicator.csv": (
        "unknown_indicator.csv, row 2, column 'indicator': 'bomen' is not an indicator of this dataset (did you "
        "mean 'bomen_geteld'?). Use one of bomen_geteld, boomsoorten, or define it under [[indicator]] in "
        "meta.toml."),
    "unreported_cbs_indicator.csv": (
        "unreported_cbs_indicator.csv, row 2, column 'indicator': 'inwoners' is a CBS indicator this dataset does "
        "not report. Add reports = [\"inwoners\"] to meta.toml if you mean to report it."),
    "unknown_period.csv": (
        "unknown_period.csv, row 2, column 'periode': 'vorig jaar' is not a period. Write a year such as 2023 or "
        "a CBS period code such as 2023JJ00 or 2023MM05."),
    "duplicate_row.csv": (
        "duplicate_row.csv, row 4: indicator bomen_geteld, area BU02020210, period 2022 already appears on "
        "row 2. Remove one of the two rows, or correct its area or period."),
    "ambiguous_number.csv": (
        "ambiguous_number.csv, row 2, column 'bomen_geteld': '1.234' could be a whole number with a thousands "
        "separator or a decimal number. Write the number without a thousands separator, such as 1234 or "
        "1,234 (decimal)."),
    "unknown_column.csv": (
        "unknown_column.csv, row 1, column 'bomen_gekapt': 'bomen_gekapt' is not an indicator of this dataset "
        "(did you mean 'bomen_geteld'?). Use one of bomen_geteld, boomsoorten, or define it under [[indicator]] "
        "in meta.toml."),
    "extra_field.csv": ("extra_field.csv, row 2: has 4 fields where the header has 3. Remove the extra cells or "
                        "check the quotes of this row."),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_file_imports_nothing_and_says_where_and_what_to_do(ws, tmp_path, name):
    data, meta = copy_in(tmp_path, f"bad/{name}", "meta.toml")
    before = snapshot(ws)
    with pytest.raises(InvalidDataError) as e:
        import_local_file(ws, data, meta)
    message = str(e.value)
    assert message.startswith(f"{name}: 1 error(s); nothing was imported.\n")
    assert f"ERROR   [{e.value.report.errors[0].type}] {BAD[name]}" in message
    assert message.endswith(f"The full report is in {tmp_path / name.replace('.csv', '.rapport.csv')}")
    assert snapshot(ws) == before
    [row] = read_report_file(tmp_path / name.replace(".csv", ".rapport.csv"))
    assert f"{row['file']}, row {row['row']}" in BAD[name] and row["severity"] == "error"
    assert row["message"] in BAD[name] and row["fix"] in BAD[name]


@pytest.mark.parametrize("content, message", [
    ("", "empty.csv: the file holds no header and no rows. Fill in a header row (gebied, periode, ...) and the data."),
    ("gebied;jaar;bomen_geteld\n;;\n",
     "empty.csv: the file has a header but no data rows. Add the figures below the header row."),
])
def test_an_empty_file_is_an_error(ws, tmp_path, content, message):
    (meta,) = copy_in(tmp_path, "meta.toml")
    data = tmp_path / "empty.csv"
    data.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidDataError) as e:
        import_local_file(ws, data, meta)
    assert [str(p) for p in e.value.report.problems] == [message]


def test_every_problem_is_listed_and_one_bad_row_keeps_the_warehouse_unchanged(ws, tmp_path):
    (meta,) = copy_in(tmp_path, "meta.toml")
    data = tmp_path / "mixed.csv"
    data.write_text("gebied,periode,indicator,waarde\n"
                    "BU02020210,2022,bomen_geteld,412\n"
                    "BU09999999,2022,bomen_geteld,5\n"
                    "BU02020211,2022,bomen_geteld,1 036\n"
                    "BU02020212,2022,bomen_geteld,veel\n"
                    "BU02020212,2o22,boomsoorten,12\n", encoding="utf-8")
    before = snapshot(ws)
    with pytest.raises(InvalidDataError) as e:
        import_local_file(ws, data, meta)
    assert [(p.severity, p.type, p.row) for p in e.value.report.problems] == [
        ("warning", "unknown-area", 3), ("error", "wrong-type", 5), ("error", "unknown-period", 6)]
    assert snapshot(ws) == before
    assert len(read_report_file(tmp_path / "mixed.rapport.csv")) == 3


def test_an_unknown_area_is_a_warning_and_the_rest_is_imported(ws, tmp_path):
    (meta,) = copy_in(tmp_path, "meta.toml")
    data = tmp_path / "bomen.csv"
    data.write_text("gebied,jaar,bomen_geteld\nBU02020210,2022,412\nBU02020219,2022,12\nBU02020211,2022,1036\n",
                    encoding="utf-8")
    result = import_local_file(ws, data, meta)
    assert result.observations == 2
    [warning] = result.report.problems
    assert str(warning) == (
        "bomen.csv, row 3, column 'gebied': 'BU02020219' is not an area in this workspace, so the row was "
        "skipped. Similar: BU02020212, BU02020211, BU02020210. Correct the code or name, or import the CBS data "
        "that holds this area first.")
    assert values(ws, "BU02020211", "bomen_geteld") == {"2022": (1036.0, "value")}
    [row] = read_report_file(tmp_path / "bomen.rapport.csv")
    assert (row["severity"], row["type"], row["row"], row["column"]) == ("warning", "unknown-area", "3", "gebied")


# -- versions -------------------------------------------------------------------------------------


def test_the_same_file_again_changes_nothing(ws, tmp_path):
    data, meta = copy_in(tmp_path, "long.csv", "meta.toml")
    first = import_local_file(ws, data, meta)
    after_first = snapshot(ws)
    again = import_local_file(ws, data, meta)
    assert again.unchanged and again.version == 1 and again.source_id == first.source_id
    assert again.summary() == "local:bomentelling-test: unchanged (same content as version 1); nothing written"
    assert snapshot(ws) == after_first


def test_a_changed_file_becomes_version_2_and_keeps_the_history(ws, tmp_path):
    data, meta = copy_in(tmp_path, "long.csv", "meta.toml")
    import_local_file(ws, data, meta)
    data.write_text(data.read_text(encoding="utf-8").replace("1036", "1040"), encoding="utf-8")
    second = import_local_file(ws, data, meta)
    assert (second.unchanged, second.version) == (False, 2)
    assert values(ws, "BU02020211", "bomen_geteld") == {"2022": (1040.0, "value")}
    with ws.warehouse() as wh:
        history = wh.source_history("local:bomentelling-test")
        old = wh.conn.execute(
            "SELECT value, source_id, replaced_by FROM observation_history "
            "WHERE indicator_id='bomen_geteld' AND area_code='BU02020211'").fetchall()
    assert [(s.version, s.current) for s in history] == [(1, 0), (2, 1)]
    assert old == [(1036.0, history[0].id, history[1].id)]


# -- CBS indicators ---------------------------------------------------------------------------------


def test_a_reported_cbs_indicator_may_add_a_year_but_never_replace_a_cbs_figure(ws, tmp_path):
    meta = tmp_path / "meta.toml"
    meta.write_text('title = "Bevolking (gemeente)"\npublisher = "Gemeente Arnhem"\nlicence = "CC0"\n'
                    'theme = "sociaal"\nreports = ["inwoners"]\n', encoding="utf-8")
    data = tmp_path / "inwoners.csv"
    data.write_text("gebied,jaar,inwoners\nBU02020211,2023,3300\n", encoding="utf-8")
    import_local_file(ws, data, meta)
    assert values(ws, "BU02020211", "inwoners") == {"2017": (3260.0, "value"), "2023": (3300.0, "value")}

    data.write_text("gebied,jaar,inwoners\nBU02020211,2017,3300\n", encoding="utf-8")
    with pytest.raises(InvalidDataError) as e:
        import_local_file(ws, data, meta)
    assert ("inwoners.csv, row 2: inwoners for BU02020211 in 2017 would replace the figure CBS published "
            "(table 83765NED). Remove the row: CBS's figure stays; use a local indicator for your own count."
            ) in str(e.value)
    assert values(ws, "BU02020211", "inwoners")["2017"] == (3260.0, "value")


# -- meta file problems ---------------------------------------------------------------------------

GOOD_META = META.read_text(encoding="utf-8")


@pytest.mark.parametrize("change, message", [
    (lambda m: m.replace('licence = "CC BY 4.0"\n', ""),
     "meta.toml: key 'licence' is missing; add a line such as licence = \"CC BY 4.0\""),
    (lambda m: m.replace("licence =", "license ="),
     "meta.toml: unknown key 'license' (did you mean 'licence'?); the keys are title, publisher, licence, "
     "contact, theme, description, slug, reports, indicator\n"
     "meta.toml: key 'licence' is missing; add a line such as licence = \"CC BY 4.0\""),
    (lambda m: m.replace('title = "Bomentelling (test)"', 'title = ""'),
     "meta.toml: key 'title' must be a non-empty text; add a line such as title = \"Bomentelling Spijkerkwartier\""),
    (lambda m: m.replace('theme = "groen"', 'theme = "natuur"'),
     "meta.toml: key 'theme': 'natuur' is not a theme; use one of geld, wonen, groen, sociaal, werk, energie, "
     "talent, bedrijvigheid, voorzieningen"),
    (lambda m: m.replace('kind = "count"\naggregation = "sum"', 'kind = "telling"\naggregation = "sum"'),
     "meta.toml: [[indicator]] #1 (bomen_geteld): kind 'telling' is not one of count, share, average, amount"),
    (lambda m: m.replace('aggregation = "none"\nreason = "Soorten in verschillende buurten overlappen."\n',
                         'aggregation = "none"\n'),
     "meta.toml: [[indicator]] #2 (boomsoorten): aggregation 'none' needs a reason (shown to readers)"),
    (lambda m: m.replace('id = "bomen_geteld"', 'id = "inwoners"'),
     "meta.toml: [[indicator]] #1 (inwoners): id 'inwoners' is a CBS catalogue indicator; pick another id, or "
     "remove this definition and add reports = [\"inwoners\"] to report values for it"),
    (lambda m: m.replace('id = "bomen_geteld"', 'id = "Bomen geteld"'),
     "meta.toml: [[indicator]] #1 (Bomen geteld): id 'Bomen geteld' is not a valid id; use lower-case letters, "
     "digits and underscores, starting with a letter, such as id = \"bomen_geteld\""),
    (lambda m: m.replace('kind = "count"\naggregation = "sum"', 'aggregation = "sum"'),
     "meta.toml: [[indicator]] #1 (bomen_geteld): key 'kind' is missing; add a line such as kind = \"count\" "
     "(count, share, average or amount)"),
    (lambda m: m.replace('aggregation = "sum"', 'aggregation = "weighted_mean"\nbase = "bewoners"'),
     "meta.toml: [[indicator]] #1 (bomen_geteld): base 'bewoners' is neither an indicator of this file nor of "
     "the CBS catalogue (did you mean 'inwoners'?); use the id of the indicator this one is weighted by"),
    (lambda m: m + "reports = [\"inwoners\"]\n",
     "meta.toml: [[indicator]] #2 (boomsoorten): unknown key 'reports'; the keys are id, theme, nl, en, unit, "
     "decimals, kind, aggregation, base, reason, description"),
    (lambda m: m.split("[[indicator]]")[0] + 'indicator = "bomen_geteld"\n',
     "meta.toml: key 'indicator' must be a list of tables: write each definition under [[indicator]]\n"
     "meta.toml: the dataset defines no indicators; add an [[indicator]] section (or list the CBS indicators it "
     "reports under reports = [...])"),
    (lambda m: m.replace('slug = "bomentelling-test"', 'slug = "Bomen Test"'),
     "meta.toml: key 'slug': 'Bomen Test' is not a slug; use lower-case letters, digits and hyphens such as "
     "slug = \"bomentelling-spijkerkwartier\""),
])
def test_meta_problems_name_the_file_and_key(ws, tmp_path, change, message):
    meta = tmp_path / "meta.toml"
    meta.write_text(change(GOOD_META), encoding="utf-8")
    (data,) = copy_in(tmp_path, "long.csv")
    with pytest.raises(SourceError) as e:
        import_local_file(ws, data, meta)
    assert str(e.value) == message.replace("meta.toml", str(meta))


def test_a_local_base_may_be_a_cbs_indicator(ws, tmp_path):
    meta = tmp_path / "meta.toml"
    meta.write_text(GOOD_META.replace('aggregation = "sum"', 'aggregation = "weighted_mean"\nbase = "inwoners"'),
                    encoding="utf-8")
    (data,) = copy_in(tmp_path, "long.csv")
    assert import_local_file(ws, data, meta).observations == 7
    with ws.warehouse() as wh:
        assert wh.indicators()["bomen_geteld"].base == "inwoners"


def test_a_meta_file_that_is_not_toml(ws, tmp_path):
    meta = tmp_path / "meta.toml"
    meta.write_text('title = "Bomen\n', encoding="utf-8")
    (data,) = copy_in(tmp_path, "long.csv")
    with pytest.raises(SourceError) as e:
        import_local_file(ws, data, meta)
    assert str(e.value) == (f"{meta}: not a valid TOML file (Illegal character '\\n' (at line 1, column 15)); "
                            "fix the syntax (see docs/local-data.md)")


# -- numbers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, decimal_comma, expected", [
    ("1234", True, 1234.0), ("12,5", True, 12.5), ("12.5", True, 12.5), ("1.234,5", True, 1234.5),
    ("1.234.567", True, 1234567.0), ("1,234.5", False, 1234.5), ("6 540", True, 6540.0), ("-3", True, -3.0),
    ("1,234", True, 1.234), ("1.234", False, 1.234), (".", True, None), ("", True, None), ("-", True, 0.0),
    (17, True, 17.0), (2.5, True, 2.5),
])
def test_local_numbers(text, decimal_comma, expected):
    assert parse_local_number(text, decimal_comma)[0] == expected


@pytest.mark.parametrize("text, decimal_comma", [("1.234", True), ("1,234", False), ("12 5", True),
                                                 ("1.23.4", True), ("veel", True), (True, True)])
def test_not_local_numbers(text, decimal_comma):
    with pytest.raises(CellError):
        parse_local_number(text, decimal_comma)


# -- the command line ----------------------------------------------------------------------------


def test_cli_import_local_prints_the_report_and_the_summary(ws, tmp_path):
    data, meta = copy_in(tmp_path, "long.csv", "meta.toml")
    data.write_text(data.read_text(encoding="utf-8") + "BU09999999,2022,bomen_geteld,5\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", "local", str(data), "--meta", str(meta), "-w", str(ws.path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "local:bomentelling-test: version 1, 7 rows, 4 areas, 7 observations written\n"
    assert "WARNING [unknown-area] long.csv, row 9, column 'gebied': 'BU09999999' is not an area" in result.stderr


def test_cli_import_local_with_an_error_exits_1(ws, tmp_path):
    data, meta = copy_in(tmp_path, "bad/wrong_type.csv", "meta.toml")
    result = CliRunner().invoke(cli, ["import", "local", str(data), "--meta", str(meta), "-w", str(ws.path)])
    assert result.exit_code == 1
    assert f"Error: wrong_type.csv: 1 error(s); nothing was imported.\nERROR   [wrong-type] {BAD['wrong_type.csv']}" \
        in result.stderr


# -- the shipped examples -------------------------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "local"


@pytest.mark.parametrize("name, observations", [("bomentelling-spijkerkwartier", 12),
                                                ("energiecooperatie-renkum", 8)])
def test_the_example_datasets_import_cleanly_and_say_they_are_fictional(ws, tmp_path, name, observations):
    for suffix in (".csv", ".toml"):
        shutil.copy(EXAMPLES / f"{name}{suffix}", tmp_path / f"{name}{suffix}")
    result = import_local_file(ws, tmp_path / f"{name}.csv", tmp_path / f"{name}.toml")
    assert result.report.problems == [] and result.observations == observations
    assert "Voorbeeld — fictieve cijfers" in (EXAMPLES / f"{name}.toml").read_text(encoding="utf-8")
