"""StatLine CSV exports (current layout and "met statistische symbolen"): the records the
readers produce from the real files in ../shared/data."""

from collections import Counter

import pytest

from conftest import KWB_2024_CSV, SHARED_DATA
from wijkboekhouding.catalogue import load_catalogue
from wijkboekhouding.sources.files import detect_layout, open_cbs_file
from wijkboekhouding.sources.statline_csv import AreaNames, split_unit

KWB_2024_DIR = SHARED_DATA / "kwb-2024-85984NED-statline-csv"
KWB_2024_NAMES_ONLY = KWB_2024_DIR / "Kerncijfers_wijken_en_buurten_2024_11122025_141648.csv"
KWB_2024_WIDE = KWB_2024_DIR / "Kerncijfers_wijken_en_buurten_2024_10122025_135731.csv"
OLD_LAYOUT = SHARED_DATA / "statline-csv-format-samples" / "Kerncijfers_wijken_en_buurten_2015_Amsterdam_inkomen.csv"
REGIONALE_KERNCIJFERS = (SHARED_DATA / "regionale-kerncijfers-70072ned-statline-csv"
                         / "Regionale_kerncijfers_Nederland_11122025_133649.csv")
INKOMEN = SHARED_DATA / "inkomen-huishoudens-regio-statline-csv" / "Inkomen_van_huishoudens_per_gemeente.csv"


def read(path, **kwargs):
    table, _ = open_cbs_file(path, load_catalogue(), **kwargs)
    return table, list(table.rows)


@pytest.fixture(scope="module")
def kwb_2024(shared_data):
    """The coded 2024 export, read once: its rows give the area names to resolve by."""
    return read(KWB_2024_CSV)


def value(table, row, key):
    return row.values[[t.key for t in table.topics].index(key)]


def test_current_layout_with_codes(kwb_2024):
    table, rows = kwb_2024
    assert table.meta.table_id == "85984NED" and table.meta.period == "2024"  # from the file name
    assert [t.key for t in table.topics][:2] == ["Bevolking/Aantal inwoners (aantal)", "Bevolking/Geslacht/Mannen (aantal)"]
    first = table.topics[0]
    assert (first.path, first.unit) == ("Bevolking/Aantal inwoners", "aantal")
    assert len(rows) == 18310
    assert Counter(r.area.level for r in rows) == {"land": 1, "gemeente": 342, "wijk": 3393, "buurt": 14574}
    spijkerkwartier = next(r for r in rows if r.area.code == "WK020202")
    # "Spijkerkwartier";"Arnhem";"Wijk";"WK020202  ";"1";6880;3620;3260;...
    assert spijkerkwartier.area.name == "Spijkerkwartier" and spijkerkwartier.area.indeling_change == "1"
    assert value(table, spijkerkwartier, "Bevolking/Aantal inwoners (aantal)") == 6880
    assert value(table, spijkerkwartier, "Bevolking/Geslacht/Mannen (aantal)") == 3620
    nl = rows[0]
    assert nl.area.code == "NL00" and nl.area.indeling_change is None and nl.values[0] == 17942942
    # Amsterdam codes carry letters: WK0363AA is a wijk of GM0363
    amsterdam = next(r for r in rows if r.area.code == "WK0363AA")
    assert amsterdam.area.gemeente_code == "GM0363"
    assert table.report.problems == []


def test_names_only_export_resolves_every_row_to_the_coded_exports_area(kwb_2024):
    """Same 18 310 rows in the same order as the coded export; namesakes (wijk and buurt
    Delfshaven, two buurten 'Kraggenburg-bedrijventerrein') are told apart by row order."""
    coded_table, coded_rows = kwb_2024
    names = AreaNames(lambda: [r.area for r in coded_rows])
    table, rows = read(KWB_2024_NAMES_ONLY, resolve_name=names)
    assert table.meta.table_id == "85984NED"
    assert [r.area.code for r in rows] == [r.area.code for r in coded_rows]
    delfshaven = [r.area.code for r in rows if r.area.name == "Delfshaven"]
    assert delfshaven == ["WK059903", "BU05990320"]
    assert value(table, next(r for r in rows if r.area.code == "WK020202"), "Bevolking/Aantal inwoners (aantal)") == 6880
    assert table.report.problems == []


def test_names_only_export_with_a_plain_resolver_function(kwb_2024):
    """Any ``resolve_name(name, gemeente_name, level)`` callable works; a name it cannot
    place is a warning naming row and name."""
    _, coded_rows = kwb_2024
    gemeenten = {r.area.name: r.area.code for r in coded_rows if r.area.level == "gemeente"}

    def resolve_name(name, gemeente_name, level):
        return gemeenten.get(name) if name == gemeente_name else None

    table, rows = read(KWB_2024_NAMES_ONLY, resolve_name=resolve_name)
    assert {r.area.code for r in rows} == {r.area.code for r in coded_rows if r.area.level == "gemeente"}
    # a plain function has no notion of row order: buurt Baarn of gemeente Baarn gets GM0308 too
    assert len(rows) > 342 and all(r.area.level == "gemeente" for r in rows)
    warnings = [p for p in table.report.problems if p.type == "unknown-area"]
    assert len(warnings) == 18310 - len(rows)
    assert str(warnings[0]) == (
        "Kerncijfers_wijken_en_buurten_2024_11122025_141648.csv, row 2, column 'Wijken en buurten': "
        "no single area in the warehouse is named 'Nederland' in gemeente 'Nederland' in 2024; the row was skipped. "
        "Import a CBS file with area codes for that year first (such as the KWB table), "
        "or download the export with the 'Codering (code)' column.")


