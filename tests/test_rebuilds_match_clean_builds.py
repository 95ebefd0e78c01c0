"""A rebuild that keeps pages, in memory (`sitegen serve`) or on disk (`sitegen build`), gives
the bytes a clean build of the same files gives, whatever came before it: a long run of edits
that move pages between sections and list pages, rename link targets, shadow templates, fail
and are fixed, or go back to an earlier text; then a seeded walk of random edits, one or two
at a time, to the same kinds of things.

Each edit is followed by the preview server's rebuild (told the files changed, as its watcher
tells it), a build on disk keeping unchanged pages, and a clean build without any cache."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace
from pathlib import Path
from random import Random

import pytest
from test_serve import both, delete, rename, write

from sitegen.config.load import load_site, load_studio
from sitegen.errors import SitegenError
from sitegen.model import BuildOptions, Mode
from sitegen.pipeline import stages, todisk
from sitegen.render import themes
from sitegen.render.themefolders import theme_folders
from sitegen.serve import livereload, studiopins
from sitegen.serve.livereload import Hub
from sitegen.serve.rebuild import Preview, release_banner

C = "sites/acme/content/"
T = "sites/acme/templates/"
TOML = "sites/acme/site.toml"


def site_toml(per_page: int = 2, menu: str = '["about.md", { page = "journal", label = "News" }]'):
    return (
        '[client]\nname = "Acme"\nemail = "acme@example.com"\n'
        f'[site]\ntitle = "Acme Site"\nper_page = {per_page}\nmenu = {menu}\n'
        '[demo]\npassword = "correct-horse-battery"\n'
    )


def post(title: str, date: str, text: str = "Text.", extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n{text}\n"


SITE = (
    f"-- {TOML} --\n{site_toml()}"
    f"-- {C}_index.md --\n---\ntitle: Welcome\n---\n"
    "Read [about us](about.md) and [the oven](journal/oven.md).\n"
    f"-- {C}about.md --\n---\ntitle: About us\n---\nWe bake.\n"
    f"-- {C}journal/_index.md --\n---\ntitle: Journal\n---\nNews.\n"
    f"-- {C}journal/oven.md --\n{post('The oven', '2026-10-01', 'Like [us](../about.md).')}"
    f"-- {C}journal/rye.md --\n{post('Rye', '2026-10-02')}"
    f"-- {C}journal/spelt.md --\n{post('Spelt', '2026-10-03')}"
    f"-- {C}notes/loose.md --\n---\ntitle: Loose\n---\nIn a folder without an index.\n"
)

WITH_NOTE = (
    "{% extends 'base:page.html' %}"
    "{% block title %}{% include 'note.html' ignore missing %}{% endblock %}"
)
ABOUT_TEMPLATE = "{% extends 'page.html' %}{% block title %}About the bakery{% endblock %}"


def home(about: str, oven: str) -> str:
    return f"---\ntitle: Welcome\n---\nRead [about us]({about}) and [the oven]({oven}).\n"


def oven(date: str = "2026-10-05", about: str = "about.md", slug: str = "") -> str:
    extra = f"slug: {slug}\n" if slug else ""
    return post("The oven", date, f"Like [us](../{about}).", extra)


def rye(extra: str = "") -> str:
    return post("Rye bread", "2026-10-02", extra=extra)


def spelt(title: str) -> str:
    return post(title, "2026-10-03", extra="weight: 1\n")


def barley(title: str) -> str:
    return post(title, "2026-08-01", extra="description: Grain\n")


def retitle(root: Path) -> None:
    toml = root / TOML
    toml.write_text(toml.read_text().replace("Acme Site", "Acme Bakery"))


def put(rel: str, text: str):
    """An edit writing a file, in a folder made if need be."""

    def edit(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)

    return edit


def in_toml(old: str, new: str):
    """An edit of site.toml: `old` replaced by `new` (appended when `old` is empty)."""

    def edit(root: Path) -> None:
        text = (root / TOML).read_text()
        (root / TOML).write_text(text.replace(old, new) if old else text + new)

    return edit


REPORT = "sites/acme/assets/files/report.zip"
PUBLIC = 'public = ["assets/files/report.zip"]\n'
MILESTONE = (
    '[[milestones]]\nid = "all"\ntitle = "Everything"\nshare = 100\namount = 1000.00\n'
    'currency = "EUR"\ndue = 2026-01-10\nstate = "approved"\n'
)
LOGO = "sites/acme/assets/design/logo.svg"
SVG = '<svg xmlns="http://www.w3.org/2000/svg"><rect width="{}" height="5"/></svg>'
LINKED = "# Bakers\n\n[It](../assets/files/report.zip)\n"
MENU_LABEL = '["about.md", { page = "journal", label = "Blog" }]'
ABOUT = "---\ntitle: About us\ntemplate: about.html\n---\nWe bake.\n"
JOURNAL = "---\ntitle: Our journal\n---\nNews.\n"

# Each edit in the order applied; every state after one is compared with a clean build.
EDITS = [
    ("a title in lists and neighbours", write(C + "journal/rye.md", rye())),
    ("a date that reorders the list", write(C + "journal/oven.md", oven())),
    ("a weight", write(C + "journal/spelt.md", spelt("Spelt"))),
    ("a slug of a linked page", write(C + "journal/oven.md", oven(slug="our-oven"))),
    ("the slug again", write(C + "journal/oven.md", oven(slug="oven2"))),
    ("a draft", write(C + "journal/rye.md", rye("draft: true\n"))),
    ("the draft published", write(C + "journal/rye.md", rye())),
    ("a fourth post, past a list page", write(C + "journal/wheat.md", post("Wheat", "2026-09-01"))),
    ("a fifth", write(C + "journal/barley.md", post("Barley", "2026-08-01"))),
    ("a post moved to a folder", rename(C + "journal/wheat.md", C + "notes/wheat.md")),
    ("an index for that folder", write(C + "notes/_index.md", "---\ntitle: Notes\n---\n")),
    ("a post moved back", rename(C + "notes/wheat.md", C + "journal/wheat.md")),
    ("the index removed", delete(C + "notes/_index.md")),
    ("per_page", write(TOML, site_toml(per_page=3))),
    ("per_page back", write(TOML, site_toml(per_page=2))),
    ("a menu label", write(TOML, site_toml(menu=MENU_LABEL))),
    ("a menu entry by title", write(TOML, site_toml(menu='["about.md", "journal/spelt.md"]'))),
    ("the menu's page retitled", write(C + "journal/spelt.md", spelt("Spelt loaf"))),
    ("a client template shadowing the theme's", write(T + "page.html", WITH_NOTE)),
    ("the include appears", write(T + "note.html", "Note: ")),
    ("the include changes", write(T + "note.html", "Notice: ")),
    ("that template", write(T + "about.html", ABOUT_TEMPLATE)),
    ("a page naming its own template", write(C + "about.md", ABOUT)),
    ("the shadowing template removed", delete(T + "page.html")),
    ("a title taken from the heading", write(C + "about.md", "# About the bakery\n\nWe bake.\n")),
    ("the heading changed", write(C + "about.md", "# About the bakers\n\nWe bake.\n")),
    ("the link's target renamed", rename(C + "about.md", C + "bakery.md")),
    ("the links fixed", both(
        write(C + "_index.md", home("bakery.md", "journal/rye.md")),
        write(C + "journal/oven.md", oven(about="bakery.md", slug="oven2")),
        write(TOML, site_toml(menu='["bakery.md"]')),
    )),
    ("a page's text the same, its link's target moved", rename(C + "journal/rye.md", C + "rye.md")),
    ("the link follows", write(C + "_index.md", home("bakery.md", "rye.md"))),
    ("a description", write(C + "journal/barley.md", barley("Barley"))),
    ("two titles at once", both(
        write(C + "journal/barley.md", barley("Oats")),
        write(C + "journal/spelt.md", spelt("Barley")),
    )),
    ("titles swapped back", both(
        write(C + "journal/barley.md", barley("Barley")),
        write(C + "journal/spelt.md", spelt("Spelt loaf")),
    )),
    ("a broken front matter", write(C + "journal/oven.md", "---\ntitle: [unclosed\n---\n")),
    ("the text before", write(C + "journal/oven.md", oven("2026-10-05", "bakery.md", "oven2"))),
    ("a site title", retitle),
    ("a date only", write(C + "journal/oven.md", oven("2026-10-06", "bakery.md", "oven2"))),
    ("a section retitled", write(C + "journal/_index.md", JOURNAL)),
    ("the section's index removed", delete(C + "journal/_index.md")),
    ("and back", write(C + "journal/_index.md", JOURNAL)),
    ("a deliverable", put(REPORT, "PK")),
    ("a page linking to it", write(C + "bakery.md", LINKED)),
    ("the deliverable made public", in_toml("", PUBLIC)),
    ("withheld again", in_toml(PUBLIC, "")),
    ("a milestone on the status page", in_toml("", MILESTONE)),
    ("its state", in_toml('"approved"', '"in-progress"')),
    ("a design file", put(LOGO, SVG.format(5))),
    ("the design changes", put(LOGO, SVG.format(7))),
    ("the deliverable and its link removed", both(
        delete(REPORT), write(C + "bakery.md", "# About the bakers\n\nWe bake.\n"),
    )),
]  # fmt: skip
# The edits after which the site does not build: a link to a page no longer there, a front
# matter that does not parse.
FAILING = {
    "the link's target renamed",
    "a page's text the same, its link's target moved",
    "a broken front matter",
}


def _change(preview: Preview, root: Path, edit) -> None:
    """`edit` made, then the preview's rebuild told the files it changed, as its watcher would."""
    before = _files(root)
    edit(root)
    after = _files(root)
    preview.rebuild(
        {Path(p) for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    )


def _files(root: Path) -> dict[str, tuple[int, int]]:
    found = {}
    for path in root.rglob("*"):
        if path.relative_to(root).parts[0] != "build" and path.is_file():
            stat = path.stat()
            found[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return found


def _clean(root: Path, mode: Mode, served: bool) -> dict[str, bytes]:
    """A build with no cache and no build before; `served`: with the preview's additions."""
    studio = load_studio(root)
    site = load_site(studio, "acme")
    inject = ""
    if served:
        chain = themes.load_chain(theme_folders(studio), site.theme)
        base_path = site.demo.base_path if mode is Mode.DEMO else site.release.base_path
        banner = release_banner(site) if mode is Mode.RELEASE else None
        inject = livereload.injection(base_path, banner) + studiopins.injection(site, chain)
    options = BuildOptions(use_cache=False, inject_html=inject)
    result = stages.build(studio, site, mode, options)
    return {o.path: o.data if o.data is not None else o.source.read_bytes() for o in result.outputs}


def _served(preview: Preview) -> dict[str, bytes]:
    files = preview.snapshot.files
    return {p: o.data if o.data is not None else o.source.read_bytes() for p, o in files.items()}


def _on_disk(root: Path, mode: Mode) -> dict[str, bytes]:
    studio = load_studio(root)
    site = load_site(studio, "acme")
    written = todisk.build_to_disk(studio, site, mode, BuildOptions(), keep_unchanged=True)
    folder = written.path
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _differences(got: dict[str, bytes], clean: dict[str, bytes]) -> list[str]:
    return sorted(p for p in got.keys() | clean.keys() if got.get(p) != clean.get(p))


@pytest.mark.parametrize("mode", [Mode.RELEASE, Mode.DEMO])
def test_every_rebuild_after_a_run_of_edits_equals_a_clean_build(make_project, mode):
    root = make_project(SITE).root
    preview = Preview(root, "acme", mode, Hub(), echo=lambda *a, **k: None)
    preview.rebuild()
    _on_disk(root, mode)
    for what, edit in EDITS:
        _change(preview, root, edit)
        try:
            clean = _clean(root, mode, served=False)
        except SitegenError:
            assert what in FAILING, f"{what}: the build fails"
            assert preview.snapshot.failure is not None, what
            with pytest.raises(SitegenError):
                _on_disk(root, mode)
            continue
        assert what not in FAILING, f"{what}: the build does not fail"
        assert preview.snapshot.failure is None, f"{what}: {preview.snapshot.failure}"
        served = _differences(_served(preview), _clean(root, mode, served=True))
        assert not served, f"after {what}, serve differs from a clean build in {served}"
        written = _differences(_on_disk(root, mode), clean)
        assert not written, f"after {what}, build differs from a clean build in {written}"


@pytest.mark.parametrize("mode", [Mode.RELEASE, Mode.DEMO])
def test_a_page_that_names_another_template_in_its_front_matter_renders_with_it(make_project, mode):
    root = make_project(SITE + f"-- {T}about.html --\n{ABOUT_TEMPLATE}\n").root
    preview = Preview(root, "acme", mode, Hub(), echo=lambda *a, **k: None)
    preview.rebuild()
    _on_disk(root, mode)
    about = "---\ntitle: About us\ntemplate: about.html\n---\nWe bake.\n"
    _change(preview, root, write(C + "about.md", about))  # the same title and text
    assert preview.stats.rendered_pages == {"about/index.html"}
    assert _differences(_served(preview), _clean(root, mode, served=True)) == []
    assert _differences(_on_disk(root, mode), _clean(root, mode, served=False)) == []


def test_a_build_on_disk_after_a_preview_in_one_process_follows_a_renamed_link_target(
    make_project,
):
    root = make_project(SITE).root
    preview = Preview(root, "acme", Mode.RELEASE, Hub(), echo=lambda *a, **k: None)
    preview.rebuild()
    _on_disk(root, Mode.RELEASE)
    oven = post("The oven", "2026-10-01", "Like [us](../about.md).", "slug: our-oven\n")
    _change(preview, root, write(C + "journal/oven.md", oven))  # the home page links to it
    written = _on_disk(root, Mode.RELEASE)
    assert b'href="/journal/our-oven/"' in written["index.html"]
    assert _differences(written, _clean(root, Mode.RELEASE, served=False)) == []


@dataclass(frozen=True)
class WalkedPage:
    """A page as a seeded walk of edits writes it."""

    folder: str = ""
    title: str | None = None
    date: str | None = None
    weight: int | None = None
    slug: str | None = None
    template: str | None = None
    link: str | None = None  # the name of the page its text links to
    text: str = "Text."


LONG_TITLE = "A title of more than sixty-four characters, which its record digests"
NAMES = ("p0", "p1", "p2", "p3", "p4", "p5")
CHOICES = {
    "folder": ("", "journal/", "notes/"),
    "title": ("Alpha", "Beta", "Alpha", None, LONG_TITLE),
    "date": (None, "2026-01-01", "2026-02-01"),
    "weight": (None, 1, 2),
    "slug": (None, "a", "b"),
    "template": (None, "about.html", "page.html"),
    "link": (None, *NAMES),
    "text": ("Text.", "Other text.", "# A heading\n\nText."),
}
SETTINGS = {"per_page": (1, 2, 3), "notes_index": (True, False), "shadowed": (True, False)}


def _walk_files(pages: dict[str, WalkedPage], settings: dict) -> dict[str, str]:
    """Every file of the site the walk is at, by path under the client's folder."""
    files = {
        "site.toml": site_toml(settings["per_page"], '["journal"]'),
        "content/_index.md": "---\ntitle: Welcome\n---\nHome.\n",
        "content/journal/_index.md": "---\ntitle: Journal\n---\n",
        "templates/about.html": ABOUT_TEMPLATE,
    }
    if settings["notes_index"]:
        files["content/notes/_index.md"] = "---\ntitle: Notes\n---\n"
    if settings["shadowed"]:
        files["templates/page.html"] = WITH_NOTE
    for name, page in pages.items():
        front = [f"{key}: {getattr(page, key)}" for key in ("title", "date", "weight", "template")]
        front = [line for line in front if not line.endswith(": None")]
        front += [f"slug: {name}-{page.slug}"] if page.slug else []
        text = page.text
        if page.link:
            target = pages[page.link].folder + page.link + ".md"
            text += f" See [it]({posixpath.relpath(target, page.folder or '.')})."
        head = "---\n" + "\n".join(front) + "\n---\n" if front else ""
        files[f"content/{page.folder}{name}.md"] = head + text + "\n"
    return files


def _walk_to(root: Path, files: dict[str, str]) -> None:
    """The client's folder as `files` say: pages and templates no longer there removed."""
    folder = root / "sites/acme"
    for path in [*(folder / "content").rglob("*.md"), *(folder / "templates").rglob("*")]:
        if path.relative_to(folder).as_posix() not in files:
            path.unlink()
    for rel, text in files.items():
        path = folder / rel
        if not path.exists() or path.read_text() != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)


def test_a_seeded_walk_of_random_edits_rebuilds_as_a_clean_build_each_step(make_project):
    random = Random(2026)
    pages = {name: WalkedPage() for name in NAMES}
    settings = {key: values[0] for key, values in SETTINGS.items()}
    seen = [(dict(pages), dict(settings))]
    root = make_project().root
    _walk_to(root, _walk_files(pages, settings))
    preview = Preview(root, "acme", Mode.RELEASE, Hub(), echo=lambda *a, **k: None)
    preview.rebuild()
    _on_disk(root, Mode.RELEASE)
    for step in range(40):
        for _ in range(random.choice((1, 1, 2))):  # two edits in one rebuild, now and then
            what = random.choice([*CHOICES, *SETTINGS, "an earlier state"])
            if what in CHOICES:
                name = random.choice(NAMES)
                pages[name] = replace(pages[name], **{what: random.choice(CHOICES[what])})
            elif what in SETTINGS:
                settings[what] = random.choice(SETTINGS[what])
            else:
                earlier_pages, earlier_settings = random.choice(seen[-5:])
                pages, settings = dict(earlier_pages), dict(earlier_settings)
        seen.append((dict(pages), dict(settings)))
        files = _walk_files(pages, settings)
        _change(preview, root, lambda root, files=files: _walk_to(root, files))
        clean = _clean(root, Mode.RELEASE, served=False)
        served = _differences(_served(preview), _clean(root, Mode.RELEASE, served=True))
        assert not served, f"step {step}: serve differs from a clean build in {served}"
        written = _differences(_on_disk(root, Mode.RELEASE), clean)
        assert not written, f"step {step}: build differs from a clean build in {written}"
