"""Check a built demo for leaks before anyone sees it: every byte of every output file against
the client's sources. Reads files only.

A demo leaks if any output holds the demo password, a sentence of a page's text, or the bytes
of an original file (images, downloads, anything in content/ or assets/)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sitegen.model import Site

PHRASE_WORDS = 8  # long enough that theme text never matches a client's sentence by chance
MIN_SENTENCE_WORDS = 6
PROBE_BYTES = 64
PROBES_PER_FILE = 8
_TAG = re.compile(r"<[^>]+>")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+|\n\s*\n")


@dataclass(frozen=True)
class Leak:
    output: Path
    what: str


def find_leaks(demo_dir: Path, site: Site, password: str | None) -> list[Leak]:
    outputs = [p for p in sorted(demo_dir.rglob("*")) if p.is_file()]
    originals: dict[str, Path] = {}
    probes: list[tuple[bytes, Path]] = []
    for path in _client_files(site):
        data = path.read_bytes()
        originals[_sha256(data)] = path
        probes += _probes(data, path)
    phrases = _phrases(site)
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
        found = _ngrams(words, phrases.keys())
        if found:
            phrase = next(iter(found))
            source = phrases[phrase].relative_to(site.path)
            leaks.append(Leak(rel, f"text of {source}: “{' '.join(phrase)}”"))
    return leaks


def _client_files(site: Site) -> Iterator[Path]:
    for folder in (site.content_dir, site.assets_dir):
        if folder.is_dir():
            yield from (p for p in folder.rglob("*") if p.is_file() and p.suffix != ".md")


def _probes(data: bytes, path: Path) -> list[tuple[bytes, Path]]:
    """Slices spread over an original big enough to be told apart by them: any copied piece
    longer than a quarter of it holds at least one."""
    if len(data) < PROBE_BYTES * PROBES_PER_FILE * 2:
        return []
    step = len(data) // PROBES_PER_FILE
    starts = range(0, len(data) - PROBE_BYTES + 1, step)
    return [(data[i : i + PROBE_BYTES], path) for i in starts]


def _phrases(site: Site) -> dict[tuple[str, ...], Path]:
    """Every run of PHRASE_WORDS words of the pages' text (a shorter sentence whole), with
    the page it comes from: one of them in an output means page text got out."""
    phrases: dict[tuple[str, ...], Path] = {}
    if not site.content_dir.is_dir():
        return phrases
    for page in sorted(site.content_dir.rglob("*.md")):
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


def _ngrams(words: list[str], wanted) -> set[tuple[str, ...]]:
    sizes = {len(phrase) for phrase in wanted}
    found = set()
    for size in sizes:
        grams = {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}
        found |= grams & wanted
    return found


def _words(text: str) -> list[str]:
    return [w for w in _NON_WORD.split(text.casefold()) if w]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
