"""After an edit, `sitegen build` and `sitegen serve` render again the same pages, chosen by
the one record of what each page read: those that show what changed, and no other. Each
result is what a clean build gives.

The preview's builder is told the files changed, as its watcher would tell it, so that a
two-file edit is never seen as two edits."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_serve import EDITS, SITE, write

from sitegen.config.load import load_site, load_studio
from sitegen.errors import SitegenError
from sitegen.model import Mode
from sitegen.pipeline import stages, todisk
from sitegen.serve.livereload import Hub
from sitegen.serve.rebuild import Preview


class Previewed:
    """`sitegen serve`'s builder, told what each edit changed."""

    def __init__(self, root: Path, mode: Mode):
        self.root = root
        self.preview = Preview(root, "acme", mode, Hub(), echo=lambda *a, **k: None)
        self.preview.rebuild()

    def change(self, edit) -> None:
        before = self._files()
        edit(self.root)
        after = self._files()
        changed = {Path(p) for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
        self.preview.rebuild(changed)

    @property
    def rendered(self) -> frozenset[str]:
        return self.preview.stats.rendered_pages

    @property
    def failed(self) -> bool:
        return self.preview.snapshot.failure is not None

    def _files(self) -> dict[str, tuple[int, int]]:
        found = {}
        for path in self.root.rglob("*"):
            if path.relative_to(self.root).parts[0] != "build":
                stat = path.stat()
                found[str(path)] = (stat.st_mtime_ns, stat.st_size)
        return found


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
    root = make_project(SITE).root
    served = Previewed(root, mode)
    first = _build_on_disk(root, mode)
    assert first.rendered_pages == served.rendered
    for what, edit, converted, _ in EDITS:
        served.change(edit)
        if converted is None:  # serve shows the failure; the build fails alike
            assert served.failed, what
            with pytest.raises(SitegenError):
                _build_on_disk(root, mode)
            continue
        written = _build_on_disk(root, mode)
        assert written.rendered_pages == served.rendered, (
            f"after {what}: build renders {sorted(written.rendered_pages)}, "
            f"serve {sorted(served.rendered)}"
        )
        assert _folder(written.path) == _clean_build(root, mode), what


NOTES = 300
FLAT_FOLDER = (
    "-- sites/acme/content/notes/_index.md --\n---\ntitle: Notes\n---\nAll notes.\n"
    + "".join(
        f"-- sites/acme/content/notes/n{i:03}.md --\n---\ntitle: Note {i}\n---\nText {i}.\n"
        for i in range(NOTES)
    )
)


def test_a_page_added_to_a_flat_folder_renders_only_the_pages_that_show_it(make_project):
    root = make_project(FLAT_FOLDER).root
    served = Previewed(root, Mode.RELEASE)
    _build_on_disk(root, Mode.RELEASE)
    before = _clean_build(root, Mode.RELEASE)
    served.change(write("sites/acme/content/notes/new.md", "---\ntitle: New\n---\nNew.\n"))
    written = _build_on_disk(root, Mode.RELEASE)
    after = _clean_build(root, Mode.RELEASE)
    changed = {path for path in after if before.get(path) != after[path]}
    # The page, its one neighbour ("New" sorts first), and the list's pages, whose entries
    # all move one place: 301 notes, 50 a page.
    lists = {"notes/index.html", *(f"notes/page/{n}/index.html" for n in range(2, 8))}
    expected = {"notes/new/index.html", "notes/n000/index.html", *lists}
    assert written.rendered_pages == expected
    assert served.rendered == written.rendered_pages
    assert changed == written.rendered_pages, "every page that shows it, and no other"
    assert _folder(written.path) == after


def test_a_description_renders_the_same_pages_in_build_and_serve(make_project):
    root = make_project(FLAT_FOLDER).root
    served = Previewed(root, Mode.DEMO)
    _build_on_disk(root, Mode.DEMO)
    note = "sites/acme/content/notes/n005.md"
    served.change(write(note, "---\ntitle: Note 5\ndescription: Fifth\n---\nText 5.\n"))
    written = _build_on_disk(root, Mode.DEMO)
    # Titles sort as text: "Note 5" comes after "Note 0".."Note 4", "Note 10".."Note 49" and
    # "Note 100".."Note 299", 245 entries, so the list's fifth page shows it.
    assert written.rendered_pages == {"notes/n005/index.html", "notes/page/5/index.html"}
    assert served.rendered == written.rendered_pages
    assert _folder(written.path) == _clean_build(root, Mode.DEMO)
