"""``wijkboekhouding show AREA``: figures by theme with their sources, on real KWB 2017 data."""

from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner

from conftest import KWB_2017
from wijkboekhouding.cli import cli
from wijkboekhouding.errors import AreaError
from wijkboekhouding.warehouse.imports import import_cbs_file
from wijkboekhouding.warehouse.local import import_local_file
from wijkboekhouding.warehouse.show import dutch_number, format_area, unit_text
from wijkboekhouding.workspace import Workspace
from test_local import DATA, named_workspace

RETRIEVED = re.compile(r"opgehaald \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC")


@pytest.fixture(scope="module")
def kwb_2017(tmp_path_factory):
    """A workspace for Arnhem and Renkum with the real KWB 2017 file imported."""
    ws = Workspace.init(tmp_path_factory.mktemp("show") / "ws", ["GM0202", "GM0274"])
    import_cbs_file(ws, KWB_2017, table_id="83765NED")
    return ws


@pytest.fixture
def ws(kwb_2017, tmp_path):
    shutil.copytree(kwb_2017.path, tmp_path / "ws")
    return Workspace.open(tmp_path / "ws")


def test_spijkerkwartier_2017_from_the_real_kwb_file(kwb_2017):
    lines = format_area(kwb_2017, "WK020202").splitlines()
    assert lines[:3] == ["WK020202 — wijk WK020202, 2017", "Nederland › Arnhem › WK020202", ""]
    # values from the WK020202 row of the CBS file: AantalInwoners_5 = 6540, GemiddeldeWoningwaarde_35 = 155
    assert "  Aantal inwoners                                               6.540                  [1]" in lines
    assert "  Gemiddelde WOZ-waarde van woningen                              155 × 1.000 euro     [1]" in lines
    assert "  Gemiddeld inkomen per inwoner                                  25,2 × 1.000 euro     [1]" in lines
    themes = [line for line in lines if line and not line.startswith(" ")][2:]
    assert themes == [t for t in ("Geld", "Wonen", "Groen", "Sociaal", "Werk", "Energie", "Talent",
                                  "Bedrijvigheid", "Voorzieningen", "Bronnen") if t in themes]
    assert lines[-3:-1] == ["Bronnen", "  [1] Bron: CBS, tabel 83765NED, CC BY 4.0"]
    assert RETRIEVED.sub("opgehaald <tijd>", lines[-1]) == (
        "      Kerncijfers wijken en buurten 2017 · periode 2017 · opgehaald <tijd>")


def test_show_through_the_cli_fits_100_columns(kwb_2017):
    result = CliRunner().invoke(cli, ["show", "GM0202", "--workspace", str(kwb_2017.path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Arnhem — gemeente GM0202, 2017\nNederland › Arnhem\n")
    assert "  Aantal inwoners                                             155.699                  [1]\n" \
        in result.stdout
    assert "Bron: CBS, tabel 83765NED, CC BY 4.0" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 100


def test_suppressed_values_say_so(kwb_2017):
    # BU02741001 (Renkum, 30 inhabitants): CBS suppressed the WOZ value and the income ('.')
    text = format_area(kwb_2017, "BU02741001")
    assert "  Gemiddelde WOZ-waarde van woningen                       geheim/onderdrukt           [1]" in text
    assert "  Aantal inwoners                                                  30                  [1]" in text


def test_local_figures_their_statuses_and_sources_by_year(ws, tmp_path):
    shutil.copy(DATA / "long.csv", tmp_path / "long.csv")
    shutil.copy(DATA / "meta.toml", tmp_path / "meta.toml")
    import_local_file(ws, tmp_path / "long.csv", tmp_path / "meta.toml")

    latest = RETRIEVED.sub("opgehaald <tijd>", format_area(ws, "WK020202"))
    assert latest == "\n".join([
        "WK020202 — wijk WK020202, 2023",
        "Nederland › Arnhem › WK020202",
        "Jaren met cijfers: 2017, 2022, 2023",
        "",
        "Groen",
        "  Bomen geteld                                                  2.100                  [1] voorlopig",
        "  Boomsoorten                                              geheim/onderdrukt           [1]",
        "",
        "Bronnen",
        "  [1] Bron: Natuurvereniging Test, dataset bomentelling-test, CC BY 4.0",
        "      Bomentelling (test) · periode 2023 · opgehaald <tijd> · contact",
        "      bomen@example.org",
    ])
    assert "  Boomsoorten                                               ontbreekt                  [1]" \
        in format_area(ws, "WK020202", 2022)
    assert "  Aantal inwoners                                               6.540                  [1]" \
        in format_area(ws, "WK020202", 2017)


def test_breadcrumbs_name_the_provincie(ws):
    with ws.warehouse() as wh:
        wh.save_gemeente_provincie([("GM0202", "PV25", "Gelderland")])
    assert format_area(ws, "BU02020211").splitlines()[1] == "Nederland › Gelderland › Arnhem › WK020202 › BU02020211"


def test_an_unknown_area_gives_similar_codes(kwb_2017):
    with pytest.raises(AreaError) as e:
        format_area(kwb_2017, "WK020299")
    assert str(e.value) == (
        "unknown area 'WK020299': it is not in this workspace's warehouse. Similar: WK020224 (wijk, gemeente "
        "Arnhem), WK020223 (wijk, gemeente Arnhem), WK020222 (wijk, gemeente Arnhem). Give a CBS code (such "
        "as WK020202) or a unique area name, or import the CBS data that holds the area first.")


def test_an_unknown_name_through_the_cli_exits_1(kwb_2017):
    result = CliRunner().invoke(cli, ["show", "Atlantis", "-w", str(kwb_2017.path)])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: unknown area 'Atlantis': it is not in this workspace's warehouse. Give a CBS code (such as "
        "WK020202) or a unique area name, or import the CBS data that holds the area first.\n")


def test_a_year_without_figures(kwb_2017):
    with pytest.raises(AreaError) as e:
        format_area(kwb_2017, "WK020202", 2019)
    assert str(e.value) == ("WK020202 has no figures for 2019; years with figures: 2017. Pass one of those with "
                            "--year, or import data for that year first.")


def test_areas_by_name(tmp_path):
    ws = named_workspace(tmp_path)
    assert format_area(ws, "spijkerkwartier").splitlines()[:2] == [
        "Spijkerkwartier — wijk WK020202, 2024", "Arnhem › Spijkerkwartier"]
    with pytest.raises(AreaError) as e:
        format_area(ws, "Centrum")
    assert str(e.value) == ("'Centrum' is the name of 2 areas: WK020001 (wijk Centrum, gemeente Apeldoorn), "
                            "WK020201 (wijk Centrum, gemeente Arnhem); give the CBS code of the one you mean")


@pytest.mark.parametrize("value, decimals, text", [(6540, 0, "6.540"), (1234.5, 1, "1.234,5"), (0.25, 2, "0,25"),
                                                   (-1234567, 0, "-1.234.567"), (25.2, 1, "25,2")])
def test_dutch_numbers(value, decimals, text):
    assert dutch_number(value, decimals) == text


def test_units():
    assert [unit_text(u) for u in ("aantal", "x 1 000 euro", "%", "MWh")] == ["", "× 1.000 euro", "%", "MWh"]
