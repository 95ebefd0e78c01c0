"""`sitegen serve` over real HTTP on loopback: what it answers, what it refuses, how it
rebuilds, and that what it serves after a series of edits is what a clean build gives."""

from __future__ import annotations

import gc
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import click
import pytest

from conftest import PASSWORD, REPO, STUDIO_TOML, Project, decrypt_gate
from sitegen.config.load import load_site, load_studio
from sitegen.model import Mode
from sitegen.pipeline import stages
from sitegen.publish.syncsettings import HeaderRules
from sitegen.serve import livereload
from sitegen.serve.rebuild import release_banner
from sitegen.serve.server import Server, bind_warning

# A text file is not on the demo's allow-list: this one is let through by `public`.
SITE = f"""
    -- sites/acme/site.toml --
    [client]
    name = "Acme"
    email = "acme@example.com"
    [site]
    title = "Acme Site"
    [demo]
    password = "{PASSWORD}"
    public = ["content/journal/notes.txt"]
    -- sites/acme/content/_index.md --
    ---
    title: Welcome
    ---
    Fresh bread every morning. Read [about us](about.md) and [the news](journal/new-oven.md).
    -- sites/acme/content/about.md --
    ---
    title: About us
    ---
    We started baking in 2009.
    -- sites/acme/content/journal/new-oven.md --
    ---
    title: A new oven
    date: 2026-10-01
    ---
    It bakes [like the old one](../about.md), only faster.
    -- sites/acme/content/journal/notes.txt --
    Plain notes.
    -- sites/acme/assets/files/logo.svg --
    <svg xmlns="http://www.w3.org/2000/svg"/>
"""


class Served:
    def __init__(self, server: Server, root: Path, messages: list[str]):
        self.server, self.root, self.messages = server, root, messages
        self.port = int(server.url.split(":")[2].split("/")[0])

    def read(self, url_path: str) -> bytes:
        """A file's bytes as the browser fetches them: `read` for `decrypt_gate`."""
        status, _, body = self.get(url_path)
        assert status == 200, url_path
        return body

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        """A request with `path` sent exactly as written: no client-side normalising."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.putrequest(method, path, skip_accept_encoding=True)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def change(self, edit) -> None:
        """Change files of the project with `edit(root)`; wait until the server rebuilt."""
        before = self.server.preview.attempts
        edit(self.root)
        self.server.preview.wait(after=before)

    def edit(self, rel: str, text: str | None) -> None:
        path = self.root / rel
        self.change(lambda root: path.unlink() if text is None else path.write_text(text))


def start(project, mode: Mode = Mode.DEMO, quiet: float | None = None):
    messages: list[str] = []
    echo = lambda m, err=False: messages.append(m)  # noqa: E731
    server = Server(project.root, "acme", mode, port=0, echo=echo, quiet=quiet)
    server.start()
    return Served(server, project.root, messages)


@pytest.fixture
def served(make_project):
    result = start(make_project(SITE))
    yield result
    result.server.stop()


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One server for the tests that only read: the project as `make_project` makes it."""
    root = tmp_path_factory.mktemp("serve") / "project"
    shutil.copytree(REPO / "themes", root / "themes")
    (root / "sitegen.toml").write_text(STUDIO_TOML, encoding="utf-8")
    result = start(Project(root).add_client("acme").write(SITE))
    yield result
    result.server.stop()


