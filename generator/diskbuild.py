"""A build written straight into build/: once content is converted, the pages are shared
among forked processes, each rendering, locking and writing its share a slice at a time.

Both cores work on the stages after Markdown, and no process ever holds the whole site's
output. Forked children inherit the converted site as it is, so nothing is sent to them but
the bounds of their share. A page whose inputs are as at the previous build (`rendercache`)
is linked from it instead of made again. The output folder is replaced as a whole, as `write`
promises."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sitegen import pipeline, rendercache, write
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
    rendered: int  # pages made again; the others were kept from the previous build


def build_to_disk(
    studio: Studio,
    site: Site,
    mode: Mode,
    options: pipeline.BuildOptions,
    frame: Callable[[], str] | None = None,
) -> Written:
    """Build and write; with `frame` (gives `freshness.Inputs.frame`, once the demo key is
    known), pages whose inputs are unchanged since the previous build are kept from it
    instead of made again."""
    prepared = pipeline.prepare(studio, site, mode, options)
    others = pipeline.site_outputs(prepared)
    pipeline.check_unique(pipeline.page_paths(prepared) + others)
    records_path = (
        pipeline.cache_dir(studio, options) / "renders" / f"{site.name}.{mode.value}.json"
    )
    previous = rendercache.load(records_path) if frame and options.use_cache else {}
    with write.staged(studio.build_dir, site.name, mode.value) as staging:
        site_wide = pipeline.site_wide(prepared)
        keys = rendercache.Keys(frame() if frame else "", prepared.pages, site_wide)
        kept = {
            path
            for path, record in previous.items()
            if record.key == keys.key(record.bodies) and record.still_there(staging.target / path)
        }
        work = _Work(prepared, staging, keys, kept, previous)
        records = _write_shares(work, _shares(len(prepared.views), options.workers))
        write.write_outputs(staging, others)
    if frame:
        rendercache.save(records_path, records)
    pages = len(prepared.views)
    rendered = pages - len(kept & records.keys())
    return Written(staging.target, pages, pages + len(others), prepared.warnings, rendered)


@dataclass(frozen=True)
class _Work:
    prepared: pipeline.Prepared
    staging: write.Staging
    keys: rendercache.Keys
    kept: set[str]  # output paths of pages kept from the previous build
    previous: dict[str, rendercache.PageRecord]


def _shares(count: int, workers: int) -> list[range]:
    parts = workers if count >= PARALLEL_FROM and _can_fork() else 1
    bounds = [count * index // parts for index in range(parts + 1)]
    return [range(start, stop) for start, stop in zip(bounds, bounds[1:], strict=False)]


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


# What forked children work on: set just before they fork, so they inherit it as it is.
_WORK: _Work | None = None

Records = dict[str, rendercache.PageRecord]


def _write_shares(work: _Work, shares: list[range]) -> Records:
    """Every share written, one in this process and each other in a forked one; the pages'
    records, or one error with every share's problems."""
    global _WORK
    if len(shares) == 1:
        return _merged([_write_share(work, shares[0])])
    _WORK = work
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(len(shares) - 1, mp_context=context) as pool:
            others = [pool.submit(_write_inherited_share, share) for share in shares[1:]]
            mine = _write_share(work, shares[0])
            return _merged([mine, *(future.result() for future in others)])
    finally:
        _WORK = None


def _write_inherited_share(share: range) -> tuple[Records, list[SitegenError]]:
    assert _WORK is not None, "only called in a process forked by _write_shares"
    return _write_share(_WORK, share)


def _write_share(work: _Work, share: range) -> tuple[Records, list[SitegenError]]:
    """Keep or render, lock and write one share a slice at a time; the records of its pages
    and the problems met, all of them."""
    records: Records = {}
    problems = []
    views = work.prepared.views
    for start in range(share.start, share.stop, SLICE):
        chosen = views[start : min(start + SLICE, share.stop)]
        try:
            fresh = []
            for view in chosen:
                path = view._page.output
                if path in work.kept:
                    write.keep_previous(work.staging, path)
                    records[path] = work.previous[path]
                else:
                    fresh.append(view)
            body_reads: dict[str, frozenset[str]] = {}
            outputs = pipeline.page_outputs(work.prepared, fresh, body_reads)
            write.write_outputs(work.staging, outputs)
            for output in outputs:
                written = work.staging.folder / output.path
                records[output.path] = rendercache.record(
                    work.keys, body_reads[output.path], written
                )
        except SitegenError as exc:
            problems.append(exc)
    return records, problems


def _merged(results: list[tuple[Records, list[SitegenError]]]) -> Records:
    """All shares' records, or one error with every diagnostic of every share, each once."""
    problems = [exc for _, share_problems in results for exc in share_problems]
    if problems:
        diagnostics = {d: None for exc in problems for d in exc.diagnostics}
        raise type(problems[0])(list(diagnostics))
    return {path: record for records, _ in results for path, record in records.items()}
