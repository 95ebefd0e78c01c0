"""A build written straight into build/: once content is converted, the pages are shared
among forked processes, each rendering, locking and writing its share a slice at a time.

Both cores work on the stages after Markdown, and no process ever holds the whole site's
output. Forked children inherit the converted site as it is, so nothing is sent to them but
the bounds of their share. The output folder is replaced as a whole, as `write` promises."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sitegen import pipeline, write
from sitegen.errors import SitegenError
from sitegen.model import Diagnostic, Mode, Site, Studio

PARALLEL_FROM = 400  # fewer pages than this render faster than a process forks
SLICE = 250  # pages rendered and written at a time: bounds the memory a share holds


@dataclass(frozen=True)
class Written:
    path: Path
    pages: int
    files: int
    warnings: tuple[Diagnostic, ...]


def build_to_disk(
    studio: Studio, site: Site, mode: Mode, options: pipeline.BuildOptions
) -> Written:
    prepared = pipeline.prepare(studio, site, mode, options)
    others = pipeline.site_outputs(prepared)
    pipeline.check_unique(pipeline.page_paths(prepared) + others)
    shares = _shares(len(prepared.views), options.workers)
    with write.staged(studio.build_dir, site.name, mode.value) as staging:
        _write_shares(prepared, staging, shares)
        write.write_outputs(staging, others)
    pages = len(prepared.views)
    return Written(staging.target, pages, pages + len(others), prepared.warnings)


def _shares(count: int, workers: int) -> list[range]:
    parts = workers if count >= PARALLEL_FROM and _can_fork() else 1
    bounds = [count * index // parts for index in range(parts + 1)]
    return [range(start, stop) for start, stop in zip(bounds, bounds[1:], strict=False)]


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


# What forked children render: set just before they fork, so they inherit it as it is.
_WORK: tuple[pipeline.Prepared, write.Staging] | None = None


def _write_shares(prepared: pipeline.Prepared, staging: write.Staging, shares: list[range]) -> None:
    global _WORK
    if len(shares) == 1:
        _raise_all([_write_share(prepared, staging, shares[0])])
        return
    _WORK = (prepared, staging)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(len(shares) - 1, mp_context=context) as pool:
            others = [pool.submit(_write_inherited_share, share) for share in shares[1:]]
            mine = _write_share(prepared, staging, shares[0])
            _raise_all([mine, *(future.result() for future in others)])
    finally:
        _WORK = None


def _write_inherited_share(share: range) -> list[SitegenError]:
    assert _WORK is not None, "only called in a process forked by _write_shares"
    return _write_share(*_WORK, share)


def _write_share(
    prepared: pipeline.Prepared, staging: write.Staging, share: range
) -> list[SitegenError]:
    """Render, lock and write one share a slice at a time; the problems met, all of them."""
    problems = []
    for start in range(share.start, share.stop, SLICE):
        try:
            outputs = pipeline.page_outputs(prepared, slice(start, min(start + SLICE, share.stop)))
            write.write_outputs(staging, outputs)
        except SitegenError as exc:
            problems.append(exc)
    return problems


def _raise_all(problems_by_share: list[list[SitegenError]]) -> None:
    """One error with every diagnostic of every share, each once."""
    problems = [exc for share in problems_by_share for exc in share]
    if not problems:
        return
    diagnostics = {d: None for exc in problems for d in exc.diagnostics}
    raise type(problems[0])(list(diagnostics))
