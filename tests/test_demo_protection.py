"""A demo leaks nothing: no page text, no original file, no password; every page is a gate."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from conftest import (
    PASSWORD,
    REPO,
    Project,
    decrypt_file,
    decrypt_gate,
    demo_key,
    folder_reader,
    gate_payload,
)
from sitegen.config.load import load_site, load_studio
from sitegen.demo import audit, salt


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Project:
    root = tmp_path_factory.mktemp("example")
    for name in ("sites", "themes"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "sitegen.toml", root / "sitegen.toml")
    project = Project(root)
    project.build()
    return project


def leaks_of(project: Project, client: str) -> list[audit.Leak]:
    studio = load_studio(project.root)
    site = load_site(studio, client)
    key = salt.demo_key(studio.build_dir / ".cache", client, site.demo.password, site.path).key
    return audit.find_leaks(project.root / "build" / client / "demo", site, site.demo.password, key)


@pytest.mark.parametrize("client", ["acme", "dar-alward"])
def test_example_demos_leak_nothing(example: Project, client: str):
    assert leaks_of(example, client) == []


@pytest.mark.parametrize(
    "plant",
    ["original image", "page sentence", "password", "bytes of an original"],
)
def test_the_leak_check_catches_a_planted_leak(example: Project, tmp_path: Path, plant: str):
    copy = Project(tmp_path / "copy")
    shutil.copytree(example.root, copy.root)
    demo = copy.root / "build/acme/demo"
    site = copy.root / "sites/acme"
    if plant == "original image":
        shutil.copy(site / "assets/images/oven.jpg", demo / "theme/oven.jpg")
    elif plant == "page sentence":
        sentence = "It went in sideways on air skates with four centimetres to spare"
        source = (site / "content/journal/new-oven.md").read_text("utf-8")
        assert sentence in " ".join(source.split())
        (demo / "theme/css/style.css").write_text(f"/* {sentence.upper()} */", "utf-8")
    elif plant == "password":
        password = load_site(load_studio(copy.root), "acme").demo.password
        (demo / "theme/sitegen/gate.js").write_text(f"var p = '{password}';", "utf-8")
    else:
        original = (site / "assets/images/team.jpg").read_bytes()
        third, quarter = len(original) // 3, len(original) // 4
        (demo / "theme/blob.bin").write_bytes(b"xx" + original[third : third + quarter])
    leaks = leaks_of(copy, "acme")
    assert leaks, f"a planted {plant} went unnoticed"


def test_every_demo_page_is_a_gate_with_noindex_and_no_sitemap(example: Project):
    demo = example.root / "build/acme/demo"
    form = demo / "_sitegen/gate.html"
    assert '<meta name="robots" content="noindex, nofollow">' in form.read_text("utf-8")
    assert "sitegen-payload" not in form.read_text("utf-8"), "the one page that is not locked"
    pages = sorted(set(demo.rglob("*.html")) - {form})
    assert len(pages) >= 9
    salts, ivs = set(), set()
    for page in pages:
        text = page.read_text("utf-8")
        assert '<meta name="robots" content="noindex, nofollow">' in text
        payload = gate_payload(text)
        salts.add(payload["salt"])
        ivs.add(payload["iv"])
    assert len(salts) == 1, "one salt per build: the key is derived once"
    assert len(ivs) == len(pages), "a fresh nonce for every page"
    assert not (demo / "sitemap.xml").exists()
    robots = demo / "robots.txt"
    assert not robots.exists() or "Disallow: /" not in robots.read_text()


def test_payload_format_is_as_documented(example: Project):
    gate = example.out("about/index.html", raw=True)
    payload = gate_payload(gate)
    assert payload["v"] == 2 and payload["path"] == "/about/index.html"
    assert payload["iterations"] >= 600_000
    assert len(base64.b64decode(payload["salt"])) == 16
    assert len(base64.b64decode(payload["iv"])) == 12
    assert payload["site"] == "acme"
    readme = (REPO / "README.md").read_text("utf-8")
    assert "PBKDF2-HMAC-SHA256" in readme and "SGE2" in readme


def test_decrypted_page_has_banner_lock_and_preview_title(example: Project):
    password = load_site(load_studio(example.root), "acme").demo.password
    page = example.out("menu/index.html", password=password)
    assert "<title>Preview · Menu — Acme Bakery</title>" in page
    assert "Preview for Acme Bakery — not the final site" in page
    assert "data-sitegen-lock" in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "Country sourdough" in page
    assert 'data-sitegen-src="/assets/images/' in example.out("index.html", password=password)


def test_demo_without_password_is_an_error(make_project):
    project = make_project("""
        -- sites/acme/site.toml --
        [client]
        name = "Acme"
        email = "a@example.com"
        [site]
        title = "T"
    """)
    result = project.run("build")
    assert result.exit_code == 1
    assert "the demo has no password" in result.output
    assert not (project.root / "build/acme/demo").exists()


def test_password_from_environment_and_unset_variable(make_project, monkeypatch):
    project = make_project("""
        -- sites/acme/site.toml --
        [client]
        name = "Acme"
        email = "a@example.com"
        [site]
        title = "T"
        [demo]
        password_env = "ACME_TEST_DEMO_PASSWORD"
    """)
    monkeypatch.delenv("ACME_TEST_DEMO_PASSWORD", raising=False)
    result = project.run("build")
    assert result.exit_code == 1
    assert "site.toml:7: environment variable ACME_TEST_DEMO_PASSWORD is not set" in result.output
    monkeypatch.setenv("ACME_TEST_DEMO_PASSWORD", PASSWORD)
    project.build()
    assert "<title>Preview · T</title>" in project.out("index.html")


def test_weak_password_and_http_demo_domain_warn_without_printing_the_password(make_project):
    project = make_project("""
        -- sites/acme/site.toml --
        [client]
        name = "Acme"
        email = "a@example.com"
        [site]
        title = "T"
        [demo]
        password = "bakery"
    """)
    studio = project.root / "sitegen.toml"
    studio.write_text(studio.read_text().replace('"demo.studio.example"', '"http://demo.example"'))
    result = project.build()
    assert "the demo password is weak" in result.output
    assert "demo_domain uses http://" in result.output
    assert "bakery" not in result.output


def test_rebuild_keeps_unchanged_files_byte_identical_until_the_password_changes(make_project):
    project = make_project("""
        -- sites/acme/content/a.md --
        Page A, first version.
        -- sites/acme/content/b.md --
        Page B stays the same.
    """)
    demo = project.root / "build/acme/demo"

    def snapshot() -> dict[str, bytes]:
        return {p.relative_to(demo).as_posix(): p.read_bytes() for p in demo.rglob("*.html")}

    project.build()
    first = snapshot()
    project.build()
    assert snapshot() == first, "an unchanged demo rebuilds to the same bytes"

    (project.root / "sites/acme/content/a.md").write_text("Page A, second version.\n")
    project.build()
    second = snapshot()
    changed = {path for path in first if first[path] != second[path]}
    assert "a/index.html" in changed and "b/index.html" not in changed
    assert "Page A, second version." in project.out("a/index.html")

    site_toml = project.root / "sites/acme/site.toml"
    site_toml.write_text(site_toml.read_text().replace(PASSWORD, "another-long-password-7"))
    project.build()
    third = snapshot()
    assert (
        gate_payload(third["b/index.html"].decode())["salt"]
        != gate_payload(second["b/index.html"].decode())["salt"]
    ), "a new password gets a new salt"
    read = folder_reader(project.root / "build/acme/demo")
    assert "Page B" in decrypt_gate(third["b/index.html"].decode(), "another-long-password-7", read)
    assert (
        "another-long-password-7"
        not in (project.root / "build/.cache").joinpath("keys/acme.json").read_text()
    )


def test_ciphertext_opens_only_at_its_own_path_and_site(example: Project):
    """Format 2 binds every page and file to SITE + path: bytes copied over another path, or
    read as another client's, do not decrypt (checked with the independent decryptor)."""
    demo = example.root / "build/acme/demo"
    password = load_site(load_studio(example.root), "acme").demo.password
    status = (demo / "status/index.html").read_text("utf-8")
    key = demo_key(status, password)
    payload = gate_payload(status)
    assert payload["path"] == "/status/index.html"
    moved = status.replace('"path":"/status/index.html"', '"path":"/about/index.html"')
    with pytest.raises(InvalidTag):
        decrypt_gate(moved, password)
    images = sorted((demo / "assets/images").glob("*.jpg"))[:2]
    first = images[0].read_bytes()
    assert decrypt_file(first, key, "acme", "/assets/images/" + images[0].name)
    for site, path in (("acme", "/assets/images/" + images[1].name), ("other", images[0].name)):
        with pytest.raises(InvalidTag):
            decrypt_file(first, key, site, path)


