"""The built pilot site in headless Debian Chromium (Playwright): widths, embeds across
origins, big-screen mode and axe-core at WCAG 2.1 AA.  Screenshots go to test-artifacts/."""

from __future__ import annotations

import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from browser_support import ARTIFACTS, browser, served  # noqa: F401 (browser is a fixture)
from test_site import make_pilot_workspace

pytestmark = pytest.mark.browser

WIDTHS = (360, 768, 1366, 3840)
AREA = "wijk/WK020202-spijkerkwartier/"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _serve(directory: Path):
    from functools import partial

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


@pytest.fixture(scope="module")
def site(tmp_path_factory, shared_data):
    from wijkboekhouding.site import build_site

    base = tmp_path_factory.mktemp("browser")
    ws = make_pilot_workspace(base / "ws")
    build_site(ws, base / "site")
    with served(base / "site") as url:
        yield url, base


def wait_until(page, expression: str, timeout: float = 5.0) -> None:
    """Poll ``expression`` (our pages' CSP forbids the eval behind Playwright's wait_for_function)."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(100)


def _no_foreign_requests(page, origin: str, seen: list):
    page.on("request", lambda r: seen.append(r.url) if not r.url.startswith(origin) else None)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("url", ["", AREA, "embed/v1/WK020202/sociaal/", "scherm/WK020202/"])
def test_no_horizontal_overflow(site, browser, url, width):
    base, _ = site
    page = browser.new_page(viewport={"width": width, "height": 900})
    foreign: list = []
    _no_foreign_requests(page, base.rstrip("/"), foreign)
    page.goto(base + url)
    page.wait_for_load_state("networkidle")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    name = (url.strip("/").replace("/", "_") or "home") + f"_{width}.png"
    page.screenshot(path=str(ARTIFACTS / name), full_page=width < 3840)
    assert overflow <= 0, f"{url} overflows by {overflow}px at {width}px"
    assert foreign == []
    assert page.context.cookies() == []
    page.close()


def test_search_finds_an_area_without_a_server(site, browser):
    base, _ = site
    page = browser.new_page()
    page.goto(base)
    page.fill("#zoek", "spijker")
    page.wait_for_selector("#zoek-resultaten a")
    links = page.locator("#zoek-resultaten a")
    assert "Spijkerkwartier" in links.all_inner_texts()
    page.click("#zoek-resultaten a:text-is('Spijkerkwartier')")
    page.wait_for_url("**/" + AREA)
    assert page.locator("h1").inner_text() == "Spijkerkwartier"
    page.close()


def test_embed_snippet_renders_and_resizes_on_another_origin(site, browser, tmp_path):
    """The snippet copied from the page works on a page served from a second loopback port,
    and its script only accepts height messages from the site's origin and its own iframe."""
    base, _ = site
    page = browser.new_page()
    page.goto(base + AREA)
    snippet = page.locator("#snippet-sociaal").input_value()
    page.close()
    assert snippet.startswith(f'<iframe src="{base}embed/v1/WK020202/sociaal/"')
    host = tmp_path / "host"
    host.mkdir()
    (host / "index.html").write_text(
        "<!doctype html><html lang='nl'><head><meta charset='utf-8'><title>Buurtvereniging</title></head>"
        "<body><h1>Onze buurt</h1><div id='slot' style='width:600px'>" + snippet + "</div>"
        "<iframe id='stranger' srcdoc='<p>x</p>' style='height:50px'></iframe></body></html>", encoding="utf-8")
    server, thread = _serve(host)
    try:
        other = f"http://127.0.0.1:{server.server_address[1]}/"
        assert other != base
        page = browser.new_page(viewport={"width": 800, "height": 900})
        page.goto(other)
        frame = page.frame_locator("#slot iframe")
        assert "Mensen en huishoudens" in frame.locator("h1").inner_text()
        page.wait_for_function("document.querySelector('#slot iframe').style.height !== '480px'", timeout=10000)
        height = page.evaluate("document.querySelector('#slot iframe').getBoundingClientRect().height")
        inner = page.frame_locator("#slot iframe").locator("html").evaluate(
            "e => Math.ceil(e.getBoundingClientRect().height)")
        assert abs(height - inner) <= 2 and height > 480
        # a message from another origin (the host page itself) is ignored
        page.evaluate("window.postMessage({type: 'wijkboekhouding-hoogte', hoogte: 77}, '*')")
        page.wait_for_timeout(200)
        assert page.evaluate("document.querySelector('#slot iframe').getBoundingClientRect().height") == height
        # opening the table inside the embed makes it taller, and the iframe follows
        frame.locator("details.chart-table summary").first.click()
        page.wait_for_function(f"document.querySelector('#slot iframe').getBoundingClientRect().height > {height}",
                               timeout=10000)
        page.screenshot(path=str(ARTIFACTS / "embed_on_other_origin.png"), full_page=True)
        page.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_big_screen_mode_advances_and_pauses(site, browser):
    base, _ = site
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(base + "scherm/WK020202/?interval=600")
    first = page.get_attribute("body", "data-slide")
    assert first and page.locator(".slide.active").count() == 1
    wait_until(page, f"document.body.getAttribute('data-slide') !== '{first}'")
    page.screenshot(path=str(ARTIFACTS / "scherm_1920.png"))
    page.click(".screen-pause")
    paused = page.get_attribute("body", "data-slide")
    page.wait_for_timeout(1500)
    assert page.get_attribute("body", "data-slide") == paused
    page.close()


def test_big_screen_without_script_stacks_every_theme(site, browser):
    base, _ = site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "scherm/WK020202/")
    slides = page.locator(".slide")
    assert slides.count() >= 2
    assert all(slides.nth(i).is_visible() for i in range(slides.count()))
    context.close()


@pytest.mark.parametrize("url", ["", AREA, "embed/v1/WK020202/sociaal/", "embed/v1/WK020202/sociaal-leeftijd/"])
def test_axe_finds_no_wcag21aa_violations(site, browser, url):
    import axe_playwright_python

    base, _ = site
    axe = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
    page = browser.new_page()
    page.goto(base + url)
    page.evaluate(axe)
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})")
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == [], violations
    page.close()