def test_pages_styles_and_scripts_have_their_content_types(shared):
    status, headers, body = shared.get("/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    page = decrypt_gate(body.decode(), read=shared.read)
    assert "Fresh bread every morning" in page
    assert livereload.EVENTS_PATH in page, "the live-reload script is inside the locked page"
    assert livereload.EVENTS_PATH not in body.decode(), "and not in the gate around it"
    assert shared.get("/theme/css/style.css")[1]["Content-Type"] == "text/css; charset=utf-8"
    script = shared.get("/theme/sitegen/gate.js")[1]["Content-Type"]
    assert script == "text/javascript; charset=utf-8"
    status, headers, _ = shared.get("/journal/notes.txt", "HEAD")
    assert (status, headers["Content-Type"]) == (200, "text/plain; charset=utf-8")


# Every suffix that `serve` or `publish` once had a content type of its own for.
_SUFFIXES = """.html .htm .css .js .mjs .json .map .txt .xml .svg .png .jpg .jpeg .gif .webp
    .avif .ico .woff .woff2 .ttf .otf .pdf .webmanifest .wasm .zip .mp4 .webm"""
KNOWN_SUFFIXES = tuple(_SUFFIXES.split())


def test_serve_and_publish_give_a_file_the_same_content_type(make_project):
    files = "".join(f"-- sites/acme/assets/files/sample{s} --\nx\n" for s in KNOWN_SUFFIXES)
    served = start(make_project(SITE + files), Mode.RELEASE)
    try:
        for suffix in KNOWN_SUFFIXES:
            path = f"assets/files/sample{suffix}"
            status, headers, _ = served.get(f"/{path}", "HEAD")
            assert status == 200, path
            assert headers["Content-Type"] == HeaderRules().content_type(path), path
    finally:
        served.server.stop()
    assert HeaderRules().content_type("app.js") == "text/javascript; charset=utf-8"


def test_a_folder_serves_its_index_and_a_path_without_slash_is_redirected(shared):
    status, _, body = shared.get("/journal/new-oven/")
    assert status == 200 and "faster" in decrypt_gate(body.decode(), read=shared.read)
    status, headers, _ = shared.get("/journal/new-oven?x=1")
    assert (status, headers["Location"]) == (301, "/journal/new-oven/?x=1")


def test_a_missing_path_gets_the_sites_404_page_with_status_404(shared):
    status, headers, body = shared.get("/no/such/page/")
    assert status == 404
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Page not found" in decrypt_gate(body.decode(), read=shared.read)


def test_a_folder_without_index_is_not_listed(shared):
    not_found = shared.get("/no-such-page/")[2]
    for folder in ("/theme/", "/theme/css/", "/assets/", "/assets/files/", "/journal/notes.txt/"):
        status, _, body = shared.get(folder)
        assert (status, body) == (404, not_found), folder


@pytest.mark.parametrize(
    "path",
    [
        "/../sites/acme/site.toml",
        "/journal/../../sites/acme/site.toml",
        "/%2e%2e/sites/acme/site.toml",
        "/%2E%2E%2Fsites%2Facme%2Fsite.toml",
        "/..%2f..%2fsites/acme/site.toml",
        "/%252e%252e/sites/acme/site.toml",
        "/%252e%252e%252fsites%252facme%252fsite.toml",
        "/..\\sites\\acme\\site.toml",
        "/%5c..%5csites%5cacme%5csite.toml",
        "/about/%00",
        "//etc/passwd",
    ],
)
def test_paths_outside_the_build_are_refused(shared, path):
    status, _, body = shared.get(path)
    assert status in (400, 404)
    assert PASSWORD.encode() not in body and b"[client]" not in body and b"root:" not in body


def test_serving_writes_nothing_to_build(served):
    served.edit("sites/acme/content/about.md", "---\ntitle: About us\n---\nNew text.\n")
    build = served.root / "build"
    assert not (build / "acme").exists()
    assert {p.name for p in build.iterdir()} <= {".cache"}


def test_release_preview_has_a_banner_and_no_gate(make_project):
    served = start(make_project(SITE), Mode.RELEASE)
    try:
        status, _, body = served.get("/about/")
        page = body.decode()
        assert status == 200 and "We started baking" in page
        assert 'id="sitegen-payload"' not in page
        assert 'id="sitegen-release-preview"' in page and "Release preview" in page
        status, headers, body = served.get("/assets/files/logo.svg")
        assert headers["Content-Type"] == "image/svg+xml; charset=utf-8"
        assert body.startswith(b"<svg")
        assert "theme/sitegen/" not in page and served.get("/theme/sitegen/gate.js")[0] == 404
    finally:
        served.server.stop()


def test_images_are_served_as_in_the_build_locked_previews_in_the_demo(make_project):
    import io

    from PIL import Image

    project = make_project(SITE)
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), (200, 150, 90)).save(buffer, "JPEG")
    (project.root / "sites/acme/assets/shop.jpg").write_bytes(buffer.getvalue())
    for mode, starts in ((Mode.DEMO, b"SGE2"), (Mode.RELEASE, buffer.getvalue()[:16])):
        served = start(project, mode)
        try:
            status, headers, body = served.get("/assets/shop.jpg")
            assert (status, headers["Content-Type"]) == (200, "image/jpeg")
            assert body.startswith(starts) and (mode is Mode.RELEASE) == (body == buffer.getvalue())
        finally:
            served.server.stop()


