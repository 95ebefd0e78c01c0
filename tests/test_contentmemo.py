"""The preview server's copy of a site's content equals a full read after any change."""

from __future__ import annotations

import pytest

from sitegen.config.load import load_site, load_studio
from sitegen.content import contentmemo, sitepages
from sitegen.errors import ContentError

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
    before = contentmemo.load(site, False)
    about = project.root / "sites/acme/content/about.md"
    about.write_text("---\ntitle: About us\n---\nMore.\n")
    after = contentmemo.load(site, False, kept=before, changed=[about]).content
    assert after == sitepages.load(site, False)
    assert after.pages[1] is before.content.pages[1], "the unchanged page is the same object"


@pytest.mark.parametrize(
    "change",
    ["new page", "deleted page", "becomes a draft", "not a page", "unknown"],
)
def test_anything_but_an_edited_page_reads_everything_again(make_project, change):
    project = make_project(PAGES)
    site = load_site(load_studio(project.root), "acme")
    folder = project.root / "sites/acme/content"
    kept = contentmemo.load(site, False)
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
        (folder / "about.md").write_text("---\ntitle: Told nothing\n---\n")
    changed = None if change == "unknown" else [path]
    loaded = contentmemo.load(site, False, kept=kept, changed=changed)
    assert loaded.content == sitepages.load(site, False)


def test_a_broken_page_keeps_failing_until_it_is_fixed(make_project):
    """The changes since the last good read are told each time: a preview server gathers
    them until a build succeeds."""
    project = make_project(PAGES)
    site = load_site(load_studio(project.root), "acme")
    good = contentmemo.load(site, False)
    about = project.root / "sites/acme/content/about.md"
    first = project.root / "sites/acme/content/blog/first.md"
    about.write_text("---\ntitle: [unclosed\n---\n")
    with pytest.raises(ContentError):
        contentmemo.load(site, False, kept=good, changed=[about])
    first.write_text("---\ntitle: First\n---\nEdited.\n")
    with pytest.raises(ContentError, match="about.md"):
        contentmemo.load(site, False, kept=good, changed=[about, first])
    about.write_text("---\ntitle: About\n---\nFixed.\n")
    loaded = contentmemo.load(site, False, kept=good, changed=[about, first])
    assert loaded.content == sitepages.load(site, False)
