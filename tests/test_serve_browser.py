"""`sitegen serve` in headless Chromium: the designer unlocks the demo once, then every save
shows up in the open page by itself, a page or stylesheet change without a navigation, and a
broken file as an overlay naming it, until it is fixed."""

from __future__ import annotations

import pytest
from test_serve import start

from conftest import PASSWORD
from sitegen.model import Mode

SITE = """
    -- sites/acme/content/_index.md --
    ---
    title: Welcome
    ---
    Fresh bread every morning.
    -- sites/acme/content/about.md --
    ---
    title: About us
    ---
    We started baking in 2009.
"""
ABOUT = "sites/acme/content/about.md"
STYLE = "themes/default/static/css/style.css"
TIMEOUT_MS = 10_000


@pytest.fixture
def served(make_project):
    result = start(make_project(SITE))
    yield result
    result.server.stop()


def connected(page) -> None:
    """Until the page's live-reload stream is open, so no change can slip past it."""
    page.wait_for_function(
        "document.documentElement.dataset.sitegenLive === 'connected'", timeout=TIMEOUT_MS
    )


def test_the_unlocked_demo_follows_every_save(browser, served):
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(served.server.url + "about/")
    page.fill("#sitegen-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=We started baking in 2009")
    connected(page)

    served.edit(ABOUT, "---\ntitle: About us\n---\nNow with a rye bread on Fridays.\n")
    page.wait_for_selector("text=Now with a rye bread on Fridays")
    assert not page.is_visible("#sitegen-password"), "the kept key opens the rebuilt page"
    connected(page)

    page.evaluate("window.sitegenTestMark = 'still here'")
    served.edit(STYLE, (served.root / STYLE).read_text() + "\nh1 { color: rgb(1, 2, 3); }\n")
    page.wait_for_function("getComputedStyle(document.querySelector('h1')).color == 'rgb(1, 2, 3)'")
    assert page.evaluate("window.sitegenTestMark") == "still here", "no navigation for CSS"

    served.edit(ABOUT, "---\ntitle: About: us\n---\nBroken.\n")
    overlay = page.wait_for_selector("#sitegen-error-overlay")
    assert "sites/acme/content/about.md:2" in overlay.inner_text()
    assert "title: About: us" in overlay.inner_text()
    assert page.is_visible("text=Now with a rye bread"), "the last good page stays under it"

    served.edit(ABOUT, "---\ntitle: About us\n---\nFixed and fresh.\n")
    page.wait_for_selector("#sitegen-error-overlay", state="detached")
    page.wait_for_selector("text=Fixed and fresh")
    assert not page.is_visible("#sitegen-password")
    page.close()


def test_a_page_opened_while_the_build_is_broken_shows_the_overlay(browser, served):
    served.edit(ABOUT, "---\ntitle: About: us\n---\nBroken.\n")
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(served.server.url + "about/")
    page.fill("#sitegen-password", PASSWORD)
    page.click("button[type=submit]")
    overlay = page.wait_for_selector("#sitegen-error-overlay")
    assert "about.md:2" in overlay.inner_text()
    served.edit(ABOUT, "---\ntitle: About us\n---\nBack again.\n")
    page.wait_for_selector("text=Back again")
    assert not page.is_visible("#sitegen-error-overlay")
    page.close()


def test_the_release_preview_says_so_and_follows_saves(browser, make_project):
    served = start(make_project(SITE), Mode.RELEASE)
    try:
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(served.server.url + "about/")
        assert "Release preview" in page.inner_text("#sitegen-release-preview")
        connected(page)
        page.evaluate("window.sitegenTestMark = 'still here'")
        served.edit(ABOUT, "---\ntitle: About us\n---\nReleased text.\n")
        page.wait_for_selector("text=Released text")
        assert page.is_visible("#sitegen-release-preview")
        assert page.evaluate("window.sitegenTestMark") == "still here", "no navigation"
        page.close()
    finally:
        served.server.stop()


def page_script(script: str) -> str:
    """A client page template running `script`, that marks the page once it has loaded."""
    return f"""
    -- sites/acme/templates/page.html --
    {{% extends 'base:page.html' %}}
    {{% block scripts %}}<script>
    {script}
    document.addEventListener("DOMContentLoaded", function () {{
      document.body.dataset.loaded = "yes";
    }});
    </script>{{% endblock %}}
"""