def read_event(stream) -> tuple[str, dict]:
    name, data = "", ""
    while True:
        line = stream.readline().decode().rstrip("\n")
        if line.startswith("event: "):
            name = line[len("event: ") :]
        elif line.startswith("data: "):
            data = line[len("data: ") :]
        elif not line and name:
            return name, json.loads(data)


def test_events_tell_a_page_what_changed_and_a_burst_of_saves_is_one_rebuild(make_project):
    # A longer quiet time than the default, so a busy machine cannot split the burst below.
    served = start(make_project(SITE), quiet=0.3)
    try:
        events_and_a_burst(served)
    finally:
        served.server.stop()


def events_and_a_burst(served):
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    connection.request("GET", livereload.EVENTS_PATH + "?path=/about/")
    response = connection.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"
    assert read_event(response) == ("hello", {"output": "about/index.html", "build": 1})

    before = served.server.preview.attempts
    for index in range(6):  # an editor saving several files, or a git checkout
        served.root.joinpath(f"sites/acme/content/burst-{index}.md").write_text(f"# Page {index}")
    served.root.joinpath("sites/acme/content/about.md").write_text("# About\nChanged.\n")
    served.server.preview.wait(after=before)
    time.sleep(0.5)  # nothing more may follow: absence cannot be waited for
    assert served.server.preview.attempts == before + 1

    name, data = read_event(response)
    assert name == "built"
    assert "about/index.html" in data["pages"] and "burst-5/index.html" in data["pages"]
    served_now = served.get("/about/")[2]
    assert data["html"].encode() == served_now, "the page's new bytes come with the event"
    assert "Changed." in decrypt_gate(data["html"], read=served.read)
    connection.close()


def test_a_finished_save_is_rebuilt_at_once_a_file_being_written_is_awaited(tmp_path):
    from sitegen.serve import watch

    calls: list[tuple[set[Path], bool]] = []
    called = threading.Event()

    def on_change(paths: set[Path]) -> None:
        calls.append((paths, gc.isenabled()))
        called.set()

    watcher = watch.Watcher(on_change, quiet=0.6, settled=0.01)
    watcher.watch([(tmp_path, True)])
    watcher.start()
    try:
        with (tmp_path / "page.md").open("w") as file:
            file.write("# Half")
            file.flush()
            assert not called.wait(0.3), "still open for writing: the quiet time runs"
            file.write(" and whole")
            closed = time.monotonic()
        assert called.wait(5)
        assert time.monotonic() - closed < 0.4, "closed after writing: no quiet time"
        assert calls == [({tmp_path / "page.md"}, False)], "no cycle collection mid-build"
        deadline = time.monotonic() + 5
        while not gc.isenabled() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert gc.isenabled(), "collected, and back on, once the watcher is idle"
    finally:
        watcher.stop()
        gc.enable()


def test_a_build_error_is_shown_and_the_last_good_build_stays_until_fixed(served):
    served.edit("sites/acme/content/about.md", "---\ntitle: About: us\n---\nBroken.\n")
    failure = served.server.preview.snapshot.failure
    assert failure is not None
    [problem] = failure.data["problems"]
    assert problem["where"].startswith("sites/acme/content/about.md:2")
    assert "title: About: us" in problem["detail"]
    assert any("about.md" in m for m in served.messages), "the terminal shows it too"
    status, _, body = served.get("/about/")
    assert status == 200 and "We started baking" in decrypt_gate(body.decode(), read=served.read)

    served.edit("sites/acme/content/about.md", "---\ntitle: About us\n---\nFixed.\n")
    assert served.server.preview.snapshot.failure is None
    assert "Fixed." in decrypt_gate(served.get("/about/")[2].decode(), read=served.read)


