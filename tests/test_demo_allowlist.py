"""Only previews of images and the site code pages need reach a demo; every other file of
the client's, of whatever kind, is withheld until the handover."""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile

import pytest
from PIL import Image, ImageCms, features
from pillow_heif import register_heif_opener

from conftest import decrypt_demo_tree

register_heif_opener()  # to write the HEIC original

BYLINE = "Jane Photographer-7Q"  # planted in metadata: must not survive in any preview
GPS_LATITUDE = (52.0, 22.0, 45.19)
PREVIEW_FORMATS = {"JPEG", "PNG", "WEBP"}
METADATA_KEYS = {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "photoshop", "comment"}


def photo(width: int, height: int, mode: str = "RGB") -> Image.Image:
    gradient = Image.linear_gradient("L").resize((width, height))
    image = Image.merge("RGB", (gradient, gradient.rotate(90), gradient)).convert(mode)
    if mode == "RGBA":
        image.putalpha(gradient)
    return image


def exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x013B] = BYLINE  # Artist
    exif[0x010F] = "Camera maker"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: GPS_LATITUDE, 3: "E", 4: GPS_LATITUDE})
    return exif


XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-'
    'rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
    f'dc:creator="{BYLINE}" exif:GPSLatitude="52,22.75N" '
    'xmlns:exif="http://ns.adobe.com/exif/1.0/"/></rdf:RDF></x:xmpmeta>'
).encode()
IPTC = b"\x1c\x02\x50" + len(BYLINE).to_bytes(2, "big") + BYLINE.encode()  # 2:80 By-line


