"""Every downloadable CBS layout in ../shared/data, imported into a real workspace."""

from collections import Counter

import pytest
from openpyxl import Workbook

from conftest import KWB_2024_CSV, SHARED_DATA
from wijkboekhouding.catalogue import load_catalogue
from wijkboekhouding.errors import InvalidDataError
from wijkboekhouding.sources.files import detect_layout, open_cbs_file
from wijkboekhouding.warehouse.imports import import_cbs_file

KWB_2019 = SHARED_DATA / "kwb-2019-gemeenten-extract" / "Gemeenten_kerncijfers_2019.csv"
MAP_2024 = SHARED_DATA / "kwb-2024-wijkbuurtkaart-v2-nprz-parquet"
MAP_2017 = SHARED_DATA / "cbs-wijkbuurtkaart-2017-attributes"
SOLAR = SHARED_DATA / "cbs-zonnestroom-wijken-buurten-2016-2022"
TARIFFS = SHARED_DATA / "cbs-energietarieven-84672NED-85592NED"
ENERGY_USE = SHARED_DATA / "cbs-energieverbruik-woningen-regio-81528NED" / "81528NED_full_data.csv"
GEMEENTELIJST = SHARED_DATA / "gemeenten-lijst-2019" / "Gemeenten_alfabetisch_2019.csv"
NAMES_ONLY = SHARED_DATA / "kwb-2024-85984NED-statline-csv" / "Kerncijfers_wijken_en_buurten_2024_11122025_141648.csv"
BROKEN = (SHARED_DATA / "inkomen-huishoudens-regio-statline-csv"
          / "Inkomen_van_huishoudens__regio_11122025_135329.csv")


def read(path, **kwargs):
    table, _ = open_cbs_file(path, load_catalogue(), **kwargs)
    return table, list(table.rows)


def values_of(table, row):
    return dict(zip([t.key for t in table.topics], zip(row.values, row.statuses)))


def observation(ws, code, year, indicator="inwoners"):
    with ws.warehouse() as wh:
        return next((o for o in wh.observations(code, year) if o.indicator_id == indicator), None)


def test_statline_export_imports_inwoners(workspace):
    result = import_cbs_file(workspace, KWB_2024_CSV)
    assert result.rows == 18310 and result.areas == 18310
    obs = observation(workspace, "WK020202", 2024)
    assert obs.value == 6880 and obs.status == "value"  # PROVENANCE: WK020202 6 880 inhabitants in 2024
    with workspace.warehouse() as wh:
        assert wh.area("WK020202", 2024).name == "Spijkerkwartier"
        assert wh.source(result.source_id).table_id == "85984NED"


def test_names_only_export_imports_after_the_coded_one(workspace):
    import_cbs_file(workspace, KWB_2024_CSV)
    result = import_cbs_file(workspace, NAMES_ONLY)
    assert result.rows == 18310 and not [p for p in result.report.problems if p.type == "unknown-area"]
    with workspace.warehouse() as wh:
        # 11122025_141648 has "Herkomstland/Nederland" for Delfshaven (wijk WK059903, not its buurt)
        obs = {o.indicator_id: o for o in wh.observations("WK059903", 2024)}
    assert obs["inwoners"].value == 77250


def test_names_only_export_into_an_empty_workspace_imports_nothing(workspace):
    with pytest.raises(InvalidDataError) as e:
        import_cbs_file(workspace, NAMES_ONLY)
    assert ("Kerncijfers_wijken_en_buurten_2024_11122025_141648.csv, column 'Wijken en buurten': none of the "
            "18310 area names in the file is known in the warehouse.") in str(e.value)
    with workspace.warehouse() as wh:
        assert wh.sources() == {} and wh.count_observations() == 0


def test_kwb_spreadsheet_csv_cp1252(workspace):
    assert detect_layout(KWB_2019, "cp1252") == "kwb-sheet"
    table, rows = read(KWB_2019)
    assert table.meta.table_id == "84583NED" and table.meta.period == "2019"
    assert [str(p) for p in table.report.problems] == [
        "Gemeenten_kerncijfers_2019.csv: the file is not UTF-8; it was read as Windows-1252 (cp1252). "
        "Check that names with accents (Súdwest-Fryslân) look right; save the file as UTF-8 to silence this."]
    by_code = {r.area.code: r for r in rows}
    assert len(rows) == 355 and by_code["GM1900"].area.name == "Súdwest-Fryslân"
    arnhem = values_of(table, by_code["GM0202"])
    # GM0202;0202;Arnhem;Arnhem;Gemeente;GM0202;.;159267;79574;...
    assert arnhem["a_inw"] == (159267, "value") and arnhem["a_00_14"] == (25198, "value")
    assert arnhem["g_hhgro"][0] == pytest.approx(1.9)  # "1,9": decimal comma
    assert "gwb_code_10" not in arnhem and "regio" not in arnhem
    import_cbs_file(workspace, KWB_2019)
    with workspace.warehouse() as wh:
        assert wh.area("GM1900", 2019).name == "Súdwest-Fryslân"