def test_a_broken_first_build_serves_an_error_page_until_fixed(make_project):
    project = make_project(SITE).write("-- sites/acme/templates/page.html --\n{% if %}\n")
    served = start(project)
    try:
        status, _, body = served.get("/about/")
        assert status == 500
        assert b"sites/acme/templates/page.html" in body
        assert livereload.EVENTS_PATH.encode() in body
        served.edit("sites/acme/templates/page.html", None)
        assert served.get("/about/")[0] == 200
    finally:
        served.server.stop()


def test_only_files_that_can_change_the_build_are_watched(shared):
    preview, root = shared.server.preview, shared.root.resolve()
    for path, wanted in [
        ("sites/acme/content/about.md", True),
        ("sites/acme", True),
        ("sites/acme/site.toml", True),
        ("sites/acme/content/.about.md.swp", False),
        ("sites/acme/.git/index", False),
        ("sites/other/content/about.md", False),
        ("themes/default/static/css/style.css", True),
        ("themes/base/templates/page.html", True),
        ("themes/another/templates/page.html", False),
        ("themes", False),
        ("sitegen.toml", True),
        ("README.md", False),
        ("build/acme/demo/index.html", False),
    ]:
        assert preview.wanted(root / path) is wanted, path


def test_binding_beyond_this_machine_warns_about_the_gate():
    assert bind_warning("127.0.0.1", Mode.DEMO) is None
    assert bind_warning("localhost", Mode.DEMO) is None
    assert bind_warning("::1", Mode.DEMO) is None
    warning = bind_warning("0.0.0.0", Mode.DEMO)
    assert warning and "https" in warning and "localhost" in warning and "WebCrypto" in warning
    assert "no password" in bind_warning("192.168.1.20", Mode.RELEASE)


def test_a_port_in_use_fails_at_once_with_a_message(served):
    second = Server(served.root, "acme", port=served.port)
    with pytest.raises(click.ClickException, match=f"cannot listen on 127.0.0.1:{served.port}"):
        second.start()
    assert second.preview.attempts == 0, "it says so before building"
    assert served.get("/")[0] == 200


