"""The pixels of a demo preview: resized, watermarked, re-encoded without metadata; and what
is an image at all, told by its content.

Apart from `previews` so that Pillow is imported only where a client's files are sorted or
an image is turned into a preview. This module does no I/O but reading the files it sniffs."""

from __future__ import annotations

import io
import math
import warnings
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFile, ImageFont, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from sitegen.assets.previews import WATERMARK_ALPHA, WATERMARK_ANGLE, PreviewError, PreviewSettings

register_heif_opener()  # HEIC/HEIF, as phones take photos; AVIF is Pillow's own

# Formats Pillow names but cannot turn into pixels here: vectors (their own originals, and
# Ghostscript would be needed), video, and formats Pillow only recognises.
NOT_PREVIEWED = frozenset({"EPS", "MPEG", "WMF", "EMF", "BUFR", "GRIB", "HDF5"})
# An image past Pillow's pixel limit: its size is not read, only that it is too large.
TOO_LARGE = (1 << 31, 1 << 31)
# File name suffixes that promise an image: a file so named that is not one is worth a word.
IMAGE_SUFFIXES = frozenset(
    suffix
    for suffix, fmt in Image.registered_extensions().items()
    if fmt in Image.OPEN and fmt not in NOT_PREVIEWED
) | {".heic", ".heif", ".avif", ".jfif", ".jpe"}


def image_size(source: Path | bytes) -> tuple[int, int] | None:
    """The width and height of a raster image sitegen can make a preview of, read from the
    header of `source` (a file, or its bytes) alone; None when it is no such image, whatever
    its name says."""
    opened = io.BytesIO(source) if isinstance(source, bytes) else source
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(opened) as image:
                stub = isinstance(image, ImageFile.StubImageFile)
                return None if stub or image.format in NOT_PREVIEWED else image.size
        except Image.DecompressionBombError:
            return TOO_LARGE
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            return None


def make_preview(original: bytes, settings: PreviewSettings) -> bytes:
    """The preview of an image: JPEG, or PNG or WebP where there is transparency."""
    image = _open(original, settings.size)
    return finish(image, settings, image.format)


def finish(image: Image.Image, settings: PreviewSettings, source_format: str | None) -> bytes:
    """An opened image made a preview: scaled, turned upright, watermarked, re-encoded."""
    try:
        has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
            "transparency" in image.info
        )
        mode = "RGBA" if has_alpha else "RGB"
        if image.mode != mode:
            image = image.convert(mode)
        # Resize before turning upright: a turn of the smaller image costs less. Hamming, not
        # Lanczos: a JPEG is already decoded at the scale just above the target (draft), and
        # for the rest of the way the two differ far less than re-encoding at preview quality.
        image.thumbnail((settings.size, settings.size), Image.Resampling.HAMMING)
        ImageOps.exif_transpose(image, in_place=True)
    except (OSError, ValueError) as exc:
        raise PreviewError(f"the image cannot be converted ({exc})") from None
    if has_alpha:
        image = Image.alpha_composite(image, _watermark_layer(image.size, settings.watermark))
    else:
        colour, alpha = _watermark_parts(image.size, settings.watermark)
        image.paste(colour, (0, 0), alpha)  # blends as alpha_composite would, without RGBA
    return _encode(image, _preview_format(source_format, has_alpha), settings.quality)


def _preview_format(source_format: str | None, has_alpha: bool) -> str:
    """PNG and WebP stay what they are (a logo stays sharp); all else becomes JPEG, or PNG
    where it is transparent. Never the original's own format: TIFF, GIF or HEIC would keep
    ways of carrying metadata that a preview must not have."""
    if source_format in ("PNG", "WEBP"):
        return source_format
    return "PNG" if has_alpha else "JPEG"


def proof_page(image: Image.Image, settings: PreviewSettings) -> bytes:
    """A page of a proof as a preview: on white paper, as printed, so every page is a JPEG."""
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        image = image.convert("RGBA") if image.mode != "RGBA" else image
        paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(paper, image)
    return finish(image.convert("RGB") if image.mode != "RGB" else image, settings, None)


