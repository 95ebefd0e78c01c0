"""Images in a demo are previews: smaller, stripped, watermarked; originals stay out."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image, ImageChops, ImageStat

from conftest import decrypt_file, demo_key
from sitegen.assets.demofiles import demo_files
from sitegen.assets.previews import PreviewSettings
from sitegen.model import DemoSettings, StaticFile


def save(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def photo(width: int, height: int) -> Image.Image:
    """A gradient with some structure, like a photo, so resizing and watermarks show."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    return Image.merge(
        "RGB", (image.getchannel(0), image.getchannel(0).rotate(90), image.getchannel(0))
    )


@pytest.fixture
def image_site(make_project):
    def build(files: dict[str, bytes], markdown: str = "") -> tuple:
        project = make_project(f"-- sites/acme/content/_index.md --\n{markdown}\n")
        assets = project.root / "sites/acme/assets"
        assets.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (assets / name).write_bytes(data)
        result = project.run("build")
        key = None
        if result.exit_code == 0:
            key = demo_key(project.out("index.html", raw=True))
        return project, result, key

    return build


def preview(project, key: bytes, name: str) -> Image.Image:
    data = (project.root / "build/acme/demo/assets" / name).read_bytes()
    return Image.open(io.BytesIO(decrypt_file(data, key, "acme", "/assets/" + name)))


def test_large_photo_becomes_a_small_stripped_watermarked_preview(image_site):
    original = photo(3000, 2000)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "Camera maker"
    data = save(original, "JPEG", quality=95, exif=exif.tobytes())
    project, result, key = image_site({"photo.jpg": data})
    assert result.exit_code == 0, result.output
    shown = preview(project, key, "photo.jpg")
    assert shown.size == (800, 1200), "EXIF orientation applied, long side 1200"
    assert not shown.getexif(), "metadata stripped"
    assert shown.format == "JPEG"
    plain = original.transpose(Image.Transpose.ROTATE_270).resize(shown.size)
    difference = ImageStat.Stat(ImageChops.difference(shown.convert("RGB"), plain)).mean
    assert max(difference) > 2, "a watermark is baked into the pixels"
    built = project.root / "build/acme/demo/assets/photo.jpg"
    assert hashlib.sha256(built.read_bytes()).digest() != hashlib.sha256(data).digest()
    assert len(decrypt_file(built.read_bytes(), key, "acme", "/assets/photo.jpg")) < len(data)


def test_png_alpha_palette_cmyk_and_animated_gif(image_site):
    rgba = Image.new("RGBA", (400, 300), (200, 30, 30, 0))
    rgba.paste((20, 20, 200, 255), (100, 100, 300, 200))
    palette = photo(300, 200).convert("P", palette=Image.Palette.ADAPTIVE)
    cmyk = photo(500, 400).convert("CMYK")
    frames = [Image.new("RGB", (120, 80), color) for color in ("red", "green", "blue")]
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:], duration=100)
    files = {
        "alpha.png": save(rgba, "PNG"),
        "palette.png": save(palette, "PNG"),
        "cmyk.jpg": save(cmyk, "JPEG"),
        "anim.gif": gif.getvalue(),
    }
    project, result, key = image_site(files)
    assert result.exit_code == 0, result.output
    alpha = preview(project, key, "alpha.png").convert("RGBA")
    assert alpha.getpixel((5, 5))[3] == 0 or alpha.getpixel((2, 290))[3] == 0, "alpha kept"
    assert preview(project, key, "palette.png").size == (300, 200)
    assert preview(project, key, "cmyk.jpg").mode == "RGB"
    animated = preview(project, key, "anim.gif")
    assert getattr(animated, "n_frames", 1) == 1, "first frame only"
    assert animated.convert("RGB").getpixel((60, 5))[0] > 150, "the first (red) frame"


def test_unchanged_images_are_never_processed_twice(image_site):
    project, result, _ = image_site({"a.jpg": save(photo(900, 600), "JPEG")})
    assert result.exit_code == 0
    cache = project.root / "build/.cache/previews"
    first = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert len(first) == 1
    assert project.run("build").exit_code == 0
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == first


