"""What a client sees of an unlocked demo, in Chromium: no trace of the gate on screen or in the
accessibility tree, after unlocking, after a click, after a reload and in a new tab, and the
page laid out as the release lays it out, but for the banner. English and Arabic, desktop and
phone. Screenshots go to a temporary folder, named in the test output."""

from __future__ import annotations

import shutil
import tomllib

import pytest

from conftest import REPO, Project, serve_folder
from sitegen.config.load import load_site, load_studio

WIDTHS = (1280, 375)
CLIENTS = ("acme", "dar-alward")  # English, left to right; Arabic, right to left
GATE_PARTS = ".gate, #sitegen-gate-form, #sitegen-password, #sitegen-gate-busy, #sitegen-payload"
GATE_KEYS = ("gate_intro", "gate_password", "gate_remember", "gate_unlock", "gate_unlocking")
REGIONS = ("header.site-header", "main", "footer.site-footer")
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    root = tmp_path_factory.mktemp("example")
    for name in ("sites", "themes"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "sitegen.toml", root / "sitegen.toml")
    project = Project(root)
    project.build("--release")
    return project


def password_of(project: Project, client: str) -> str:
    return load_site(load_studio(project.root), client).demo.password


def images_loaded(page) -> None:
    page.wait_for_function(
        "Array.from(document.images).every(i => i.complete && i.naturalWidth > 1)",
        timeout=TIMEOUT_MS,
    )


def assert_no_gate(page, gate_texts: list[str]) -> None:
    """Nothing of the gate in the document, on screen or in the accessibility tree."""
    page.wait_for_selector("header.site-header", timeout=TIMEOUT_MS)
    images_loaded(page)
    assert page.locator(GATE_PARTS).count() == 0, "no element of the gate is left"
    assert page.evaluate("document.body.className") != "sitegen-gate"
    tree = page.locator("body").aria_snapshot()
    for text in gate_texts:
        assert text not in tree, f"the gate's {text!r} is in the accessibility tree"
    assert page.locator(".sitegen-demo-banner").is_visible()
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], "no sideways scroll"


def boxes(page) -> dict[str, dict]:
    """Boxes in document coordinates, so a scrolled page compares with one at the top."""
    return {
        region: page.eval_on_selector(
            region,
            "e => { const r = e.getBoundingClientRect();"
            " return {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height}; }",
        )
        for region in (*REGIONS, ".sitegen-demo-banner")
        if page.locator(region).count()
    }


def assert_laid_out_as_released(demo_page, release_page, path: str) -> None:
    """Header, main and footer: the same boxes as the release's, moved down by the banner."""
    release_page.goto(path)
    images_loaded(release_page)
    shown, released = boxes(demo_page), boxes(release_page)
    banner = shown[".sitegen-demo-banner"]
    for region in REGIONS:
        a, b = shown[region], released[region]
        assert abs(a["x"] - b["x"]) <= 1 and abs(a["width"] - b["width"]) <= 1, region
        assert abs(a["height"] - b["height"]) <= 2, f"{region}: {a} against {b}"
        assert abs(a["y"] - banner["height"] - b["y"]) <= 2, f"{region} sits under the banner"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("client", CLIENTS)
def test_an_unlocked_demo_shows_no_gate_and_the_released_layout(
    browser, example, screenshots, client, width
):
    demo_folder = example.root / "build" / client / "demo"
    language = "en" if client == "acme" else "ar"
    strings = tomllib.loads((REPO / f"themes/base/i18n/{language}.toml").read_text("utf-8"))
    gate_texts = [strings[key] for key in GATE_KEYS]
    viewport = {"width": width, "height": 900}
    with (
        serve_folder(demo_folder) as demo_port,
        serve_folder(example.root / "build" / client / "release") as release_port,
    ):
        base = f"http://127.0.0.1:{demo_port}"
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        release = browser.new_page(viewport=viewport)
        release_base = f"http://127.0.0.1:{release_port}"

        page.goto(base + "/")
        page.wait_for_selector("#sitegen-password", state="visible", timeout=TIMEOUT_MS)
        page.screenshot(path=str(screenshots / f"{client}-{width}-gate.png"))
        page.fill("#sitegen-password", password_of(example, client))
        page.check("#sitegen-remember")
        page.click("button[type=submit]")
        assert_no_gate(page, gate_texts)
        assert_laid_out_as_released(page, release, release_base + "/")
        page.screenshot(path=str(screenshots / f"{client}-{width}-unlocked.png"), full_page=True)

        link = page.locator("header.site-header nav a").nth(1)
        href = link.get_attribute("href")
        if width < 600 and not link.is_visible():
            page.goto(base + href)
        else:
            link.click()
        page.wait_for_url("**" + href, timeout=TIMEOUT_MS)
        assert_no_gate(page, gate_texts)
        assert_laid_out_as_released(page, release, release_base + href)
        page.screenshot(path=str(screenshots / f"{client}-{width}-second.png"), full_page=True)

        for _ in range(3):
            page.reload()
            assert_no_gate(page, gate_texts)
        assert_laid_out_as_released(page, release, release_base + href)

        tab = context.new_page()
        tab.goto(base + href)
        assert_no_gate(tab, gate_texts)
        assert_laid_out_as_released(tab, release, release_base + href)
        context.close()
        release.close()


def test_a_page_copied_over_another_stays_closed_and_says_why(browser, example, tmp_path):
    folder = tmp_path / "demo"
    shutil.copytree(example.root / "build/acme/demo", folder)
    shutil.copy(folder / "status/index.html", folder / "about/index.html")
    with serve_folder(folder) as port:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        page.fill("#sitegen-password", password_of(example, "acme"))
        page.click("button[type=submit]")
        page.wait_for_selector("header.site-header", timeout=TIMEOUT_MS)
        page.goto(f"http://127.0.0.1:{port}/about/")
        message = page.locator("#sitegen-gate-misplaced")
        message.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert "belongs elsewhere" in message.inner_text()
        assert not page.locator("#sitegen-password").is_visible()
        assert page.locator("header.site-header").count() == 0, "the status page is not shown"
        page.close()
