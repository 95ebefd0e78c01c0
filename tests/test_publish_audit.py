"""`sitegen publish` reads every output of a demo as a client holding the password would, and
refuses the demo when an original, or an image larger than a preview, got in."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image

from conftest import PASSWORD, SITE_TOML
from sitegen.assets import pixels
from sitegen.config.load import load_site, load_studio
from sitegen.demo import audit, chrome, lock, salt
from sitegen.publish.builtfolder import BuiltFolder
from sitegen.publish.publishdemo import demo_problems

PUBLISHED = "build/_published/demo/acme"


def jpeg(width: int, height: int, colour: str = "orange") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def project(make_project):
    project = make_project("""
        -- sites/acme/content/_index.md --
        ![Our shop](../assets/shop.jpg) and the [price list](../assets/prices.pdf).
    """)
    assets = project.root / "sites/acme/assets"
    assets.mkdir()
    (assets / "shop.jpg").write_bytes(jpeg(2400, 1600))
    (assets / "prices.pdf").write_bytes(b"%PDF-1.7 the prices, a deliverable")
    return project


def problems_of(project) -> list[str]:
    studio = load_studio(project.root)
    site = load_site(studio, "acme")
    folder = project.root / "build/acme/demo"
    return demo_problems(BuiltFolder.read(folder), site, PASSWORD, studio.build_dir / ".cache")


def plant_encrypted(project, output: str, data: bytes) -> None:
    """What a build that let an original through would have written: the bytes encrypted
    under the demo's own key, as the client's browser would decrypt them."""
    studio = load_studio(project.root)
    key = salt.demo_key(studio.build_dir / ".cache", "acme", PASSWORD, project.root / "sites/acme")
    path = project.root / "build/acme/demo" / output
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(lock.encrypt_file(key, "acme", "/" + output, data))


def test_a_built_demo_passes(project):
    project.build()
    assert problems_of(project) == []


@pytest.mark.parametrize(
    ("original", "output"),
    [("assets/shop.jpg", "assets/shop.jpg"), ("assets/prices.pdf", "assets/copy.bin")],
)
def test_an_encrypted_original_in_an_output_is_refused(project, original, output):
    project.build()
    plant_encrypted(project, output, (project.root / "sites/acme" / original).read_bytes())
    problems = problems_of(project)
    assert f"{output} holds an original file, encrypted: {original}" in problems


def test_a_shared_start_whose_framing_reads_as_an_image_header_passes(project):
    """A start's file is its length and a deflate stream: now and then those bytes pass for
    the header of a huge TGA image (a format with no magic number). Its text is checked."""
    project.build()
    rng = random.Random(0)
    for _ in range(2000):
        text = ("<!doctype html>" + "".join(rng.choices("abcdefghij <>", k=2600))).encode()
        size = pixels.image_size(chrome.file_body(text))
        if size is not None and max(size) > 1200:
            break
    output = chrome.output_path(text)
    plant_encrypted(project, output, chrome.file_body(text))
    assert problems_of(project) == []
    plant_encrypted(project, output, chrome.file_body(text)[:100])  # cut short
    [cut] = problems_of(project)
    assert (
        cut == f"{output} holds an encrypted page or file that does not decrypt with the demo key"
    )


def test_an_image_larger_than_a_preview_is_refused_even_if_no_original(project):
    project.build()
    plant_encrypted(project, "assets/shop.jpg", jpeg(1300, 200, "navy"))
    problems = problems_of(project)
    assert any(
        p.startswith("assets/shop.jpg holds an image larger than a preview (1300×200")
        for p in problems
    ), problems


def test_a_page_or_file_that_does_not_decrypt_is_refused(project):
    project.build()
    demo = project.root / "build/acme/demo"
    page = demo / "index.html"
    text = page.read_text()
    start = text.index('"ct":"') + len('"ct":"')
    page.write_text(text[:start] + ("A" if text[start] != "A" else "B") + text[start + 1 :])
    image = demo / "assets/shop.jpg"
    image.write_bytes(image.read_bytes()[:-1] + b"\x00")
    problems = problems_of(project)
    for name in ("index.html", "assets/shop.jpg"):
        message = f"{name} holds an encrypted page or file that does not decrypt with the demo key"
        assert message in problems


def test_publish_refuses_a_theme_holding_the_clients_photo_and_uploads_nothing(project):
    """A per-client theme's static files are published unencrypted: the client's photo
    there is refused, and so is any image larger than a preview."""
    project.write("""
        -- themes/acme-look/theme.toml --
        name = "acme-look"
        extends = "default"
    """)
    static = project.root / "themes/acme-look/static/img"
    static.mkdir(parents=True)
    (static / "hero.jpg").write_bytes((project.root / "sites/acme/assets/shop.jpg").read_bytes())
    (static / "banner.jpg").write_bytes(jpeg(1920, 400, "teal"))
    site_toml = project.root / "sites/acme/site.toml"
    site_toml.write_text(site_toml.read_text().replace("[site]\n", '[site]\ntheme = "acme-look"\n'))
    result = project.run("publish")
    assert result.exit_code == 1, result.output
    assert "theme/img/hero.jpg holds an original file: assets/shop.jpg" in result.output
    assert "theme/img/banner.jpg holds an image larger than a preview (1920×400" in result.output
    assert not (project.root / PUBLISHED).exists(), "nothing uploaded"


def test_the_readme_public_example_publishes(make_project):
    """`public = ["assets/logo.svg"]`, as the README shows it: published unencrypted, with a
    warning at the build, and accepted by the audit."""
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><text>logo</text></svg>'
    project = make_project(f"""
        -- sites/acme/site.toml --
        {SITE_TOML.replace(chr(10), chr(10) + " " * 8)}public = ["assets/logo.svg"]
        -- sites/acme/content/_index.md --
        ![logo](../assets/logo.svg)
    """)
    (project.root / "sites/acme/assets").mkdir()
    (project.root / "sites/acme/assets/logo.svg").write_bytes(svg)
    assert "logo.svg: published unencrypted in the demo" in project.build().output
    result = project.run("publish")
    assert result.exit_code == 0, result.output
    assert (project.root / PUBLISHED / "assets/logo.svg").read_bytes() == svg


def test_the_phrase_check_finds_a_short_sentence_among_many_long_pages(make_project):
    """Phrases of several lengths from many pages: a sentence of six words is still found
    whole, in another case and punctuation. (Its speed is the benchmarks' to check.)"""
    pages = "".join(
        f"-- sites/acme/content/p{n}.md --\n{' '.join(f'w{n}x{i}' for i in range(3000))}.\n"
        for n in range(30)
    )
    project = make_project(
        pages + "-- sites/acme/content/short.md --\nOne two three four five six.\n"
    )
    project.build()
    studio = load_studio(project.root)
    site = load_site(studio, "acme")
    key = salt.demo_key(
        studio.build_dir / ".cache", "acme", PASSWORD, project.root / "sites/acme"
    ).key
    demo = project.root / "build/acme/demo"
    (demo / "theme/planted.txt").write_text("... ONE two three, four five SIX!")
    leaks = audit.find_leaks(demo, site, PASSWORD, key)
    assert [(str(leak.output), leak.what) for leak in leaks] == [
        ("theme/planted.txt", "text of content/short.md: “one two three four five six”")
    ]
