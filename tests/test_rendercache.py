"""Pages kept from the previous build: after any edit, the same bytes as a clean build."""

from __future__ import annotations

import datetime as dt

import pytest

from sitegen.config.load import load_site, load_studio
from sitegen.model import Mode
from sitegen.pipeline import todisk
from sitegen.pipeline.stages import BuildOptions

SITE = """
-- sites/acme/content/_index.md --
# Home
-- sites/acme/content/blog/_index.md --
---
title: Blog
---
All posts.
-- sites/acme/content/blog/first.md --
---
title: First post
date: 2026-01-02
---
The first words. See [the second](second.md).
-- sites/acme/content/blog/second.md --
---
title: Second post
date: 2026-01-03
---
The second words.
-- sites/acme/content/about.md --
---
title: About
---
About us.
-- sites/acme/templates/section.html --
{% extends "page.html" %}
{% block content %}{% for p in page.pages %}<article>{{ p.content }}</article>{% endfor %}
{% endblock %}
"""


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


EDITS = {
    "a page's body": lambda root: _replace(
        root / "sites/acme/content/about.md", "About us.", "About all of us."
    ),
    "a body another page shows": lambda root: _replace(
        root / "sites/acme/content/blog/second.md", "second words", "second, longer words"
    ),
    "a title in the menu and in links": lambda root: _replace(
        root / "sites/acme/content/blog/second.md", "Second post", "Post number two"
    ),
    "a date that reorders a list": lambda root: _replace(
        root / "sites/acme/content/blog/first.md", "2026-01-02", "2026-02-02"
    ),
    "a template": lambda root: _replace(
        root / "themes/default/templates/base.html", "{% endblock %}", "<!--x-->{% endblock %}"
    ),
    "the site title": lambda root: _replace(
        root / "sites/acme/site.toml", "Acme Site", "Acme Bakery"
    ),
    "a new page": lambda root: (root / "sites/acme/content/blog/third.md").write_text(
        "---\ntitle: Third\n---\nThird words.\n", encoding="utf-8"
    ),
    "a removed page": lambda root: (root / "sites/acme/content/about.md").unlink(),
    "a new client file": lambda root: (root / "sites/acme/content/notes.txt").write_text(
        "notes", encoding="utf-8"
    ),
}


def _snapshot(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_a_build_keeping_pages_equals_a_clean_build(make_project, edit):
    project = make_project(SITE)
    project.build()
    EDITS[edit](project.root)
    output = project.build().output
    assert "(up to date)" not in output
    kept = _snapshot(project.root / "build/acme/demo")
    project.build("--no-cache")
    assert _snapshot(project.root / "build/acme/demo") == kept


def _build(project, day=dt.date(2026, 11, 27)):
    studio = load_studio(project.root)
    site = load_site(studio, "acme")
    options = BuildOptions(today=day)
    return todisk.build_to_disk(studio, site, Mode.DEMO, options, keep_unchanged=True)


def test_only_pages_whose_inputs_changed_are_made_again(make_project):
    project = make_project(SITE)
    first = _build(project)
    assert first.rendered == first.pages
    assert _build(project).rendered == 0
    EDITS["a page's body"](project.root)
    assert _build(project).rendered == 1, "about/ alone"
    EDITS["a body another page shows"](project.root)
    assert _build(project).rendered == 2, "blog/second/ and blog/, which shows its body"
    EDITS["a title in the menu and in links"](project.root)
    # blog/ shows bodies, a post is not in the menu; the first post names it as its neighbour.
    assert _build(project).rendered_pages == {"blog/second/index.html", "blog/first/index.html"}
    _replace(project.root / "sites/acme/content/about.md", "title: About", "title: Us")
    assert _build(project).rendered == first.pages, "every page shows the menu"
    later = _build(project, dt.date(2026, 11, 28))
    assert later.rendered == first.pages, "a new day: the status page may change"


def test_a_kept_page_whose_file_was_touched_is_made_again(make_project):
    project = make_project(SITE)
    _build(project)
    page = project.root / "build/acme/demo/about/index.html"
    good = page.read_bytes()
    page.write_bytes(b"tampered")
    assert _build(project).rendered == 1
    assert page.read_bytes() == good