# Counts its runs in the window, which outlives a page written in place, and marks the page.
COUNTING_SCRIPT = page_script("""
    window.runs = (window.runs || 0) + 1;
    document.body.dataset.runs = window.runs;""")
LONG_PAGE = "---\ntitle: About us\n---\n" + "We bake.\n\n" * 300


def unlocked(browser, served, path: str):
    page = browser.new_page(viewport={"width": 800, "height": 600})
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(served.server.url + path)
    page.fill("#sitegen-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("body[data-loaded=yes]")
    connected(page)
    return page


def test_a_saved_page_is_written_in_place_and_its_scripts_run_again(browser, make_project):
    served = start(make_project(SITE).write(COUNTING_SCRIPT))
    try:
        served.edit(ABOUT, LONG_PAGE)
        page = unlocked(browser, served, "about/")
        assert page.evaluate("document.body.dataset.runs") == "1"
        page.evaluate("window.scrollTo(0, 2000); window.sitegenTestMark = 'still here'")

        served.edit(ABOUT, LONG_PAGE + "Now with rye on Fridays.\n")
        page.wait_for_selector("text=Now with rye on Fridays")
        assert page.evaluate("window.sitegenTestMark") == "still here", "no navigation"
        page.wait_for_selector("body[data-loaded=yes]")
        assert page.evaluate("document.body.dataset.runs") == "2", "its script ran again"
        assert page.evaluate("window.scrollY") == 2000, "where the designer was reading"
        assert not page.is_visible("#sitegen-password")
        connected(page)  # and it follows the next save too
        served.edit(ABOUT, LONG_PAGE + "And spelt.\n")
        page.wait_for_selector("text=And spelt")
        page.wait_for_function("window.runs === 3")  # the script runs after the text shows
        assert page.evaluate("window.sitegenTestMark") == "still here"
        page.close()
    finally:
        served.server.stop()


# Each version of the page counts the ticks of its own timer and animation frames: the
# old version's stop with it (document.open() cancels them), so none runs on unseen.
TICKING_SCRIPT = page_script("""
    window.runs = (window.runs || 0) + 1;
    window.ticks = window.ticks || {};
    window.painted = window.painted || {};
    var born = window.runs;
    setInterval(function () { window.ticks[born] = (window.ticks[born] || 0) + 1; }, 10);
    (function step() {
      window.painted[born] = (window.painted[born] || 0) + 1;
      requestAnimationFrame(step);
    })();""")


def test_the_old_pages_timers_stop_when_a_new_version_is_written_in_place(browser, make_project):
    served = start(make_project(SITE).write(TICKING_SCRIPT))
    try:
        page = unlocked(browser, served, "about/")
        page.wait_for_function("window.ticks[1] > 3")
        served.edit(ABOUT, "---\ntitle: About us\n---\nNew text.\n")
        page.wait_for_selector("text=New text.")
        page.wait_for_function("window.ticks[2] > 3 && window.painted[2] > 3")
        stopped = page.evaluate("[window.ticks[1], window.painted[1]]")
        page.wait_for_function("window.ticks[2] > 20")  # long enough for old timers to show
        assert page.evaluate("[window.ticks[1], window.painted[1]]") == stopped
        page.close()
    finally:
        served.server.stop()


def test_a_page_whose_scripts_cannot_run_twice_is_reloaded(browser, make_project):
    once = COUNTING_SCRIPT.replace("window.runs = (window.runs || 0) + 1;", "const once = 1;")
    served = start(make_project(SITE).write(once))
    try:
        page = unlocked(browser, served, "about/")
        page.evaluate("window.sitegenTestMark = 'still here'")
        served.edit(ABOUT, "---\ntitle: About us\n---\nReloaded.\n")
        page.wait_for_function("window.sitegenTestMark === undefined")
        page.wait_for_selector("text=Reloaded.")
        assert not page.is_visible("#sitegen-password"), "the kept key opens the reloaded page"
        page.close()
    finally:
        served.server.stop()


def test_without_a_kept_key_the_page_reloads_to_its_gate(browser, served):
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(served.server.url + "about/")
    page.fill("#sitegen-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=We started baking in 2009")
    connected(page)
    page.evaluate("sessionStorage.clear(); localStorage.clear()")  # locked in another tab
    served.edit(ABOUT, "---\ntitle: About us\n---\nSecret.\n")
    page.wait_for_selector("#sitegen-password", state="visible")
    assert not page.is_visible("text=Secret.")
    page.close()
