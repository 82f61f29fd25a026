"""The OData v3 reader and the API import, against the loopback CBS stand-in."""

import json

import pytest

from cbs_server import ROTTERDAM, V3_JL, cbs_server  # noqa: F401  (cbs_server is a fixture)
from conftest import KWB_2017
from wijkboekhouding.catalogue import load_catalogue
from wijkboekhouding.errors import CBSError, UnknownTableError
from wijkboekhouding.sources.http import CBSClient, ResponseCache, build_url
from wijkboekhouding.sources.odata3 import download_v3, read_v3, region_filter
from wijkboekhouding.warehouse.imports import import_cbs_file, import_cbs_table
from wijkboekhouding.workspace import Workspace

ROTTERDAM_FILTER = ("startswith(WijkenEnBuurten,'NL') or startswith(WijkenEnBuurten,'PV') or "
                    "startswith(WijkenEnBuurten,'GM') or startswith(WijkenEnBuurten,'WK0599') or "
                    "startswith(WijkenEnBuurten,'BU0599')")


def make_workspace(tmp_path, server, gemeenten, name="ws", timeout=5.0):
    return Workspace.init(tmp_path / name, gemeenten, cbs_base_url=server.v3_base, cbs_odata4_url=server.v4_base,
                          cbs_timeout=timeout, cbs_retries=1)


def fast_client(ws):
    return CBSClient.for_workspace(ws, backoff=0.01)


def import_table(ws, table_id, **kwargs):
    with fast_client(ws) as client:
        return import_cbs_table(ws, table_id, client=client, **kwargs)


def warehouse_state(ws):
    with ws.warehouse() as wh:
        rows = wh.conn.execute("SELECT indicator_id, area_code, period, value, status FROM observation "
                               "ORDER BY 1, 2, 3").fetchall()
        return rows, len(wh.sources()), wh.areas()


def test_region_filter_keeps_nl_provincies_gemeenten_and_own_wijken_and_buurten():
    assert region_filter("WijkenEnBuurten", ["GM0599"]) == ROTTERDAM_FILTER
    assert region_filter("WijkenEnBuurten", []) is None


def test_a_national_table_reads_as_nl00_rows(cbs_server, tmp_path):
    """80137ned (CBSOData3.jl samples): no region dimension, two other dimensions, Perioden."""
    with CBSClient(tmp_path / "cache") as client:
        download = download_v3(client, cbs_server.v3_base, "80137ned", ["GM0202"])
    table = read_v3(download)
    assert table.meta.title == "Arbeidsrekeningen; leeftijd en opleidingsniveau"
    assert [t.path for t in table.topics[:4]] == [
        "Gemiddeld aantal banen/Totaal", "Gemiddeld aantal banen/Werknemers", "Gemiddeld aantal banen/Zelfstandigen",
        "Arbeidsvolume in arbeidsjaren/Totaal"]
    assert table.topics[0].unit == "1 000 banen" and [t.nth for t in table.topics[:4]] == [1, 1, 1, 2]
    rows = list(table.rows)
    source = json.loads((V3_JL / "meta_8.json").read_text(encoding="utf-8"))["value"]
    assert len(rows) == len(source) == 675
    for row, rec in zip(rows, source):
        assert row.area.code == "NL00" and row.area.name == "Nederland"
        assert row.period == rec["Perioden"][:4]
        assert row.dims == (("Persoonskenmerken", rec["Persoonskenmerken"].strip()),
                            ("BedrijfstakkenSBI93", rec["BedrijfstakkenSBI93"].strip()))
        assert row.values == [rec[t.key] for t in table.topics]
    assert table.report.problems == []


def expected_rotterdam(topics):
    """{(buurt, indicator): (value, status)} straight from the snapshot file, through the catalogue."""
    snapshot = json.loads(ROTTERDAM.read_text(encoding="utf-8"))
    ids = load_catalogue().mapper("85984NED", topics).indicators_for(())
    expected = {}
    for row in snapshot["rows"]:
        for topic, indicator in zip(topics, ids):
            if indicator:
                raw = row[topic.key]
                expected[(row["WijkenEnBuurten"].strip(), indicator)] = (
                    (None, "suppressed") if raw is None else (float(raw), "value"))
    return snapshot, expected


def test_kwb_2024_for_rotterdam_lands_with_the_snapshot_values(cbs_server, tmp_path):
    ws = make_workspace(tmp_path, cbs_server, ["GM0599"])
    pages = []
    with fast_client(ws) as client:
        result = import_cbs_table(ws, "85984NED", client=client, progress=pages.append)
        table = read_v3(download_v3(client, cbs_server.v3_base, "85984NED", ["GM0599"]))
    assert pages == [25, 25, 25, 16]  # 91 buurten in pages of 25, following odata.nextLink
    assert result.key == "cbs:85984NED:api:GM0599" and result.rows == 91
    snapshot, expected = expected_rotterdam(table.topics)
    assert "inwoners" in {indicator for _, indicator in expected}
    with ws.warehouse() as wh:
        stored = {(o.area_code, o.indicator_id): (o.value, o.status)
                  for code in {c for c, _ in expected} for o in wh.observations(code, 2024)}
        assert stored == expected
        for name in snapshot["names"]:
            area = wh.area(name["Key"].strip(), 2024)
            assert (area.name, area.level, area.gemeente_code) == (name["Title"], "buurt", "GM0599")
        source = wh.current_source(result.key)
    assert (source.table_id, source.title) == ("85984NED", "Kerncijfers wijken en buurten 2024")
    assert stored[("BU05990320", "inwoners")] == (7310.0, "value")
    assert stored[("BU05990328", "inkomen_per_inwoner")] == (None, "suppressed")


