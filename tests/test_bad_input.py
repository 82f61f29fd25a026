"""Bad input in downloaded CBS files: one test per case, asserting the exact message.

Tiny files are written into tmp_path; the real broken export comes from ../shared/data.
"""

import json

import pytest

from conftest import SHARED_DATA
from wijkboekhouding.catalogue import load_catalogue
from wijkboekhouding.errors import InvalidDataError, SourceError
from wijkboekhouding.sources.cells import SWING_MARKERS, CellError, parse_number
from wijkboekhouding.sources.files import open_cbs_file
from wijkboekhouding.warehouse.imports import import_cbs_file

NAME = "Kerncijfers_wijken_en_buurten_2024_test.csv"  # the file name tells the table: KWB 2024
HEADER = ["Wijken en buurten", "Regioaanduiding/Codering (code)", "Bevolking/Aantal inwoners (aantal)",
          "Bevolking/Particuliere huishoudens/Gemiddelde huishoudensgrootte (aantal)"]
BROKEN = (SHARED_DATA / "inkomen-huishoudens-regio-statline-csv"
          / "Inkomen_van_huishoudens__regio_11122025_135329.csv")


def statline_csv(tmp_path, rows, header=HEADER, name=NAME, encoding="utf-8-sig", sep=";"):
    """A StatLine export as CBS writes it: text quoted, numbers bare, CRLF, BOM."""
    def field(x):
        return x if isinstance(x, (int, float)) or (isinstance(x, str) and x.startswith("=")) else f'"{x}"'

    lines = [sep.join(f'"{h}"' for h in header)]
    lines += [sep.join(str(field(c)).lstrip("=") for c in row) for row in rows]
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def read(path, **kwargs):
    table, _ = open_cbs_file(path, load_catalogue(), **kwargs)
    return table, list(table.rows)


def messages(table):
    return [str(p) for p in table.report.problems]


def test_cp1252_file_is_detected_and_read(tmp_path):
    path = statline_csv(tmp_path, [["Súdwest-Fryslân", "GM1900    ", 91940, "=2,3"]], encoding="cp1252")
    table, rows = read(path)
    assert rows[0].area.name == "Súdwest-Fryslân" and rows[0].values == [91940, 2.3]
    assert messages(table) == [
        "Kerncijfers_wijken_en_buurten_2024_test.csv: the file is not UTF-8; it was read as Windows-1252 (cp1252). "
        "Check that names with accents (Súdwest-Fryslân) look right; save the file as UTF-8 to silence this."]
    assert table.report.warnings[0].type == "encoding"


def test_wrong_separator(tmp_path):
    path = statline_csv(tmp_path, [["Arnhem", "GM0202    ", 164096, "=1,9"]], sep=",")
    with pytest.raises(SourceError) as e:
        read(path)
    assert str(e.value) == (
        "Kerncijfers_wijken_en_buurten_2024_test.csv: the fields are separated by ',', but StatLine CSV exports "
        "use ';' (the file was probably re-saved by a spreadsheet program). Download it from StatLine again, "
        "or save it as CSV with ';' as the separator.")


def test_typed_csv_with_semicolons(tmp_path):
    path = tmp_path / "83765NED.csv"
    path.write_text("ID;WijkenEnBuurten;AantalInwoners_5\n0;NL00      ;17081507\n", encoding="utf-8")
    with pytest.raises(SourceError) as e:
        read(path)
    assert str(e.value) == ("83765NED.csv: the fields are separated by ';', but TypedDataSet CSV dumps use ','. "
                            "Save the file with ',' as the separator, or import the original download.")


def test_header_that_is_not_a_cbs_layout(tmp_path):
    path = tmp_path / "85984NED_export.csv"
    path.write_text("buurt,inwoners\nSpijkerkwartier,6880\n", encoding="utf-8")
    with pytest.raises(SourceError) as e:
        read(path)
    assert str(e.value) == (
        "85984NED_export.csv: not a CBS layout this program reads (first line: 'buurt,inwoners'). Expected a "
        "StatLine CSV export, a TypedDataSet CSV or JSON dump, a KWB spreadsheet, a Wijk- en buurtkaart table "
        "(.parquet, .dbf) or the Gemeenten alfabetisch list; see docs/sources.md.")


