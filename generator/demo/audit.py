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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag

from sitegen.assets import demofiles, pixels
from sitegen.demo import chrome, lock
from sitegen.model import Site

PHRASE_WORDS = 8  # long enough that theme text never matches a client's sentence by chance
MIN_SENTENCE_WORDS = 6
_DOCUMENT_STARTS = (b"%PDF", b"8BPS")
PROBE_BYTES = 64
PROBES_PER_FILE = 8
PROBE_VARIETY = 4  # distinct byte values a slice needs to tell its file apart
_TAG = re.compile(r"<[^>]+>")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+|\n\s*\n")


@dataclass(frozen=True)
class Leak:
    output: Path
    what: str


def find_leaks(
    demo_dir: Path, site: Site, password: str | None, key: bytes, files: list[Path] | None = None
) -> list[Leak]:
    """Every leak of the demo in `demo_dir`; `key` is the demo's AES key, as the build got it
    (`salt.demo_key`), to read each output as the client would; `files`: the demo's, if listed."""
    outputs = [p for p in sorted(demo_dir.rglob("*") if files is None else files) if p.is_file()]
    originals: dict[str, Path] = {}  # by SHA-256: no output may be one of these
    locked: dict[str, Path] = {}  # nor decrypt to one of these, which add the site code
    probes: list[tuple[bytes, Path]] = []
    locked_probes: list[tuple[bytes, Path]] = []  # nor hold a piece of one once decrypted
    for path, kind in _client_files(site):
        data = path.read_bytes()
        if kind is not demofiles.Kind.PUBLIC:
            originals[_sha256(data)] = path
            probes += _probes(data, path)
        if not kind.ships_original:
            locked[_sha256(data)] = path
            locked_probes += _probes(data, path)
    phrases = _phrases(site)
    sizes = sorted({len(phrase) for phrase in phrases})
    leaks: list[Leak] = []
    for output in outputs:
        data = output.read_bytes()
        rel = output.relative_to(demo_dir)
        if password and password.encode("utf-8") in data:
            leaks.append(Leak(rel, "the demo password"))
        original = originals.get(_sha256(data))
        if original is not None:
            leaks.append(Leak(rel, f"an original file: {original.relative_to(site.path)}"))
        else:
            for probe, source in probes:
                if probe in data:
                    leaks.append(
                        Leak(rel, f"bytes of an original: {source.relative_to(site.path)}")
                    )
                    break
        words = _words(_TAG.sub(" ", data.decode("utf-8", "ignore")))
        phrase = _first_phrase(words, sizes, phrases)
        if phrase is not None:
            source = phrases[phrase].relative_to(site.path)
            leaks.append(Leak(rel, f"text of {source}: “{' '.join(phrase)}”"))
        leaks += _plaintext_leaks(demo_dir, rel, data, site, key, locked, locked_probes)
    return leaks


def _plaintext_leaks(
    demo_dir: Path,
    rel: Path,
    data: bytes,
    site: Site,
    key: bytes,
    originals: dict[str, Path],
    probes: list[tuple[bytes, Path]],
) -> list[Leak]:
    """What a client holding the password gets from this output: an original kept out of
    demos, or an image larger than a preview. An unencrypted output is checked as it is."""
    try:
        plain = lock.unlock_output(
            key,
            site.demo.subdomain,
            site.demo.base_path,
            rel.as_posix(),
            data,
            read=lambda other: (demo_dir / other).read_bytes(),
        )
        if plain is not None and chrome.is_start(rel.as_posix()):
            plain = chrome.start_text(plain)
    except (ValueError, InvalidTag, zlib.error):
        return [Leak(rel, "an encrypted page or file that does not decrypt with the demo key")]
    encrypted = plain is not None
    plain = data if plain is None else plain
    leaks = []
    original = originals.get(_sha256(plain)) if encrypted else None
    if original is not None:
        where = original.relative_to(site.path)
        leaks.append(Leak(rel, f"an original file, encrypted: {where}"))
    elif encrypted:
        source = next((source for probe, source in probes if probe in plain), None)
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


def _client_files(site: Site) -> Iterator[tuple[Path, demofiles.Kind]]:
    """The client's files, each with the way the allow-list lets it into a demo."""
    for folder in (site.content_dir, site.assets_dir):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and path.suffix.lower() != ".md":
                    origin = path.relative_to(site.path).as_posix()
                    yield path, demofiles.kind_of(path, origin, site.demo)


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


def _phrases(site: Site) -> dict[tuple[str, ...], Path]:
    """Every run of PHRASE_WORDS words of the pages' and updates' text (a shorter sentence
    whole), with the file it comes from: one of them in an output means that text got out."""
    phrases: dict[tuple[str, ...], Path] = {}
    texts = [
        path
        for folder in (site.content_dir, site.updates_dir)
        if folder.is_dir()
        for path in folder.rglob("*")
        if path.suffix.lower() == ".md" and path.is_file()
    ]
    for page in sorted(texts):
        text = page.read_text("utf-8", "ignore")
        if text.startswith(("---", "+++")):
            text = text.split(text[:3], 2)[-1]
        text = _MARKDOWN_LINK.sub(r"\1", text)
        for sentence in _SENTENCE_END.split(text):
            words = _words(sentence)
            if len(words) >= MIN_SENTENCE_WORDS:
                for index in range(max(1, len(words) - PHRASE_WORDS + 1)):
                    phrases.setdefault(tuple(words[index : index + PHRASE_WORDS]), page)
    return phrases


def _first_phrase(
    words: list[str], sizes: list[int], phrases: dict[tuple[str, ...], Path]
) -> tuple[str, ...] | None:
    """The first of the pages' phrases in `words`, in one pass: the few phrase lengths are
    known beforehand, so each position costs a lookup per length, whatever the count of
    phrases."""
    for start in range(len(words)):
        for size in sizes:
            if start + size > len(words):
                break
            gram = tuple(words[start : start + size])
            if gram in phrases:
                return gram
    return None


def _words(text: str) -> list[str]:
    return [w for w in _NON_WORD.split(text.casefold()) if w]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
