"""A build written straight into build/: once content is converted, the pages are cut into
shares, and forked processes render, lock and write one share after another.

Every core works on the stages after Markdown, taking the next share as it finishes one, so
they end together; no process ever holds the whole site's output. Forked children inherit
the converted site as it is, so nothing is sent to them but the bounds of a share. A page
whose record of what it read still holds (`pagerecords`) is linked from the previous build
instead of made again. The output folder is replaced as a whole, as `write` promises."""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from pathlib import Path

from sitegen import processes
from sitegen.cache import folders, pagerecords, spill
from sitegen.errors import SitegenError
from sitegen.model import BuildOptions, Diagnostic, Mode, Site, Studio
from sitegen.pipeline import stages, write

PARALLEL_FROM = 400  # fewer pages than this render faster than a process forks
SLICE = 250  # pages rendered and written at a time: bounds the memory a share holds
SHARES_PER_WORKER = 16  # small shares: the last one to finish keeps the others waiting


@dataclass(frozen=True)
class Written:
    path: Path
    pages: int
    files: int
    warnings: tuple[Diagnostic, ...]
    rendered: int  # pages made again; the others were kept from the previous build
    withheld: int = 0  # the client's files a demo leaves for the handover
    proofs: tuple[tuple[str, str], ...] = ()  # (output path, version) of a demo's proofs
    rendered_pages: frozenset[str] = frozenset()  # the pages made again, by output path


def build_to_disk(
    studio: Studio,
    site: Site,
    mode: Mode,
    options: BuildOptions,
    keep_unchanged: bool = False,
) -> Written:
    """Build and write; with `keep_unchanged`, pages whose record still holds are kept from
    the previous build instead of made again. Each page's HTML waits in a spill file, not in
    memory, from its conversion until a worker renders it."""
    cache_root = folders.of(studio, options).root
    with spill.SpillFile(cache_root) as bodies:
        prepared = stages.prepare(studio, site, mode, options, keep_sources=False, spill=bodies)
        others = stages.site_outputs(prepared)
        stages.check_unique(stages.page_paths(prepared) + others)
        records_path = folders.of(studio, options).render_record(site.name, mode)
        keep = keep_unchanged and options.use_cache
        previous = pagerecords.load(records_path) if keep else {}
        with write.staged(studio.build_dir, site.name, mode.value) as staging:
            kept = {
                path
                for path in stages.unchanged_pages(prepared, previous)
                if previous[path].still_there(staging.target / path)
            }
            work = _Work(prepared, staging, kept, previous)
            fresh = len(prepared.views) - len(kept)
            shares = _shares(len(prepared.views), fresh, options.workers)
            packs, rendered_pages = _write_shares(work, shares, options.workers)
            write.write_outputs(staging, others)
    if keep_unchanged:
        pagerecords.save(records_path, packs)
    pages = len(prepared.views)
    files = pages + len(others)
    return Written(
        staging.target, pages, files, prepared.warnings, len(rendered_pages), prepared.withheld,
        prepared.proof_versions, rendered_pages,
    )  # fmt: skip


@dataclass(frozen=True)
class _Work:
    prepared: stages.Prepared
    staging: write.Staging
    kept: set[str]  # output paths of pages kept from the previous build
    previous: dict[str, pagerecords.PageRecord]


def _shares(count: int, fresh: int, workers: int) -> list[range]:
    """One share, written in this process, when few pages are made again (a small site, an
    edit that most pages did not read) or for a single worker; otherwise several a worker."""
    if fresh < PARALLEL_FROM or workers <= 1 or not _can_fork():
        return [range(count)]
    size = min(SLICE, -(-count // (workers * SHARES_PER_WORKER)))
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


# What forked children work on: set just before they fork, so they inherit it as it is.
_WORK: _Work | None = None

Share = tuple[bytes, tuple[str, ...], list[SitegenError]]  # records packed, pages made, problems


def _write_shares(
    work: _Work, shares: list[range], workers: int
) -> tuple[list[bytes], frozenset[str]]:
    """Every share written, by this process when there is only one, else by forked workers;
    the pages' records and those made again, or one error with every share's problems."""
    global _WORK
    if len(shares) == 1:
        return _merged([_write_share(work, shares[0])])
    _WORK = work
    try:
        context = multiprocessing.get_context("fork")
        with processes.pool(min(workers, len(shares)), context) as pool:
            return _merged(list(pool.map(_write_inherited_share, shares)))
    finally:
        _WORK = None


def _write_inherited_share(share: range) -> Share:
    assert _WORK is not None, "only called in a process forked by _write_shares"
    return _write_share(_WORK, share)


def _write_share(work: _Work, share: range) -> Share:
    """Keep or render, lock and write one share a slice at a time; the records of its pages
    (packed), the pages it made again and the problems met, all of them."""
    records: dict[str, pagerecords.PageRecord] = {}
    rendered: list[str] = []
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
            outputs, learnt = stages.page_outputs(work.prepared, fresh)
            write.write_outputs(work.staging, outputs)
            for output in outputs:
                written = work.staging.folder / output.path
                records[output.path] = learnt[output.path].on_disk(written)
                rendered.append(output.path)
        except SitegenError as exc:
            problems.append(exc)
        work.prepared.env.forget_values()
    return pagerecords.pack(records), tuple(rendered), problems


def _merged(results: list[Share]) -> tuple[list[bytes], frozenset[str]]:
    """All shares' records and the pages made again, or one error with every diagnostic of
    every share, each once."""
    problems = [exc for *_, share_problems in results for exc in share_problems]
    if problems:
        diagnostics = {d: None for exc in problems for d in exc.diagnostics}
        raise type(problems[0])(list(diagnostics))
    packs = [packed for packed, _, _ in results]
    return packs, frozenset(path for _, rendered, _ in results for path in rendered)
