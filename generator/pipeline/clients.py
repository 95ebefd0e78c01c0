"""Build several clients at once, one process each: clients share nothing, so they scale with
cores. Each client's outcome is a plain report, so one broken site never stops the others.
Whether a client is up to date is asked first, here, from its digests: a worker process costs
more than the check, so a studio of many clients with one edit starts one worker."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent import futures
from concurrent.futures import as_completed
from dataclasses import dataclass, replace
from pathlib import Path

from sitegen.errors import SitegenError, disk_problem, format_diagnostic, format_diagnostics
from sitegen.model import Mode, Studio


@dataclass(frozen=True)
class ModeSummary:
    mode: str
    pages: int
    files: int
    seconds: float
    path: Path
    up_to_date: bool = False  # nothing to do: the build in `path` is what it would give
    rendered: int | None = None  # pages made again; the others were kept from the last build
    withheld: int = 0  # the client's files a demo leaves for the handover
    proofs: tuple[tuple[str, str], ...] = ()  # (output path, version) of a demo's proofs


@dataclass(frozen=True)
class ClientReport:
    client: str
    summaries: tuple[ModeSummary, ...] = ()
    error: str | None = None
    warnings: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def build_client(
    studio: Studio,
    client: str,
    modes: Sequence[Mode],
    include_drafts: bool = False,
    workers: int = 1,
    use_cache: bool = True,
    wait: bool = True,
) -> ClientReport:
    """Load, build and write one client's builds; a user error becomes the report's text.
    Another run holding the client is waited for, unless `wait` is false."""
    from sitegen.config.load import load_site
    from sitegen.model import BuildOptions
    from sitegen.pipeline import locks

    summaries: list[ModeSummary] = []
    warnings: list = []
    try:
        with locks.client_lock(
            studio.build_dir, client, "sitegen build", None if wait else 0, say_waiting
        ):
            site = load_site(studio, client)
            for mode in modes:
                options = BuildOptions(include_drafts, None, workers, use_cache=use_cache)
                summary, mode_warnings = build_and_write(studio, site, mode, options)
                summaries.append(summary)
                warnings.extend(mode_warnings)
    except SitegenError as exc:
        return ClientReport(client, tuple(summaries), error=exc.format_message())
    except OSError as exc:  # a full disk or a read-only build/ is the user's to fix, not a bug
        problem = format_diagnostic(disk_problem(exc, studio.build_dir / client))
        return ClientReport(client, tuple(summaries), error=problem)
    text = format_diagnostics(warnings) if warnings else None
    return ClientReport(client, tuple(summaries), warnings=text)


def build_and_write(studio: Studio, site, mode: Mode, options):
    """Build one mode of a site and put it in build/, unless the build there is fresh; its
    summary and warnings."""
    import datetime as dt

    from sitegen.cache import folders, uptodate

    started = time.perf_counter()
    options = replace(options, today=options.today or dt.date.today())
    caches = folders.of(studio, options)
    inputs = uptodate.inputs_digest(
        studio, site, mode, options.include_drafts, options.today, caches.root
    )
    record_path = caches.build_record(site.name, mode)
    try:
        return _build_unless_fresh(studio, site, mode, options, inputs, record_path, started)
    finally:
        futures.wait([inputs.key_check])  # no thread outlives the build, even a failed one


def _build_unless_fresh(
    studio: Studio, site, mode: Mode, options, inputs, record_path: Path, started: float
):
    from sitegen.cache import uptodate
    from sitegen.pipeline import write

    target = write.output_dir(studio.build_dir, site.name, mode.value)
    kept = uptodate.fresh(record_path, inputs, target) if options.use_cache else None
    if kept is not None:
        return _up_to_date(mode, kept, target, started), kept.warnings
    from sitegen.pipeline import todisk  # the stages, imported only when there is work for them

    written = todisk.build_to_disk(studio, site, mode, options, keep_unchanged=True)
    outputs = uptodate.outputs_digest(written.path)
    record = uptodate.Record(
        inputs.whole,
        inputs.whole_files,
        outputs,
        written.pages,
        written.files,
        written.warnings,
        written.withheld,
        written.proofs,
    )
    uptodate.write(record_path, record)
    seconds = time.perf_counter() - started
    summary = ModeSummary(
        mode.value,
        written.pages,
        written.files,
        seconds,
        written.path,
        False,
        written.rendered,
        written.withheld,
        written.proofs,
    )
    return summary, written.warnings + _renewed_salt(site)


def _up_to_date(mode: Mode, kept, target: Path, started: float) -> ModeSummary:
    """The summary of a build left as it was: the counts its record kept."""
    seconds = time.perf_counter() - started
    return ModeSummary(
        mode.value, kept.pages, kept.files, seconds, target, True,
        withheld=kept.withheld, proofs=kept.proofs,
    )  # fmt: skip


def found_up_to_date(
    studio: Studio, client: str, modes: Sequence[Mode], include_drafts: bool = False
) -> ClientReport | None:
    """The report of a client whose every build is fresh, told in this process; None when a
    worker must see to it: something changed, the demo key alone can tell (a password from
    the environment), another run holds the client, or its site.toml has a problem (the
    worker reports it). A worker process costs ~100 ms to start and check; this, a few."""
    import datetime as dt

    from sitegen.cache import folders, uptodate
    from sitegen.config.load import load_site
    from sitegen.pipeline import locks, write

    started = time.perf_counter()
    today = dt.date.today()
    summaries, warnings = [], []
    try:
        with locks.client_lock(studio.build_dir, client, "sitegen build", 0):
            site = load_site(studio, client)
            record_dir = folders.of(studio)
            for mode in modes:
                target = write.output_dir(studio.build_dir, client, mode.value)
                record_path = record_dir.build_record(client, mode)
                kept = uptodate.fresh_without_key(
                    studio, site, mode, include_drafts, today, record_path, target
                )
                if kept is None:
                    return None
                summaries.append(_up_to_date(mode, kept, target, started))
                warnings.extend(kept.warnings)
    except (SitegenError, OSError):
        return None
    text = format_diagnostics(warnings) if warnings else None
    return ClientReport(client, tuple(summaries), warnings=text)


def _renewed_salt(site) -> tuple:
    from sitegen.demo import salt
    from sitegen.model import Diagnostic

    renewed = salt.take_renewed(site.path)
    if renewed is None:
        return ()
    message = (
        "the demo password changed, so the demo has a new salt: every file is uploaded again "
        "at the next publish, and the client types the new password"
    )
    return (Diagnostic(renewed, message, hint=f"commit {renewed.name} with the change"),)


def build_clients(
    studio: Studio,
    clients: Sequence[str],
    modes: Sequence[Mode],
    include_drafts: bool = False,
    on_report: Callable[[ClientReport], None] = lambda report: None,
    use_cache: bool = True,
    wait: bool = True,
) -> list[ClientReport]:
    """Every client's report, in the order given; `on_report` hears each as it finishes.
    Clients found up to date are reported first, without a worker; the others are built."""
    by_client: dict[str, ClientReport] = {}
    for client in clients if use_cache else ():
        report = found_up_to_date(studio, client, modes, include_drafts)
        if report is not None:
            by_client[client] = report
            on_report(report)
    changed = [c for c in clients if c not in by_client]
    cores = os.cpu_count() or 1
    workers = min(len(changed), cores)
    if workers <= 1:
        for client in changed:
            report = build_client(studio, client, modes, include_drafts, cores, use_cache, wait)
            by_client[client] = report
            on_report(report)
        return [by_client[c] for c in clients]
    from sitegen import processes

    with processes.pool(workers) as pool:
        futures = [
            pool.submit(build_client, studio, c, modes, include_drafts, 1, use_cache, wait)
            for c in changed
        ]
        for future in as_completed(futures):
            report = future.result()
            by_client[report.client] = report
            on_report(report)
    return [by_client[c] for c in clients]


def say_waiting(message: str) -> None:
    """Why a build sits still: another run holds its client (shown from any process)."""
    print(message, file=sys.stderr, flush=True)
