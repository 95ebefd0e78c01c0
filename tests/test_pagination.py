"""Home and section lists cut into pages of `[site] per_page` entries, and each page's
neighbours in its section: what a visitor gets in the built HTML, release and demo."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from test_serve import clean_build, start

from conftest import PAYLOAD_ID, SITE_TOML
from sitegen.model import Mode

_ENTRY = re.compile(r'<h3><a href="([^"]*)">([^<]*)</a></h3>')
_HINT = re.compile(r'<link rel="(prev|next)" href="([^"]*)">')
_PAGER = re.compile(r'<nav class="pagination".*?</nav>', re.S)
_PAGER_LINK = re.compile(r'<a class="pagination-(prev|next)" href="([^"]*)"')


def journal(count: int) -> str:
    """A section of `count` dated posts, newest first in the list: post 001 is the newest."""
    return (
        "-- sites/acme/content/journal/_index.md --\n---\ntitle: Journal\n---\nOur news.\n"
        + "".join(
            f"-- sites/acme/content/journal/post-{n:03}.md --\n"
            f"---\ntitle: Post {n:03}\ndate: {_day(n)}\n---\nText {n}.\n"
            for n in range(1, count + 1)
        )
    )


def _day(n: int) -> str:
    """Post 1 is the newest: a day further back for each post after it."""
    return (dt.date(2026, 11, 30) - dt.timedelta(days=n)).isoformat()


def with_site(text: str, language: str = "") -> str:
    site = SITE_TOML.replace("[demo]", text + "[demo]")
    if language:
        site = site.replace('title = "Acme Site"', f'title = "Acme Site"\nlanguage = "{language}"')
    return f"-- sites/acme/site.toml --\n{site}"


def entries(html: str) -> list[str]:
    """Titles of the list's entries on a page, in order."""
    return [title for _, title in _ENTRY.findall(html)]


def hints(html: str) -> dict[str, str]:
    head = html.split("</head>")[0]
    return dict(_HINT.findall(head))


def pager(html: str) -> dict[str, str]:
    found = _PAGER.search(html)
    return dict(_PAGER_LINK.findall(found[0])) if found else {}


def posts(first: int, last: int) -> list[str]:
    return [f"Post {n:03}" for n in range(first, last + 1)]


def test_a_section_of_120_pages_with_per_page_50_makes_three_list_pages(make_project):
    project = make_project(journal(120) + with_site("per_page = 50\n"))
    project.build("--release")
    first = project.out("journal/index.html", mode="release")
    second = project.out("journal/page/2/index.html", mode="release")
    third = project.out("journal/page/3/index.html", mode="release")
    assert entries(first) == posts(1, 50)
    assert entries(second) == posts(51, 100)
    assert entries(third) == posts(101, 120)
    assert "Our news." in first and "Our news." not in second, "its own text on page 1 only"

    assert pager(first) == {"next": "/journal/page/2/"}
    assert pager(second) == {"prev": "/journal/", "next": "/journal/page/3/"}
    assert pager(third) == {"prev": "/journal/page/2/"}
    assert hints(first) == {"next": "/journal/page/2/"}
    assert hints(second) == {"prev": "/journal/", "next": "/journal/page/3/"}
    assert hints(third) == {"prev": "/journal/page/2/"}
    assert "Page 1 of 3" in first and "Page 2 of 3" in second and "Page 3 of 3" in third
    assert "<title>Journal — Acme Site (Page 2 of 3)</title>" in second

    files = project.out_files(mode="release")
    assert "journal/page/1/index.html" not in files, "page 1 is the list's own address"
    assert "journal/page/4/index.html" not in files
    assert 'href="/journal/" aria-current="page"' in second, "the menu shows where one is"


def test_the_home_list_is_paginated_too_and_pages_are_in_the_sitemap(make_project):
    flat = "".join(
        f"-- sites/acme/content/p{n:02}.md --\n---\ntitle: P{n:02}\nweight: {n}\n---\n"
        for n in range(1, 8)
    )
    release = '[release]\ndomain = "www.acme.example"\n\n'
    project = make_project(flat + with_site("per_page = 3\n\n" + release))
    project.build("--release")
    home = project.out("index.html", mode="release")
    assert entries(home) == ["P01", "P02", "P03"]
    assert entries(project.out("page/2/index.html", mode="release")) == ["P04", "P05", "P06"]
    assert entries(project.out("page/3/index.html", mode="release")) == ["P07"]
    assert hints(home) == {"next": "/page/2/"}
    sitemap = project.out("sitemap.xml", mode="release")
    assert "<loc>https://www.acme.example/page/2/</loc>" in sitemap
    assert "<loc>https://www.acme.example/page/3/</loc>" in sitemap


def test_a_list_shorter_than_per_page_is_one_page(make_project):
    project = make_project(journal(12))
    project.build("--release")
    first = project.out("journal/index.html", mode="release")
    assert entries(first) == posts(1, 12)
    assert pager(first) == {} and 'class="pagination"' not in first
    assert hints(first) == {}
    assert not any("/page/" in path for path in project.out_files(mode="release"))


