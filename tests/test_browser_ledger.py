"""The Geldstromen section in headless Debian Chromium (Playwright): the what-if controls
recompute the totals exactly as Python does, the Sankey fits a 360 px phone, and the page
and the Sankey embed pass axe-core at WCAG 2.1 AA.  Screenshots go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser_support import ARTIFACTS, browser, served  # noqa: F401 (browser is a fixture)
from test_site_ledger import DELFSHAVEN, ledger_site

pytestmark = pytest.mark.browser
EMBED = "embed/v1/WK059903/geldstromen/"


@pytest.fixture(scope="module")
def site(tmp_path_factory, shared_data):
    ws, site_dir = ledger_site(tmp_path_factory)
    with served(site_dir) as url:
        yield url, ws


def python_totals(ws, scenario):
    from wijkboekhouding.accounts.ledger import euro, ledger_for
    from wijkboekhouding.accounts.parameters import load_parameters

    with ws.warehouse() as wh:
        ledger = ledger_for(wh, "WK059903", 2024, load_parameters(ws.path), ws.settings["coverage_threshold"])
    t = ledger.totals(scenario)
    return {"binnen": "onbekend" if t.inflow is None else euro(t.inflow), "weg": euro(t.outflow),
            "blijft": euro(t.stays)}


def shown_totals(page) -> dict:
    return {key: page.locator(f'#geldstromen [data-total="{key}"]').inner_text() for key in ("binnen", "weg", "blijft")}


def test_moving_a_scenario_control_updates_the_totals_to_pythons(site, browser):
    base, ws = site
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    errors: list = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + DELFSHAVEN)
    assert shown_totals(page) == python_totals(ws, None)
    control = page.locator("#scenario-stroom_coop")
    assert control.is_visible()  # the script shows the controls
    control.focus()
    for _ in range(8):  # 8 steps of 5 %: 40 % of the electricity from a local cooperative
        page.keyboard.press("ArrowRight")
    assert control.input_value() == "40"
    assert page.locator('output[for="scenario-stroom_coop"]').inner_text() == "40 %"
    expected = python_totals(ws, {"stroom_coop": 0.4})
    assert shown_totals(page) == expected
    assert expected != python_totals(ws, None)
    assert page.locator("[data-scenario-status]").inner_text() == (
        f"Stroomt weg: {expected['weg']}. Blijft in de buurt: {expected['blijft']}.")
    page.locator("#geldstromen").screenshot(path=str(ARTIFACTS / "geldstromen_scenario_1366.png"))
    page.click(".scenario-form button[type=reset]")
    page.wait_for_timeout(100)
    assert shown_totals(page) == python_totals(ws, None)
    assert errors == []
    page.close()


def test_without_script_the_static_default_is_shown(site, browser):
    base, ws = site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + DELFSHAVEN)
    assert shown_totals(page) == python_totals(ws, None)
    assert not page.locator("#scenario-stroom_coop").is_visible()
    assert page.locator(".scenario-example").is_visible()
    context.close()


@pytest.mark.parametrize("width", (360, 1366))
@pytest.mark.parametrize("url", (DELFSHAVEN, EMBED))
def test_the_sankey_fits_without_horizontal_overflow(site, browser, url, width):
    base, _ = site
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(base + url)
    page.wait_for_load_state("networkidle")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert page.locator("svg.sankey").is_visible()
    name = "geldstromen" if url == DELFSHAVEN else "geldstromen_embed"
    target = page.locator("#geldstromen") if url == DELFSHAVEN else page.locator("main")
    target.screenshot(path=str(ARTIFACTS / f"{name}_{width}.png"))
    assert overflow <= 0, f"{url} overflows by {overflow}px at {width}px"
    # the Sankey scrolls inside its own box, which keyboard users can reach
    box = page.locator(".sankey-scroll")
    assert box.get_attribute("tabindex") == "0"
    page.close()


@pytest.mark.parametrize("url", (DELFSHAVEN, EMBED))
def test_axe_finds_no_wcag21aa_violations_with_the_ledger(site, browser, url):
    import axe_playwright_python

    base, _ = site
    axe = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
    page = browser.new_page(viewport={"width": 360, "height": 900})
    page.goto(base + url)
    for summary in page.locator("#geldstromen details > summary").all()[:3]:  # open a few method cards too
        summary.click()
    page.evaluate(axe)
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})")
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == [], violations
    page.close()