def test_kwb_spreadsheet_xlsx(tmp_path):
    """The same columns in an .xlsx workbook (as CBS's kwb-YYYY.xlsx downloads)."""
    header = KWB_2019.read_text(encoding="cp1252").splitlines()[0].split(";")
    lines = [line.split(";") for line in KWB_2019.read_text(encoding="cp1252").splitlines()[1:4]]
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for cells in lines:
        sheet.append([c if not c.replace(",", "").isdigit() else float(c.replace(",", ".")) for c in cells])
    path = tmp_path / "kwb-2019.xlsx"
    book.save(path)
    table, rows = read(path)
    assert table.meta.table_id == "84583NED" and [r.area.code for r in rows] == ["GM0003", "GM0010", "GM0014"]
    appingedam = values_of(table, rows[0])
    assert appingedam["a_inw"] == (11721, "value") and appingedam["a_man"] == (5720, "value")
    suppressed = [k for k, c in zip(header, lines[0]) if c == "." and k in appingedam]
    empty = [k for k, c in zip(header, lines[0]) if c == "" and k in appingedam]
    assert suppressed and empty
    assert all(appingedam[k] == (None, "suppressed") for k in suppressed)  # "."
    assert all(appingedam[k] == (None, "missing") for k in empty)


def test_wijkbuurtkaart_parquet(workspace):
    table, rows = read(MAP_2024 / "wijk_2024_stats.parquet")
    assert table.meta.table_id == "85984NED"
    assert table.meta.title == "Wijk- en buurtkaart 2024 versie 2"
    delfshaven = values_of(table, next(r for r in rows if r.area.code == "WK059903"))
    assert delfshaven["aantal_inwoners"] == (77250, "value") and delfshaven["gemiddelde_woningwaarde"] == (316, "value")
    almere_haven = values_of(table, next(r for r in rows if r.area.code == "WK003401"))
    assert almere_haven["percentage_woningen_met_stadsverwarming"] == (None, "suppressed")  # -99997
    assert "wijknaam" not in delfshaven and "jaar" not in delfshaven
    table, rows = read(MAP_2024 / "gemeente_2024_stats.parquet")
    assert len(rows) == 342  # 81 water rows (water = JA) skipped
    assert [p.message for p in table.report.problems] == [
        "81 rows for water or foreign territory (water = JA or B) carry no figures and were skipped."]
    table, rows = read(MAP_2024 / "buurt_2024_stats.parquet")
    assert {r.area.code for r in rows} >= {f"BU059903{n}" for n in (20, 21, 22, 23, 24, 25, 27, 28, 29)}
    assert next(r for r in rows if r.area.code == "BU05990320").area.wijk_code == "WK059903"
    import_cbs_file(workspace, MAP_2024 / "wijk_2024_stats.parquet")
    with workspace.warehouse() as wh:
        assert wh.area("WK059903", 2024).name == "Delfshaven"


def test_wijkbuurtkaart_dbf(workspace):
    table, rows = read(MAP_2017 / "wijk_2017.dbf")
    assert table.meta.table_id == "83765NED" and table.meta.title == "Wijk- en buurtkaart 2017"
    assert len(rows) == 3070  # 88 water rows and one Belgian (B) row skipped
    spijkerkwartier = next(r for r in rows if r.area.code == "WK020202")
    assert spijkerkwartier.area.name == "Spijkerkwartier"
    assert values_of(table, spijkerkwartier)["AANT_INW"] == (6540, "value")
    table, rows = read(MAP_2017 / "gem_2017.dbf")
    assert len(rows) == 388
    import_cbs_file(workspace, MAP_2017 / "gem_2017.dbf")
    with workspace.warehouse() as wh:
        assert wh.area("GM0202", 2017).name == "Arnhem"


def test_typed_csv_solar_quirks():
    table, rows = read(SOLAR / "85447NED_full_data.csv")
    key_only = next(r for r in rows if r.area.code == "BU16800300")  # 12,BU16800300,...,1,,
    assert key_only.values == [None, None] and key_only.statuses == ["missing", "missing"]
    table, rows = read(SOLAR / "85010NED_full_data.csv")
    assert "GEM9999" not in {r.area.code for r in rows}
    assert [str(p) for p in table.report.problems] == [
        "85010NED_full_data.csv, row 17116, column 'WijkenEnBuurten': 'GEM9999' is not a CBS area code "
        "(NL00, PV.., GM...., WK......, BU........); the row was skipped. Correct the code if the row should be imported."]
    spijkerkwartier = next(r for r in rows if r.area.code == "WK020202")
    assert spijkerkwartier.period == "2019"