def test_neighbours_follow_the_list_order_and_stop_at_its_ends(make_project):
    project = make_project(journal(3) + "-- sites/acme/content/about.md --\nAbout us.\n")
    project.build("--release")
    newest = project.out("journal/post-001/index.html", mode="release")
    middle = project.out("journal/post-002/index.html", mode="release")
    oldest = project.out("journal/post-003/index.html", mode="release")
    neighbours = re.compile(r'<a class="page-neighbours-(prev|next)" href="([^"]*)">')
    assert dict(neighbours.findall(newest)) == {"next": "/journal/post-002/"}
    assert dict(neighbours.findall(middle)) == {
        "prev": "/journal/post-001/",
        "next": "/journal/post-003/",
    }
    assert dict(neighbours.findall(oldest)) == {"prev": "/journal/post-002/"}
    assert "page-neighbours" not in project.out("about/index.html", mode="release")


def test_templates_see_the_paginator_and_the_neighbours(make_project):
    project = make_project(
        journal(5) + with_site("per_page = 2\n") + "-- sites/acme/templates/section.html --\n"
        "{% set p = page.paginator %}{{ p.number }}/{{ p.total }} {{ p.entries }} "
        "{{ p.first_url }} {{ p.last_url }} {{ p.prev_url }} {{ p.next_url }} {{ p.url(1) }} "
        "{% for item in p.pages %}[{{ item.title }}|{{ item.prev.title if item.prev }}|"
        "{{ item.next.title if item.next }}]{% endfor %}\n"
    )
    project.build("--release")
    assert project.out("journal/page/2/index.html", mode="release").strip() == (
        "2/3 5 /journal/ /journal/page/3/ /journal/ /journal/page/3/ /journal/ "
        "[Post 003|Post 002|Post 004][Post 004|Post 003|Post 005]"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "must be 1 or more, not 0"),
        ("-5", "must be 1 or more, not -5"),
        ("12.5", "must be a whole number"),
        ('"ten"', "must be a whole number"),
    ],
)
def test_a_bad_per_page_names_site_toml_and_its_line(make_project, value, message):
    project = make_project(journal(2) + with_site(f"per_page = {value}\n"))
    result = project.run("build", "--release")
    assert result.exit_code != 0
    assert "site.toml:8" in result.output, result.output
    assert f"'per_page' in [site] {message}" in result.output, result.output


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


JOURNAL = "sites/acme/content/journal/"
# Edits that move entries from one page of a list to another, add a page and take one away.
REPAGING = {
    "a newest post pushes one entry onto each next page": lambda root: (
        root / JOURNAL / "post-000.md"
    ).write_text("---\ntitle: Post 000\ndate: 2026-11-30\n---\nNew.\n", encoding="utf-8"),
    "an old post dated anew moves to page 1": lambda root: _retitle(
        root / JOURNAL / "post-005.md", f"date: {_day(5)}", "date: 2026-12-01"
    ),
    "a post gone shortens the list by a page": lambda root: (
        root / JOURNAL / "post-005.md"
    ).unlink(),
    "a new per_page": lambda root: _retitle(
        root / "sites/acme/site.toml", "per_page = 2", "per_page = 3"
    ),
}


def _retitle(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("edit", list(REPAGING), ids=list(REPAGING))
def test_a_build_keeping_pages_equals_a_clean_build_when_entries_change_pages(make_project, edit):
    project = make_project(journal(5) + with_site("per_page = 2\n"))
    project.build()
    before = project.out_files()
    REPAGING[edit](project.root)
    assert "(up to date)" not in project.build().output
    kept = _snapshot(project.root / "build/acme/demo")
    assert kept.keys() != before or edit.startswith("an old post"), "pages came or went"
    project.build("--no-cache")
    assert _snapshot(project.root / "build/acme/demo") == kept


@pytest.mark.parametrize("mode", [Mode.DEMO, Mode.RELEASE])
def test_the_served_site_equals_a_clean_build_as_entries_change_pages(make_project, mode):
    served = start(make_project(journal(5) + with_site("per_page = 2\n")), mode)
    try:
        for what, edit in REPAGING.items():
            served.change(edit)
            assert served.server.preview.snapshot.failure is None, what
            expected = clean_build(served.root, mode)
            assert set(served.server.preview.snapshot.files) == set(expected), what
            for output_path, data in expected.items():
                url = "/" + output_path.removesuffix("index.html")
                assert served.get(url)[2] == data, f"after {what}: {output_path} differs"
    finally:
        served.server.stop()


def test_a_page_of_its_own_at_a_list_pages_address_stops_the_build_naming_both(make_project):
    clash = "-- sites/acme/content/journal/page/2.md --\n---\ntitle: Mine\n---\n"
    project = make_project(journal(3) + with_site("per_page = 2\n") + clash)
    result = project.run("build", "--release")
    assert result.exit_code != 0
    assert "two sources would write journal/page/2/index.html" in result.output, result.output
    assert "content/journal/page/2.md" in result.output


def test_a_demo_locks_every_page_of_a_list(make_project):
    project = make_project(journal(120) + with_site("per_page = 50\n"))
    project.build()
    for path, first, last in (
        ("journal/index.html", 1, 50),
        ("journal/page/2/index.html", 51, 100),
        ("journal/page/3/index.html", 101, 120),
    ):
        locked = project.out(path, raw=True)
        assert f'id="{PAYLOAD_ID}"' in locked, f"{path} is locked"
        assert "Post 0" not in locked and "Post 1" not in locked, f"{path} shows no entry"
        assert entries(project.out(path)) == posts(first, last), "and opens with the password"
