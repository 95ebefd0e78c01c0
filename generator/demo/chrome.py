"""The part of a demo's pages they all share (head, banner, header, menu, footer), deflated once.

Every locked page's deflate stream continues this shared start, so a page carries only what is
its own: the head and menu repeated on every page cost their bytes once per demo, not once per
page. The start is one page's HTML (the not-found page's, which has all the chrome and little
else); its deflate stream ends on a byte boundary (a sync flush), and a page's stream carries on
from there with the start's text as its history. A reader inflates start + page and drops the
start's own length. Published encrypted like any client file, under a name made from its
content, so a browser may cache it for good. This module does no I/O."""

from __future__ import annotations

import hashlib
import zlib
from functools import lru_cache

FOLDER = "_sitegen/"
LENGTH_BYTES = 4  # the start's inflated length, big-endian, ahead of its deflate stream


def output_path(text: bytes) -> str:
    """Where the start is published: a new text gets a new name, never a stale cached copy."""
    return f"{FOLDER}chrome.{hashlib.sha256(text).hexdigest()[:20]}.bin"


def file_body(text: bytes) -> bytes:
    """What the published file holds (before encryption): the length, then the stream."""
    return len(text).to_bytes(LENGTH_BYTES, "big") + _primed(text)[1]


def deflate_after(text: bytes, page: bytes) -> bytes:
    """A page's raw deflate stream, continuing the start's."""
    packer = _primed(text)[0].copy()
    return packer.compress(page) + packer.flush()


def inflate_after(body: bytes, page: bytes) -> bytes:
    """The page, from the published start (`file_body`) and the page's own stream."""
    length = int.from_bytes(body[:LENGTH_BYTES], "big")
    inflated = zlib.decompressobj(-15)
    whole = inflated.decompress(body[LENGTH_BYTES:] + page) + inflated.flush()
    if not inflated.eof:
        raise ValueError("the page's deflate stream is cut short")
    return whole[length:]


def is_start(rel_path: str) -> bool:
    """Whether a demo output (by its path in the demo folder) is a published start."""
    return rel_path.startswith(FOLDER + "chrome.") and rel_path.endswith(".bin")


def start_text(body: bytes) -> bytes:
    """The start's own text, from the published file: what an audit reads of it (its length
    and stream, read as they are, may look like the header of some image)."""
    length = int.from_bytes(body[:LENGTH_BYTES], "big")
    text = zlib.decompressobj(-15).decompress(body[LENGTH_BYTES:])
    if len(text) != length:
        raise ValueError("the shared start does not inflate to its length")
    return text


@lru_cache(maxsize=4)
def _primed(text: bytes) -> tuple[zlib._Compress, bytes]:
    """A compressor that has read the start, and the bytes it wrote: made once per process.
    Level 6 with the most memory: as small as level 9 on pages, a fifth faster to copy
    and deflate with."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -15, 9)
    return packer, packer.compress(text) + packer.flush(zlib.Z_SYNC_FLUSH)