def save(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def images() -> dict[str, bytes]:
    """One file per image format Pillow writes here, several with planted metadata."""
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    exif = exif_with_gps().tobytes()
    frames = [Image.new("RGB", (300, 200), colour) for colour in ("red", "lime", "blue")]
    found = {
        "camera.jfif": save(photo(4000, 3000), "JPEG", exif=exif, icc_profile=srgb, xmp=XMP),
        "photo.jpg": save(photo(1600, 1200), "JPEG", exif=exif),
        "shot.jpe": save(photo(800, 600), "JPEG", exif=exif),
        "logo.png": save(photo(1400, 700, "RGBA"), "PNG", exif=exif),
        "still.gif": save(photo(400, 300).convert("P"), "GIF", comment=BYLINE.encode()),
        "animated.gif": save(
            frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0
        ),
        "picture.webp": save(photo(1500, 1000), "WEBP", exif=exif, xmp=XMP),
        "moving.webp": save(frames[0], "WEBP", save_all=True, append_images=frames[1:]),
        "scan.bmp": save(photo(1300, 900), "BMP"),
        "scan.tiff": save(
            photo(2000, 1500),
            "TIFF",
            exif=exif,
            tiffinfo={700: XMP, 33723: IPTC},
            icc_profile=srgb,
        ),
        "favicon.ico": save(photo(64, 64, "RGBA"), "ICO"),
        "art.pcx": save(photo(1300, 400), "PCX"),
        "art.ppm": save(photo(500, 1300), "PPM"),
        "art.tga": save(photo(1250, 300), "TGA"),
        "render.avif": save(photo(1600, 900), "AVIF", exif=exif, xmp=XMP),
        "phone.heic": save(photo(1800, 1200), "HEIF", exif=exif),
        "disguised.txt": save(photo(1300, 1300), "PNG"),  # an image, whatever its name says
        "sprite.qoi": save(photo(300, 300), "QOI"),
    }
    if features.check("jpg_2000"):
        found["drawing.jp2"] = save(photo(1400, 1000), "JPEG2000")
    return found


def zipped(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, f"client work in {name}")
    return buffer.getvalue()


def others() -> dict[str, bytes]:
    """Everything that is not an image: withheld unless it is site code the pages need."""
    junk = os.urandom(3000)
    return {
        "raw.cr2": b"II*\x00\x10\x00\x00\x00CR" + junk,  # a raw file Pillow cannot read
        "raw.dng": b"junk that only calls itself a DNG" + junk,
        "promo.webm": b"\x1aE\xdf\xa3\x9fB\x86\x81\x01webm" + junk,
        "movie.mkv": b"\x1aE\xdf\xa3\x93B\x82\x88matroska" + junk,
        "clip.mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + junk,
        "clip.mov": b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + junk,
        "song.mp3": b"ID3\x04\x00\x00\x00\x00\x00\x00" + junk,
        "voice.wav": b"RIFF\x24\x08\x00\x00WAVEfmt " + junk,
        "track.flac": b"fLaC\x00\x00\x00\x22" + junk,
        "contract.odt": zipped("mimetype", "content.xml"),
        "report.docx": zipped("[Content_Types].xml", "word/document.xml"),
        "sheet.xlsx": zipped("xl/workbook.xml"),
        "deck.key": zipped("Index/Document.iwa"),
        "letter.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + junk,
        "proposal.pdf": b"%PDF-1.7\n" + junk,
        "brand.eot": b"\x00\x01\x00\x00LP" + junk,
        "brand.ttf": b"\x00\x01\x00\x00\x00\x0e\x00\x80" + junk,
        "brand.woff2": b"wOF2\x00\x01\x00\x00" + junk,
        "backup.tar.xz": b"\xfd7zXZ\x00\x00" + junk,
        "site.zip": zipped("index.html"),
        "files.7z": b"7z\xbc\xaf\x27\x1c" + junk,
        "mockup.psd": b"8BPS junk, not a readable Photoshop file" + junk,
        "logo.ai": b"%PDF-1.5 %Illustrator" + junk,
        "layout.indd": b"\x06\x06\xed\xf5\xd8\x1dF\xe5" + junk,
        "app.sketch": zipped("document.json"),
        "scene.blend": b"BLENDER-v300" + junk,
        "plan.dwg": b"AC1032" + junk,
        "vector.eps": b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n" + junk,
        "notes.txt": b"Client notes: the launch date and the supplier's prices.\n",
        "fake.jpg": b"a text file that only calls itself a JPEG\n",
        "data.xyz": junk,
        "README": b"a file without a suffix\n",
        "LICENSE-KEY": junk,
        # Named like site code or a page, but not one: originals all the same.
        "brochure.pdf.json": b"%PDF-1.7\n" + junk,
        "designs.map": zipped("design.sketch"),
        "binary.js": b"var x = 1;\x00" + junk,
        "prices.json": b"opening: 07:00, not JSON\n",
        "export.html": "<p>Caf\u00e9 menu exported by a word processor</p>".encode("cp1252"),
    }


# Design files that render: each becomes a proof, its pages previews (see test_proofs.py).
DESIGNS = {"logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><text>logo</text></svg>'}

SITE_CODE = {
    "style.css": b"body { color: #222; }\n",
    "app.js": b"document.documentElement.dataset.ready = '1';\n",
    "module.mjs": b"export const ready = true;\n",
    "data.json": b'{"opening": "07:00"}\n',
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from conftest import REPO, STUDIO_TOML, Project, write_files

    root = tmp_path_factory.mktemp("allowlist") / "project"
    import shutil

    shutil.copytree(REPO / "themes", root / "themes")
    (root / "sitegen.toml").write_text(STUDIO_TOML, encoding="utf-8")
    project = Project(root).add_client("acme")
    files = {**images(), **others(), **SITE_CODE, **DESIGNS}
    assets = root / "sites/acme/assets"
    assets.mkdir(parents=True)
    for name, data in files.items():
        (assets / name).write_bytes(data)
    links = "\n".join(f"- [{name}](../assets/{name})" for name in files)
    write_files(root / "sites/acme", f"-- content/_index.md --\n# Files\n\n{links}\n")
    (root / "sites/acme/content/embed.html").write_text("<p>An HTML page of the client's.</p>")
    result = project.run("build")
    assert result.exit_code == 0, result.output
    plain = decrypt_demo_tree(root / "build/acme/demo")
    return project, result, files, plain


def test_fixture_covers_at_least_forty_kinds_of_file(demo):
    _, _, files, _ = demo
    assert len(files) >= 40


def test_no_output_is_an_original_except_site_code(demo):
    project, _, files, plain = demo
    kept_out = {
        hashlib.sha256(data).hexdigest(): name
        for name, data in files.items()
        if name not in SITE_CODE
    }
    for path, data in plain.items():
        assert hashlib.sha256(data).hexdigest() not in kept_out, f"{path} is an original"
    for name, data in SITE_CODE.items():
        assert plain[f"assets/{name}"] == data, "site code reaches the demo as it is"
    raw = project.root / "build/acme/demo/assets/style.css"
    assert raw.read_bytes() != SITE_CODE["style.css"], "encrypted"


def test_every_image_is_a_small_clean_preview_under_its_own_name(demo):
    _, _, _, plain = demo
    originals = images()
    for name in ("camera.jfif", "photo.jpg", "picture.webp", "render.avif", "phone.heic"):
        gps = Image.open(io.BytesIO(originals[name])).getexif().get_ifd(0x8825)
        assert gps[2] == GPS_LATITUDE, f"the fixture's {name} carries GPS"
    assert BYLINE.encode() in originals["scan.tiff"] and XMP in originals["scan.tiff"]
    for name, original in originals.items():
        data = plain[f"assets/{name}"]
        assert data != original
        image = Image.open(io.BytesIO(data))
        assert image.format in PREVIEW_FORMATS, name
        assert max(image.size) <= 1200, name
        assert getattr(image, "n_frames", 1) == 1, f"{name}: one frame"
        image.load()
        assert not METADATA_KEYS & set(image.info), f"{name}: {set(image.info)}"
        assert not image.getexif(), f"{name} has EXIF"
        assert not getattr(image, "text", {}), f"{name} has text chunks"
        assert BYLINE.encode() not in data and b"GPS" not in data, name
    assert Image.open(io.BytesIO(plain["assets/camera.jfif"])).size == (1200, 900)
    assert Image.open(io.BytesIO(plain["assets/scan.tiff"])).format == "JPEG"
    assert Image.open(io.BytesIO(plain["assets/logo.png"])).mode in ("RGBA", "P")


def test_any_image_in_the_demo_is_a_preview(demo):
    """Not only the files named above: nothing that decodes as an image is anything else."""
    _, _, _, plain = demo
    for path, data in plain.items():
        try:
            image = Image.open(io.BytesIO(data))
        except Exception:
            continue
        assert image.format in PREVIEW_FORMATS and max(image.size) <= 1200, path


def test_everything_else_is_withheld_and_its_link_leads_to_the_handover(demo):
    _, result, files, plain = demo
    withheld = sorted(set(others()))
    home = plain["index.html"].decode()
    for name in withheld:
        assert f"assets/{name}" not in plain, name
        assert f'href="/_handover/assets/{name}/"' in home, name
        assert f"_handover/assets/{name}/index.html" in plain, name
    for name in [*images(), *SITE_CODE]:
        assert re.search(rf'href="/assets/{re.escape(name)}" data-sitegen-href', home), name
    summary = next(line for line in result.output.splitlines() if line.startswith("✓ acme"))
    assert f"({len(withheld)} files withheld until the handover)" in summary
    assert "assets/fake.jpg: kept out of the demo: named like an image" in result.output
    for name in ("proposal.pdf", "mockup.psd", "logo.ai"):
        assert f"assets/{name}: withheld: it cannot be shown as a proof" in result.output, name
    assert 'href="/_proofs/assets/logo.svg/"' in home and "assets/logo.svg" not in plain


def test_client_html_is_locked_as_a_page(demo):
    project, _, _, plain = demo
    assert "An HTML page of the client's." in plain["embed.html"].decode()
    raw = (project.root / "build/acme/demo/embed.html").read_text()
    assert 'id="sitegen-payload"' in raw and "An HTML page" not in raw


def test_an_up_to_date_build_still_says_how_many_were_withheld(demo):
    project, _, _, _ = demo
    result = project.build()
    assert "(up to date)" in result.output
    assert f"({len(others())} files withheld until the handover)" in result.output


def test_a_theme_ships_in_a_demo_only_styles_scripts_fonts_and_images(make_project):
    """A theme's files are public in a demo: a document left in its static/ folder stays out,
    with a warning naming it; the release has it."""
    project = make_project("-- sites/acme/content/about.md --\nWe bake.\n")
    guide = project.root / "themes/default/static/client/brand-guide.pdf"
    guide.parent.mkdir(parents=True)
    guide.write_bytes(b"%PDF-1.7\nthe client's brand guide\n")
    (guide.parent / "brand.woff2").write_bytes(b"wOF2\x00\x01\x00\x00font")
    result = project.build("--release")
    assert "brand-guide.pdf" in result.output and "kept out of the demo" in result.output
    demo = project.out_files()
    assert "theme/client/brand-guide.pdf" not in demo
    assert "theme/client/brand.woff2" in demo and "theme/css/style.css" in demo
    assert "theme/client/brand-guide.pdf" in project.out_files(mode="release")
