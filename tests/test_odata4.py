"""The OData v4 reader and import, against the loopback CBS stand-in (table 80072ned samples)."""

import json

import pytest

from cbs_server import V4_JL, cbs_server  # noqa: F401  (cbs_server is a fixture)
from wijkboekhouding.errors import UnknownTableError
from wijkboekhouding.sources.http import CBSClient
from wijkboekhouding.sources.odata4 import download_v4, read_v4
from wijkboekhouding.sources.periods import normalise_period
from wijkboekhouding.warehouse.imports import import_cbs_table
from wijkboekhouding.workspace import Workspace

OBSERVATIONS = json.loads((V4_JL / "meta_4.json").read_text(encoding="utf-8"))["value"]
PROVISIONAL = {c["Identifier"] for c in json.loads((V4_JL / "meta_9.json").read_text(encoding="utf-8"))["value"]
               if c["Status"] == "Voorlopig"}


def read(server, tmp_path, progress=None):
    with CBSClient(tmp_path / "cache") as client:
        download = download_v4(client, server.v4_base, "80072ned", progress=progress)
    return download, read_v4(download)


def test_observations_become_one_row_per_region_period_and_dimension(cbs_server, tmp_path):
    download, table = read(cbs_server, tmp_path)
    assert table.meta.title == "Ziekteverzuimpercentage; bedrijfstakken (SBI 2008) en bedrijfsgrootte"
    assert [(t.key, t.title, t.unit) for t in table.topics] == [("M001924", "Ziekteverzuimpercentage", "%")]
    rows = list(table.rows)
    assert len(rows) == len(OBSERVATIONS) == 4409
    assert PROVISIONAL == {"2020KW01"}
    for row, obs in zip(rows, OBSERVATIONS):
        assert row.area.code == "NL00" and row.period == normalise_period(obs["Perioden"])[0]
        assert row.dims == (("BedrijfskenmerkenSBI2008", obs["BedrijfskenmerkenSBI2008"]),)
        assert row.values == [obs["Value"]]
        assert row.statuses == ["provisional" if obs["Perioden"] in PROVISIONAL else "value"]
    assert len(download.observations) == 1 and download.observations[0].body == (V4_JL / "meta_4.json").read_bytes()
    assert table.report.problems == []


def test_paging_through_odata_next_link_gives_the_same_rows(cbs_server, tmp_path):
    _, whole = read(cbs_server, tmp_path / "one")
    cbs_server.v4_page_size = 1000
    pages = []
    download, paged = read(cbs_server, tmp_path / "paged", progress=pages.append)
    assert pages == [1000, 1000, 1000, 1000, 409]
    assert download.observations[1].url == cbs_server.v4_base + "/80072ned/Observations?$skip=1000"
    assert list(paged.rows) == list(whole.rows)


def test_value_attributes_become_statuses(cbs_server, tmp_path):
    ids = [o["Id"] for o in OBSERVATIONS[:4]]
    cbs_server.v4_attributes = dict(zip(ids, ["Confidential", "Missing", "Impossible", "Vertrouwelijk"]))
    download, table = read(cbs_server, tmp_path)
    rows = list(table.rows)[:5]
    assert [r.statuses[0] for r in rows] == ["suppressed", "missing", "missing", "suppressed", "value"]
    assert [r.values[0] for r in rows[:4]] == [None] * 4
    [warning] = table.report.warnings
    assert str(warning) == (
        f"{download.observations[0].url}, row 4, column 'ValueAttribute': CBS marks values with 'Vertrouwelijk', "
        "which this program does not know; values without a number are stored as suppressed. "
        "Check the figure on StatLine; report it to the wijkboekhouding maintainers.")


def test_a_table_only_on_v4_is_imported_through_v4(cbs_server, tmp_path):
    ws = Workspace.init(tmp_path / "ws", ["GM0202"], cbs_base_url=cbs_server.v3_base,
                        cbs_odata4_url=cbs_server.v4_base, cbs_retries=1)
    result = import_cbs_table(ws, "80072ned")
    assert cbs_server.requests[:2] == ["/ODataApi/odata/80072ned/TableInfos?$format=json", "/odata/v1/CBS/80072ned"]
    assert result.rows == 4409 and result.key == "cbs:80072ned:api:GM0202"
    assert [p.column for p in result.report.warnings] == ["M001924"]  # no indicator maps this table yet
    again = import_cbs_table(ws, "80072ned")
    assert again.unchanged


def test_an_unknown_table_on_v4(cbs_server, tmp_path):
    ws = Workspace.init(tmp_path / "ws", [], cbs_base_url=cbs_server.v3_base, cbs_odata4_url=cbs_server.v4_base)
    with pytest.raises(UnknownTableError) as e:
        import_cbs_table(ws, "99999XXX", api="v4")
    assert str(e.value) == (f"CBS answered 404 for table 99999XXX at {cbs_server.v4_base}/99999XXX: no such table; "
                            "check the table id on opendata.cbs.nl")
    assert not (ws.path / ".cache" / "cbs").exists()
    with ws.warehouse() as wh:
        assert wh.sources() == {} and wh.count_observations() == 0
