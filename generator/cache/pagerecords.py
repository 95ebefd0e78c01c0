"""Which pages of a build on disk can be taken from the previous build as they are.

A page's output follows from the build's frame (templates, configuration, demo key, date and
sitegen: `uptodate.Inputs.frame`), from what every page shows of itself but its body
(titles, URLs, dates, front matter, place in the site), from the client's file names, and
from the converted Markdown of the pages it read: its own, and any other its templates asked
for (`templates.BodyReads`). A digest of those is kept for each page with the size and time of
the file it wrote; a page whose digest and file are unchanged is linked, not made again.
Reads and writes only its record in the cache folder."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sitegen.files import replace_file
from sitegen.model import Page

FORMAT = 1


@dataclass(frozen=True)
class PageRecord:
    key: str
    bodies: tuple[str, ...]  # the pages whose converted Markdown it read, by source path
    size: int
    mtime_ns: int

    def still_there(self, path: Path) -> bool:
        """The file this page wrote is where it was, as it was written."""
        try:
            stat = path.stat()
        except OSError:
            return False
        return stat.st_size == self.size and stat.st_mtime_ns == self.mtime_ns


class Keys:
    """The digests of one build's pages; each page body is hashed once, when first needed."""

    def __init__(self, frame: str, pages: Iterable[Page], site_wide: Iterable[str]):
        self._pages = {page.source.rel: page for page in pages}
        hasher = hashlib.sha256(f"{FORMAT}\0{frame}\0".encode())
        for part in site_wide:
            hasher.update(f"{len(part)}\0{part}".encode())
        for page in self._pages.values():
            hasher.update(_shown(page).encode())
        self._site = hasher.digest()
        self._bodies: dict[str, bytes] = {}

    def key(self, bodies: Iterable[str]) -> str:
        hasher = hashlib.sha256(self._site)
        for rel in sorted(bodies):
            hasher.update(f"\0{rel}\0".encode() + self._body(rel))
        return hasher.hexdigest()

    def _body(self, rel: str) -> bytes:
        if rel not in self._bodies:
            page = self._pages.get(rel)
            text = f"{page.content}\0{page.toc}" if page else "\0missing"
            self._bodies[rel] = hashlib.sha256(text.encode()).digest()
        return self._bodies[rel]


def _shown(page: Page) -> str:
    """All a template can see of a page without its body, as text."""
    source = page.source
    return repr(
        (
            source.rel, source.kind, source.output, source.section, page.url, page.title,
            source.date, source.draft, source.weight, source.template, source.description,
            sorted(source.params.items(), key=lambda item: item[0]),
        )
    )  # fmt: skip


def load(path: Path) -> dict[str, PageRecord]:
    """The previous build's records by output path; none if missing or damaged."""
    try:
        data = json.loads(path.read_text("utf-8"))
        if data["format"] != FORMAT:
            return {}
        return {
            output: PageRecord(key, tuple(bodies), size, mtime)
            for output, (key, bodies, size, mtime) in data["pages"].items()
        }
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def save(path: Path, records: dict[str, PageRecord]) -> None:
    pages = {output: [r.key, list(r.bodies), r.size, r.mtime_ns] for output, r in records.items()}
    replace_file(path, json.dumps({"format": FORMAT, "pages": pages}))


def record(keys: Keys, bodies: Iterable[str], written: Path) -> PageRecord:
    bodies = tuple(sorted(bodies))
    stat = written.stat()
    return PageRecord(keys.key(bodies), bodies, stat.st_size, stat.st_mtime_ns)