def test_ctrl_c_stops_the_server_without_a_traceback(make_project):
    project = make_project(SITE)
    command = [sys.executable, "-m", "sitegen", "--root", str(project.root), "serve", "acme"]
    process = subprocess.Popen(
        [*command, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = []
        while not lines or "Serving" not in lines[-1]:
            line = process.stdout.readline()
            assert line, process.stderr.read()
            lines.append(line)
        url = lines[-1].split(" at ")[1].split()[0]
        port = int(url.rsplit(":", 1)[1].strip("/"))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/")
        assert connection.getresponse().status == 200
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert "Traceback" not in err and "Stopped." in out


def clean_build(root: Path, mode: Mode) -> dict[str, bytes]:
    studio = load_studio(root)
    site = load_site(studio, "acme")
    base_path = site.demo.base_path if mode is Mode.DEMO else site.release.base_path
    banner = release_banner(site) if mode is Mode.RELEASE else None
    options = stages.BuildOptions(
        cache_dir=studio.build_dir / ".cache",
        inject_html=livereload.injection(base_path, banner),
    )
    result = stages.build(studio, site, mode, options)
    return {o.path: o.data if o.data is not None else o.source.read_bytes() for o in result.outputs}


def write(rel: str, text: str):
    return lambda root: (root / rel).parent.mkdir(exist_ok=True) or (root / rel).write_text(text)


def append(rel: str, text: str):
    return lambda root: (root / rel).write_text((root / rel).read_text() + text)


def both(*edits):
    return lambda root: [edit(root) for edit in edits]


def rename(old: str, new: str):
    return lambda root: (root / old).rename(root / new)


def delete(rel: str):
    return lambda root: (root / rel).unlink()


CONTENT = "sites/acme/content/"
NEW_OVEN = "---\ntitle: A new oven\ndate: 2026-10-01\n---\nLike [the old one](../about.md).\n"
OVEN = NEW_OVEN.replace("A new oven", "The new oven")
TEMPLATES = "sites/acme/templates/"
ALL = "all"
OPTIONAL_NOTE = "{% block title %}{% include 'note.html' ignore missing %}{% endblock %}"
# Each edit, and how many pages it should convert and render again (ALL: every page).
EDITS = [
    ("a page's text", write(CONTENT + "about.md", "---\ntitle: About us\n---\nHi.\n"), 1, 1),
    ("a new page", write(CONTENT + "menu.md", "---\ntitle: Menu\nweight: 2\n---\nRye."), 1, ALL),
    ("a title in the menu", write(CONTENT + "menu.md", "---\ntitle: Our menu\n---\n"), 1, ALL),
    (
        "a title in a section's list",
        write(CONTENT + "journal/new-oven.md", OVEN),
        1,
        2,  # the page itself and the journal, which lists it; the menu is the same
    ),
    (
        "a client template",
        write(TEMPLATES + "page.html", "{% extends 'base:page.html' %}" + OPTIONAL_NOTE),
        0,
        3,  # the pages that use page.html: about, menu and the journal's post
    ),
    ("the note it includes if present", write(TEMPLATES + "note.html", "Note: "), 0, 3),
    ("that template again", append(TEMPLATES + "page.html", "{# changed #}"), 0, 3),
    (
        "a theme template",
        write("themes/base/templates/partials/nav.html", "<p>{{ site.title }}"),
        0,
        ALL,
    ),
    ("the skeleton", append("themes/base/templates/base.html", "<!-- base:base.html -->"), 0, ALL),
    ("a stylesheet", append("themes/default/static/css/style.css", "b { color: #123 }\n"), 0, 0),
    (
        "a linked page renamed",
        rename(CONTENT + "journal/new-oven.md", CONTENT + "journal/oven.md"),
        None,
        None,
    ),
    (
        "the link fixed",
        write(CONTENT + "_index.md", "# Hi\n[The oven](journal/oven.md)\n"),
        1,  # the renamed page was converted in the failed build before
        3,  # the home page, the renamed page and the journal, which lists it
    ),
    (
        "a title in a list, with a broken link elsewhere",
        both(
            write(CONTENT + "journal/oven.md", OVEN.replace("The new oven", "Our oven")),
            write(CONTENT + "about.md", "---\ntitle: About us\n---\n[Gone](gone.md)\n"),
        ),
        None,  # the new title is converted, then the build fails before rendering
        None,
    ),
    (
        "the broken link removed",
        write(CONTENT + "about.md", "---\ntitle: About us\n---\nHi again.\n"),
        1,
        3,  # about, and the title the failed build never rendered: its page and the journal
    ),
    ("a page deleted", delete(CONTENT + "menu.md"), 0, ALL),
    ("a site setting", append("sites/acme/site.toml", '\n[params]\ntagline = "Bread"\n'), 0, ALL),
    (
        "a new page in a section",
        write(CONTENT + "journal/rye.md", "---\ntitle: Rye\ndate: 2026-11-01\n---\nRye.\n"),
        1,
        3,  # the page, the journal, whose list it joins, and the post it now comes before
    ),
]


@pytest.mark.parametrize("mode", [Mode.DEMO, Mode.RELEASE])
def test_after_a_series_of_edits_the_served_site_equals_a_clean_build(make_project, mode):
    served = start(make_project(SITE), mode)
    try:
        for what, edit, converted, rendered in EDITS:
            served.change(edit)
            failure = served.server.preview.snapshot.failure
            if what == "a linked page renamed":  # the home page's link to it is now broken
                assert "journal/new-oven.md" in failure.data["problems"][0]["detail"]
            if converted is None:
                assert failure is not None, what
                continue
            assert failure is None, what
            expected = clean_build(served.root, mode)
            assert set(served.server.preview.snapshot.files) == set(expected), what
            for output_path, data in expected.items():
                url = "/" + output_path.removesuffix("index.html")
                status, _, body = served.get(url)
                assert body == data, f"after {what}: {output_path} differs from a clean build"
            stats = served.server.preview.stats
            assert stats.converted == converted, what
            if rendered == ALL:
                assert stats.rendered_reused == 0 and stats.rendered > 3, what
            elif rendered is not None:
                assert stats.rendered == rendered, what
    finally:
        served.server.stop()
