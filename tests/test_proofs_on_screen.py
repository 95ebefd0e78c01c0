"""A proof as the client sees it in Chromium: its pages one at a time, "page 2 of 3" after the
arrow key or the swipe that goes forward in the site's direction, the paper size, zoom to full
size, and an approve link naming the proof and its version. English and Arabic, desktop and phone.
Screenshots go to a temporary folder, named in the test output."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from test_proofs import SENTENCES, text_pdf
from test_status_page import serious_violations

from conftest import PASSWORD, SITE_TOML, serve_folder

TIMEOUT_MS = 10_000
LANGUAGES = {  # language: (key that goes forward, the page counter, the approve link)
    "en": ("ArrowRight", "page {page} of 3", "Approve brochure.pdf"),
    "ar": ("ArrowLeft", "الصفحة {page} من 3", "اعتماد brochure.pdf"),
}


@pytest.fixture(scope="module")
def screens(tmp_path_factory):
    chosen = os.environ.get("SITEGEN_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screens")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots: {folder}")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two clients, English and Arabic, each with a three-page brochure in content/proofs/."""
    import shutil

    from conftest import REPO, STUDIO_TOML, Project

    root = tmp_path_factory.mktemp("proofs") / "project"
    shutil.copytree(REPO / "themes", root / "themes")
    (root / "sitegen.toml").write_text(STUDIO_TOML, encoding="utf-8")
    project = Project(root)
    for language in LANGUAGES:
        toml = SITE_TOML.replace('title = "Acme Site"', f'title = "Acme"\nlanguage = "{language}"')
        project.add_client(language, "-- content/_index.md --\n[Brochure](proofs/brochure.pdf)\n")
        (root / f"sites/{language}/site.toml").write_text(toml, encoding="utf-8")
        proofs = root / f"sites/{language}/content/proofs"
        proofs.mkdir(parents=True)
        (proofs / "brochure.pdf").write_bytes(text_pdf(SENTENCES))
    project.build()
    return project


def swipe(page, distance: int) -> None:
    """A finger drawn across the page `distance` pixels (negative: leftwards)."""
    page.evaluate(
        """distance => {
            const stage = document.querySelector(".proof-stage");
            const at = x => new Touch({identifier: 1, target: stage, clientX: x, clientY: 300});
            const start = 250 - distance / 2;
            stage.dispatchEvent(new TouchEvent("touchstart",
                {touches: [at(start)], changedTouches: [at(start)], bubbles: true}));
            stage.dispatchEvent(new TouchEvent("touchend",
                {touches: [], changedTouches: [at(start + distance)], bubbles: true}));
        }""",
        distance,
    )


@pytest.mark.parametrize("width", (1280, 375))
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_proof_shows_its_pages_navigates_by_keyboard_and_names_what_is_approved(
    browser, built, screens, language, width
):
    forward, counter, approve = LANGUAGES[language]
    with serve_folder(built.root / "build" / language / "demo") as port:
        page = browser.new_page(viewport={"width": width, "height": 900}, has_touch=True)
        page.goto(f"http://127.0.0.1:{port}/")
        page.fill("#sitegen-password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("header.site-header", timeout=TIMEOUT_MS)
        page.click("main a[href='/_proofs/proofs/brochure.pdf/']")
        page.wait_for_selector(".sitegen-proof", timeout=TIMEOUT_MS)
        page.wait_for_function(
            "document.querySelector('.proof-page:not([hidden]) img').naturalWidth > 800",
            timeout=TIMEOUT_MS,
        )
        first = page.locator(".proof-page").nth(0)
        assert first.is_visible() and not page.locator(".proof-page").nth(1).is_visible()
        assert page.locator(".proof-status").inner_text() == counter.format(page=1)
        assert page.locator("[data-proof-step='-1']").is_disabled()
        assert serious_violations(page) == []
        box = first.locator("img").bounding_box()
        assert box["width"] > 200 and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert "210 × 297 mm" in first.inner_text()
        page.screenshot(path=str(screens / f"proof-{language}-{width}-1.png"))

        page.keyboard.press(forward)
        second = page.locator(".proof-page").nth(1)
        second.locator("img").wait_for(state="visible", timeout=TIMEOUT_MS)
        page.wait_for_function(
            "document.querySelector('.proof-page:not([hidden]) img').naturalWidth > 800",
            timeout=TIMEOUT_MS,
        )
        assert not first.is_visible()
        assert page.locator(".proof-status").inner_text() == counter.format(page=2)
        page.keyboard.press("ArrowLeft" if forward == "ArrowRight" else "ArrowRight")
        assert page.locator(".proof-status").inner_text() == counter.format(page=1)
        swipe(page, -200 if forward == "ArrowRight" else 200)  # towards the next page
        assert page.locator(".proof-status").inner_text() == counter.format(page=2)
        page.keyboard.press("End")
        assert page.locator(".proof-status").inner_text() == counter.format(page=3)
        assert page.locator("[data-proof-step='1']").is_disabled()

        page.click("[data-proof-zoom]")
        shown = page.locator(".proof-page:not([hidden]) img")
        assert shown.bounding_box()["height"] == pytest.approx(1200, abs=1)  # the preview's size
        sideways = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert sideways[0] <= sideways[1], "zoom scrolls inside the proof, not the page"
        page.screenshot(path=str(screens / f"proof-{language}-{width}-zoom.png"))

        link = page.locator("a.proof-approve")
        assert link.inner_text() == approve and link.is_visible()
        version = page.locator(".proof-version code").inner_text()
        href = unquote(link.get_attribute("href"))
        assert re.search(rf"subject=[^&]*brochure\.pdf[^&]*{version}", href), href
        page.close()