def test_unknown_table(tmp_path):
    path = statline_csv(tmp_path, [["Arnhem", "GM0202", 164096, 1]], name="export.csv")
    with pytest.raises(SourceError) as e:
        read(path)
    assert str(e.value) == "export.csv: cannot tell which CBS table this is; pass --table (e.g. --table 83765NED)"


@pytest.mark.parametrize("bom", [True, False])
def test_byte_order_mark_is_stripped(tmp_path, bom):
    path = tmp_path / "84131NED_full_data.csv"
    text = "ID,WijkenEnBuurten,AantalInstallatiesBijWoningen_5\n0,GM0202    ,396.0\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    table, rows = read(path)
    assert rows[0].area.code == "GM0202" and rows[0].values == [396.0] and messages(table) == []
    path = statline_csv(tmp_path, [["Arnhem", "GM0202", 164096, "=1,9"]], encoding="utf-8-sig" if bom else "utf-8")
    table, rows = read(path)
    assert rows[0].area.code == "GM0202" and messages(table) == []


def test_decimal_comma(tmp_path):
    path = statline_csv(tmp_path, [["Arnhem", "GM0202", 164096, "=1,9"], ["Zwolle", "GM0193", 132411, "=2.2"]])
    table, rows = read(path)
    assert rows[0].values == [164096, 1.9]
    assert messages(table) == [
        "Kerncijfers_wijken_en_buurten_2024_test.csv, row 3, column "
        "'Bevolking/Particuliere huishoudens/Gemiddelde huishoudensgrootte (aantal)': '2.2' is not a number "
        "(this file uses a decimal comma). Expected a number, '.' (suppressed) or an empty cell; correct the value."]


def test_markers(tmp_path):
    path = statline_csv(tmp_path, [["A", "WK020201", "=.", "=-"], ["B", "WK020202", "=x", "=?"],
                                   ["C", "WK020203", "=", "=\u2013"]])
    table, rows = read(path)
    assert [(r.values, r.statuses) for r in rows] == [
        ([None, 0.0], ["suppressed", "value"]),  # . = onbekend/geheim, - = nihil
        ([None, None], ["suppressed", "missing"]),  # x = geheim, ? = ontbreekt
        ([None, 0.0], ["missing", "value"]),  # empty = kan niet voorkomen, en dash = nihil
    ]
    assert messages(table) == []
    # cijfersoverzwolle.nl's legend: "- Niet van toepassing", not zero
    assert parse_number("-", markers=SWING_MARKERS) == (None, "missing")
    assert parse_number(" 12,5 ", decimal_comma=True) == (12.5, "value")
    with pytest.raises(CellError, match="'nan' is not a number"):
        parse_number("nan")


def test_padded_codes_and_names(tmp_path):
    path = tmp_path / "84131NED_full_data.csv"
    path.write_text("ID,WijkenEnBuurten,Gemeentenaam_1,AantalInstallatiesBijWoningen_5\n"
                    "0,NL01      ,Nederland                               ,396.0\n"
                    "1,GM0202    ,Arnhem                                  ,5.0\n", encoding="utf-8")
    table, rows = read(path)
    assert [(r.area.code, r.area.name) for r in rows] == [("NL00", "Nederland"), ("GM0202", "Arnhem")]