def test_typed_csv_dimension_and_padded_regions():
    table, rows = read(ENERGY_USE)
    first = rows[0]  # 0,T001100,NL01  ,2010JJ00,1850.0,3300.0,,4.6
    assert first.area.code == "NL00" and first.dims == (("Woningkenmerken", "T001100"),)
    assert first.values == [1850.0, 3300.0, None, 4.6]
    levels = Counter(r.area.level for r in rows)
    assert set(levels) == {"land", "provincie", "gemeente"}  # LD, ES, ET groupings skipped without warnings
    assert table.report.problems == []


def test_typed_json_equals_typed_csv_tariffs():
    json_table, json_rows = read(TARIFFS / "84672NED_full_data.json")
    csv_table, csv_rows = read(TARIFFS / "84672NED_full_data.csv")
    assert [t.key for t in json_table.topics] == [t.key for t in csv_table.topics]
    assert len(json_rows) == 140
    assert [(r.area.code, r.period, r.dims, r.values, r.statuses) for r in json_rows] == \
           [(r.area.code, r.period, r.dims, r.values, r.statuses) for r in csv_rows]
    first = json_rows[0]
    assert first.area.code == "NL00" and first.period == "2018-01" and first.dims == (("Btw", "A048944"),)
    assert first.values[0] == 179.74 and first.values[-1] == -373.33
    assert {r.period for r in json_rows} >= {"2018", "2023-05"}  # yearly and monthly periods
    table, rows = read(TARIFFS / "85592NED_full_data.csv")
    cap = next(r for r in rows if r.period == "2023-05" and r.dims == (("Btw", "A048944"),))
    # 30,A048944,2023MM05,217.69,73.75,0.952,0.7605,,0.59266,...
    assert values_of(table, cap)["VariabelLeveringstariefPrijsplafond_4"] == (0.7605, "value")
    assert values_of(table, cap)["OpslagDuurzameEnergieODE_5"] == (None, "missing")


def test_gemeentelijst_fills_gemeente_provincie(workspace):
    result = import_cbs_file(workspace, GEMEENTELIJST)
    assert result.summary() == "Gemeenten_alfabetisch_2019.csv: provincie of 355 gemeenten written"
    with workspace.warehouse() as wh:
        assert wh.provincie_of("GM0193") == ("PV23", "Overijssel")
        assert wh.provincie_of("GM0003") == ("PV20", "Groningen")  # leading zeros kept
        assert wh.sources() == {}


def test_broken_quoting_imports_nothing(workspace):
    import_cbs_file(workspace, KWB_2019)
    with workspace.warehouse() as wh:
        before = (wh.count_observations(), len(wh.sources()), len(wh.areas()))
    with pytest.raises(InvalidDataError) as e:
        import_cbs_file(workspace, BROKEN, table_id="85711NED")
    assert str(e.value).splitlines()[1] == (
        "ERROR   [malformed-quoting] Inkomen_van_huishoudens__regio_11122025_135329.csv, row 1: malformed quoting: "
        "the header is a single quoted field that contains the separators (it starts "
        "'Populatie\";\"Kenmerken van huishoudens\";\"'); the quotes around each field were doubled, as happens "
        "when a CSV is re-saved by a spreadsheet program. Download the table from StatLine again, or replace "
        "every \"\" by \" in a text editor.")
    with workspace.warehouse() as wh:
        assert (wh.count_observations(), len(wh.sources()), len(wh.areas())) == before


def test_a_bad_cell_on_the_last_row_leaves_nothing_half_written(workspace, tmp_path):
    lines = KWB_2024_CSV.read_bytes().decode("utf-8-sig").rstrip("\r\n").split("\r\n")
    fields = lines[-1].split(";")
    fields[5] = "12x"
    lines[-1] = ";".join(fields)
    bad = tmp_path / "Kerncijfers_wijken_en_buurten_2024_bad.csv"
    bad.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    with pytest.raises(InvalidDataError) as e:
        import_cbs_file(workspace, bad)
    assert (f"Kerncijfers_wijken_en_buurten_2024_bad.csv, row {len(lines)}, column 'Bevolking/Aantal inwoners (aantal)': "
            "'12x' is not a number.") in str(e.value)
    with workspace.warehouse() as wh:
        assert wh.count_observations() == 0 and wh.sources() == {} and wh.areas() == []


def test_typed_csv_with_both_nl00_and_an_empty_nl01(workspace):
    """84948NED lists Nederland twice: NL00 with figures, NL01 (the regional tables' code)
    empty.  The empty alias rows are dropped instead of clashing with NL00."""
    heating = SHARED_DATA / "cbs-hoofdverwarming-regio-84948NED" / "84948NED_full_data.csv"
    table, rows = read(heating)
    nl = [r for r in rows if r.area.code == "NL00" and r.dims == (("TypeVerwarmingsinstallatie", "A050112"),)]
    assert [(r.line, r.period, r.values) for r in nl][:2] == [(2, "2017", [84.7]), (3, "2018", [84.6])]
    assert len(nl) == 6 and table.report.problems == []
    result = import_cbs_file(workspace, heating)
    assert result.rows == 25320 and result.report.errors == []
