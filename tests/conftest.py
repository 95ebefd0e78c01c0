"""Test helpers: whole projects written from one string, and the CLI run against them."""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import textwrap
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from sitegen.cli import main

REPO = Path(__file__).resolve().parent.parent
_BLOCK = re.compile(r"^-- (.+?) --$", re.M)

STUDIO_TOML = """\
[studio]
name = "Test Studio"
email = "studio@example.com"
demo_domain = "demo.studio.example"
"""

PASSWORD = "correct-horse-battery"
SITE_TOML = f"""\
[client]
name = "Acme"
email = "acme@example.com"

[site]
title = "Acme Site"

[demo]
password = "{PASSWORD}"
"""
PAYLOAD_ID = "sitegen-payload"
_PAYLOAD = re.compile(r'<script type="application/json" id="sitegen-payload">(.*?)</script>', re.S)


@functools.lru_cache(maxsize=32)
def _demo_key(password: str, salt: bytes, iterations: int) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations)
    return kdf.derive(password.encode("utf-8"))


def gate_payload(gate_html: str) -> dict:
    return json.loads(_PAYLOAD.search(gate_html)[1])


def demo_key(gate_html: str, password: str = PASSWORD) -> bytes:
    payload = gate_payload(gate_html)
    return _demo_key(password, base64.b64decode(payload["salt"]), payload["iterations"])


def decrypt_gate(gate_html: str, password: str = PASSWORD, read=None) -> str:
    """Written from the documented format 2 with `cryptography` and `zlib` alone, not sitegen's
    own code: PBKDF2-HMAC-SHA256 over the password and salt, AES-256-GCM with the payload's iv
    and SITE, PATH, CHROME and "here" or "anywhere" as associated data, then raw inflate, after
    the shared start named by "chrome" when there is one: `read(url_path)` gives that file."""
    payload = gate_payload(gate_html)
    assert payload["v"] == 2
    key = demo_key(gate_html, password)
    iv, ciphertext = base64.b64decode(payload["iv"]), base64.b64decode(payload["ct"])
    where = "anywhere" if payload.get("anywhere") is True else "here"
    chrome = payload.get("chrome", "")
    associated = f"{payload['site']}\n{payload['path']}\n{chrome}\n{where}".encode()
    deflated = AESGCM(key).decrypt(iv, ciphertext, associated)
    if "chrome" not in payload:
        return zlib.decompress(deflated, -15).decode("utf-8")
    assert read is not None, "this page continues a shared start: pass `read`"
    start = decrypt_file(read(payload["chrome"]), key, payload["site"], payload["chrome"])
    length = int.from_bytes(start[:4], "big")
    inflater = zlib.decompressobj(-15)
    whole = inflater.decompress(start[4:] + deflated) + inflater.flush()
    assert inflater.eof, "the page's stream is cut short"
    return whole[length:].decode("utf-8")


def folder_reader(folder: Path, base_path: str = "/"):
    """`read` for `decrypt_gate`: a demo's file by its URL path, from the built folder."""
    return lambda url_path: (folder / url_path.removeprefix(base_path)).read_bytes()


def decrypt_file(data: bytes, key: bytes, site: str, url_path: str) -> bytes:
    """A demo file, from the documented format 2: b"SGE2", a 12-byte iv, then AES-256-GCM with
    SITE + "\n" + URL path as associated data; the plaintext's first byte 1 means deflated."""
    assert data[:4] == b"SGE2", "not an encrypted demo file"
    plain = AESGCM(key).decrypt(data[4:16], data[16:], f"{site}\n{url_path}".encode())
    return zlib.decompress(plain[1:], -15) if plain[0] == 1 else plain[1:]


def write_files(root: Path, text: str) -> None:
    """Write `-- path --` blocks (as in Hugo's integration tests) under `root`."""
    text = textwrap.dedent(text)
    pieces = _BLOCK.split(text)
    for index in range(1, len(pieces), 2):
        path = root / pieces[index].strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        body = pieces[index + 1].removeprefix("\n")
        path.write_text(body, encoding="utf-8")


