"""A demo that has ended: publish replaces it with "This preview has ended" and the studio's
contact, decided on this machine rather than by the visitor's clock; status warns ahead."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from conftest import PASSWORD, STUDIO_TOML, serve_folder

TODAY = dt.date.today()


def site_toml(language: str, expires: dt.date | None) -> str:
    ends = f"expires = {expires}\n" if expires else ""
    return f"""\
[client]
name = "Acme"
email = "acme@example.com"
[site]
title = "Acme Site"
language = "{language}"
[demo]
password = "{PASSWORD}"
{ends}"""


def project_with(make_project, language="en", expires=None, studio_extra=""):
    project = make_project(
        f"-- sites/acme/site.toml --\n{site_toml(language, expires)}"
        "-- sites/acme/content/about.md --\nWe bake bread before the sun comes up.\n"
        "-- sites/acme/content/index.md --\nWelcome.\n"
    )
    published = project.root.parent / "published"
    target = f'demo_target = "file:{published}/{{client}}/"\n'
    project.write(f"-- sitegen.toml --\n{STUDIO_TOML}{target}{studio_extra}")
    return project, published / "acme"


def set_expiry(project, expires: dt.date) -> None:
    toml = project.root / "sites/acme/site.toml"
    toml.write_text(toml.read_text() + f"expires = {expires}\n")


@pytest.fixture(scope="module")
def screens(tmp_path_factory) -> Path:
    chosen = os.environ.get("SITEGEN_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screens")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots: {folder}")
    return folder


def test_publishing_an_ended_demo_replaces_every_file_with_the_ended_page(make_project):
    project, folder = project_with(make_project)
    assert project.run("publish").exit_code == 0
    assert (folder / "about/index.html").is_file()
    set_expiry(project, TODAY - dt.timedelta(days=1))
    result = project.run("publish")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == [".sitegen-owner", "404.html", "index.html"]
    page = (folder / "index.html").read_text()
    assert "This preview has ended" in page and "studio@example.com" in page
    assert "sitegen-payload" not in page and "bread" not in page


def test_a_demo_is_published_as_usual_until_its_last_day(make_project):
    project, folder = project_with(make_project, expires=TODAY)
    assert project.run("publish").exit_code == 0
    assert "sitegen-payload" in (folder / "index.html").read_text()


@pytest.mark.parametrize(
    "language,title",
    [("en", "This preview has ended"), ("ar", "انتهت مدة هذه المعاينة")],
)
@pytest.mark.parametrize("width", [375, 1280])
def test_the_ended_demo_on_screen(browser, make_project, screens, language, title, width):
    project, folder = project_with(make_project, language, TODAY - dt.timedelta(days=1))
    assert project.run("publish").exit_code == 0
    with serve_folder(folder) as port:
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.goto(f"http://127.0.0.1:{port}/")
        page.screenshot(path=str(screens / f"ended-{language}-{width}.png"))
        heading = page.locator("h1")
        assert heading.inner_text() == title and heading.is_visible()
        assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
        mail = page.locator('a[href="mailto:studio@example.com"]')
        assert mail.is_visible()
        box = mail.bounding_box()
        assert box["y"] + box["height"] <= 800, "the contact is on the first screen"
        assert page.locator("input, form").count() == 0, "no password form"
        width_now = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width_now[0] <= width_now[1], "no sideways scroll"
        page.close()


def status_of(project) -> tuple[str, dict]:
    table = project.run("status")
    assert table.exit_code == 0, table.output
    return table.output, json.loads(project.run("status", "--json").output)[0]


def test_status_shows_the_end_and_warns_a_week_ahead(make_project):
    soon = TODAY + dt.timedelta(days=7)
    project, _ = project_with(make_project, expires=soon)
    table, data = status_of(project)
    assert f"demo ends {soon}: within a week" in table
    assert data["demo_ends"] == soon.isoformat()
    toml = project.root / "sites/acme/site.toml"
    later = TODAY + dt.timedelta(days=8)
    toml.write_text(toml.read_text().replace(str(soon), str(later)))
    table, _ = status_of(project)
    assert f"demo ends {later}" in table and "within a week" not in table
    toml.write_text(toml.read_text().replace(str(later), str(TODAY - dt.timedelta(days=1))))
    assert "demo ended" in status_of(project)[0]


def test_the_studio_default_counts_from_the_first_publish(make_project):
    project, _ = project_with(make_project, studio_extra="demo_days = 30\n")
    assert status_of(project)[1]["demo_ends"] is None, "not published yet"
    assert project.run("publish").exit_code == 0
    assert status_of(project)[1]["demo_ends"] == (TODAY + dt.timedelta(days=30)).isoformat()


def test_a_bad_expiry_names_the_file(make_project):
    project, _ = project_with(make_project)
    toml = project.root / "sites/acme/site.toml"
    toml.write_text(toml.read_text() + 'expires = "next month"\n')
    result = project.run("publish")
    assert result.exit_code == 1
    assert "site.toml" in result.output and "expires" in result.output