def test_a_rerun_works_offline_from_the_cache_and_changes_nothing(cbs_server, tmp_path):
    ws = make_workspace(tmp_path, cbs_server, ["GM0599"])
    first = import_table(ws, "85984NED")
    before = warehouse_state(ws)
    asked = len(cbs_server.requests)
    cbs_server.stop()
    second = import_table(ws, "85984NED")
    assert second.unchanged and second.version == first.version == 1
    assert warehouse_state(ws) == before
    assert len(cbs_server.requests) == asked


def test_kwb_2017_through_the_api_equals_the_file_import(cbs_server, tmp_path):
    """The same 83765NED rows, once as assembled API pages and once as the CSV dump."""
    api_ws = make_workspace(tmp_path, cbs_server, ["GM0202"], "api")
    file_ws = Workspace.init(tmp_path / "file", ["GM0202"])
    api = import_table(api_ws, "83765NED")
    import_cbs_file(file_ws, KWB_2017, table_id="83765NED")
    api_rows, _, api_areas = warehouse_state(api_ws)
    file_rows, _, file_areas = warehouse_state(file_ws)
    assert api.rows == 496 and len(api_rows) == len(file_rows) > 1900
    for a, f in zip(api_rows, file_rows):
        # an empty CSV cell is 'missing' in the file reader; the API sends null for it too
        assert a[:4] == f[:4] and (a[4] == f[4] or (f[4], a[4]) == ("missing", "suppressed")), (a, f)
    assert [a.code for a in api_areas] == [a.code for a in file_areas]


FAULTS = {
    "404": ("99999XXX", None, None),
    "500": ("85984NED", "TableInfos", "500"),
    "timeout": ("85984NED", "TableInfos", "delay"),
    "truncated": ("85984NED", "$skip=25", "truncate"),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_failed_download_leaves_cache_and_warehouse_untouched(cbs_server, tmp_path, fault):
    table_id, match, kind = FAULTS[fault]
    ws = make_workspace(tmp_path, cbs_server, ["GM0599"], timeout=0.2 if kind == "delay" else 5.0)
    if kind:
        cbs_server.fail(match, kind, times=None)
    before = warehouse_state(ws)
    with pytest.raises(CBSError) as e:
        import_table(ws, table_id)
    info = build_url(cbs_server.v3_base, table_id, "TableInfos", format="json")
    page2 = build_url(cbs_server.v3_base, "85984NED", "TypedDataSet", format="json", filter=ROTTERDAM_FILTER,
                      skip="25")
    expected = {
        "404": f"CBS answered 404 for table 99999XXX at {info} and at {cbs_server.v4_base}/99999XXX: "
               "no such table; check the table id on opendata.cbs.nl",
        "500": f"CBS answered 500 at {info} (2 attempts); the CBS server failed: try again later",
        "timeout": f"CBS did not answer within 0.2 s at {info} (2 attempts); "
                   "try again later or raise cbs_timeout in wijkboekhouding.toml",
        "truncated": f"CBS sent an incomplete or invalid JSON page at {page2} (2 attempts; ",
    }[fault]
    if fault == "truncated":
        assert str(e.value).startswith(expected)
        assert str(e.value).endswith("); nothing was cached or imported: try again later")
    else:
        assert str(e.value) == expected
    assert isinstance(e.value, UnknownTableError) == (fault == "404")
    assert warehouse_state(ws) == before
    cached = ResponseCache(ws.path / ".cache" / "cbs").entries()
    if fault == "truncated":
        # the pages before the broken one parsed completely and stay cached; the broken one is not there
        assert page2 not in cached and len(cached) == 4
        assert all(json.loads(body)["value"] is not None for body in cached.values())
    else:
        assert cached == {}


def test_after_a_truncated_page_the_next_run_completes(cbs_server, tmp_path):
    ws = make_workspace(tmp_path, cbs_server, ["GM0599"])
    cbs_server.fail("$skip=25", "truncate", times=2)
    with pytest.raises(CBSError):
        import_table(ws, "85984NED")
    result = import_table(ws, "85984NED")
    assert result.rows == 91 and result.version == 1
    clean = make_workspace(tmp_path, cbs_server, ["GM0599"], "clean")
    import_table(clean, "85984NED")
    assert warehouse_state(ws)[0] == warehouse_state(clean)[0]


def test_a_500_then_success_imports_normally(cbs_server, tmp_path):
    ws = make_workspace(tmp_path, cbs_server, ["GM0599"])
    cbs_server.fail("TypedDataSet", "500", times=1)
    result = import_table(ws, "85984NED")
    assert result.rows == 91
    assert sum("TypedDataSet" in r for r in cbs_server.requests) == 5  # 4 pages + 1 retry


def test_the_cli_imports_from_the_api(cbs_server, tmp_path):
    from click.testing import CliRunner

    from wijkboekhouding.cli import cli

    ws = make_workspace(tmp_path, cbs_server, ["GM0599"])
    args = ["import", "cbs", "--table", "85984NED", "--gemeente", "GM0599", "--workspace", str(ws.path)]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "cbs:85984NED:api:GM0599: version 1, 91 rows, 91 areas" in first.output
    cbs_server.stop()
    second = CliRunner().invoke(cli, args)
    assert second.exit_code == 0, second.output
    assert "cbs:85984NED:api:GM0599: unchanged (same content as version 1); nothing written" in second.output
    unknown = CliRunner().invoke(cli, ["import", "cbs", "--table", "99999XXX", "--workspace", str(ws.path)])
    assert unknown.exit_code == 1
    assert f"Error: cannot reach CBS at {cbs_server.v3_base}/99999XXX/TableInfos?$format=json (2 attempts" \
        in unknown.output