def test_wide_export_headers_with_non_breaking_spaces(kwb_2024):
    _, coded_rows = kwb_2024
    table, rows = read(KWB_2024_WIDE, resolve_name=AreaNames(lambda: [r.area for r in coded_rows]))
    keys = [t.key for t in table.topics]
    # the header reads "Gemiddeld inkomen per inwoner\xa0 (x 1 000 euro)": whitespace is collapsed
    assert "Inkomen/Inkomen van personen/Gemiddeld inkomen per inwoner (x 1 000 euro)" in keys
    assert len(rows) == 100 and rows[0].area.code == "GM1680"  # Aa en Hunze
    # "Gemiddelde huishoudensgrootte (aantal)" is written 2,2 (decimal comma)
    assert value(table, rows[0], "Bevolking/Particuliere huishoudens/Gemiddelde huishoudensgrootte (aantal)") == 2.2
    # not yet published topics are empty cells: missing
    i = keys.index("Inkomen/Inkomen van personen/Gemiddeld inkomen per inwoner (x 1 000 euro)")
    assert rows[0].values[i] is None and rows[0].statuses[i] == "missing"


def test_old_layout_met_statistische_symbolen(kwb_2024):
    assert detect_layout(OLD_LAYOUT) == "statline-csv-symbols"
    _, coded_rows = kwb_2024
    table, rows = read(OLD_LAYOUT, resolve_name=AreaNames(lambda: [r.area for r in coded_rows]))
    # title line "Kerncijfers wijken en buurten 2015" -> the KWB table of 2015
    assert table.meta.table_id == "83220NED" and table.meta.period == "2015"
    assert [t.key for t in table.topics][:3] == [
        "Inkomen/Inkomen van personen/Aantal inkomensontvangers (aantal)",
        "Inkomen/Inkomen van personen/Gemiddeld inkomen per inkomensontvanger (x 1 000 euro)",
        "Inkomen/Inkomen van personen/Gemiddeld inkomen per inwoner (x 1 000 euro)"]
    assert table.topics[0].unit == "aantal" and table.topics[3].unit == "%"
    # "Amsterdam";"641700";"33,5";"26,9";"40,9";...  The 2015 wijken and buurten are not in a
    # warehouse holding 2024 areas (and "Waterland", a buurt here, is not the gemeente Waterland).
    assert [r.area.code for r in rows] == ["GM0363"]
    assert rows[0].values[:4] == [641700, 33.5, 26.9, 40.9] and rows[0].period == "2015"
    skipped = [p for p in table.report.problems if p.type == "unknown-area"]
    assert len(skipped) == 105 and skipped[0].row == 7 and "'Stadsdeel Centrum'" in skipped[0].message


def test_gemeente_tables_with_perioden_and_dimensions(kwb_2024):
    _, coded_rows = kwb_2024
    names = AreaNames(lambda: [r.area for r in coded_rows])
    table, rows = read(INKOMEN, table_id="85711NED", resolve_name=names)
    first = rows[0]
    # "Particuliere huishoudens incl. studenten";"Type: Eenpersoonshuishouden";"2024*";"Aa en Hunze";"32,8";...
    assert first.area.code == "GM1680" and first.period == "2024"
    assert first.dims == (("Populatie", "Particuliere huishoudens incl. studenten"),
                          ("Kenmerken van huishoudens", "Type: Eenpersoonshuishouden"))
    assert first.values[0] == 32.8 and first.statuses[0] == "provisional"  # 2024* = voorlopig
    # "Utrecht (gemeente)" is how StatLine tells the gemeente from the provincie
    assert "GM0344" in {r.area.code for r in rows}
    table, rows = read(REGIONALE_KERNCIJFERS, table_id="70072NED", resolve_name=names)
    zwolle = next(r for r in rows if r.area.code == "GM0193")
    assert zwolle.period == "2025" and zwolle.values[0] == 133810 and zwolle.statuses[0] == "value"
    # 729 rows: Nederland, 342 gemeenten, and discontinued gemeenten without figures (skipped)
    assert len(rows) == 343 and table.report.problems == []


def test_split_unit():
    assert split_unit("Bevolking/Bevolkingsdichtheid (aantal inwoners per km²)") == (
        "Bevolking/Bevolkingsdichtheid", "aantal inwoners per km²")
    assert split_unit("Populatie") == ("Populatie", "")
