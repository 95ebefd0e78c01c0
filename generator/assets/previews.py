"""Demo previews of images: smaller, re-encoded, metadata stripped, watermarked in the pixels.

This module does no I/O: bytes of an original in, bytes of a preview out. The client sees
enough to judge the design and gets nothing worth taking before the final payment. The
pixels are `pixels`' work: Pillow takes ~30 ms to import, which only sites with files pay."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

# Bump when the preview recipe changes, so cached previews made the old way are not reused.
RECIPE = "preview-4"

WATERMARK_ANGLE = 30
WATERMARK_ALPHA = 96


@dataclass(frozen=True)
class PreviewSettings:
    size: int
    quality: int
    watermark: str

    def cache_key(self, original: bytes) -> str:
        """Same original and settings, same key: a preview is never made twice."""
        digest = hashlib.sha256(original)
        digest.update(f"\0{RECIPE}\0{self.size}\0{self.quality}\0{self.watermark}".encode())
        return digest.hexdigest()


class PreviewError(Exception):
    """The original cannot be turned into a preview; the message says why."""


def make_preview(original: bytes, settings: PreviewSettings) -> bytes:
    """The preview of an image: JPEG, or PNG or WebP where there is transparency, whatever
    the original's format (any other format would carry its own kinds of metadata)."""
    from sitegen.assets import pixels

    return pixels.make_preview(original, settings)
