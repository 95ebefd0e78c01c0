"""Design files as proofs: a PDF, an AI, a PSD or an SVG shows in the demo as previews of its
pages on a proof page, never as the original; the release links the original."""

from __future__ import annotations

import datetime as dt
import io
import re
import struct

import pytest
from babel.dates import format_date
from PIL import Image

from conftest import PASSWORD, SITE_TOML, decrypt_demo_tree, decrypt_file, demo_key

SENTENCES = [
    "Our sourdough rises for thirty hours before baking",
    "Every loaf is shaped by hand in the early morning",
    "Order the wedding cake three weeks ahead please",
]


def text_pdf(pages: list[str], width: int = 595, height: int = 842, encrypt: bool = False) -> bytes:
    """A real PDF with a text layer (Helvetica, one line per page), written by hand: its
    sentences are in its bytes, so a leak of the original or its text shows."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""]
    kids = []
    for text in pages:
        stream = f"BT /F1 24 Tf 40 {height - 80} Td ({text}) Tj ET".encode()
        page_number, content_number = len(objects) + 1, len(objects) + 2
        kids.append(f"{page_number} 0 R")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
            f"/Contents {content_number} 0 R /Resources << /Font << /F1 << /Type /Font "
            "/Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream.decode()}\nendstream")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    if encrypt:  # the standard handler with a user password: not the empty one
        objects.append(
            "<< /Filter /Standard /V 1 /R 2 /O <" + "11" * 32 + "> /U <" + "22" * 32 + "> /P -4 >>"
        )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    extra = f" /Encrypt {len(objects)} 0 R /ID [<{'ab' * 16}><{'ab' * 16}>]" if encrypt else ""
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{extra} >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def psd(width: int, height: int, colour=(200, 30, 30), dpi: int = 300) -> bytes:
    """A Photoshop file, uncompressed RGB, with its resolution; the pixel data is left out
    when the file only needs to claim its size."""
    resolution = struct.pack(">IHHIHH", dpi << 16, 1, 1, dpi << 16, 1, 1)
    block = b"8BIM" + struct.pack(">H", 0x03ED) + b"\0\0" + struct.pack(">I", len(resolution))
    block += resolution
    header = b"8BPS" + struct.pack(">H6xHIIHH", 1, 3, height, width, 8, 3)
    body = struct.pack(">I", 0) + struct.pack(">I", len(block)) + block + struct.pack(">I", 0)
    pixels = b"".join(bytes([c]) * (width * height) for c in colour) if width < 5000 else b""
    return header + body + struct.pack(">H", 0) + pixels


SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="80mm" height="40mm" viewBox="0 0 80 40">'
    '<rect width="80" height="40" fill="#1d5c4d"/></svg>'
)


@pytest.fixture
def site(make_project):
    project = make_project("""
        -- sites/acme/content/_index.md --
        # Print work

        The [brochure](proofs/brochure.pdf), the [poster](../assets/poster.psd) and
        our logo: ![Logo](../assets/logo.svg)
    """)
    proofs = project.root / "sites/acme/content/proofs"
    proofs.mkdir()
    (proofs / "brochure.pdf").write_bytes(text_pdf(SENTENCES))
    assets = project.root / "sites/acme/assets"
    assets.mkdir()
    (assets / "poster.psd").write_bytes(psd(600, 900))
    (assets / "logo.svg").write_text(SVG, encoding="utf-8")
    return project


def jpeg_size(data: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(data))
    assert (
        image.format == "JPEG" and not image.info.get("exif") and not image.info.get("icc_profile")
    )
    return image.size


def test_a_pdf_becomes_a_proof_page_of_watermarked_page_previews(site):
    result = site.build()
    plain = decrypt_demo_tree(site.root / "build/acme/demo")
    home = plain["index.html"].decode()
    assert 'href="/_proofs/proofs/brochure.pdf/"' in home
    page = plain["_proofs/proofs/brochure.pdf/index.html"].decode()
    for number in (1, 2, 3):
        assert f"page {number} of 3" in page
        assert f'data-sitegen-src="/_proofs/proofs/brochure.pdf/{number}.jpg"' in page
        width, height = jpeg_size(plain[f"_proofs/proofs/brochure.pdf/{number}.jpg"])
        assert height == 1200 and 840 <= width <= 856  # A4 at the preview size
    assert "210 × 297 mm (8.26 × 11.69 in)" in page
    assert "proofs/brochure.pdf" not in plain and "brochure.pdf" not in result.output


def test_the_demo_holds_no_byte_of_an_original_and_no_text_layer(site):
    site.build()
    plain = decrypt_demo_tree(site.root / "build/acme/demo")
    client_files = {k: v for k, v in plain.items() if not k.startswith("theme/")}
    for path, data in client_files.items():
        assert not data.startswith((b"%PDF", b"8BPS")), path
        assert b"<svg" not in data, path
        for sentence in SENTENCES:
            assert sentence.encode() not in data, (path, sentence)


def test_an_embedded_design_file_shows_its_first_page_and_a_psd_is_a_one_page_proof(site):
    site.build()
    plain = decrypt_demo_tree(site.root / "build/acme/demo")
    home = plain["index.html"].decode()
    assert 'data-sitegen-src="/_proofs/assets/logo.svg/1.jpg"' in home
    logo = Image.open(io.BytesIO(plain["_proofs/assets/logo.svg/1.jpg"]))
    assert logo.size == (1200, 600)
    assert logo.getpixel((30, 570))[1] > logo.getpixel((30, 570))[0]  # the SVG's green, drawn
    assert "80 × 40 mm (3.15 × 1.57 in)" in plain["_proofs/assets/logo.svg/index.html"].decode()
    poster = plain["_proofs/assets/poster.psd/index.html"].decode()
    assert "page 1 of 1" in poster and "51 × 76 mm (2.00 × 3.00 in)" in poster  # 600×900 at 300 dpi
    assert jpeg_size(plain["_proofs/assets/poster.psd/1.jpg"]) == (600, 900)  # never enlarged


def test_the_gallery_lists_the_proofs_folder_and_the_status_page_offers_approval(site):
    site.build()
    plain = decrypt_demo_tree(site.root / "build/acme/demo")
    gallery = plain["_proofs/index.html"].decode()
    assert 'href="/_proofs/proofs/brochure.pdf/"' in gallery and "3 pages" in gallery
    assert "poster.psd" not in gallery  # not in content/proofs/
    day = (site.root / "sites/acme/content/proofs/brochure.pdf").stat().st_mtime
    shown = format_date(dt.date.fromtimestamp(day), "d MMMM", locale="en")
    assert f"version of {shown}" in gallery
    status = plain["status/index.html"].decode()
    assert 'href="/_proofs/"' in status
    subjects = re.findall(r'class="status-approve" href="mailto:[^"]*subject=([^"&]*)', status)
    version = plain["_proofs/proofs/brochure.pdf/index.html"].decode()
    version = re.search(r"<code>([0-9a-f]{12})</code>", version)[1]
    assert f"Approval%3A%20brochure.pdf%2C%20version%20{version}" in " ".join(subjects)


def test_the_release_links_the_original(site):
    site.build("--release")
    release = site.root / "build/acme/release"
    original = site.root / "sites/acme/content/proofs/brochure.pdf"
    assert (release / "proofs/brochure.pdf").read_bytes() == original.read_bytes()
    assert 'href="/proofs/brochure.pdf"' in site.out("index.html", mode="release")
    assert not (release / "_proofs").exists()


def test_an_unchanged_pdf_is_not_rendered_again(site):
    site.build()
    cache = site.root / "build/.cache/previews"
    entries = {p: p.stat().st_mtime_ns for p in cache.glob("proof-*")}
    assert len(entries) == 3
    first = (site.root / "build/acme/demo/_proofs/proofs/brochure.pdf/2.jpg").read_bytes()
    (site.root / "sites/acme/content/more.md").write_text("# More\n", encoding="utf-8")
    site.build()
    assert {p: p.stat().st_mtime_ns for p in cache.glob("proof-*")} == entries
    assert (site.root / "build/acme/demo/_proofs/proofs/brochure.pdf/2.jpg").read_bytes() == first


def test_publish_passes_the_audit_with_proofs(site):
    target = site.root.parent / "published"
    result = site.run("publish", "--target", f"file:{target}")
    assert result.exit_code == 0, result.output
    assert (target / "_proofs/proofs/brochure.pdf/1.jpg").is_file()


BAD = {
    "locked.pdf": (text_pdf(SENTENCES, encrypt=True), "protected by a password"),
    "damaged.pdf": (text_pdf(SENTENCES)[:200], "the PDF is damaged"),
    "empty.pdf": (b"", "the file is empty"),
    "old.ai": (b"%!PS-Adobe-3.0 not PDF-compatible\n", "saved PDF-compatible"),
    "huge.psd": (psd(20000, 20000), "too many pixels"),
    "broken.svg": (b"<svg", "the SVG cannot be drawn"),
}


def test_files_that_cannot_be_rendered_are_withheld_with_a_warning_naming_them(make_project):
    links = "\n".join(f"- [{name}](../assets/{name})" for name in BAD)
    project = make_project(f"-- sites/acme/content/_index.md --\n# Files\n\n{links}\n")
    assets = project.root / "sites/acme/assets"
    assets.mkdir()
    for name, (data, _) in BAD.items():
        (assets / name).write_bytes(data)
    result = project.build()
    plain = decrypt_demo_tree(project.root / "build/acme/demo")
    for name, (_, why) in BAD.items():
        line = next(line for line in result.output.splitlines() if f"assets/{name}:" in line)
        assert "withheld: it cannot be shown as a proof" in line and why in line, line
        assert f'href="/_handover/assets/{name}/"' in plain["index.html"].decode()
        assert not any(k.startswith(f"_proofs/assets/{name}") for k in plain)
    assert f"({len(BAD)} files withheld until the handover)" in result.output


def test_a_long_pdf_shows_its_first_pages_and_says_so(make_project):
    toml = SITE_TOML + "proof_pages = 2\n"
    project = make_project(f"""
        -- sites/acme/site.toml --
        {toml.replace(chr(10), chr(10) + " " * 8)}
        -- sites/acme/content/_index.md --
        [Catalogue](catalogue.pdf)
    """)
    catalogue = project.root / "sites/acme/content/catalogue.pdf"
    catalogue.write_bytes(text_pdf(SENTENCES))
    result = project.build()
    assert "content/catalogue.pdf: the proof shows the first 2 of 3 pages" in result.output
    plain = decrypt_demo_tree(project.root / "build/acme/demo")
    page = plain["_proofs/catalogue.pdf/index.html"].decode()
    assert "page 2 of 3" in page and "first 2 of 3 pages" in page
    assert "_proofs/catalogue.pdf/3.jpg" not in plain


def test_an_svg_is_drawn_without_the_files_it_references(make_project, tmp_path):
    secret = tmp_path / "elsewhere.png"
    Image.new("RGB", (40, 40), (0, 0, 255)).save(secret)
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="40" height="40"><rect width="40" height="40" fill="white"/>'
        f'<image xlink:href="{secret}" width="40" height="40"/>'
        '<image href="https://example.com/x.png" width="40" height="40"/>'
        "<script>document.title = 'ran'</script></svg>"
    )
    project = make_project("-- sites/acme/content/_index.md --\n![Mark](mark.svg)\n")
    (project.root / "sites/acme/content/mark.svg").write_text(svg, encoding="utf-8")
    result = project.build()
    assert "content/mark.svg: references to other files were not followed" in result.output
    plain = decrypt_demo_tree(project.root / "build/acme/demo")
    red, green, blue = Image.open(io.BytesIO(plain["_proofs/mark.svg/1.jpg"])).getpixel((600, 600))
    assert blue - red < 60, "the referenced file was drawn into the proof"


def test_a_proof_preview_decrypts_only_at_its_own_address(site):
    site.build()
    demo = site.root / "build/acme/demo"
    key = demo_key((demo / "index.html").read_text())
    data = (demo / "_proofs/assets/logo.svg/1.jpg").read_bytes()
    assert decrypt_file(data, key, "acme", "/_proofs/assets/logo.svg/1.jpg")[:2] == b"\xff\xd8"
    with pytest.raises(Exception):  # noqa: B017 (any failure to decrypt will do)
        decrypt_file(data, key, "acme", "/_proofs/assets/poster.psd/1.jpg")
    assert PASSWORD.encode() not in data


def test_the_audit_refuses_a_proof_that_carries_its_original(site):
    """What a build that appended the PSD to its preview would have published."""
    from sitegen.config.load import load_site, load_studio
    from sitegen.demo import lock, salt
    from sitegen.publish.builtfolder import BuiltFolder
    from sitegen.publish.publishdemo import demo_problems

    site.build()
    studio = load_studio(site.root)
    cache = studio.build_dir / ".cache"
    key = salt.demo_key(cache, "acme", PASSWORD, site.root / "sites/acme")
    demo = site.root / "build/acme/demo"
    planted = {
        "_proofs/assets/poster.psd/1.jpg": psd(600, 900)[:40000],  # a piece of the original
        "_proofs/assets/poster.psd/2.jpg": b"%PDF-1.4 another client's document",
    }
    for output, data in planted.items():
        path = demo / output
        path.write_bytes(lock.encrypt_file(key, "acme", "/" + output, data))
    problems = demo_problems(BuiltFolder.read(demo), load_site(studio, "acme"), PASSWORD, cache)
    assert (
        "_proofs/assets/poster.psd/1.jpg holds bytes of an original, encrypted: "
        "assets/poster.psd" in problems
    ), problems
    assert any(p.startswith("_proofs/assets/poster.psd/2.jpg holds a PDF") for p in problems)


def test_serve_shows_a_proof_and_a_new_version_after_the_pdf_changes(site):
    from test_serve import start

    from conftest import decrypt_gate

    served = start(site)
    try:
        path = "/_proofs/proofs/brochure.pdf/"
        page = decrypt_gate(served.get(path)[2].decode(), read=served.read)
        assert "page 1 of 3" in page and "page 1 of 2" not in page
        brochure = "sites/acme/content/proofs/brochure.pdf"
        served.change(lambda root: (root / brochure).write_bytes(text_pdf(SENTENCES[:2])))
        page = decrypt_gate(served.get(path)[2].decode(), read=served.read)
        assert "page 1 of 2" in page and "page 3 of" not in page
        assert served.get(path + "2.jpg")[2].startswith(b"SGE2")
        assert served.get(path + "3.jpg")[0] == 404
    finally:
        served.server.stop()


def test_a_pdf_compatible_ai_and_a_compressed_svg_are_proofs(make_project):
    import gzip

    project = make_project("-- sites/acme/content/_index.md --\n[Mark](mark.ai) ![](mark.svgz)\n")
    content = project.root / "sites/acme/content"
    (content / "mark.ai").write_bytes(text_pdf(SENTENCES[:1], width=288, height=144))
    (content / "mark.svgz").write_bytes(gzip.compress(SVG.encode()))
    result = project.build()
    assert "withheld" not in result.output
    plain = decrypt_demo_tree(project.root / "build/acme/demo")
    assert "102 × 51 mm (4.00 × 2.00 in)" in plain["_proofs/mark.ai/index.html"].decode()
    assert jpeg_size(plain["_proofs/mark.ai/1.jpg"]) == (1200, 600)
    assert jpeg_size(plain["_proofs/mark.svgz/1.jpg"]) == (1200, 600)
    assert 'data-sitegen-src="/_proofs/mark.svgz/1.jpg"' in plain["index.html"].decode()