def test_malformed_quoting_in_the_real_export(workspace):
    with pytest.raises(InvalidDataError) as e:
        import_cbs_file(workspace, BROKEN, table_id="85711NED")
    assert e.value.report.errors[0].row == 1
    assert str(e.value) == (
        "Inkomen_van_huishoudens__regio_11122025_135329.csv: 1 error(s); nothing was imported.\n"
        "ERROR   [malformed-quoting] Inkomen_van_huishoudens__regio_11122025_135329.csv, row 1: malformed quoting: "
        "the header is a single quoted field that contains the separators (it starts "
        "'Populatie\";\"Kenmerken van huishoudens\";\"'); the quotes around each field were doubled, as happens "
        "when a CSV is re-saved by a spreadsheet program. Download the table from StatLine again, or replace "
        "every \"\" by \" in a text editor.")
    with workspace.warehouse() as wh:
        assert wh.sources() == {} and wh.count_observations() == 0 and wh.areas() == []


def test_malformed_quoting_in_a_data_row(tmp_path, workspace):
    path = statline_csv(tmp_path, [["Arnhem", "GM0202", 164096, "=1,9"], ['Zw"olle', "GM0193", 132411, "=2,2"]])
    with pytest.raises(InvalidDataError) as e:
        import_cbs_file(workspace, path)
    assert [str(p) for p in e.value.report.errors] == [
        "Kerncijfers_wijken_en_buurten_2024_test.csv, row 3: malformed quoting: ';' expected after '\"' "
        "(a quote inside a quoted field must be doubled). Download the table from StatLine again; "
        "do not re-save it in a spreadsheet program."]
    with workspace.warehouse() as wh:
        assert wh.sources() == {} and wh.count_observations() == 0


def test_wrong_field_count(tmp_path):
    path = statline_csv(tmp_path, [["Arnhem", "GM0202", 164096]])
    table, rows = read(path)
    assert rows == [] and messages(table) == [
        "Kerncijfers_wijken_en_buurten_2024_test.csv, row 2: has 3 fields where the header has 4. "
        "Check the quoting of this row; the file may be cut off or edited by hand."]


def test_value_of_the_wrong_type(tmp_path, workspace):
    path = statline_csv(tmp_path, [["Arnhem", "GM0202", "=164O96", "=1,9"]])
    with pytest.raises(InvalidDataError) as e:
        import_cbs_file(workspace, path)
    assert [str(p) for p in e.value.report.errors] == [
        "Kerncijfers_wijken_en_buurten_2024_test.csv, row 2, column 'Bevolking/Aantal inwoners (aantal)': "
        "'164O96' is not a number. Expected a number, '.' (suppressed) or an empty cell; correct the value."]
    with workspace.warehouse() as wh:
        assert wh.sources() == {} and wh.areas() == []


def test_duplicate_rows(tmp_path, workspace):
    path = statline_csv(tmp_path, [["Arnhem", "GM0202", 164096, "=1,9"], ["Zwolle", "GM0193", 132411, "=2,2"],
                                   ["Arnhem", "GM0202    ", 164096, "=1,9"]])
    with pytest.raises(InvalidDataError) as e:
        import_cbs_file(workspace, path)
    assert [str(p) for p in e.value.report.errors] == [
        "Kerncijfers_wijken_en_buurten_2024_test.csv, row 4: area GM0202, period 2024 appears twice "
        "(first on row 2). Remove one of the two rows and import again."]
    with workspace.warehouse() as wh:
        assert wh.sources() == {} and wh.count_observations() == 0


def test_unknown_area_code_is_a_warning_and_the_row_is_skipped(tmp_path, workspace):
    path = statline_csv(tmp_path, [["Arnhem", "GM0202", 164096, "=1,9"], ["Nergens", "XX1234", 10, "=1,0"]])
    result = import_cbs_file(workspace, path)
    assert [str(p) for p in result.report.warnings] == [
        "Kerncijfers_wijken_en_buurten_2024_test.csv, row 3, column 'Regioaanduiding/Codering (code)': 'XX1234' is "
        "not a CBS area code (NL00, PV.., GM...., WK......, BU........); the row was skipped. "
        "Correct the code if the row should be imported."]
    assert result.rows == 1
    with workspace.warehouse() as wh:
        assert [a.code for a in wh.areas()] == ["GM0202"]