def test_previews_made_in_parallel_stay_with_their_own_images(tmp_path):
    """The pool takes the largest originals first; each preview must still be its image's."""
    colours = {"small.jpg": ("red", 300), "large.jpg": ("blue", 2400), "mid.jpg": ("lime", 900)}
    files = []
    for name, (colour, width) in colours.items():
        (tmp_path / name).write_bytes(save(Image.new("RGB", (width, width), colour), "JPEG"))
        files.append(StaticFile(tmp_path / name, f"assets/{name}", f"assets/{name}"))
    settings = PreviewSettings(600, 60, "Studio · PREVIEW")
    made = demo_files(files, DemoSettings("acme"), settings, tmp_path / "cache", workers=2)
    assert [o.path for o in made.protected] == [f.output for f in files]
    for output, (colour, width) in zip(made.protected, colours.values(), strict=True):
        shown = Image.open(io.BytesIO(output.data)).convert("RGB")
        assert shown.size == (min(width, 600),) * 2
        expected = Image.new("RGB", (1, 1), colour).getpixel((0, 0))
        typical = ImageStat.Stat(shown).median  # the watermark covers too little to move it
        assert max(abs(a - b) for a, b in zip(typical, expected, strict=True)) < 20, output.path


def test_deliverables_stay_out_and_the_link_explains_the_handover(image_site):
    markdown = "Get the [price list](../assets/price-list.pdf) and [fonts](../assets/brand.woff2)."
    files = {"price-list.pdf": b"%PDF-1.4 the real deliverable", "brand.woff2": b"wOF2 font"}
    project, result, _ = image_site(files, markdown)
    assert result.exit_code == 0, result.output
    built = project.out_files()
    assert not any(p.endswith((".pdf", ".woff2")) for p in built)
    home = project.out("index.html")
    assert 'href="/_handover/assets/price-list.pdf/"' in home
    handover = project.out("_handover/assets/price-list.pdf/index.html")
    assert "price-list.pdf" in handover and "handed over" in handover


def test_svg_is_a_proof_unless_marked_public(image_site, make_project):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><text>logo</text></svg>'
    project, result, _ = image_site({"logo.svg": svg})
    assert result.exit_code == 0
    assert "assets/logo.svg" not in project.out_files()
    assert "_proofs/assets/logo.svg/1.jpg" in project.out_files()
    site_toml = project.root / "sites/acme/site.toml"
    site_toml.write_text(site_toml.read_text() + 'public = ["assets/logo.svg"]\n')
    assert project.run("build").exit_code == 0
    assert (project.root / "build/acme/demo/assets/logo.svg").read_bytes() == svg


def test_release_build_publishes_the_originals(image_site):
    data = save(photo(2000, 1000), "JPEG")
    project, result, _ = image_site({"big.jpg": data, "list.pdf": b"%PDF"})
    assert project.run("build", "--release").exit_code == 0
    release = project.root / "build/acme/release/assets"
    assert (release / "big.jpg").read_bytes() == data
    assert (release / "list.pdf").read_bytes() == b"%PDF"


def test_a_damaged_image_gives_a_clear_error_naming_the_file(image_site):
    data = save(photo(800, 600), "JPEG")[:2000]
    project, result, _ = image_site({"truncated.jpg": data})
    assert result.exit_code == 1
    assert "assets/truncated.jpg: cannot make a preview: the image is damaged or truncated" in (
        result.output
    )
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("broken.jpg", b"this is not a jpeg at all", "its content is not one"),
        ("empty.png", b"", "the file is empty"),
    ],
)
def test_a_file_named_like_an_image_that_is_none_is_withheld_with_a_warning(
    image_site, name, data, message
):
    markdown = f"![shown](../assets/{name}) and [link](../assets/{name})"
    project, result, _ = image_site({name: data}, markdown)
    assert result.exit_code == 0, result.output
    assert f"assets/{name}: kept out of the demo: " in result.output and message in result.output
    assert f"assets/{name}" not in project.out_files()
    assert f'href="/_handover/assets/{name}/"' in project.out("index.html")
    assert "Traceback" not in result.output


def test_decompression_bomb_is_refused(image_site):
    bomb = save(Image.new("1", (20000, 10000)), "PNG", optimize=True)
    project, result, _ = image_site({"bomb.png": bomb})
    assert result.exit_code == 1
    assert "bomb.png: cannot make a preview: the image has too many pixels" in result.output
