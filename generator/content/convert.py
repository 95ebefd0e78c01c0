"""Markdown for a whole site: from the persistent cache where the same text was converted
before and its links still lead to the same places; the rest in parallel across cores.

A cached fragment is only the page's body: templates, navigation and titles are rendered
afresh every build, so a cached build gives the same bytes as a clean one. Reads and writes
nothing but the cache."""

from __future__ import annotations

import functools
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sitegen import processes as worker_processes
from sitegen.cache import uptodate
from sitegen.cache.spill import SpillFile
from sitegen.cache.store import DiskCache, digest
from sitegen.content.markup import (
    EXTENSION_CONFIGS,
    EXTENSIONS,
    Converted,
    Converter,
    LinkError,
    LinkMap,
)
from sitegen.model import SourcePage

PARALLEL_FROM = 64  # fewer pages than this convert faster than a process pool starts
CHUNK = 100  # pages sent to a worker at a time: bounds what it and the parent hold of them


@functools.cache
def recipe() -> str:
    """What a page's HTML follows from besides its text: sitegen and the libraries as they are
    installed (`uptodate.tool_digest`, no scan of the installed packages for a version
    number) and the extensions."""
    return repr((uptodate.tool_digest(), EXTENSIONS, EXTENSION_CONFIGS))


@dataclass(frozen=True)
class Job:
    """What converting one page reads: picklable, for the worker processes."""

    rel: str
    source: Path
    body: str
    body_line: int
    title: str | None
    spilled: tuple[int, int] | None = None  # (offset, size) of `body` in the spill file


Calls = tuple[tuple[str, tuple[str, ...]], ...]  # (href, what it resolved to), per link


class RecordingLinks:
    """A LinkMap that notes every link a page resolves, and the answer: a cached page is
    reused only while each of its links gives the same answer again."""

    def __init__(self, links: LinkMap):
        self.links = links
        self.calls: list[tuple[str, tuple[str, ...]]] = []

    def resolve(self, source_rel: str, href: str) -> str:
        outcome = resolution(self.links, source_rel, href)
        self.calls.append((href, outcome))
        if outcome[0] == "error":
            raise LinkError(outcome[1], outcome[2] or None)
        return outcome[1]


def resolution(links: LinkMap, source_rel: str, href: str) -> tuple[str, ...]:
    try:
        return ("url", links.resolve(source_rel, href))
    except LinkError as exc:
        return ("error", str(exc), exc.hint)


def still_resolves(calls: Calls, rel: str, links: LinkMap) -> bool:
    return all(resolution(links, rel, href) == tuple(outcome) for href, outcome in calls)


def convert_all(
    sources: Sequence[SourcePage], links: LinkMap, cache: DiskCache | None, workers: int = 1
) -> list[Converted]:
    return [converted for converted, _ in convert_each(sources, links, cache, workers)]


def convert_with_calls(
    sources: Sequence[SourcePage], links: LinkMap, cache: DiskCache | None, workers: int = 1
) -> list[tuple[Converted, Calls]]:
    return list(convert_each(sources, links, cache, workers))


def convert_each(
    sources: Sequence[SourcePage],
    links: LinkMap,
    cache: DiskCache | None,
    workers: int = 1,
    remember: bool = True,
    spill: SpillFile | None = None,
) -> Iterator[tuple[Converted, Calls]]:
    """Each page's HTML and the links it resolved, in order, as soon as it is ready: from the
    cache where they still hold, converted (and cached) otherwise. Nothing here holds a result
    once it is handed on, nor a page's text once it is converted, so a caller that keeps less
    of each keeps a site's worth less. Without `remember`, no keys are kept for a next build.

    With `spill`, where forked workers convert, each page's Markdown goes to that file before
    they fork, and `sources` (a list, then) are replaced by the pages without it: the parent
    then frees no text while they run, which would copy the memory it shared with them."""
    keys = _keys(sources, remember=cache is not None and remember)
    found = cache.get_many(keys) if cache is not None else {}
    global _RESOLVED
    resolved = _RESOLVED[1] if cache is not None and _RESOLVED[0] == links else {}
    hits: dict[int, Any] = {}
    for index, (page, key) in enumerate(zip(sources, keys, strict=True)):
        kept = found.get(key)
        if kept is not None and (
            resolved.get(key) is kept or still_resolves(kept["links"], page.rel, links)
        ):
            hits[index] = kept
    del found  # what was not a hit: let it go now, not when the last page is handed on
    jobs = [_job(page) for index, page in enumerate(sources) if index not in hits]
    if spill is not None and _forks(len(jobs), workers):
        jobs = [_spilled(job, spill) for job in jobs]
        for index, page in enumerate(sources):
            sources[index] = replace(page, body="")  # type: ignore[index]
    made = _convert(jobs, links, workers, spill)
    del jobs  # `_convert` lets go of each page's job once it is converted
    # The value each key was taken from or put as, for a next build in this process: a key
    # resolves alike only in the very value checked (another store may hold another).
    values: dict[str, Any] = {}
    keep = cache is not None and remember
    for index, key in enumerate(keys):
        kept = hits.pop(index, None)
        if kept is not None:
            calls = tuple((href, tuple(outcome)) for href, outcome in kept["links"])
            converted = Converted(kept["html"], kept["toc"], kept["heading"], ())
        else:
            converted, calls = next(made)
            kept = None
            if cache is not None and not converted.problems:
                value = {"html": converted.html, "toc": converted.toc, "heading": converted.heading}
                kept = value | {"links": calls}
                cache.put(key, kept)
        if keep and kept is not None:
            values[key] = kept
        yield converted, calls
    if cache is not None:
        _RESOLVED = (links, values) if remember else (None, {})


