"""Check a built demo for leaks before anyone sees it: every byte of every output file against
the client's sources, and every output again as a client holding the password sees it.
Reads files only.

A demo leaks if any output holds the demo password or a sentence of a page's text, if any
output, or what it decrypts to, is an original the allow-list keeps out of demos (see
`demofiles.kind_of`), holds bytes of one, is a PDF or Photoshop document (a proof ships only
its pages' previews), or is an image larger than a preview; an output that does not decrypt
is refused too."""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag

from sitegen.demo import chrome, lock
from sitegen.model import Site

if TYPE_CHECKING:
    from sitegen.assets import demofiles

PHRASE_WORDS = 8  # long enough that theme text never matches a client's sentence by chance
MIN_SENTENCE_WORDS = 6
_DOCUMENT_STARTS = (b"%PDF", b"8BPS")
PROBE_BYTES = 64
PROBES_PER_FILE = 8
PROBE_VARIETY = 4  # distinct byte values a slice needs to tell its file apart
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[^\W_]+")  # a run of letters or digits
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+|\n\s*\n")


@dataclass(frozen=True)
class Leak:
    output: Path
    what: str


@dataclass(frozen=True)
class Sources:
    """What no output may hold, read once from the client's files: originals by SHA-256 and
    their probes (with site code and pages that ship, `locked`, for what outputs decrypt to),
    and the pages' phrases with their lengths."""

    originals: dict[str, Path]
    probes: list[tuple[bytes, Path]]
    locked: dict[str, Path]
    locked_probes: list[tuple[bytes, Path]]
    phrases: dict[tuple[str, ...], Path]
    sizes: list[int]


def find_leaks(
    demo_dir: Path, site: Site, password: str | None, key: bytes, files: list[Path] | None = None
) -> list[Leak]:
    """Every leak of the demo in `demo_dir`; `key` is the demo's AES key, as the build got it
    (`salt.demo_key`), to read each output as the client would; `files`: the demo's, if listed."""
    outputs = [p for p in sorted(demo_dir.rglob("*") if files is None else files) if p.is_file()]
    sources = read_sources(site)
    leaks: list[Leak] = []
    for output in outputs:
        rel = output.relative_to(demo_dir)
        leaks += output_leaks(demo_dir, rel, output.read_bytes(), site, password, key, sources)[0]
    return leaks


def read_sources(site: Site) -> Sources:
    from sitegen.assets import demofiles

    originals: dict[str, Path] = {}  # by SHA-256: no output may be one of these
    locked: dict[str, Path] = {}  # nor decrypt to one of these, which add the site code
    probes: list[tuple[bytes, Path]] = []
    locked_probes: list[tuple[bytes, Path]] = []  # nor hold a piece of one once decrypted
    for path, kind in client_files(site):
        data = path.read_bytes()
        if kind is not demofiles.Kind.PUBLIC:
            originals[_sha256(data)] = path
            probes += _probes(data, path)
        if not kind.ships_original:
            locked[_sha256(data)] = path
            locked_probes += _probes(data, path)
    phrases, sizes = _phrases(site)
    return Sources(originals, probes, locked, locked_probes, phrases, sizes)


def output_leaks(
    demo_dir: Path,
    rel: Path,
    data: bytes,
    site: Site,
    password: str | None,
    key: bytes,
    sources: Sources,
) -> tuple[list[Leak], dict[str, str]]:
    """The leaks of one output, `rel` in `demo_dir`, whose bytes are `data`; and the other
    outputs its verdict read (a page's shared start), by path, with the SHA-256 of the bytes
    read."""
    leaks = []
    if password and password.encode("utf-8") in data:
        leaks.append(Leak(rel, "the demo password"))
    original = sources.originals.get(_sha256(data))
    if original is not None:
        leaks.append(Leak(rel, f"an original file: {original.relative_to(site.path)}"))
    else:
        for probe, source in sources.probes:
            if probe in data:
                leaks.append(Leak(rel, f"bytes of an original: {source.relative_to(site.path)}"))
                break
    words = _words(_TAG.sub(" ", data.decode("utf-8", "ignore")))
    phrase = _first_phrase(words, sources.sizes, sources.phrases)
    if phrase is not None:
        source = sources.phrases[phrase].relative_to(site.path)
        leaks.append(Leak(rel, f"text of {source}: “{' '.join(phrase)}”"))
    reads: dict[str, str] = {}

    def read(other: str) -> bytes:
        other_data = (demo_dir / other).read_bytes()
        reads[other] = _sha256(other_data)
        return other_data

    leaks += _plaintext_leaks(rel, data, site, key, sources, read)
    return leaks, reads


