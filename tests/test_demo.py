"""The demo: the README's main command, and the shipped extract it loads."""

import csv
import re

from click.testing import CliRunner

from conftest import KWB_2017, KWB_2024_CSV, SHARED_DATA
from wijkboekhouding.catalogue import load_catalogue
from wijkboekhouding.cli import cli
from wijkboekhouding.demo import EXTRACT_PATH, PILOT_GEMEENTEN
from wijkboekhouding.demo.extract import read_extract
from wijkboekhouding.demo.regenerate import regenerate
from wijkboekhouding.workspace import Workspace

REGENERATE = "python -m wijkboekhouding.demo.regenerate --shared ../shared/data"


def kwb_2017_row(code):
    """The raw KWB 2017 row of ``code``, read with the csv module (not our reader)."""
    with open(KWB_2017, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if row["WijkenEnBuurten"].strip() == code:
                return row
    raise AssertionError(f"{code} not in {KWB_2017.name}")


def inhabitants_2024(code):
    """Inhabitants in KWB 2024 (StatLine CSV), read with the csv module."""
    with open(KWB_2024_CSV, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f, delimiter=";"):
            if row["Regioaanduiding/Codering (code)"].strip() == code:
                return int(row["Bevolking/Aantal inwoners (aantal)"])
    raise AssertionError(f"{code} not in {KWB_2024_CSV.name}")


def test_demo_command_gives_a_populated_workspace_and_show_prints_spijkerkwartier(tmp_path):
    directory = tmp_path / "demo-werkruimte"
    runner = CliRunner()
    result = runner.invoke(cli, ["demo", str(directory), "--no-build"])
    assert result.exit_code == 0, result.output
    assert f"wijkboekhouding show WK020202 -w {directory}" in result.output

    ws = Workspace.open(directory)
    assert ws.gemeenten == list(PILOT_GEMEENTEN)
    with ws.warehouse() as wh:
        assert wh.count_observations() > 1000
        for code in ("NL00", *PILOT_GEMEENTEN, "WK019311", "BU01931130", "WK020202", "WK059903",
                     "BU05050201", "WK027410", "WK027411", "WK027412"):
            assert wh.area(code) is not None, code
        inwoners = {o.indicator_id: o for o in wh.observations("WK020202", 2017)}["inwoners"]
        assert inwoners.value == float(kwb_2017_row("WK020202")["AantalInwoners_5"]) == 6540
        source = wh.source(inwoners.source_id)
        assert (source.table_id, source.publisher, source.licence) == ("83765NED", "CBS", "CC BY 4.0")

    shown = runner.invoke(cli, ["show", "WK020202", "-w", str(directory)])  # the latest year: 2024
    assert shown.exit_code == 0, shown.output
    assert "Spijkerkwartier" in shown.output
    assert "Bron: CBS, tabel 85984NED" in shown.output
    assert inhabitants_2024("WK020202") == 6880
    assert "6.880" in shown.output, shown.output

    shown = runner.invoke(cli, ["show", "WK020202", "--year", "2017", "-w", str(directory)])
    assert shown.exit_code == 0, shown.output
    assert "Spijkerkwartier" in shown.output
    assert "Bron: CBS, tabel 83765NED" in shown.output
    assert "6.540" in shown.output, shown.output


def test_running_the_demo_again_changes_nothing(tmp_path):
    runner = CliRunner()
    first = runner.invoke(cli, ["demo", str(tmp_path / "d"), "--no-build"])
    assert first.exit_code == 0, first.output
    with Workspace.open(tmp_path / "d").warehouse() as wh:
        before = (wh.count_observations(), len(wh.sources()), len(wh.areas()))
    second = runner.invoke(cli, ["demo", str(tmp_path / "d"), "--no-build"])
    assert second.exit_code == 0, second.output
    assert "unchanged" in second.output
    with Workspace.open(tmp_path / "d").warehouse() as wh:
        assert (wh.count_observations(), len(wh.sources()), len(wh.areas())) == before


def test_the_extract_is_small_and_keeps_its_provenance():
    assert EXTRACT_PATH.stat().st_size < 2_000_000
    data = read_extract(EXTRACT_PATH)
    catalogue = load_catalogue()
    assert data["sources"], "the extract holds no source"
    for src in data["sources"]:
        assert re.fullmatch(r"\d{5}NED", src["table_id"]), src["table_id"]
        assert src["publisher"] == "CBS"
        assert src["licence"] == "CC BY 4.0"
        assert src["attribution"] == f"Bron: CBS, tabel {src['table_id']}"
        assert src["title"] and src["file_name"] and src["url"]
        assert re.fullmatch(r"[0-9a-f]{64}", src["file_sha256"]), "the sha256 of the CBS file it came from"
        assert set(src["indicators"]) <= set(catalogue.indicators), "indicators unknown to the catalogue"
    # only NL, provincies, gemeenten (the pilots and their provincies' gemeenten) and the pilots' wijken/buurten
    pilots = {code[2:] for code in PILOT_GEMEENTEN}
    for code, *_ in data["areas"]:
        assert code[:2] in ("NL", "PV", "GM") or code[2:6] in pilots, code


def test_the_extract_holds_exactly_the_cbs_values():
    """Every KWB 2017 value in the extract equals the CBS file, read independently."""
    data = read_extract(EXTRACT_PATH)
    kwb = next(s for s in data["sources"] if s["table_id"] == "83765NED")
    column = {"inwoners": "AantalInwoners_5", "woz_gemiddeld": "GemiddeldeWoningwaarde_35",
              "inkomen_per_inwoner": "GemiddeldInkomenPerInwoner_66", "inwoners_65_plus": "k_65JaarOfOuder_12"}
    with open(KWB_2017, encoding="utf-8-sig", newline="") as f:
        source_rows = {r["WijkenEnBuurten"].strip(): r for r in csv.DictReader(f)}
    checked = 0
    for code, period, values, statuses in kwb["rows"]:
        assert period == "2017"
        for indicator, value, status in zip(kwb["indicators"], values, statuses):
            if indicator not in column:
                continue
            raw = source_rows[code][column[indicator]].strip()
            if raw in (".", ""):
                assert value is None and status in ("suppressed", "missing"), (code, indicator)
            else:
                assert value == float(raw) and status == "value", (code, indicator, raw, value)
            checked += 1
    assert checked > 1500


def test_regenerate_is_deterministic_and_the_shipped_extract_is_current(tmp_path):
    first, second = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    regenerate(SHARED_DATA, first, echo=lambda *a: None)
    regenerate(SHARED_DATA, second, echo=lambda *a: None)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() == EXTRACT_PATH.read_bytes(), (
        f"the shipped demo extract is out of date (catalogue or readers changed); run: {REGENERATE}")


def test_the_demo_builds_its_site(tmp_path):
    """The README's main command builds the site too (the extract holds provincie rows of
    81528NED beside the gemeenten the site aggregates into provincies)."""
    directory = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", str(directory)])
    assert result.exit_code == 0, result.output
    assert f"wijkboekhouding serve -w {directory}" in result.output
    site = directory / "site"
    assert (site / "index.html").is_file()
    [page] = site.glob("wijk/WK020202-*/index.html")
    html = page.read_text(encoding="utf-8")
    assert "Spijkerkwartier" in html and "Bron: CBS" in html
    # Oosterbeek: pages only for years in which a member has figures (the extract holds
    # national tariffs for 2025, but no Renkum figures), and no rows of national tariffs
    # shown as "not available" for the custom area.
    oosterbeek = site / "gebied" / "oosterbeek"
    assert (oosterbeek / "2016" / "index.html").is_file()  # WK027401, Oosterbeek in the 2016 indeling
    assert not (oosterbeek / "2025").exists()
    html = (oosterbeek / "index.html").read_text(encoding="utf-8")
    assert "Cijfers over 2024." in html and "Transporttarief" not in html
    # The old and new Oosterbeek both exist; WK027401 of 2016 is not named after Renkum Zuid.
    assert "Renkum Zuid" not in (site / "wijk" / "WK027401-renkum-zuid" / "2016" / "index.html").read_text(
        encoding="utf-8").split("<h1", 1)[1].split("</h1>", 1)[0]