# The keys and links of this process's last conversion of a site with a cache: a preview
# server's rebuild does not hash every page's text again, nor resolve every link of a page
# again while no page moved. Both hold what they were made from, so they are right for any
# site: a key's value is taken as resolving alike only when it is the very value checked,
# as another store (a build on disk after a preview) may hold an older one under that key.
_KEYS: dict[str, tuple[str, str | None, str]] = {}  # rel: (body, title, key)
_RESOLVED: tuple[LinkMap | None, dict[str, Any]] = (None, {})  # links: values resolving alike


def forget() -> None:
    """Let go of the last conversion's keys and links, and the page texts they hold: a build
    on disk, whose process ends after it, has no next build to speed up."""
    global _KEYS, _RESOLVED
    _KEYS, _RESOLVED = {}, (None, {})


def _keys(sources: Sequence[SourcePage], remember: bool) -> list[str]:
    """The cache key of each page, from its text: the same text object, the same key."""
    global _KEYS
    known, keys, now = _KEYS, [], {}
    for page in sources:
        kept = known.get(page.rel)
        if kept is not None and kept[0] is page.body and (kept[1] is None) == (page.title is None):
            key = kept[2]
        else:
            key = digest(recipe(), page.rel, page.body, "lift" if page.title is None else "keep")
        keys.append(key)
        now[page.rel] = (page.body, page.title, key)
    if remember:
        _KEYS = now
    return keys


def _job(page: SourcePage) -> Job:
    return Job(page.rel, page.source, page.body, page.body_line, page.title)


def _spilled(job: Job, spill: SpillFile) -> Job:
    at = spill.put(job.body, "")
    return replace(job, body="", spilled=(at.offset, at.content_size))


def _forks(jobs: int, workers: int) -> bool:
    """Whether `_convert` converts in forked workers."""
    parallel = workers > 1 and jobs >= PARALLEL_FROM
    return parallel and "fork" in multiprocessing.get_all_start_methods()


def _convert(
    jobs: list[Job], links: LinkMap, workers: int, spill: SpillFile | None = None
) -> Iterator[tuple[Converted, Calls]]:
    """Each job's result, in order, as soon as it is ready: the cache is filled meanwhile."""
    if workers <= 1 or len(jobs) < PARALLEL_FROM:
        jobs.reverse()  # each page's text let go once converted, its result once handed on
        while jobs:
            yield from convert_chunk([jobs.pop()], links)
        return
    size = max(1, min(CHUNK, len(jobs) // (workers * 16)))
    chunks = [jobs[start : start + size] for start in range(0, len(jobs), size)]
    del jobs  # each chunk's pages go once converted: the pool holds them until then
    processes = min(workers, os.cpu_count() or 1)
    if "fork" not in multiprocessing.get_all_start_methods():
        with worker_processes.pool(processes) as pool:
            parts = pool.map(convert_chunk, chunks, [links] * len(chunks))
            del chunks
            for part in parts:
                yield from part
        return
    global _INHERITED
    # Forked workers inherit the links, but are sent their pages: a page's text read where it
    # lies in the parent's memory has its count of references raised, and so the memory page
    # it lies on copied, in every worker; a few pickled chunks at a time cost less.
    _INHERITED = (links, spill)
    try:
        context = multiprocessing.get_context("fork")
        with worker_processes.pool(processes, context) as pool:
            parts = pool.map(_convert_inherited, chunks)
            del chunks
            for part in parts:
                yield from part
    finally:
        _INHERITED = None


_INHERITED: tuple[LinkMap, SpillFile | None] | None = None


def _convert_inherited(jobs: list[Job]) -> list[tuple[Converted, Calls]]:
    assert _INHERITED is not None, "only called in a process forked by _convert"
    links, spill = _INHERITED
    if spill is not None:  # each page's Markdown, where the parent put it before the fork
        jobs = [replace(j, body=spill.read(*j.spilled)) if j.spilled else j for j in jobs]
    return convert_chunk(jobs, links)


_CONVERTER: Converter | None = None


def convert_chunk(jobs: list[Job], links: LinkMap) -> list[tuple[Converted, Calls]]:
    """Convert some pages with this process's Converter, noting the links each resolved."""
    global _CONVERTER
    if _CONVERTER is None:
        _CONVERTER = Converter()
    results = []
    for job in jobs:
        recorder = RecordingLinks(links)
        converted = _CONVERTER.convert(job, recorder)  # type: ignore[arg-type]
        results.append((converted, tuple(recorder.calls)))
    return results
