"""The ledger's parameter file: shipped default, workspace override, exact error messages."""

import tomllib

import pytest

from conftest import SHARED_DATA
from wijkboekhouding.accounts.parameters import load_parameters
from wijkboekhouding.accounts.tariffs import energy_sections, to_toml
from wijkboekhouding.errors import ParameterError

TARIFFS = SHARED_DATA / "cbs-energietarieven-84672NED-85592NED"


def write(tmp_path, text):
    path = tmp_path / "parameters.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_default_loads_and_every_section_names_its_source():
    params = load_parameters()
    assert params.version == "2025.1"
    assert params.energy_years() == [2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025]
    for section in params.sections.values():
        assert section.source.strip()
        assert section.year or section.period


def test_shipped_energy_prices_are_exactly_what_the_cbs_tables_give():
    """The default's [energie.*] block must be the generator's output for the real tables."""
    generated = energy_sections(TARIFFS / "84672NED_full_data.csv", TARIFFS / "85592NED_full_data.csv")
    params = load_parameters()
    for year, section in generated.items():
        shipped = params.energy(year)
        assert (shipped.table, shipped.period) == (section["table"], section["period"])
        assert shipped.values == {k: v for k, v in section.items() if isinstance(v, float)}
    assert tomllib.loads(to_toml(generated))["energie"]["2024"] == {**generated[2024]}


def test_tariff_years_come_from_the_right_table_excluding_vat():
    sections = energy_sections(TARIFFS / "84672NED_full_data.csv", TARIFFS / "85592NED_full_data.csv")
    # 84672NED row 95: A048945, 2019JJ00, gas variable 0.2897, electricity refund -257.54
    assert sections[2019]["table"] == "84672NED"
    assert sections[2019]["gas_levering_per_m3"] == 0.2897
    assert sections[2019]["vermindering_energiebelasting_per_jaar"] == -257.54
    # 2021 exists in both: the successor 85592NED wins (row 77: contract price 0.2438)
    assert sections[2021]["table"] == "85592NED" and sections[2021]["gas_levering_per_m3"] == 0.2438
    # 2023: the price-cap tariff (row 103: 0.6234), not the contract price 0.872
    assert sections[2023]["gas_levering_per_m3"] == 0.6234
    assert sections[2024]["gas_ode_per_m3"] == 0.0 and sections[2024]["btw_pct"] == 21.0
    # 2022: VAT 9 % for six months -> 15 % over the year
    assert sections[2022]["btw_pct"] == 15.0


def test_a_workspace_file_overrides_key_by_key(tmp_path):
    write(tmp_path, """
[lokaal_aandeel]
source = "Enquete winkelgedrag Spijkerkwartier"
year = 2024
voeding = 0.4

[gemeente.GM0202.ozb.2024]
source = "Gemeente Arnhem, OZB-verordening 2024"
tarief_pct = 0.1
""")
    params = load_parameters(tmp_path)
    shares = params.get("lokaal_aandeel")
    assert shares["voeding"] == 0.4 and shares["vervoer"] == 0.1  # the rest from the default
    assert shares.source == "Enquete winkelgedrag Spijkerkwartier" and shares.year == 2024
    assert params.ozb("GM0202", 2024)["tarief_pct"] == 0.1
    assert params.energy(2024)["gas_levering_per_m3"] == 0.5154
    assert params.files == ("parameters.toml", str(tmp_path / "parameters.toml"))


@pytest.mark.parametrize("text, message", [
    ('[energie.2024]\nsource = "x"\ngas_levering_per_m3 = "abc"\n',
     "energie.2024.gas_levering_per_m3 must be a number, not 'abc'"),
    ('[energie.2024]\nsource = "x"\ngas_prijs = 1.0\n',
     "unknown key energie.2024.gas_prijs; known keys are gas_netbeheer_per_jaar, gas_vastrecht_per_jaar, "
     "gas_levering_per_m3, gas_ode_per_m3, gas_energiebelasting_per_m3, stroom_netbeheer_per_jaar, "
     "stroom_vastrecht_per_jaar, stroom_levering_per_kwh, stroom_ode_per_kwh, stroom_energiebelasting_per_kwh, "
     "vermindering_energiebelasting_per_jaar, btw_pct, source, year, table, period, note"),
    ('[energy.2024]\nsource = "x"\n',
     "unknown key energy; expected bestedingen, energie, gemeente, lokaal_aandeel, meta, uitkeringen, zon"),
    ('[gemeente.GM0202.ozb.2024]\ntarief_pct = 0.1\n',
     "gemeente.GM0202.ozb.2024 has no 'source'; every value needs its source (who published it, which table or law)"),
    ('[gemeente.Arnhem.ozb.2024]\nsource = "x"\ntarief_pct = 0.1\n',
     "unknown key gemeente.Arnhem; expected a gemeente code such as GM0202"),
    ('[gemeente.GM0202.uitgaven.2024]\nsource = "x"\njeugdzorg = 1.0\n',
     "unknown key gemeente.GM0202.uitgaven.2024.jeugdzorg; known keys are bestuur, veiligheid, verkeer, economie, "
     "onderwijs, sport_cultuur, groen, inkomen, participatie, wmo, jeugd, gezondheid, afval, riolering, wonen, "
     "source, year, table, period, note"),
    ('[lokaal_aandeel]\nsource = "x"\nvoeding = 1.5\n', "lokaal_aandeel.voeding must be at most 1, not 1.5"),
    ('[uitkeringen.2024.aow]\nsource = "x"\nper_ontvanger_per_jaar = -3\n',
     "uitkeringen.2024.aow.per_ontvanger_per_jaar must be at least 0, not -3"),
    ('[uitkeringen.2024.wajong]\nsource = "x"\n',
     "unknown key uitkeringen.2024.wajong; expected bijstand | ao | ww | aow"),
    ('[zon]\nsource = 12\n', "zon.source must be a text, not 12"),
    ('[gemeente.GM0202.ozb.2024]\nsource = "Gemeente Arnhem"\n',
     "gemeente.GM0202.ozb.2024.tarief_pct is missing; give its value with the section's source"),
    ('energie = 3\n', "energie must be a table ([energie]), not 3"),
])
def test_a_wrong_parameter_file_names_the_file_and_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ParameterError) as e:
        load_parameters(tmp_path)
    assert str(e.value) == f"{path}: {message}"


def test_a_file_that_is_not_toml(tmp_path):
    path = write(tmp_path, "[energie.2024\n")
    with pytest.raises(ParameterError) as e:
        load_parameters(tmp_path)
    assert str(e.value).startswith(f"{path}: not valid TOML (")
    assert str(e.value).endswith("); fix the file")
