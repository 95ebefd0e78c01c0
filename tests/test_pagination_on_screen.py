"""A long list in an unlocked demo, in Chromium: from the list, "Next" opens page 2, which
unlocks too and shows entries 51 to 100; the arrows point the way the page reads, and so do
a post's neighbours at its foot. English and Arabic, desktop and phone. Screenshots go to the
`screenshots` folder."""

from __future__ import annotations

import shutil

import pytest
from test_pagination import journal

from conftest import PASSWORD, REPO, SITE_TOML, STUDIO_TOML, Project, serve_folder

WIDTHS = (1280, 375)
TIMEOUT_MS = 10_000
LABELS = {  # language: (site.toml line, "Next", "Previous", arrow after "Next")
    "en": ("", "Next", "Previous", "→"),
    "ar": ('language = "ar"\n', "التالي", "السابق", "←"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Project:
    """One studio, one client per language, each with a journal of 120 posts."""
    root = tmp_path_factory.mktemp("paginated") / "project"
    shutil.copytree(REPO / "themes", root / "themes")
    (root / "sitegen.toml").write_text(STUDIO_TOML, encoding="utf-8")
    project = Project(root)
    for language, (line, *_) in LABELS.items():
        site = SITE_TOML.replace("[demo]", f"per_page = 50\n{line}\n[demo]")
        posts = journal(120).replace("sites/acme/", "")
        project.add_client(language, posts)
        (root / "sites" / language / "site.toml").write_text(site, encoding="utf-8")
    project.build()
    return project


def shown_entries(page) -> list[str]:
    """Titles of the list's entries, those visible on the page."""
    links = page.locator(".page-list h3 a")
    return [links.nth(i).inner_text() for i in range(links.count()) if links.nth(i).is_visible()]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", list(LABELS))
def test_next_opens_the_second_page_of_a_locked_list(browser, built, screenshots, language, width):
    _, next_label, previous_label, forward = LABELS[language]
    with serve_folder(built.root / "build" / language / "demo") as port:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"http://127.0.0.1:{port}/journal/")
        page.fill("#sitegen-password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector(".page-list", timeout=TIMEOUT_MS)
        assert shown_entries(page) == [f"Post {n:03}" for n in range(1, 51)]
        next_link = page.get_by_role("link", name=next_label)
        assert next_link.inner_text().strip() == f"{next_label} {forward}"
        next_link.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / f"pagination-{language}-{width}-first.png"))

        next_link.click()
        page.wait_for_url("**/journal/page/2/", timeout=TIMEOUT_MS)
        page.wait_for_selector(".page-list", timeout=TIMEOUT_MS)
        assert page.locator("#sitegen-password").count() == 0, "page 2 unlocks with the key kept"
        assert shown_entries(page) == [f"Post {n:03}" for n in range(51, 101)]
        assert page.get_by_role("link", name="Post 051").is_visible()
        width_now = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width_now[0] <= width_now[1], "no sideways scroll"

        back = page.get_by_role("link", name=previous_label).bounding_box()
        ahead = page.get_by_role("link", name=next_label).bounding_box()
        assert abs(back["y"] - ahead["y"]) < 5, "previous and next on one line"
        if language == "ar":
            assert ahead["x"] < back["x"], "right to left: next on the left"
        else:
            assert back["x"] < ahead["x"], "left to right: next on the right"
        page.get_by_role("link", name=next_label).scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / f"pagination-{language}-{width}-second.png"))
        page.screenshot(
            path=str(screenshots / f"pagination-{language}-{width}-second-full.png"),
            full_page=True,
        )

        page.get_by_role("link", name="Post 051").click()
        page.wait_for_url("**/journal/post-051/", timeout=TIMEOUT_MS)
        neighbours = page.locator(".page-neighbours")
        neighbours.scroll_into_view_if_needed()
        before = page.get_by_role("link", name="Post 050").bounding_box()
        after = page.get_by_role("link", name="Post 052").bounding_box()
        assert (after["x"] < before["x"]) == (language == "ar"), "neighbours as the list reads"
        page.screenshot(path=str(screenshots / f"neighbours-{language}-{width}.png"))
        page.close()