def open_psd(original: bytes) -> Image.Image:
    """A Photoshop file's flattened composite, with the preview's pixel limit."""
    return _open(original, 0)


def _open(original: bytes, size: int) -> Image.Image:
    if not original:
        raise PreviewError("the image file is empty")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(original))
            if image.format == "JPEG" and image.mode in ("RGB", "L"):
                image.draft(image.mode, (size, size))  # decode at a reduced scale: much faster
            image.load()  # the first frame only: a preview of an animation is one still
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PreviewError(
                "the image has too many pixels to process safely; scale it down first"
            ) from None
        except UnidentifiedImageError:
            raise PreviewError("this is not an image sitegen can read") from None
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise PreviewError(f"the image is damaged or truncated ({exc})") from None
    return image


def _encode(image: Image.Image, fmt: str, quality: int) -> bytes:
    """Re-encode without any metadata: no EXIF, no GPS, no XMP, no colour profile, no text.
    The pixels are copied into a new image, which has none of the original's to pass on."""
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    out = io.BytesIO()
    if fmt == "JPEG":
        # Not progressive: the demo decrypts a whole file before showing it, so progressive
        # loading never shows, and it costs three times the encoding time.
        clean = clean if clean.mode == "RGB" else clean.convert("RGB")
        clean.save(out, fmt, quality=quality, optimize=True)
    elif fmt == "WEBP":
        clean.save(out, fmt, quality=quality, method=4)
    else:
        clean.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(out, fmt, optimize=True)
    return out.getvalue()


@lru_cache(maxsize=16)
def _watermark_layer(size: tuple[int, int], text: str) -> Image.Image:
    """The diagonal watermark for one image size, drawn once and reused: rows of text on a
    square that covers the image at any angle, turned. The stamp is turned once and pasted
    where the turned rows put it: turning the whole square took longer than ten previews."""
    width, height = size
    font_size = max(12, max(size) // 24)
    stamp = _stamp(text, font_size)
    turned = stamp.rotate(WATERMARK_ANGLE, resample=Image.Resampling.BICUBIC, expand=True)
    angle = math.radians(WATERMARK_ANGLE)
    cos, sin = math.cos(angle), math.sin(angle)
    side = int(math.hypot(width, height)) + 2
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    step_x, step_y = stamp.width + font_size * 2, stamp.height * 3
    for row, top in enumerate(range(0, side, step_y)):
        shift = (row % 2) * step_x // 2
        for left in range(-shift, side, step_x):
            # The stamp's centre from the square's, turned anticlockwise as `rotate` turns.
            x, y = left + (stamp.width - side) / 2, top + (stamp.height - side) / 2
            centre_x = width / 2 + x * cos + y * sin
            centre_y = height / 2 - x * sin + y * cos
            corner = (round(centre_x - turned.width / 2), round(centre_y - turned.height / 2))
            layer.paste(turned, corner, turned)
    return layer


@lru_cache(maxsize=16)
def _watermark_parts(size: tuple[int, int], text: str) -> tuple[Image.Image, Image.Image]:
    """The watermark as colour and mask, to paste straight onto an RGB image."""
    layer = _watermark_layer(size, text)
    return layer.convert("RGB"), layer.getchannel("A")


@lru_cache(maxsize=16)
def _stamp(text: str, font_size: int) -> Image.Image:
    """Light text with a dark outline, so it reads on light and dark photos alike."""
    font = _font(text, font_size)
    stroke = max(1, font_size // 14)
    left, top, right, bottom = font.getbbox(text, stroke_width=stroke)
    canvas = Image.new("RGBA", (right - left + 4, bottom - top + 4), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).text(
        (2 - left, 2 - top),
        text,
        font=font,
        fill=(255, 255, 255, WATERMARK_ALPHA),
        stroke_width=stroke,
        stroke_fill=(0, 0, 0, WATERMARK_ALPHA),
    )
    return canvas


def _font(text: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled font for Latin text; a system font with Arabic glyphs otherwise."""
    if all(ord(char) < 0x250 for char in text):
        return ImageFont.load_default(size)
    for name in ("DejaVuSans-Bold.ttf", "NotoSansArabic-Bold.ttf", "NotoSans-Bold.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)
