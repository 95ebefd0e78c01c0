"""The preview server's copy of a site's content equals a full read after any change."""

from __future__ import annotations

import pytest

from sitegen.config.load import load_site, load_studio
from sitegen.content import sitepages
from sitegen.errors import ContentError
from sitegen.serve.contentmemo import ContentMemo

PAGES = """
-- sites/acme/content/about.md --
---
title: About
---
About us.
-- sites/acme/content/blog/first.md --
---
title: First
---
First words.
"""


def test_a_changed_page_is_read_again_and_the_rest_kept(make_project):
    project = make_project(PAGES)
    site = load_site(load_studio(project.root), "acme")
    memo = ContentMemo()
    memo.changed(None)
    before = memo.load(site, False)
    about = project.root / "sites/acme/content/about.md"
    about.write_text("---\ntitle: About us\n---\nMore.\n")
    memo.changed([about])
    after = memo.load(site, False)
    assert after == sitepages.load(site, False)
    assert after.pages[1] is before.pages[1], "the unchanged page is the same object"


@pytest.mark.parametrize(
    "change",
    ["new page", "deleted page", "becomes a draft", "not a page"],
)
def test_anything_but_an_edited_page_reads_everything_again(make_project, change):
    project = make_project(PAGES)
    site = load_site(load_studio(project.root), "acme")
    folder = project.root / "sites/acme/content"
    memo = ContentMemo()
    memo.load(site, False)
    if change == "new page":
        path = folder / "blog/second.md"
        path.write_text("# Second\n")
    elif change == "deleted page":
        path = folder / "blog/first.md"
        path.unlink()
    elif change == "becomes a draft":
        path = folder / "about.md"
        path.write_text("---\ntitle: About\ndraft: true\n---\n")
    else:
        path = project.root / "sites/acme/site.toml"
        path.write_text(path.read_text())
    memo.changed([path])
    assert memo.load(site, False) == sitepages.load(site, False)


def test_a_broken_page_keeps_failing_until_it_is_fixed(make_project):
    project = make_project(PAGES)
    site = load_site(load_studio(project.root), "acme")
    memo = ContentMemo()
    memo.load(site, False)
    about = project.root / "sites/acme/content/about.md"
    first = project.root / "sites/acme/content/blog/first.md"
    about.write_text("---\ntitle: [unclosed\n---\n")
    memo.changed([about])
    with pytest.raises(ContentError):
        memo.load(site, False)
    first.write_text("---\ntitle: First\n---\nEdited.\n")
    memo.changed([first])
    with pytest.raises(ContentError, match="about.md"):
        memo.load(site, False)
    about.write_text("---\ntitle: About\n---\nFixed.\n")
    memo.changed([about])
    assert memo.load(site, False) == sitepages.load(site, False)