def test_unknown_or_ambiguous_area_name(tmp_path):
    header = ["Wijken en buurten", "Regioaanduiding/Gemeentenaam (naam)", "Bevolking/Aantal inwoners (aantal)"]
    path = statline_csv(tmp_path, [["Arnhem", "Arnhem", 164096], ["Centrum", "Arnhem", 9000]], header=header)
    known = {("Arnhem", "Arnhem"): "GM0202"}  # "Centrum": no single area of Arnhem has that name
    table, rows = read(path, resolve_name=lambda name, gemeente, level: known.get((name, gemeente)))
    assert [r.area.code for r in rows] == ["GM0202"]
    assert messages(table) == [
        "Kerncijfers_wijken_en_buurten_2024_test.csv, row 3, column 'Wijken en buurten': no single area in the "
        "warehouse is named 'Centrum' in gemeente 'Arnhem' in 2024; the row was skipped. Import a CBS file with "
        "area codes for that year first (such as the KWB table), or download the export with the 'Codering (code)' "
        "column."]


def test_no_period(tmp_path):
    path = statline_csv(tmp_path, [["Arnhem", "GM0202", 164096, "=1,9"]], name="export.csv")
    table, rows = read(path, table_id="70072NED")
    assert rows == [] and messages(table) == [
        "export.csv, row 1: the file has no Perioden column and no period was given. Pass --year with the table's year."]


def test_bad_period(tmp_path):
    header = ["Perioden", "Regio's", "Regioaanduiding/Codering (code)", "Bevolking/Aantal inwoners (aantal)"]
    path = statline_csv(tmp_path, [["2024*", "Arnhem", "GM0202", 164096], ["vorig jaar", "Zwolle", "GM0193", 1]],
                        header=header, name="export.csv")
    table, rows = read(path, table_id="70072NED")
    assert [(r.period, r.statuses) for r in rows] == [("2024", ["provisional"])]
    assert messages(table) == [
        "export.csv, row 3, column 'Perioden': 'vorig jaar' is not a CBS period such as 2024JJ00, 2023MM05, "
        "2024* or 2023 mei. Fix the period."]


def test_truncated_json(tmp_path):
    path = tmp_path / "84672NED_full_data.json"
    records = [{"ID": 0, "Btw": "A048944", "Perioden": "2018MM01", "Transporttarief_1": 179.74}] * 2
    path.write_text(json.dumps(records, indent=2)[:-20], encoding="utf-8")
    with pytest.raises(SourceError) as e:
        read(path)
    assert str(e.value) == ("84672NED_full_data.json: not valid JSON at line 12, column 5 (Unterminated string starting at); "
                            "the file may be cut off. Download it again.")


def test_json_record_with_other_keys(tmp_path):
    path = tmp_path / "84672NED_full_data.json"
    records = [{"ID": 0, "Btw": "A048944", "Perioden": "2018MM01", "Transporttarief_1": 179.74},
               {"ID": 1, "Btw": "A048944", "Perioden": "2018MM02", "Transporttarief_2": 179.74}]
    path.write_text(json.dumps(records), encoding="utf-8")
    table, rows = read(path)
    assert len(rows) == 1 and [str(p) for p in table.report.errors] == [
        "84672NED_full_data.json, row 3: record 2 has other keys than the first record (Transporttarief_1, "
        "Transporttarief_2). Every record of a TypedDataSet has the same keys; download the table again."]


def test_a_spreadsheet_that_is_not_a_kwb_sheet(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Thema's - 2024 - Buurten"])
    book.active.append(["", "woningen [woonruimten]"])
    path = tmp_path / "Thema's - 2024 - Buurten.xlsx"
    book.save(path)
    table, rows = read(path)
    assert rows == [] and messages(table) == [
        "Thema's - 2024 - Buurten.xlsx, row 1: found no gwb_code_10 column in the first row, so this is not a KWB "
        "spreadsheet. Import other spreadsheets with 'wijkboekhouding import local'; docs/sources.md describes "
        "the KWB layout."]
