"""Pages shared among forked processes give the same build as one process, errors included."""

from __future__ import annotations

import gc
import types

import pytest

from sitegen.config.load import load_site, load_studio
from sitegen.content import convert
from sitegen.errors import TemplateError
from sitegen.model import Mode
from sitegen.pipeline import stages, todisk

PAGES = (
    "\n".join(
        f"-- sites/acme/content/posts/post-{n:02d}.md --\n---\ntitle: Post {n}\n---\nText {n}.\n"
        "![shop](../shop.png)\n"
        for n in range(12)
    )
    + "-- sites/acme/content/_index.md --\n# Home\n"
)


@pytest.fixture
def shared(monkeypatch):
    """Share even a small site among processes."""
    monkeypatch.setattr(todisk, "PARALLEL_FROM", 2)
    monkeypatch.setattr(todisk, "SLICE", 3)


def _files(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize("mode", [Mode.DEMO, Mode.RELEASE])
def test_shared_build_equals_the_in_memory_build(make_project, shared, mode):
    project = _project(make_project)
    studio = load_studio(project.root)
    site = load_site(studio, "acme")
    options = stages.BuildOptions(workers=2, use_cache=False)
    written = todisk.build_to_disk(studio, site, mode, options)
    in_memory = stages.build(studio, site, mode, options)
    expected = {
        o.path: o.data if o.data is not None else o.source.read_bytes() for o in in_memory.outputs
    }
    assert written.pages == in_memory.page_count and written.files == len(expected)
    assert _files(written.path) == expected
    if mode is Mode.DEMO:
        assert "Text 11." in project.out("posts/post-11/index.html")


def test_every_share_reports_its_template_errors(make_project, shared):
    project = _project(make_project).write(
        "-- sites/acme/templates/broken.html --\n{{ page.nothing_here }}\n"
        "-- sites/acme/templates/also-broken.html --\n{% if %}\n"
    )
    project.build()  # the broken templates are not used yet
    for n, template in ((0, "broken.html"), (11, "also-broken.html")):
        post = project.root / f"sites/acme/content/posts/post-{n:02d}.md"
        post.write_text(post.read_text().replace("---\nText", f"template: {template}\n---\nText"))
    studio = load_studio(project.root)
    site = load_site(studio, "acme")
    with pytest.raises(TemplateError) as raised:
        todisk.build_to_disk(studio, site, Mode.DEMO, stages.BuildOptions(workers=2))
    message = raised.value.format_message()
    assert "broken.html" in message and "also-broken.html" in message
    assert "Text 3." in project.out("posts/post-03/index.html"), "the last good build stays"


@pytest.mark.parametrize("use_cache", [True, False])
def test_the_writers_inherit_no_markdown_text_nor_html(
    make_project, shared, monkeypatch, use_cache
):
    """The render processes fork from the main one: what it still holds then, each of them
    holds too. Once converted, a page's Markdown is of no more use to a build on disk, and its
    HTML waits on disk for the worker that renders it."""
    project = _project(make_project)
    studio = load_studio(project.root)
    site = load_site(studio, "acme")
    inherited = []
    write_shares = todisk._write_shares

    def noting(work, shares, workers):
        inherited.append(work)
        return write_shares(work, shares, workers)

    monkeypatch.setattr(todisk, "_write_shares", noting)
    options = stages.BuildOptions(workers=2, use_cache=use_cache)
    todisk.build_to_disk(studio, site, Mode.DEMO, options, keep_unchanged=True)
    assert "Text 11." in project.out("posts/post-11/index.html")
    kept = {name: value for name, value in vars(convert).items() if name != "_CONVERTER"}
    texts = list(_strings(inherited[0], kept))  # the converter knows its last page alone
    assert "Post 11" in texts  # what pages show of each other stays
    assert not [text for text in texts if "Text 11." in text]  # no page's HTML
    assert not [text for text in texts if "![shop](../shop.png)" in text]


def test_an_edit_most_pages_did_not_read_renders_without_forking(make_project, shared, monkeypatch):
    """Forking the workers costs more than the few pages an edit makes again: the pages kept
    from the last build are linked, and the one edited rendered, by the build's own process."""
    project = _project(make_project)
    studio = load_studio(project.root)
    options = stages.BuildOptions(workers=2)
    todisk.build_to_disk(studio, load_site(studio, "acme"), Mode.DEMO, options, True)
    post = project.root / "sites/acme/content/posts/post-03.md"
    post.write_text(post.read_text().replace("Text 3.", "Text 3, edited."))
    shares = []
    write_shares = todisk._write_shares

    def noting(work, chosen, workers):
        shares.append(chosen)
        return write_shares(work, chosen, workers)

    monkeypatch.setattr(todisk, "_write_shares", noting)
    site = load_site(studio, "acme")
    written = todisk.build_to_disk(studio, site, Mode.DEMO, options, keep_unchanged=True)
    assert "posts/post-03/index.html" in written.rendered_pages
    assert written.rendered < written.pages
    assert len(shares[0]) == 1, "one share, written by this process"
    assert "Text 3, edited." in project.out("posts/post-03/index.html")
    assert "Text 11." in project.out("posts/post-11/index.html")


def _strings(*roots):
    """Every string reachable from `roots` through data, not through code or modules."""
    seen, stack = set(), list(roots)
    while stack:
        value = stack.pop()
        if id(value) in seen or isinstance(value, types.ModuleType | types.FunctionType | type):
            continue
        seen.add(id(value))
        if isinstance(value, str):
            yield value
        else:
            stack.extend(gc.get_referents(value))


def _project(make_project):
    project = make_project(PAGES)
    (project.root / "sites/acme/content/shop.png").write_bytes(_png())
    return project


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    return buffer.getvalue()
