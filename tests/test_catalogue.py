"""The indicator catalogue: it loads, it is consistent, and it maps every topic of the real CBS files."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
import pytest

from conftest import SHARED_DATA
from wijkboekhouding.catalogue import (AGGREGATIONS, KINDS, THEMES, load_catalogue, normalise_path,
                                       parse_catalogue)
from wijkboekhouding.errors import CatalogueError
from wijkboekhouding.sources.periods import normalise_period
from wijkboekhouding.sources.records import Topic, number_topics

KWB_2024_META = SHARED_DATA / "kwb-2024-85984NED-odata3-meta" / "DataProperties.json"
KWB_2024_CSV = SHARED_DATA / "kwb-2024-85984NED-statline-csv"
KWB_2017 = SHARED_DATA / "kwb-2017-83765NED-typeddataset-extract" / "indicators_buurt_wijk_gemeente.csv"
KWB_2024_MAP = SHARED_DATA / "kwb-2024-wijkbuurtkaart-v2-nprz-parquet"
ROTTERDAM = SHARED_DATA / "kwb-2024-rotterdam-typeddataset"
SOLAR = SHARED_DATA / "cbs-zonnestroom-wijken-buurten-2016-2022"
ENERGY_USE = SHARED_DATA / "cbs-energieverbruik-woningen-regio-81528NED" / "81528NED_full_data.csv"
TARIFFS = SHARED_DATA / "cbs-energietarieven-84672NED-85592NED"
SOLAR_TABLES = {2016: "84131NED", 2017: "84517NED", 2018: "84772NED", 2019: "85010NED", 2020: "85447NED",
                2021: "85775NED", 2022: "86044NED"}


@pytest.fixture(scope="module")
def catalogue(shared_data):
    return load_catalogue()


def header_of(path, delimiter=","):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f, delimiter=delimiter))


def topics_of(keys):
    return number_topics([Topic(key=k) for k in keys])


def dataproperties_topics():
    items = json.loads(KWB_2024_META.read_text(encoding="utf-8"))
    by_id = {item["ID"]: item for item in items}

    def group_path(item):
        parts, parent = [], item.get("ParentID")
        while parent is not None:
            parts.append(by_id[parent]["Title"])
            parent = by_id[parent].get("ParentID")
        return "/".join(list(reversed(parts)) + [item["Title"]])

    return number_topics([Topic(key=i["Key"], title=i["Title"], path=group_path(i), unit=i["Unit"] or "")
                          for i in items if i["odata.type"] == "Cbs.OData.Topic"])


def mapping(catalogue, table_id, topics, dims=(), period=None):
    mapper = catalogue.mapper(table_id, topics)
    return dict(zip((t.key for t in topics), mapper.indicators_for(dims, period))), mapper


# -- the shipped catalogue -------------------------------------------------------------------------

def test_every_indicator_is_complete_and_consistent(catalogue):
    assert len(catalogue.indicators) > 250
    for ind in catalogue.indicators.values():
        assert ind.theme in THEMES and ind.kind in KINDS and ind.aggregation in AGGREGATIONS, ind.id
        assert ind.label_nl and ind.label_en and ind.unit and ind.sources, ind.id
        if ind.aggregation in ("weighted_mean", "share"):
            base = catalogue.indicators[ind.base]
            assert base.aggregation == "sum" and base.kind == "count", f"{ind.id}: base {base.id} is not a count"
        else:
            assert ind.base is None, ind.id
        if ind.aggregation == "none":
            assert len(ind.not_aggregatable_reason) > 20, ind.id
        if ind.kind == "count":
            assert ind.aggregation == "sum", ind.id
    assert all(catalogue.by_theme()[theme] for theme in THEMES)


COUNTS = {"inwoners": "aantal", "mannen": "aantal", "vrouwen": "aantal", "inwoners_0_15": "aantal",
          "inwoners_15_25": "aantal", "inwoners_25_45": "aantal", "inwoners_45_65": "aantal",
          "inwoners_65_plus": "aantal", "huishoudens": "aantal", "eenpersoonshuishoudens": "aantal",
          "huishoudens_zonder_kinderen": "aantal", "huishoudens_met_kinderen": "aantal", "woningvoorraad": "aantal",
          "inkomensontvangers": "aantal", "uitkering_bijstand": "aantal", "uitkering_ao": "aantal",
          "uitkering_ww": "aantal", "uitkering_aow": "aantal", "jongeren_jeugdzorg": "aantal",
          "wmo_clienten": "aantal", "bedrijfsvestigingen": "aantal", "personenautos": "aantal",
          "zon_installaties": "aantal", "zon_vermogen_kw": "kW", "oppervlakte_totaal_ha": "ha",
          "oppervlakte_land_ha": "ha"}
MEANS = {  # id: (aggregation, base, unit)
    "woz_gemiddeld": ("weighted_mean", "woningvoorraad", "x 1 000 euro"),
    "inkomen_per_ontvanger": ("weighted_mean", "inkomensontvangers", "x 1 000 euro"),
    "inkomen_per_inwoner": ("weighted_mean", "inwoners", "x 1 000 euro"),
    "huishoudens_laag_inkomen": ("share", "huishoudens", "%"),
    "huishoudens_sociaal_minimum": ("share", "huishoudens", "%"),
    "gas_per_woning": ("weighted_mean", "woningvoorraad", "m³ per woning per jaar"),
    "stroom_per_woning": ("weighted_mean", "woningvoorraad", "kWh per woning per jaar"),
    "woningen_stadsverwarming_pct": ("share", "woningvoorraad", "%"),
    "koopwoningen_pct": ("share", "woningvoorraad", "%"),
    "huurwoningen_corporatie_pct": ("share", "woningvoorraad", "%"),
}
TARIFF_UNITS = {"gas_transport": "euro per jaar", "gas_vastrecht": "euro per jaar", "gas_variabel": "euro per m³",
                "gas_ode": "euro per m³", "gas_energiebelasting": "euro per m³",
                "stroom_transport": "euro per jaar", "stroom_vastrecht": "euro per jaar",
                "stroom_variabel": "euro per kWh", "stroom_ode": "euro per kWh",
                "stroom_energiebelasting": "euro per kWh", "vermindering_energiebelasting": "euro per jaar"}


def test_the_fixed_indicator_ids_exist_with_their_unit_and_aggregation(catalogue):
    ind = catalogue.indicators
    for id, unit in COUNTS.items():
        assert (ind[id].kind, ind[id].aggregation, ind[id].unit) == ("count", "sum", unit), id
    for id, (aggregation, base, unit) in MEANS.items():
        assert (ind[id].aggregation, ind[id].base, ind[id].unit) == (aggregation, base, unit), id
    for part, unit in TARIFF_UNITS.items():
        for vat in ("incl_btw", "excl_btw"):
            tariff = ind[f"tarief_{part}_{vat}"]
            assert (tariff.theme, tariff.kind, tariff.aggregation, tariff.unit) == ("geld", "amount", "none", unit)


# -- every topic of the real files maps -----------------------------------------------------------

def test_every_kwb_2024_dataproperties_topic_maps_by_key_and_by_path_alike(catalogue):
    topics = dataproperties_topics()
    assert len(topics) == 128
    by_key, mapper = mapping(catalogue, "85984NED", [Topic(t.key, nth=t.nth) for t in topics])
    assert mapper.unmapped() == []
    by_path, mapper = mapping(catalogue, "85984NED", [Topic(key="-", path=t.path) for t in topics])
    assert [t.path for t in mapper.unmapped()] == []
    area = [t.key for t in topics if mapper.is_area_key(Topic(key=t.key))]
    assert area == ["Gemeentenaam_1", "SoortRegio_2", "Codering_3", "IndelingswijzigingGemeenteWijkBuurt_4",
                    "MeestVoorkomendePostcode_125", "Dekkingspercentage_126"]
    # the same indicator whether a topic comes with its key or only with its title path
    assert [by_key[t.key] for t in topics] == list(mapper.indicators_for(()))
    keyed = dict(zip((t.key for t in topics), by_key.values()))
    assert keyed["Appartement_54"] == "stroom_per_appartement" and keyed["Appartement_62"] == "gas_per_appartement"
    assert keyed["Nederland_17"] == "herkomst_nederland" and keyed["Nederland_20"] == "geboren_nl_herkomst_nederland"
    assert keyed["EuropaExclusiefNederland_23"] == "geboren_buiten_nl_europa"
    assert keyed["GemiddeldeWOZWaardeVanWoningen_39"] == "woz_gemiddeld"


@pytest.mark.parametrize("name", ["Kerncijfers_wijken_en_buurten_2024_geslachten.csv",
                                  "Kerncijfers_wijken_en_buurten_2024_11122025_141648.csv",
                                  "Kerncijfers_wijken_en_buurten_2024_10122025_135731.csv"])
def test_every_statline_csv_header_maps(catalogue, name):
    header = header_of(KWB_2024_CSV / name, delimiter=";")
    topics = [Topic(key=h, path=h) for h in header]
    found, mapper = mapping(catalogue, "85984NED", topics)
    assert mapper.unmapped() == []
    assert found["Bevolking/Aantal inwoners (aantal)"] == "inwoners"
    assert found["Wijken en buurten"] is None and mapper.is_area_key(topics[0])


def test_statline_headers_with_odd_spacing_and_parentheses_map(catalogue):
    header = header_of(KWB_2024_CSV / "Kerncijfers_wijken_en_buurten_2024_10122025_135731.csv", delimiter=";")
    found, _ = mapping(catalogue, "85984NED", [Topic(key=h, path=h) for h in header])
    assert found["Inkomen/Inkomen van personen/Aantal inkomensontvangers\xa0\xa0 (aantal)"] == "inkomensontvangers"
    assert found["Onderwijs/Onderwijssoort/Leerlingen vo (incl. vavo)  (aantal)"] == "leerlingen_vo"
    assert found["Bevolking/Bevolking naar herkomst/Geboren in Nederland/Europa (exclusief Nederland)  (aantal)"] \
        == "geboren_nl_herkomst_europa"
    # a header broken over two lines, as spreadsheet re-saves write it
    wrapped = "Inkomen/Inkomen van huishoudens/Huishoudens met een laag\ninkomen (%)"
    found, _ = mapping(catalogue, "85984NED", [Topic(key=wrapped, path=wrapped)])
    assert found[wrapped] == "huishoudens_laag_inkomen"


def test_every_kwb_2017_column_maps(catalogue):
    header = header_of(KWB_2017)
    found, mapper = mapping(catalogue, "83765NED", topics_of(header))
    assert mapper.unmapped() == []
    assert found["GemiddeldeWoningwaarde_35"] == "woz_gemiddeld"
    assert found["WestersTotaal_17"] == "migratieachtergrond_westers"
    assert found["HuishOnderOfRondSociaalMinimum_73"] == "huishoudens_sociaal_minimum"


@pytest.mark.parametrize("level", ["gemeente", "wijk", "buurt"])
def test_every_wijk_en_buurtkaart_2024_column_maps(catalogue, level):
    names = pq.read_schema(KWB_2024_MAP / f"{level}_2024_stats.parquet").names
    assert len(names) > 180
    found, mapper = mapping(catalogue, "85984NED", topics_of(names))
    assert mapper.unmapped() == []
    # the map gives percentages where OData gives counts: different indicators
    assert found["percentage_personen_0_tot_15_jaar"] == "inwoners_0_15_pct"
    assert catalogue.indicators["inwoners_0_15_pct"].kind == "share"
    assert found["aantal_inwoners"] == "inwoners" and found["gemiddelde_woningwaarde"] == "woz_gemiddeld"
    assert found["huisartsenpraktijk_gemiddelde_afstand_in_km"] == "afstand_huisartsenpraktijk"
    assert found["basisonderwijs_gemiddeld_aantal_binnen_3_km"] == "basisschool_binnen_3_km"
    proximity = [n for n in names if found[n] and catalogue.indicators[found[n]].theme == "voorzieningen"]
    assert len(proximity) == 92


def test_every_topic_of_the_other_kwb_revisions_maps(catalogue):
    """The 2024 Rotterdam rows come from a later 85984NED revision with other topics
    (``GemiddeldAardgasverbruik`` instead of ``GemiddeldAardgasverbruikTotaal``)."""
    snapshot = json.loads((ROTTERDAM / "cbsRotterdamSnapshot.json").read_text(encoding="utf-8"))
    history = json.loads((ROTTERDAM / "cbs-history.json").read_text(encoding="utf-8"))
    for table_id, row in [("85984NED", snapshot["rows"][0]), ("85318NED", _first(history["2022"]["rows"])),
                          ("85618NED", _first(history["2023"]["rows"]))]:
        found, mapper = mapping(catalogue, table_id, topics_of(list(row)))
        assert mapper.unmapped() == [], table_id
    found, _ = mapping(catalogue, "85984NED", topics_of(list(snapshot["rows"][0])))
    assert found["GemiddeldAardgasverbruik_55"] == "gas_per_woning"
    assert found["GemiddeldInkomenPerInwoner_78"] == "inkomen_per_inwoner"


def _first(rows):
    return rows[0] if isinstance(rows, list) else rows


@pytest.mark.parametrize("year,table_id", sorted(SOLAR_TABLES.items()))
def test_every_solar_table_maps_as_one_family(catalogue, year, table_id):
    family = catalogue.family_of(table_id)
    assert family.name == "zonnestroom_wijken" and family.year_of(table_id) == year
    found, mapper = mapping(catalogue, table_id, topics_of(header_of(SOLAR / f"{table_id}_full_data.csv")))
    assert mapper.unmapped() == []
    assert found["AantalInstallatiesBijWoningen_5"] == "zon_installaties"
    assert found["OpgesteldVermogenVanZonnepanelen_6"] == "zon_vermogen_kw"


def test_energy_use_per_dwelling_maps_per_dwelling_kind(catalogue):
    family = catalogue.family_of("81528NED")
    assert family.name == "energieverbruik" and family.year_of("81528NED") is None
    topics = topics_of(header_of(ENERGY_USE))
    mapper = catalogue.mapper("81528NED", topics)
    assert {t.key for t in mapper.unmapped()} == {"GemiddeldAardgasverbruik_1", "GemiddeldeElektriciteitslevering_2",
                                                  "GemiddeldeNettoElektriciteitslevering_3", "Stadsverwarming_4"}
    with open(ENERGY_USE, encoding="utf-8", newline="") as f:
        kinds = sorted({row["Woningkenmerken"].strip() for row in csv.DictReader(f)})
    assert kinds == sorted(family.dimensions["Woningkenmerken"])
    found = {}
    for kind in kinds:
        found[kind] = dict(zip((t.key for t in topics), mapper.indicators_for((("Woningkenmerken", kind),))))
    assert mapper.unmapped() == []
    assert found["T001100"]["GemiddeldAardgasverbruik_1"] == "gas_per_woning"
    assert found["T001100"]["GemiddeldeElektriciteitslevering_2"] == "stroom_per_woning"
    assert found["T001100"]["Stadsverwarming_4"] == "woningen_stadsverwarming_pct"
    assert found["ZW25810"]["GemiddeldAardgasverbruik_1"] == "gas_per_appartement"
    assert found["1014800"]["GemiddeldeNettoElektriciteitslevering_3"] == "stroom_netto_per_koopwoning"
    assert found["ZW25810"]["Stadsverwarming_4"] is None  # CBS gives district heating only for the total
    assert mapper.indicators_for(())[0] is None  # a row without a dwelling kind maps nothing


@pytest.mark.parametrize("table_id", ["84672NED", "85592NED"])
def test_every_tariff_column_maps_for_the_rows_of_the_file(catalogue, table_id):
    path = TARIFFS / f"{table_id}_full_data.csv"
    topics = topics_of(header_of(path))
    mapper = catalogue.mapper(table_id, topics)
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            mapper.indicators_for((("Btw", row["Btw"]),), normalise_period(row["Perioden"])[0])
    assert mapper.unmapped() == []


def test_tariffs_come_from_84672NED_until_2020_and_from_85592NED_after(catalogue):
    old = topics_of(header_of(TARIFFS / "84672NED_full_data.csv"))
    new = topics_of(header_of(TARIFFS / "85592NED_full_data.csv"))
    incl, excl = (("Btw", "A048944"),), (("Btw", "A048945"),)
    found, _ = mapping(catalogue, "84672NED", old, incl, "2020-12")
    assert found["Transporttarief_1"] == "tarief_gas_transport_incl_btw"
    assert found["VariabelLeveringstarief_8"] == "tarief_stroom_variabel_incl_btw"
    assert found["VerminderingEnergiebelasting_11"] == "tarief_vermindering_energiebelasting_incl_btw"
    found, _ = mapping(catalogue, "84672NED", old, incl, "2021")
    assert set(found.values()) == {None}
    found, _ = mapping(catalogue, "85592NED", new, excl, "2023-02")
    assert found["VariabelLeveringstariefContractprijs_3"] == "tarief_gas_variabel_excl_btw"
    assert found["VariabelLeveringstariefPrijsplafond_10"] == "tarief_stroom_prijsplafond_excl_btw"
    assert found["Energiebelasting_12"] == "tarief_stroom_energiebelasting_excl_btw"
    assert found["OpslagDuurzameEnergieODE_5"] == "tarief_gas_ode_excl_btw"


def test_unknown_tables_have_no_family_and_map_nothing(catalogue):
    assert catalogue.family_of("12345NED") is None
    mapper = catalogue.mapper("12345NED", [Topic("AantalInwoners_5")])
    assert mapper.indicators_for(()) == [None]
    assert [t.key for t in mapper.unmapped()] == ["AantalInwoners_5"]


def test_normalise_path():
    assert normalise_path(" Bevolking/Aantal  inwoners (aantal)") == "bevolking/aantal inwoners"
    assert normalise_path("A\xa0/\nB (x 1 000 euro)") == "a/b"
    assert normalise_path("Leerlingen vo (incl. vavo)", strip_unit=False) == "leerlingen vo (incl. vavo)"


# -- broken catalogues give exact messages ----------------------------------------------------------

TABLES = {"kwb": {"title": "KWB", "ids": {2024: "85984NED"}},
          "ev": {"title": "Energie", "table_ids": ["81528NED"], "dimensions": {"Woningkenmerken": {"T001100": "Totaal"}}}}


def indicator(**changes):
    base = {"id": "inwoners", "theme": "sociaal", "nl": "Inwoners", "en": "Inhabitants", "unit": "aantal",
            "kind": "count", "aggregation": "sum", "sources": [{"table": "kwb", "key": "AantalInwoners"}]}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


@pytest.mark.parametrize("indicators,message", [
    ([indicator(theme="natuur")],
     "indicator #1 (inwoners): theme 'natuur' is not one of geld, wonen, groen, sociaal, werk, energie, talent, "
     "bedrijvigheid, voorzieningen"),
    ([indicator(kind="total")], "indicator #1 (inwoners): kind 'total' is not one of count, share, average, amount"),
    ([indicator(nl=None)], "indicator #1 (inwoners): missing field 'nl'"),
    ([indicator(bse="x")],
     "indicator #1 (inwoners): unknown field 'bse'; known fields: aggregation, base, decimals, description, en, id, "
     "kind, nl, reason, sources, theme, unit"),
    ([indicator(aggregation="share")], "indicator #1 (inwoners): aggregation 'share' needs a base indicator"),
    ([indicator(aggregation="weighted_mean", base="huishoudens")],
     "indicator 'inwoners': base 'huishoudens' is not an indicator in the catalogue"),
    ([indicator(aggregation="none", reason="Een klasse.", base="inwoners")],
     "indicator #1 (inwoners): aggregation 'none' takes no base (base 'inwoners' given)"),
    ([indicator(aggregation="none")], "indicator #1 (inwoners): aggregation 'none' needs a reason (shown to readers)"),
    ([indicator(), indicator()], "indicator #2 (inwoners): duplicate indicator id 'inwoners'"),
    ([indicator(sources=[{"table": "kerncijfers", "key": "AantalInwoners"}])],
     "indicator #1 (inwoners): source table family 'kerncijfers' is not declared under 'tables'"),
    ([indicator(sources=[{"table": "kwb", "nth": 2}])],
     "indicator #1 (inwoners): a source mapping needs a key or a path"),
    ([indicator(sources=[{"table": "kwb", "key": "AantalInwoners", "nth": 0}])],
     "indicator #1 (inwoners): nth must be a whole number of at least 1, not 0"),
    ([indicator(sources=[{"table": "kwb", "key": "AantalInwoners", "whre": {"Btw": "A048944"}}])],
     "indicator #1 (inwoners): source mapping has unknown field 'whre'; known fields: from, key, nth, path, table, "
     "until, where"),
    ([indicator(sources=[{"table": "ev", "key": "GemiddeldAardgasverbruik", "where": {"Woningtype": "T001100"}}])],
     "indicator #1 (inwoners): 'where' names dimension 'Woningtype', which table family 'ev' does not declare "
     "under 'dimensions'"),
    ([indicator(sources=[{"table": "ev", "key": "GemiddeldAardgasverbruik", "where": {"Woningkenmerken": "ZW1"}}])],
     "indicator #1 (inwoners): 'where' names code 'ZW1' of dimension 'Woningkenmerken', which table family 'ev' "
     "does not list; known codes: T001100"),
    ([indicator(), indicator(id="bewoners")],
     "indicators 'inwoners' and 'bewoners' both map key 'AantalInwoners' (nth 1) of table family 'kwb'; "
     "give one of them another nth, where, from or until"),
    ([indicator(sources=[{"table": "kwb", "path": "Bevolking/Aantal inwoners"}]),
      indicator(id="bewoners", sources=[{"table": "kwb", "path": "bevolking/aantal  inwoners"}])],
     "indicators 'inwoners' and 'bewoners' both map path 'bevolking/aantal inwoners' of table family 'kwb'; "
     "give one of them another nth, where, from or until"),
])
def test_a_broken_catalogue_names_the_indicator_and_the_problem(indicators, message):
    with pytest.raises(CatalogueError) as e:
        parse_catalogue({"tables": TABLES, "indicators": indicators})
    assert str(e.value) == message


def test_a_broken_table_family_names_the_family():
    with pytest.raises(CatalogueError) as e:
        parse_catalogue({"tables": {"kwb": {"title": "KWB"}}, "indicators": []})
    assert str(e.value) == "table family 'kwb': needs 'ids' (table id per year) or 'table_ids' (multi-period tables)"
    with pytest.raises(CatalogueError) as e:
        parse_catalogue({"tables": {"kwb": {"title": "KWB", "ids": {2024: "85984NED"}, "area_key": ["ID"]}}})
    assert str(e.value) == ("table family 'kwb': unknown field 'area_key'; known fields: area_keys, area_paths, "
                            "dimensions, ids, publisher, table_ids, title, url")


def test_mappings_split_by_year_are_not_ambiguous():
    catalogue = parse_catalogue({"tables": TABLES, "indicators": [
        indicator(sources=[{"table": "kwb", "key": "AantalInwoners", "until": 2020}]),
        indicator(id="bewoners", sources=[{"table": "kwb", "key": "AantalInwoners", "from": 2021}])]})
    mapper = catalogue.mapper("85984NED", [Topic("AantalInwoners_5")])
    assert mapper.indicators_for((), "2020") == ["inwoners"]
    assert mapper.indicators_for((), "2021-03") == ["bewoners"]


def test_every_column_of_the_kwb_2019_spreadsheet_layout_maps(catalogue):
    header = header_of(SHARED_DATA / "kwb-2019-gemeenten-extract" / "Gemeenten_kerncijfers_2019.csv", delimiter=";")
    found, mapper = mapping(catalogue, "84583NED", topics_of(header))
    assert mapper.unmapped() == []
    assert found["g_woz"] == "woz_gemiddeld" and found["a_soz_wb"] == "uitkering_bijstand"
    assert found["g_gas_ap"] == "gas_per_appartement" and found["p_bjj2k"] == "woningen_bouwjaar_voor_2000_pct"


@pytest.mark.parametrize("name", ["wijk_2017.dbf", "gem_2017.dbf"])
def test_every_field_of_the_wijk_en_buurtkaart_2017_maps(catalogue, name):
    from dbfread import DBF

    fields = DBF(SHARED_DATA / "cbs-wijkbuurtkaart-2017-attributes" / name, load=False).field_names
    found, mapper = mapping(catalogue, "83765NED", topics_of(fields))
    assert mapper.unmapped() == []
    assert found["AANT_INW"] == "inwoners" and found["P_00_14_JR"] == "inwoners_0_15_pct"
    assert found["OPP_LAND"] == "oppervlakte_land_ha"