def _plaintext_leaks(
    rel: Path, data: bytes, site: Site, key: bytes, sources: Sources, read: Callable[[str], bytes]
) -> list[Leak]:
    """What a client holding the password gets from this output: an original kept out of
    demos, or an image larger than a preview. An unencrypted output is checked as it is."""
    from sitegen.assets import pixels  # Pillow: only when an output is read

    try:
        plain = lock.unlock_output(
            key,
            site.demo.subdomain,
            site.demo.base_path,
            rel.as_posix(),
            data,
            read=read,
        )
        if plain is not None and chrome.is_start(rel.as_posix()):
            plain = chrome.start_text(plain)
    except (ValueError, InvalidTag, zlib.error):
        return [Leak(rel, "an encrypted page or file that does not decrypt with the demo key")]
    encrypted = plain is not None
    plain = data if plain is None else plain
    leaks = []
    original = sources.locked.get(_sha256(plain)) if encrypted else None
    if original is not None:
        where = original.relative_to(site.path)
        leaks.append(Leak(rel, f"an original file, encrypted: {where}"))
    elif encrypted:
        found = (source for probe, source in sources.locked_probes if probe in plain)
        source = next(found, None)
        if source is not None:
            where = source.relative_to(site.path)
            leaks.append(Leak(rel, f"bytes of an original, encrypted: {where}"))
    if plain.startswith(_DOCUMENT_STARTS):
        leaks.append(Leak(rel, "a PDF or Photoshop document: a proof ships only its previews"))
    size = pixels.image_size(plain)
    limit = site.demo.preview_size
    if size is not None and (size[0] > limit or size[1] > limit):
        shown = (
            "more pixels than Pillow's limit"
            if size == pixels.TOO_LARGE
            else "×".join(map(str, size))
        )
        leaks.append(Leak(rel, f"an image larger than a preview ({shown}, previews ≤ {limit})"))
    return leaks


def client_files(site: Site) -> Iterator[tuple[Path, demofiles.Kind]]:
    """The client's files, each with the way the allow-list lets it into a demo."""
    from sitegen.assets import demofiles  # Pillow: only when the client's files are sorted

    for path in originals(site):
        origin = path.relative_to(site.path).as_posix()
        yield path, demofiles.kind_of(path, origin, site.demo)


def originals(site: Site) -> Iterator[Path]:
    """The client's files but pages, which the allow-list sorts."""
    for folder in (site.content_dir, site.assets_dir):
        if folder.is_dir():
            for path in sorted(folder.rglob("*"), key=_parts):
                if path.is_file() and path.suffix.lower() != ".md":
                    yield path


def _probes(data: bytes, path: Path) -> list[tuple[bytes, Path]]:
    """Slices spread over an original big enough to be told apart by them: any copied piece
    longer than a quarter of it holds at least one. A run of one or two byte values (blank
    pixels, padding) could turn up in any file, so each slice is the first varied one of its
    stretch."""
    if len(data) < PROBE_BYTES * PROBES_PER_FILE * 2:
        return []
    step = len(data) // PROBES_PER_FILE
    last = len(data) - PROBE_BYTES
    probes = []
    for start in range(0, last + 1, step):
        for at in range(start, min(start + step, last + 1), PROBE_BYTES):
            piece = data[at : at + PROBE_BYTES]
            if len(set(piece)) >= PROBE_VARIETY:
                probes.append((piece, path))
                break
    return probes


def _phrases(site: Site) -> tuple[dict[tuple[str, ...], Path], list[int]]:
    """Every run of PHRASE_WORDS words of the pages' and updates' text (a shorter sentence
    whole), with the file it comes from: one of them in an output means that text got out;
    and their lengths."""
    phrases: dict[tuple[str, ...], Path] = {}
    sizes: set[int] = set()
    for page in text_files(site):
        text = _MARKDOWN_LINK.sub(r"\1", page_text(page))
        for sentence in _SENTENCE_END.split(text):
            words = _words(sentence)
            if len(words) >= MIN_SENTENCE_WORDS:
                sizes.add(min(len(words), PHRASE_WORDS))
                for index in range(max(1, len(words) - PHRASE_WORDS + 1)):
                    phrases.setdefault(tuple(words[index : index + PHRASE_WORDS]), page)
    return phrases, sorted(sizes)


def text_files(site: Site) -> list[Path]:
    """The pages and updates whose text no output may hold, in order."""
    found = [
        path
        for folder in (site.content_dir, site.updates_dir)
        if folder.is_dir()
        for path in folder.rglob("*")
        if path.suffix.lower() == ".md" and path.is_file()
    ]
    return sorted(found, key=_parts)


def _parts(path: Path) -> tuple[str, ...]:
    """Sorts as paths do, at a fraction of the cost."""
    return path.parts


def page_text(page: Path) -> str:
    """A page's text, without its front matter: all its phrases come from here."""
    text = page.read_text("utf-8", "ignore")
    if text.startswith(("---", "+++")):
        text = text.split(text[:3], 2)[-1]
    return text


def _first_phrase(
    words: list[str], sizes: list[int], phrases: dict[tuple[str, ...], Path]
) -> tuple[str, ...] | None:
    """The first of the pages' phrases in `words` (the shortest, of those starting there):
    the few phrase lengths are known beforehand, so each position costs a lookup per length,
    whatever the count of phrases."""
    first: tuple[int, tuple[str, ...]] | None = None
    for size in sizes:
        if phrases.keys().isdisjoint(_grams(words, size)):  # most outputs: none of this length
            continue
        found = next((i, gram) for i, gram in enumerate(_grams(words, size)) if gram in phrases)
        if first is None or found[0] < first[0]:
            first = found
    return None if first is None else first[1]


def _grams(words: list[str], size: int) -> Iterator[tuple[str, ...]]:
    """Every run of `size` words, in order (no copy of `words`: an output may be large)."""
    return zip(*(islice(words, index, None) for index in range(size)), strict=False)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