def test_locked_pages_are_deflated_before_encryption(example: Project):
    gate = example.out("journal/new-oven/index.html", raw=True)
    password = load_site(load_studio(example.root), "acme").demo.password
    page = example.out("journal/new-oven/index.html", password=password)
    ciphertext = base64.b64decode(gate_payload(gate)["ct"])
    assert len(ciphertext) < len(page.encode("utf-8")) * 0.6


def test_a_page_cannot_claim_to_open_anywhere_or_another_shared_start(example: Project):
    """Both claims are bound into a page's associated data: editing either fails to decrypt."""
    password = load_site(load_studio(example.root), "acme").demo.password
    read = folder_reader(example.root / "build/acme/demo")
    about = example.out("about/index.html", raw=True)
    assert "anywhere" not in gate_payload(about)
    assert gate_payload(example.out("404.html", raw=True))["anywhere"] is True
    anywhere = about.replace('"ct":', '"anywhere":true,"ct":')
    with pytest.raises(InvalidTag):
        decrypt_gate(anywhere, password, read)
    start = gate_payload(about)["chrome"]
    other = about.replace(start, start.replace("chrome.", "chrome.0"))
    with pytest.raises(InvalidTag):
        decrypt_gate(other, password, read)


def test_no_nonce_ever_serves_two_ciphertexts(make_project):
    """Across builds whose shared start, pages and files change, a nonce (iv) never comes back
    with another ciphertext: AES-GCM would leak both plaintexts and let a page be forged."""
    project = make_project("-- sites/acme/content/about.md --\nWe bake bread.\n")
    project.write("-- sites/acme/assets/site.css --\nbody { color: red; }\n")
    seen: dict[bytes, bytes] = {}

    def collect() -> None:
        demo = project.root / "build/acme/demo"
        for path in demo.rglob("*"):
            data = path.read_bytes() if path.is_file() else b""
            if data.startswith(b"SGE2"):
                iv, ciphertext = data[4:16], data[16:]
            elif path.suffix == ".html" and b'id="sitegen-payload"' in data:
                payload = gate_payload(data.decode())
                iv, ciphertext = payload["iv"].encode(), payload["ct"].encode()
            else:
                continue
            assert seen.setdefault(iv, ciphertext) == ciphertext, f"{path.name} reuses a nonce"

    project.build()
    collect()
    before = gate_payload(project.out("about/index.html", raw=True))
    project.write("-- sites/acme/content/404.md --\n---\ntitle: Lost\n---\nNothing here.\n")
    project.write("-- sites/acme/assets/site.css --\nbody { color: blue; }\n")
    project.build()
    collect()
    after = gate_payload(project.out("about/index.html", raw=True))
    assert after["chrome"] != before["chrome"], "the shared start changed"
    assert "We bake bread." in project.out("about/index.html")
    assert after["iv"] != before["iv"]
