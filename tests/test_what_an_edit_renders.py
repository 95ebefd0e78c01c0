"""After an edit, `sitegen build` and `sitegen serve` render again the same pages, chosen by
the one record of what each page read: those that show what changed, and no other. Each
result is what a clean build gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.config.load import load_site, load_studio
from sitegen.errors import SitegenError
from sitegen.model import Mode
from sitegen.pipeline import stages, todisk
from test_serve import EDITS, SITE, start, write


def _build_on_disk(root: Path, mode: Mode) -> todisk.Written:
    """What `sitegen build` does once it found the build out of date."""
    studio = load_studio(root)
    site = load_site(studio, "acme")
    return todisk.build_to_disk(studio, site, mode, stages.BuildOptions(), keep_unchanged=True)


def _clean_build(root: Path, mode: Mode) -> dict[str, bytes]:
    studio = load_studio(root)
    site = load_site(studio, "acme")
    options = stages.BuildOptions(use_cache=False)
    result = stages.build(studio, site, mode, options)
    return {o.path: o.data if o.data is not None else o.source.read_bytes() for o in result.outputs}


def _folder(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize("mode", [Mode.DEMO, Mode.RELEASE])
def test_build_and_serve_render_the_same_pages_after_each_kind_of_edit(make_project, mode):
    served = start(make_project(SITE), mode)
    try:
        first = _build_on_disk(served.root, mode)
        assert first.rendered_pages == served.server.preview.memo.stats.rendered_pages
        for what, edit, converted, _ in EDITS:
            served.change(edit)
            if converted is None:  # serve shows the failure; the build fails alike
                with pytest.raises(SitegenError):
                    _build_on_disk(served.root, mode)
                continue
            written = _build_on_disk(served.root, mode)
            in_serve = served.server.preview.memo.stats.rendered_pages
            assert written.rendered_pages == in_serve, (
                f"after {what}: build renders {sorted(written.rendered_pages)}, "
                f"serve {sorted(in_serve)}"
            )
            assert _folder(written.path) == _clean_build(served.root, mode), what
    finally:
        served.server.stop()


NOTES = 300
FLAT_FOLDER = (
    "-- sites/acme/content/notes/_index.md --\n---\ntitle: Notes\n---\nAll notes.\n"
    + "".join(
        f"-- sites/acme/content/notes/n{i:03}.md --\n---\ntitle: Note {i}\n---\nText {i}.\n"
        for i in range(NOTES)
    )
)


def test_a_page_added_to_a_flat_folder_renders_only_the_pages_that_show_it(make_project):
    project = make_project(FLAT_FOLDER)
    served = start(project, Mode.RELEASE)
    try:
        _build_on_disk(project.root, Mode.RELEASE)
        before = _clean_build(project.root, Mode.RELEASE)
        served.change(write("sites/acme/content/notes/new.md", "---\ntitle: New\n---\nNew.\n"))
        written = _build_on_disk(project.root, Mode.RELEASE)
        after = _clean_build(project.root, Mode.RELEASE)
        assert written.rendered_pages == {"notes/new/index.html", "notes/index.html"}
        assert served.server.preview.memo.stats.rendered_pages == written.rendered_pages
        changed = {path for path in after if before.get(path) != after[path]}
        assert changed <= written.rendered_pages, "every page that shows it is rendered"
        assert _folder(written.path) == after
    finally:
        served.server.stop()


def test_a_description_renders_the_same_pages_in_build_and_serve(make_project):
    project = make_project(FLAT_FOLDER)
    served = start(project, Mode.DEMO)
    try:
        _build_on_disk(project.root, Mode.DEMO)
        note = "sites/acme/content/notes/n005.md"
        served.change(write(note, "---\ntitle: Note 5\ndescription: Fifth\n---\nText 5.\n"))
        written = _build_on_disk(project.root, Mode.DEMO)
        assert written.rendered_pages == {"notes/n005/index.html", "notes/index.html"}
        assert served.server.preview.memo.stats.rendered_pages == written.rendered_pages
        assert _folder(written.path) == _clean_build(project.root, Mode.DEMO)
    finally:
        served.server.stop()
