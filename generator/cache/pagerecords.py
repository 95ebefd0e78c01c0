"""What each page read when it was last rendered, and whether all of it reads the same now:
the one record that decides, for a build on disk and for `sitegen serve` alike, which pages
are made again.

A page's record holds the digest of what every page sees alike (the templates' globals: the
site's settings, its main menu, the studio; the client's file names; the demo's key and gate;
sitegen itself), the templates it loaded, by source digest, and each attribute of each page
it read (title, URL, date, body, list of pages...), by value digest; these come from
`render.tracking`, which learns them while the page renders. A page whose record does not
match, or holds something unknown, is rendered. A record kept on disk also notes the size
and time of the file the page wrote, so a file touched since is made again.
Reads and writes only its record in the cache folder."""

from __future__ import annotations

import functools
import marshal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sitegen.files import replace_file

FORMAT = 4
UNKNOWN = "?"  # a value the tracking could not see into: never the same again
GONE = "gone"  # what a page no longer in the site reads as


@dataclass(frozen=True)
class PageRecord:
    site: str  # digest of what every page sees alike
    templates: tuple[tuple[str, str | None], ...]  # (name, source digest; None: not there)
    reads: tuple[tuple[str, str, str], ...]  # (page URL, attribute, value digest)
    size: int = 0  # of the file written, in a build on disk
    mtime_ns: int = 0

    @functools.cached_property
    def pages_read(self) -> frozenset[str]:
        """The URLs of the pages it read anything of (a record is asked again and again by a
        preview server, which keeps it)."""
        return frozenset(url for url, _, _ in self.reads)

    @functools.cached_property
    def reads_unknown(self) -> bool:
        return any(value == UNKNOWN for _, _, value in self.reads)

    def still_there(self, path: Path) -> bool:
        """The file this page wrote is where it was, as it was written."""
        try:
            stat = path.stat()
        except OSError:
            return False
        return stat.st_size == self.size and stat.st_mtime_ns == self.mtime_ns

    def on_disk(self, written: Path) -> PageRecord:
        """This record with the size and time of the file it wrote."""
        stat = written.stat()
        return PageRecord(self.site, self.templates, self.reads, stat.st_size, stat.st_mtime_ns)


class Now(Protocol):
    """The build under way, as a record asks about it."""

    site: str

    def template(self, name: str) -> str | None: ...

    def read(self, url: str, attribute: str) -> str: ...

    def settled(self, url: str) -> bool:
        """Every attribute of the page at `url` reads as in the build before: no need to ask."""
        ...


def unchanged(record: PageRecord, now: Now, checked: Checked | None = None) -> bool:
    """Whether everything the page read reads the same in the build under way. `checked`
    holds the answers for reads and templates already checked in this build."""
    checked = {} if checked is None else checked
    if record.site != now.site or record.site == UNKNOWN:
        return False
    same = checked.get(record.templates)
    if same is None:
        same = checked[record.templates] = all(
            source != UNKNOWN and now.template(name) == source for name, source in record.templates
        )
    if not same:
        return False
    if not record.reads_unknown and all(map(now.settled, record.pages_read)):
        return True  # every page it read reads as in the build before, which it matched
    for read in record.reads:
        same = checked.get(read)
        if same is None:
            url, attribute, value = read
            same = value != UNKNOWN and (now.settled(url) or now.read(url, attribute) == value)
            checked[read] = same
        if not same:
            return False
    return True


# Reads (page URL, attribute, digest) and template lists already checked, with the answer:
# the list pages, the menu and the neighbours many pages read are checked once a build.
Checked = dict[tuple, bool]


def unchanged_pages(records: Mapping[str, PageRecord], now: Now) -> set[str]:
    """The output paths of the records that still hold."""
    checked: Checked = {}
    return {path for path, record in records.items() if unchanged(record, now, checked)}


def load(path: Path) -> dict[str, PageRecord]:
    """The previous build's records by output path; none if missing or damaged."""
    try:
        form, packs = marshal.loads(path.read_bytes())
        if form != FORMAT:
            return {}
        return {path: record for pack in packs for path, record in unpack(pack).items()}
    except (OSError, EOFError, ValueError, KeyError, TypeError, IndexError):
        return {}


def save(path: Path, packs: Iterable[bytes]) -> None:
    """Records as `pack` made them, a share of the pages at a time, in one file."""
    replace_file(path, marshal.dumps((FORMAT, tuple(packs))))


def pack(records: Mapping[str, PageRecord]) -> bytes:
    """Records in Python's own format for plain values (`marshal`, read back several times faster
    than JSON): what many pages share (the site's digest, the templates a kind of page
    loads, a list page's or a neighbour's title) is written once and named by its place. A
    build on disk holds its pages' records so, a few hundred bytes a page, until it saves."""
    sites: dict[str, int] = {}
    templates: dict[tuple, int] = {}
    reads: dict[tuple, int] = {}
    pages = {
        output: (
            sites.setdefault(r.site, len(sites)),
            templates.setdefault(r.templates, len(templates)),
            tuple([reads.setdefault(read, len(reads)) for read in r.reads]),
            r.size,
            r.mtime_ns,
        )
        for output, r in records.items()
    }
    return marshal.dumps((tuple(sites), tuple(templates), tuple(reads), pages))


def unpack(packed: bytes) -> dict[str, PageRecord]:
    sites, templates, reads, pages = marshal.loads(packed)
    return {
        output: PageRecord(
            sites[site], templates[used], tuple([reads[i] for i in read]), size, mtime
        )
        for output, (site, used, read, size, mtime) in pages.items()
    }


def record(site: str, templates: Iterable, reads: Iterable) -> PageRecord:
    return PageRecord(site, tuple(templates), tuple(reads))
