"""Proofs of design files — PDF, PDF-compatible AI, PSD and SVG — for the demo: every page
rendered to a watermarked preview, never the original, never its text layer.

This module does no I/O: bytes of an original in, previews of its pages out. It runs in the
worker processes as image previews do; pypdfium2 (PDF, AI), Pillow (PSD) and resvg (SVG) are
imported only when a proof is rendered, and none needs a system library."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from sitegen.assets.previews import RECIPE, PreviewSettings

PROOF_SUFFIXES = frozenset({".pdf", ".ai", ".psd", ".svg", ".svgz"})
PROOF_RECIPE = f"proof-2-{RECIPE}"  # bump when the rendering changes
POINTS_PER_INCH = 72.0
MM_PER_INCH = 25.4
CSS_DPI = 96.0  # resvg-py reads mm, cm and in as nothing without it
# Only references inside the SVG itself, or data it carries, are drawn: resvg would read any
# file on this machine an `href` names, so every other reference is taken out before rendering.
_SVG_HREF = re.compile(r"""(\b(?:xlink:)?href\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_RASTER_DATA = ("data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")
_SVG_URL = re.compile(r"""url\(\s*(["']?)(.*?)\1\s*\)""", re.IGNORECASE | re.DOTALL)


class ProofError(Exception):
    """The original cannot be rendered; the message says why, for the build's warning."""


@dataclass(frozen=True)
class PaperSize:
    """A page's size in points (1/72 inch), shown to the client in millimetres and inches."""

    width: float
    height: float

    @property
    def millimetres(self) -> str:
        return f"{self.width * MM_PER_INCH / POINTS_PER_INCH:.0f} × " + (
            f"{self.height * MM_PER_INCH / POINTS_PER_INCH:.0f} mm"
        )

    @property
    def inches(self) -> str:
        return f"{self.width / POINTS_PER_INCH:.2f} × {self.height / POINTS_PER_INCH:.2f} in"


@dataclass(frozen=True)
class Rendered:
    """The previews of a proof's pages, in order, and what the build says about it."""

    pages: tuple[bytes, ...]
    sizes: tuple[PaperSize, ...]
    page_count: int  # pages of the original: more than rendered when over the limit
    notes: tuple[str, ...] = ()  # warnings: pages left out, references not followed

    def to_bytes(self) -> bytes:
        """One cache entry: a JSON header of lengths and sizes, then the previews."""
        header = json.dumps(
            {
                "lengths": [len(p) for p in self.pages],
                "sizes": [[s.width, s.height] for s in self.sizes],
                "count": self.page_count,
                "notes": list(self.notes),
            }
        ).encode()
        return len(header).to_bytes(4, "big") + header + b"".join(self.pages)

    @classmethod
    def from_bytes(cls, data: bytes) -> Rendered:
        length = int.from_bytes(data[:4], "big")
        header = json.loads(data[4 : 4 + length])
        pages, start = [], 4 + length
        for size in header["lengths"]:
            pages.append(data[start : start + size])
            start += size
        sizes = tuple(PaperSize(w, h) for w, h in header["sizes"])
        return cls(tuple(pages), sizes, header["count"], tuple(header["notes"]))


def cache_key(original: bytes, settings: PreviewSettings, max_pages: int) -> str:
    """Same original, settings and page limit, same key: a proof is never rendered twice."""
    digest = hashlib.sha256(original)
    digest.update(f"\0{PROOF_RECIPE}\0{max_pages}".encode())
    return "proof-" + settings.cache_key(digest.digest())


def render(original: bytes, suffix: str, settings: PreviewSettings, max_pages: int) -> Rendered:
    """Every page of the original (up to `max_pages`) as a watermarked preview."""
    if not original:
        raise ProofError("the file is empty")
    if suffix in (".svg", ".svgz"):
        return _svg(original, settings)
    if suffix == ".psd":
        return _psd(original, settings)
    return _pdf(original, settings, max_pages)


def _pdf(original: bytes, settings: PreviewSettings, max_pages: int) -> Rendered:
    import pypdfium2 as pdfium

    from sitegen.assets import pixels

    if b"%PDF" not in original[:1024]:
        raise ProofError("this is not a PDF (an .ai file must be saved PDF-compatible)")
    try:
        document = pdfium.PdfDocument(original)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ProofError("the PDF is protected by a password; save it without one") from None
        raise ProofError(f"the PDF is damaged ({str(exc).rstrip('.')})") from None
    try:
        count = len(document)
        if count == 0:
            raise ProofError("the PDF has no pages")
        pages, sizes = [], []
        for index in range(min(count, max_pages)):
            page = document[index]
            width, height = page.get_size()
            scale = settings.size / max(width, height, 1)  # a vector page fills the preview
            bitmap = page.render(scale=scale, draw_annots=True)
            pages.append(pixels.proof_page(bitmap.to_pil(), settings))
            sizes.append(PaperSize(round(width, 2), round(height, 2)))
            page.close()
    except pdfium.PdfiumError as exc:
        raise ProofError(f"the PDF is damaged ({str(exc).rstrip('.')})") from None
    finally:
        document.close()
    notes = ()
    if count > max_pages:
        notes = (
            f"the proof shows the first {max_pages} of {count} pages; "
            "raise proof_pages in [demo] to show more",
        )
    return Rendered(tuple(pages), tuple(sizes), count, notes)


def _psd(original: bytes, settings: PreviewSettings) -> Rendered:
    from sitegen.assets import pixels
    from sitegen.assets.previews import PreviewError

    if not original.startswith(b"8BPS"):
        raise ProofError("this is not a Photoshop file")
    try:
        image = pixels.open_psd(original)
    except PreviewError as exc:
        raise ProofError(str(exc).replace("the image", "the Photoshop file")) from None
    dpi = _psd_dpi(image)
    size = PaperSize(
        round(image.width * POINTS_PER_INCH / dpi[0], 2),
        round(image.height * POINTS_PER_INCH / dpi[1], 2),
    )
    return Rendered((pixels.proof_page(image, settings),), (size,), 1)


PSD_RESOLUTION = 0x03ED  # Photoshop's ResolutionInfo resource: 16.16 fixed pixels per inch


def _psd_dpi(image) -> tuple[float, float]:
    """The resolution the designer set, which makes pixels a paper size; 72 dpi without it."""
    for resource, _, data in getattr(image, "resources", None) or ():
        if resource == PSD_RESOLUTION and len(data) >= 12:
            across = int.from_bytes(data[0:4], "big") / 65536
            down = int.from_bytes(data[8:12], "big") / 65536
            if across > 0 and down > 0:
                return across, down
    return POINTS_PER_INCH, POINTS_PER_INCH


def _svg(original: bytes, settings: PreviewSettings) -> Rendered:
    import io

    import resvg_py
    from PIL import Image

    from sitegen.assets import pixels

    if original.startswith(b"\x1f\x8b"):
        import gzip

        try:
            original = gzip.decompress(original)
        except (OSError, EOFError) as exc:
            raise ProofError(f"the compressed SVG is damaged ({exc})") from None
    try:
        text = original.decode("utf-8")
    except UnicodeDecodeError:
        raise ProofError("the SVG is not UTF-8 text") from None
    text, dropped = _inner_references_only(text)
    svg = {"svg_string": text, "dpi": CSS_DPI}
    try:
        # A narrow probe first: its shape says which side to fit, so a tall SVG is never
        # drawn larger than the preview.
        probe = Image.open(io.BytesIO(bytes(resvg_py.svg_to_bytes(**svg, width=16))))
        side = "width" if probe.width >= probe.height else "height"
        png = resvg_py.svg_to_bytes(**svg, **{side: settings.size})
        image = Image.open(io.BytesIO(bytes(png)))
        image.load()
    except (ValueError, OSError, Image.DecompressionBombError) as exc:
        raise ProofError(f"the SVG cannot be drawn ({exc})") from None
    notes = ()
    if dropped:
        notes = (
            "references to other files were not followed (the proof shows the SVG without "
            f"them): {', '.join(sorted(dropped)[:3])}",
        )
    size = _svg_size(text) or PaperSize(image.width * 0.75, image.height * 0.75)
    return Rendered((pixels.proof_page(image, settings),), (size,), 1, notes)


_SVG_ROOT = re.compile(r"<svg\b[^>]*>", re.IGNORECASE)
_LENGTH = re.compile(r"^\s*([0-9.]+)\s*(px|pt|pc|mm|cm|in)?\s*$", re.IGNORECASE)
_POINTS_PER = {"px": 0.75, "pt": 1.0, "pc": 12.0, "mm": 72 / 25.4, "cm": 720 / 25.4, "in": 72.0}


def _svg_size(text: str) -> PaperSize | None:
    """The SVG's own width and height (in px, pt, mm, cm or in), or its viewBox in px."""
    root = _SVG_ROOT.search(text)
    if root is None:
        return None

    def attribute(name: str) -> str | None:
        found = re.search(rf"\s{name}\s*=\s*([\"'])(.*?)\1", root[0])
        return found[2] if found else None

    lengths = []
    for name in ("width", "height"):
        match = _LENGTH.match(attribute(name) or "")
        if match is None:
            break
        lengths.append(float(match[1]) * _POINTS_PER[(match[2] or "px").lower()])
    if len(lengths) == 2:
        return PaperSize(round(lengths[0], 2), round(lengths[1], 2))
    box = (attribute("viewBox") or "").replace(",", " ").split()
    try:
        return PaperSize(round(float(box[2]) * 0.75, 2), round(float(box[3]) * 0.75, 2))
    except (IndexError, ValueError):
        return None


def _inner_references_only(text: str) -> tuple[str, set[str]]:
    """The SVG with every reference outside itself (files, web addresses) taken out, and
    those references: a proof draws what the file holds and reads nothing else."""
    dropped: set[str] = set()

    def keep(value: str) -> bool:
        value = value.strip()
        inner = value.startswith("#") or value.lower().startswith(_RASTER_DATA)
        if not inner and value:
            dropped.add(value)
        return inner or not value

    def href(match: re.Match[str]) -> str:
        return match[0] if keep(match[3]) else f"{match[1]}{match[2]}#{match[2]}"

    def url(match: re.Match[str]) -> str:
        return match[0] if keep(match[2]) else "url(#)"

    return _SVG_URL.sub(url, _SVG_HREF.sub(href, text)), dropped
