"""A whole demo audited as strictly as `audit` says, and fast when little changed: an output
found clean before is passed over only while everything its verdict depended on is as it was,
and the rest are checked in worker processes. Reads files only; the caller keeps the record.

An output's verdict depends on its path and bytes, the bytes of any other output it read (a
page's shared start), the demo key and password, every file of the client the rules compare
with (the originals by content, the pages' text without front matter, the demo settings that
sort them), and the rules themselves (this room's and the allow-list's code, and Pillow's,
which measures images). `output_key` covers all of them but the outputs read, which an entry
lists with their digests. Only clean outputs are remembered: a leak is found again each time.
The key holds digests only, the password's keyed by the demo key, so a record left on disk
gives no quick way to try passwords."""

from __future__ import annotations

import hashlib
import hmac
import multiprocessing
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import sitegen
from sitegen import processes
from sitegen.demo import audit
from sitegen.model import Site

RULES_VERSION = 1  # raise when what the audit refuses changes without a change of code here
RULE_ROOMS = ("demo", "assets")  # the code that decides: a change of it audits everything again
PARALLEL_FROM = 200  # fewer outputs than this are checked sooner than a process forks
CHUNK = 64  # outputs a worker checks per task

Reads = tuple[tuple[str, str], ...]  # other outputs a verdict read: (path, SHA-256)


@dataclass(frozen=True)
class Audit:
    """The leaks found; how many outputs were checked and how many were passed over as found
    clean before; the clean outputs' entries, for the next audit to pass over."""

    leaks: tuple[audit.Leak, ...]
    checked: int
    remembered: int
    clean: Mapping[str, Reads]


def audit_demo(
    demo_dir: Path,
    site: Site,
    password: str | None,
    key: bytes,
    outputs: Mapping[str, str],
    remembered: Mapping[str, Reads],
    workers: int = 1,
) -> Audit:
    """Every leak of the demo in `demo_dir`, whose files are `outputs` (path → SHA-256, as
    listed), as `audit.find_leaks` finds them; an output whose entry is in `remembered`, with
    the outputs it read unchanged, is passed over."""
    inputs = inputs_digest(site, password, key)
    clean: dict[str, Reads] = {}
    todo = []
    for rel, digest in sorted(outputs.items(), key=lambda item: item[0].split("/")):
        entry = output_key(inputs, rel, digest)
        reads = remembered.get(entry)
        if reads is not None and all(outputs.get(path) == sha for path, sha in reads):
            clean[entry] = reads
        else:
            todo.append(rel)
    leaks: list[audit.Leak] = []
    if todo:
        work = _Work(demo_dir, site, password, key, audit.read_sources(site))
        checks = _checked(work, todo, workers)
        for rel, digest, found, reads in checks:
            leaks += found
            if not found:
                clean[output_key(inputs, rel, digest)] = reads
    return Audit(tuple(leaks), len(todo), len(outputs) - len(todo), clean)


def inputs_digest(site: Site, password: str | None, key: bytes) -> str:
    """A digest of every input of a verdict but the output itself and those it read."""
    hasher = hashlib.sha256(f"audit {RULES_VERSION}\0{_rules()}\0{site.demo!r}\0".encode())
    # The password keyed by the demo key: without the key, no guess can be checked against it.
    secret = (password or "").encode("utf-8")
    hasher.update(hmac.new(key, b"sitegen audit\0" + secret, hashlib.sha256).digest())
    for path in audit.originals(site):  # their kind follows from these and the settings
        hasher.update(f"\0original {path.relative_to(site.path).as_posix()}\0".encode())
        hasher.update(hashlib.sha256(path.read_bytes()).digest())
    for page in audit.text_files(site):
        hasher.update(f"\0text {page.relative_to(site.path).as_posix()}\0".encode())
        hasher.update(hashlib.sha256(audit.page_text(page).encode("utf-8")).digest())
    return hasher.hexdigest()


def output_key(inputs: str, rel: str, digest: str) -> str:
    return hashlib.sha256(f"{inputs}\0{rel}\0{digest}".encode()).hexdigest()


_RULES: str | None = None


def _rules() -> str:
    """The rules' code (this room's and the allow-list's), Python's and Pillow's versions."""
    global _RULES
    if _RULES is None:
        from PIL import __version__ as pillow

        hasher = hashlib.sha256(f"{sys.version}\0{pillow}".encode())
        package = Path(sitegen.__file__).parent
        for room in RULE_ROOMS:
            for module in sorted((package / room).glob("*.py")):
                hasher.update(f"\0{module.name}\0".encode() + module.read_bytes())
        _RULES = hasher.hexdigest()
    return _RULES


@dataclass(frozen=True)
class _Work:
    demo_dir: Path
    site: Site
    password: str | None
    key: bytes
    sources: audit.Sources


Check = tuple[str, str, list[audit.Leak], Reads]  # path, SHA-256 of the bytes read, leaks, reads


def _checked(work: _Work, todo: list[str], workers: int) -> list[Check]:
    """Each output checked, in order: in this process for a few, else in forked workers,
    which inherit the sources instead of receiving them."""
    if len(todo) < PARALLEL_FROM or workers <= 1 or not _can_fork():
        return _check_chunk(work, todo)
    global _INHERITED
    _INHERITED = work
    try:
        chunks = [todo[start : start + CHUNK] for start in range(0, len(todo), CHUNK)]
        context = multiprocessing.get_context("fork")
        with processes.pool(min(workers, len(chunks)), context) as pool:
            return [check for checks in pool.map(_check_inherited, chunks) for check in checks]
    finally:
        _INHERITED = None


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


_INHERITED: _Work | None = None  # what forked workers check with: set just before they fork


def _check_inherited(rels: Sequence[str]) -> list[Check]:
    assert _INHERITED is not None, "only called in a process forked by _checked"
    return _check_chunk(_INHERITED, rels)


def _check_chunk(work: _Work, rels: Sequence[str]) -> list[Check]:
    checks = []
    for rel in rels:
        try:
            data = (work.demo_dir / rel).read_bytes()
        except FileNotFoundError:  # gone since the listing: nothing of it can be sent
            continue
        found, reads = audit.output_leaks(
            work.demo_dir, Path(rel), data, work.site, work.password, work.key, work.sources
        )
        digest = hashlib.sha256(data).hexdigest()
        checks.append((rel, digest, found, tuple(sorted(reads.items()))))
    return checks
