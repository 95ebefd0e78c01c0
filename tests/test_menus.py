"""The main menu stays bounded however many pages a site has, and follows what it is told."""

from __future__ import annotations

import re

from conftest import SITE_TOML

_NAV = re.compile(r'<nav class="site-nav".*?</nav>', re.S)
_LINK = re.compile(r'<a href="([^"]*)"[^>]*>([^<]*)</a>')


def menu(html: str) -> list[tuple[str, str]]:
    """(url, label) of each item of the page's main menu, in order."""
    found = _NAV.search(html)
    return _LINK.findall(found[0]) if found else []


def flat_pages(count: int) -> str:
    return "".join(
        f"-- sites/acme/content/page-{n:03}.md --\n---\ntitle: Page {n:03}\n---\nText {n}.\n"
        for n in range(count)
    )


def with_site(text: str) -> str:
    return f"-- sites/acme/site.toml --\n{SITE_TOML.replace('[demo]', text + '[demo]')}"


def test_two_hundred_flat_pages_get_a_bounded_menu_and_the_home_pages_list_them_all(
    make_project,
):
    project = make_project(flat_pages(200) + "-- sites/acme/content/journal/first.md --\nHi.\n")
    project.build("--release")
    for path in ("index.html", "page-000/index.html", "page-150/index.html", "journal/index.html"):
        items = menu(project.out(path, mode="release"))
        assert 0 < len(items) <= 12, (path, items)
    items = menu(project.out("page-199/index.html", mode="release"))
    assert items == [
        ("/journal/", "Journal"),
        *((f"/page-{n:03}/", f"Page {n:03}") for n in range(8)),
    ]
    lists = ("index.html", *(f"page/{n}/index.html" for n in range(2, 6)))
    home = "".join(project.out(path, mode="release") for path in lists)
    assert all(f'href="/page-{n:03}/"' in home for n in range(200)), "the rest: from home"


def test_pages_that_ask_for_the_menu_are_in_it(make_project):
    project = make_project(
        flat_pages(30)
        + "-- sites/acme/content/zz-contact.md --\n---\ntitle: Zz Contact\nmenu: true\n---\n"
        + "-- sites/acme/content/journal/prices.md --\n---\ntitle: Prices\nmenu: true\n---\n"
        + "-- sites/acme/content/page-000.md --\n---\ntitle: Page 000\nmenu: false\n---\n"
    )
    project.build("--release")
    items = menu(project.out("page-005/index.html", mode="release"))
    assert ("/zz-contact/", "Zz Contact") in items
    assert ("/journal/prices/", "Prices") in items
    assert ("/page-000/", "Page 000") not in items
    assert len(items) <= 12


def test_site_toml_menu_sets_order_and_labels(make_project):
    project = make_project(
        flat_pages(20)
        + with_site(
            'menu = [\n  "page-019.md",\n  { page = "journal", label = "News" },\n'
            '  { page = "page-003.md", label = "Our story" },\n]\n'
        )
        + "-- sites/acme/content/journal/first.md --\nHi.\n"
    )
    project.build("--release")
    for path in ("index.html", "page-010/index.html"):
        assert menu(project.out(path, mode="release")) == [
            ("/page-019/", "Page 019"),
            ("/journal/", "News"),
            ("/page-003/", "Our story"),
        ]
    demo = project.out("journal/first/index.html")
    assert menu(demo)[1] == ("/journal/", "News")
    assert 'href="/journal/" aria-current="page"' in demo, "the section is current on its pages"


def test_a_menu_entry_for_a_page_that_does_not_exist_names_site_toml_and_its_line(
    make_project,
):
    project = make_project(
        flat_pages(3) + with_site('menu = [\n  "page-001.md",\n  "page-01.md",\n]\n')
    )
    result = project.run("build")
    assert result.exit_code == 1
    assert "site.toml:10" in result.output, result.output
    assert "menu entry 'page-01.md' is not a page in content/" in result.output
    assert "page-001.md" in result.output.split("page-01.md' is not")[1], "did you mean"
    assert not (project.root / "build" / "acme" / "demo").exists()


def test_a_bad_menu_entry_in_site_toml_is_named_with_its_line(make_project):
    project = make_project(
        flat_pages(2) + with_site('menu = ["page-000.md", { page = "/x.md", lable = "X" }]\n')
    )
    result = project.run("build")
    assert result.exit_code == 1
    assert "site.toml:8" in result.output, result.output
    assert "unknown key 'lable' in a menu entry" in result.output
    assert "did you mean 'label'" in result.output


def test_a_menu_over_the_limit_warns_naming_the_file(make_project):
    entries = ", ".join(f'"page-{n:03}.md"' for n in range(14))
    project = make_project(flat_pages(14) + with_site(f"menu = [{entries}]\n"))
    result = project.build()
    assert "site.toml:8" in result.output, result.output
    assert "the main menu has 14 items, more than 12" in result.output
    assert len(menu(project.out("page-000/index.html"))) == 14, "a warning, not a cut"


def test_many_pages_asking_for_the_menu_warn_naming_a_page(make_project):
    pages = "".join(
        f"-- sites/acme/content/p{n:02}.md --\n---\ntitle: P{n:02}\nmenu: true\n---\n"
        for n in range(13)
    )
    result = make_project(pages).build()
    assert "p12.md:3" in result.output, result.output
    assert "the main menu has 13 items, more than 12" in result.output
