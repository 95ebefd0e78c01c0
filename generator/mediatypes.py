"""The Content-Type of a file by its name: one table for `serve` and `publish`, so a file
reaches the browser with the same type from the preview as from the host.

It sits at the top of the house because both rooms need it and neither may import the other.
Web types are spelled out, so a file gets the same type on every machine and Python version;
other suffixes fall back on Python's own table, never the system's `mime.types`, which
differs between machines. Text types carry `charset=utf-8`: sitegen writes UTF-8."""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath
from types import MappingProxyType

_WEB_TYPES = """.html=text/html .htm=text/html .css=text/css .js=text/javascript
    .mjs=text/javascript .json=application/json .map=application/json .txt=text/plain
    .xml=application/xml .svg=image/svg+xml .png=image/png .jpg=image/jpeg .jpeg=image/jpeg
    .gif=image/gif .webp=image/webp .avif=image/avif .ico=image/vnd.microsoft.icon
    .woff=font/woff .woff2=font/woff2 .ttf=font/ttf .otf=font/otf .pdf=application/pdf
    .webmanifest=application/manifest+json .wasm=application/wasm .zip=application/zip
    .mp4=video/mp4 .webm=video/webm"""
# `.js` is text/javascript, as RFC 9239 and the HTML standard say; application/javascript
# is obsolete.
WEB_TYPES = MappingProxyType(dict(pair.split("=") for pair in _WEB_TYPES.split()))
_TEXT_TYPES = """application/javascript application/json application/xml image/svg+xml
    application/manifest+json application/ld+json application/rss+xml application/atom+xml"""
TEXT_TYPES = frozenset(_TEXT_TYPES.split())
_BUILTIN_TYPES = mimetypes.MimeTypes(filenames=())


def media_type(path: str) -> str:
    """The Content-Type header of the file at `path` (a name or a relative path)."""
    suffix = PurePosixPath(path).suffix.lower()
    kind = WEB_TYPES.get(suffix) or _BUILTIN_TYPES.guess_type("x" + suffix)[0]
    return with_charset(kind or "application/octet-stream")


def with_charset(kind: str) -> str:
    """`kind` with `; charset=utf-8` when it is text and names no charset of its own."""
    is_text = kind.startswith("text/") or kind in TEXT_TYPES
    return f"{kind}; charset=utf-8" if is_text and "charset=" not in kind else kind