@dataclass
class Project:
    root: Path

    def write(self, text: str) -> Project:
        write_files(self.root, text)
        return self

    def add_client(self, name: str, pages: str = "") -> Project:
        """Another client with the standard site.toml and the given `-- path --` pages."""
        write_files(self.root / "sites" / name, f"-- site.toml --\n{SITE_TOML}")
        write_files(self.root / "sites" / name, pages)
        return self

    def run(self, *args: str) -> Result:
        return CliRunner().invoke(main, ["--root", str(self.root), *args])

    def build(self, *args: str) -> Result:
        result = self.run("build", *args)
        assert result.exit_code == 0, result.output
        return result

    def out(self, path: str, client="acme", mode="demo", raw=False, password=None) -> str:
        """An output file's text; a demo page is decrypted, as the client's browser would."""
        text = (self.root / "build" / client / mode / path).read_text(encoding="utf-8")
        if raw or f'id="{PAYLOAD_ID}"' not in text:
            return text
        folder = self.root / "build" / client / mode
        return decrypt_gate(text, password or PASSWORD, folder_reader(folder))

    def out_files(self, client: str = "acme", mode: str = "demo") -> set[str]:
        folder = self.root / "build" / client / mode
        return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def make_project(tmp_path: Path):
    """A project with the real themes, a studio file and, unless `site=False`, client `acme`."""

    def make(text: str = "", site: bool = True) -> Project:
        root = tmp_path / "project"
        shutil.copytree(REPO / "themes", root / "themes")
        (root / "sitegen.toml").write_text(STUDIO_TOML, encoding="utf-8")
        project = Project(root)
        if site:
            project.add_client("acme")
        return project.write(text)

    return make


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # A name that is not localhost, for the gate's insecure-context check.
    "--host-resolver-rules=MAP insecure.test 127.0.0.1",
]


# Tests that take long: skipped locally with `pytest -m "not slow"`; CI runs everything.
SLOW_FIXTURES = frozenset({"browser", "seaweedfs_endpoint", "example"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark as slow every test that drives Chromium, starts SeaweedFS or builds the examples."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or item.get_closest_marker(
            "seaweedfs"
        ):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    """Where browser tests save screenshots, to look at when what a client sees changes:
    the folder SITEGEN_SCREENSHOTS names, else a temporary one; never the repository."""
    chosen = os.environ.get("SITEGEN_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots: {folder}")
    return folder


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium from Debian, driven by Playwright (no browser downloads)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run installs it with apt-get")
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    cache_seconds = 0

    def end_headers(self):
        if self.cache_seconds and not self.path.endswith(("/", ".html")):
            self.send_header("Cache-Control", f"max-age={self.cache_seconds}")
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 (the stdlib's name)
        pass


@contextlib.contextmanager
def serve_folder(folder: Path, cache_seconds: int = 0):
    """A real HTTP server on loopback for `folder`; yields its port. With `cache_seconds`,
    files other than pages are cacheable, as a static host serves theme assets."""
    handler_class = type("Handler", (_QuietHandler,), {"cache_seconds": cache_seconds})
    handler = functools.partial(handler_class, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def decrypt_demo_tree(folder: Path, password: str = PASSWORD) -> dict[str, bytes]:
    """Every output of a built demo as a client holding the password gets it, by path: a gate
    page's HTML, an encrypted file's bytes, anything unencrypted as it is. Written from the
    documented format 2 with `cryptography` and `zlib` alone (`decrypt_gate`, `decrypt_file`);
    each output is opened where it stands, so a misplaced one fails."""
    paths = sorted(p for p in folder.rglob("*") if p.is_file())
    pages = {}
    for path in paths:
        text = (
            path.read_bytes().decode("utf-8", "replace") if path.suffix in (".html", ".htm") else ""
        )
        if f'id="{PAYLOAD_ID}"' in text:
            pages[path] = text
    first_path, first = next(iter(pages.items()))
    rel = first_path.relative_to(folder).as_posix()
    payload = gate_payload(first)
    base, key = payload["path"].removesuffix(rel), demo_key(first, password)
    plain = {}
    for path in paths:
        rel, data = path.relative_to(folder).as_posix(), path.read_bytes()
        if path in pages:
            assert gate_payload(pages[path])["path"] == base + rel, f"{rel} holds another page"
            reader = folder_reader(folder, base)
            data = decrypt_gate(pages[path], password, reader).encode("utf-8")
        elif data.startswith(b"SGE2"):
            data = decrypt_file(data, key, payload["site"], base + rel)
        plain[rel] = data
    return plain
