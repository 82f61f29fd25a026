"""The CBS HTTP client against a real loopback server: cache, paging, retries, errors."""

import json

import pytest

from cbs_server import V3_JL, V3_SAMPLES, cbs_server, v3_body  # noqa: F401  (cbs_server is a fixture)
from wijkboekhouding.errors import CBSError, UnknownTableError
from wijkboekhouding.sources.http import CBSClient, ResponseCache, build_url


@pytest.fixture
def client(tmp_path):
    with CBSClient(tmp_path / "cache", timeout=0.2, retries=1, backoff=0.01) as c:
        yield c


def test_the_stand_in_writes_cbs_pretty_print_byte_for_byte():
    """The assembled KWB pages use the writer that reproduces a real CBS answer exactly."""
    raw = (V3_SAMPLES / "84489NED_TypedDataSet.json").read_bytes()
    data = json.loads(raw)
    assert v3_body(data["odata.metadata"], data["value"]) == raw


def test_a_typed_data_set_is_served_and_cached_byte_for_byte(cbs_server, client):
    url = build_url(cbs_server.v3_base, "84489NED", "TypedDataSet")
    page = client.get(url)
    raw = (V3_SAMPLES / "84489NED_TypedDataSet.json").read_bytes()
    assert page.body == raw and not page.from_cache
    assert len(page.data["value"]) == 2500 and page.data["value"][0]["Code_3"] == "GM0141    "
    assert client.cache.entries() == {url: raw}
    again = client.get(url)
    assert again.from_cache and again.body == raw
    assert cbs_server.requests == ["/ODataApi/odata/84489NED/TypedDataSet"]


def test_paging_follows_odata_next_link(cbs_server, client):
    counts = []
    url = build_url(cbs_server.feed_base, "83599NED", "UntypedDataSet", format="json")
    pages = list(client.pages(url, progress=counts.append))
    assert counts == [10000, 5504]
    assert pages[1].url == cbs_server.url + "/ODataFeed/OData/83599NED/UntypedDataSet/?$format=json&$skip=10000"
    assert pages[1].body == (V3_JL / "tables_3.json").read_bytes()
    assert [r["ID"] for p in pages for r in p.data["value"]] == list(range(15504))


def test_backoff_doubles_between_attempts(cbs_server, tmp_path):
    slept = []
    cbs_server.fail("TableInfos", "500", times=None)
    with CBSClient(tmp_path / "cache", timeout=1, retries=3, sleep=slept.append) as c:
        with pytest.raises(CBSError):
            c.get(build_url(cbs_server.v3_base, "80137ned", "TableInfos"))
    assert slept == [0.5, 1.0, 2.0]
    assert len(cbs_server.requests) == 4


def test_a_500_is_retried_and_then_succeeds(cbs_server, client):
    cbs_server.fail("TableInfos", "500", times=1)
    url = build_url(cbs_server.v3_base, "80137ned", "TableInfos")
    page = client.get(url)
    assert page.data["value"][0]["Identifier"] == "80137ned"
    assert cbs_server.requests == ["/ODataApi/odata/80137ned/TableInfos"] * 2
    assert list(client.cache.entries()) == [url]


def test_a_lasting_500_gives_a_clear_error_and_caches_nothing(cbs_server, client):
    cbs_server.fail("TableInfos", "500", times=None)
    url = build_url(cbs_server.v3_base, "80137ned", "TableInfos")
    with pytest.raises(CBSError) as e:
        client.get(url)
    assert str(e.value) == f"CBS answered 500 at {url} (2 attempts); the CBS server failed: try again later"
    assert client.cache.entries() == {}


def test_a_404_is_not_retried(cbs_server, client):
    url = build_url(cbs_server.v3_base, "99999XXX", "TableInfos")
    with pytest.raises(UnknownTableError) as e:
        client.get(url, "99999XXX")
    assert str(e.value) == (f"CBS answered 404 for table 99999XXX at {url}: no such table; "
                            "check the table id on opendata.cbs.nl")
    assert len(cbs_server.requests) == 1 and client.cache.entries() == {}


def test_a_time_out_is_retried_then_reported(cbs_server, client):
    cbs_server.fail("TableInfos", "delay", times=None)
    url = build_url(cbs_server.v3_base, "80137ned", "TableInfos")
    with pytest.raises(CBSError) as e:
        client.get(url)
    assert str(e.value) == (f"CBS did not answer within 0.2 s at {url} (2 attempts); "
                            "try again later or raise cbs_timeout in wijkboekhouding.toml")
    assert client.cache.entries() == {}


def test_a_truncated_json_page_never_reaches_the_cache(cbs_server, client):
    cbs_server.fail("TableInfos", "truncate", times=None)
    url = build_url(cbs_server.v3_base, "80137ned", "TableInfos")
    full = (V3_JL / "meta_2.json").read_bytes()
    with pytest.raises(CBSError) as e:
        client.get(url)
    assert str(e.value).startswith(
        f"CBS sent an incomplete or invalid JSON page at {url} (2 attempts; {len(full) // 2} bytes; ")
    assert str(e.value).endswith("); nothing was cached or imported: try again later")
    assert client.cache.entries() == {}


def test_an_unreachable_server_names_the_setting(cbs_server, client):
    url = build_url(cbs_server.v3_base, "80137ned", "TableInfos")
    cbs_server.stop()
    with pytest.raises(CBSError) as e:
        client.get(url)
    assert str(e.value).startswith(f"cannot reach CBS at {url} (2 attempts: ConnectError: ")
    assert str(e.value).endswith("check the internet connection and cbs_base_url in wijkboekhouding.toml")


def test_the_cache_is_keyed_by_the_full_url(tmp_path):
    cache = ResponseCache(tmp_path)
    cache.put("http://x/a?$skip=1", b"{}")
    assert cache.get("http://x/a?$skip=2") is None
    assert cache.get("http://x/a?$skip=1")[0] == b"{}"
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".url"]
