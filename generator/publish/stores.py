"""Where a plan meets the network or the disk: a store per kind of target, and `apply`.

`S3Store` (in s3store.py) speaks to any S3-compatible service; `FileStore` mirrors into a
local folder. Uploads run in threads, pages after their assets, deletes only after every
upload succeeded. Every call to a store runs in a daemon thread watched from the calling
one, so a store that stops answering ends the sync with a message after `stall_timeout`
seconds without progress, instead of hanging it for the retries' many minutes."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from sitegen.cache.folders import CacheFolders
from sitegen.errors import naming
from sitegen.files import replace_file
from sitegen.model import Diagnostic
from sitegen.publish import builtfolder, syncplan
from sitegen.publish.builtfolder import LocalFile
from sitegen.publish.s3store import DELETE_BATCH, REBUILD, S3Store, invalidate
from sitegen.publish.syncplan import DeployPlan, DeployRefused, RemoteObject, Upload
from sitegen.publish.syncsettings import DeployError, HeaderRules, SyncSettings
from sitegen.publish.syncwatch import DaemonThreads, Watch
from sitegen.publish.targets import FileTarget, S3Target, Target


class Store(Protocol):
    target: Target

    def list(self) -> tuple[RemoteObject, ...]: ...
    def claim(self) -> int: ...
    def upload(self, folder: Path, file: LocalFile) -> None: ...
    def delete(self, paths: Sequence[str]) -> None: ...
    def close(self) -> None: ...


@dataclass(frozen=True)
class Progress:
    """One finished step, reported from the calling thread; "wait" says how many seconds
    (in `size`) the store has not answered."""

    action: str  # "upload", "delete" or "wait"
    path: str
    size: int
    done: int
    total: int


@dataclass(frozen=True)
class SyncSummary:
    uploaded: int
    unchanged: int
    deleted: int
    bytes: int
    seconds: float
    invalidated: tuple[str, ...] = ()
    aborted: int = 0  # unfinished multipart uploads of an earlier, interrupted sync


class SyncFailed(DeployError):
    """Some uploads failed: nothing was deleted, and running the same sync again finishes it."""


@contextmanager
def open_store(
    target: Target,
    settings: SyncSettings | None = None,
    cache: Path | None = None,
    owner: str | None = None,
    on_activity: Callable[..., None] | None = None,
) -> Iterator[Store]:
    """The store for `target`; `cache` (S3 only) is a file remembering the checksums read from
    object metadata, so a later listing needs no request per object. What it writes is
    marked as written by sitegen for `owner`; `on_activity` hears each answer of the store."""
    settings = settings or SyncSettings()
    if isinstance(target, S3Target):
        store: Store = S3Store(target, settings, cache, owner, on_activity)
    else:
        store = FileStore(target, owner)
    try:
        yield store
    finally:
        store.close()


def cache_file(cache_dir: Path, target: Target) -> Path:
    """Where `sync` keeps the checksums learned from a target, one file per target URL."""
    name = hashlib.sha256(str(target).encode()).hexdigest()[:24]
    return CacheFolders(cache_dir).sync_record(name)


def sync(
    folder: Path,
    target: Target,
    rules: HeaderRules,
    dry_run: bool = False,
    max_deletes: int = 256,
    on_progress: Callable[[Progress], None] | None = None,
    settings: SyncSettings | None = None,
    cache_dir: Path | None = None,
    owner: str | None = None,
    force_prefix: bool = False,
    local: tuple[LocalFile, ...] | None = None,
) -> tuple[DeployPlan, SyncSummary | None]:
    """Plan the sync of `folder` to `target`, then (unless `dry_run`) apply it and invalidate
    the CDN if the target names a CloudFront distribution. A target holding files sitegen did
    not write, or wrote for another client than `owner`, is refused unless `force_prefix`.
    `local`: the folder's manifest, when the caller has listed it already."""
    settings, started = settings or SyncSettings(), time.perf_counter()
    if not folder.is_dir() or not (any(folder.iterdir()) if local is None else local):
        raise DeployError(
            Diagnostic(folder, "nothing to sync: the build folder is missing or empty")
        )
    _check_apart(folder, target)
    cache = cache_file(cache_dir, target) if cache_dir else None
    watch = Watch(target, settings.stall_timeout, _idle_reporter(target, on_progress))
    with ThreadPoolExecutor(max_workers=1) as hashing:
        if local is None:  # hashed while the target lists
            listed = hashing.submit(builtfolder.local_manifest, folder, rules)
        else:
            listed = hashing.submit(tuple, local)
        with open_store(target, settings, cache, owner, watch.beat) as store:
            remote = watch.call("listing", store.list)
            the_plan = syncplan.plan(listed.result(), remote, max_deletes, owner, force_prefix)
            if dry_run:
                return the_plan, None
            summary = apply(the_plan, store, folder, settings.workers, on_progress, watch)
    if isinstance(target, S3Target) and target.cloudfront:
        paths = syncplan.invalidation_paths(the_plan, settings.invalidation_limit, target.prefix)
        if paths:
            invalidate(target, paths, settings)
            summary = replace(summary, invalidated=paths)
    return the_plan, replace(summary, seconds=time.perf_counter() - started)


def apply(
    plan: DeployPlan,
    store: Store,
    folder: Path,
    workers: int = 8,
    on_progress: Callable[[Progress], None] | None = None,
    watch: Watch | None = None,
) -> SyncSummary:
    """Uploads in parallel, assets before pages; deletes only once every upload succeeded.
    First, multipart uploads an interrupted sync left unfinished under the prefix go."""
    if plan.refused:
        raise DeployRefused(
            Diagnostic(None, f"not syncing to {store.target}: {plan.refused}", hint=_RERUN)
        )
    _check_apart(folder, store.target)
    watch = watch or Watch(
        store.target, SyncSettings().stall_timeout, _idle_reporter(store.target, on_progress)
    )
    started = time.perf_counter()
    # A sync with nothing to send stays one listing: an interrupted one left work to do.
    aborted = 0 if plan.is_empty else watch.call("aborting unfinished uploads", store.claim)
    report = _Reporter(len(plan.uploads) + len(plan.deletes), on_progress)
    failures: list[Diagnostic] = []
    for group in plan.upload_groups():
        if group and not failures:
            failures = _upload_group(group, store, folder, workers, report, watch)
    if failures:
        not_tried = len(plan.uploads) - report.uploaded - len(failures)
        failures.append(
            Diagnostic(
                None,
                f"{len(failures)} uploads failed, {not_tried} not tried, "
                f"{report.uploaded} done; nothing was deleted",
                hint="run the same sync again: it sends only what is still missing",
            )
        )
        raise SyncFailed(failures)
    deletes = [d.path for d in plan.deletes]
    for start in range(0, len(deletes), DELETE_BATCH):
        batch = deletes[start : start + DELETE_BATCH]
        watch.call("deleting", store.delete, batch)
        for path in batch:
            report.step("delete", path, 0)
    return SyncSummary(
        uploaded=report.uploaded,
        unchanged=plan.unchanged,
        deleted=len(deletes),
        bytes=report.bytes,
        seconds=time.perf_counter() - started,
        aborted=aborted,
    )


_RERUN = "check the target and the build; nothing was changed"


def _idle_reporter(
    target: Target, on_progress: Callable[[Progress], None] | None
) -> Callable[[int], None] | None:
    """How a silent store is shown: a "wait" step with the seconds in `size`."""
    if on_progress is None:
        return None
    return lambda seconds: on_progress(Progress("wait", str(target), seconds, 0, 0))


def _check_apart(folder: Path, target: Target) -> None:
    """A folder target must not hold the build, nor sit inside it: `file:.` would otherwise
    mirror the build over the whole project, deleting its sources."""
    if isinstance(target, FileTarget):
        build, there = folder.resolve(), target.path.resolve()
        if build.is_relative_to(there) or there.is_relative_to(build):
            message = f"{target} holds the build folder {folder} or lies inside it"
            raise DeployError(Diagnostic(None, message, hint="publish to a folder of its own"))


class _Reporter:
    def __init__(self, total: int, on_progress: Callable[[Progress], None] | None):
        self.total, self.on_progress = total, on_progress
        self.done = self.uploaded = self.bytes = 0

    def step(self, action: str, path: str, size: int) -> None:
        self.done += 1
        if action == "upload":
            self.uploaded += 1
            self.bytes += size
        if self.on_progress:
            self.on_progress(Progress(action, path, size, self.done, self.total))


def _upload_group(
    group: Sequence[Upload],
    store: Store,
    folder: Path,
    workers: int,
    report: _Reporter,
    watch: Watch,
) -> list[Diagnostic]:
    """Send one group; after the first failure, files not yet started are left for a rerun."""
    stop = threading.Event()
    failures: list[Diagnostic] = []

    def send(upload: Upload) -> bool:
        if stop.is_set() or watch.stopped.is_set():
            return False
        store.upload(folder, upload.file)
        return True

    pool = DaemonThreads(workers, "sitegen-upload")
    try:
        futures: dict[Future, Upload] = {pool.submit(send, u): u for u in group}
        for future in watch.completed(futures, lambda: f"uploading, {report.uploaded} done"):
            upload = futures[future]
            try:
                sent = future.result()
            except (DeployError, OSError) as exc:
                stop.set()
                message = exc.format_message() if isinstance(exc, DeployError) else str(exc)
                failures.append(Diagnostic(None, f"upload of {upload.file.path}: {message}"))
                continue
            if sent:
                report.step("upload", upload.file.path, upload.file.size)
    finally:
        stop.set()
        pool.close()
    return failures


# --- S3 --------------------------------------------------------------------------------------


OWNER_FILE = ".sitegen-owner"  # in a folder target: sitegen syncs it, for this client


class FileStore:
    """A folder as a target. Each file is written beside its place and renamed into it, so a
    reader never sees half a file; a folder keeps no headers, so none are compared. A folder
    keeps no metadata either: a file `.sitegen-owner` in it says that sitegen syncs it, and
    for which client."""

    def __init__(self, target: FileTarget, owner: str | None = None):
        self.target, self.root, self.owner = target, target.path, owner

    def list(self) -> tuple[RemoteObject, ...]:
        if not self.root.exists():
            return ()
        if not self.root.is_dir():
            raise DeployError(Diagnostic(self.root, "the target is a file, not a folder"))
        found = []
        owners: dict[Path, str | None] = {}  # folder: the owner marked there or above
        for directory, dirs, names in os.walk(self.root):
            dirs.sort()
            here = Path(directory)
            owners[here] = _marked_owner(here) if OWNER_FILE in names else owners.get(here.parent)
            for name in sorted(names):
                full = here / name
                if name == OWNER_FILE:
                    continue
                with full.open("rb") as handle:
                    digest = hashlib.file_digest(handle, "sha256").hexdigest()
                path = full.relative_to(self.root).as_posix()
                owner = owners[here]
                found.append(
                    RemoteObject(
                        path,
                        full.stat().st_size,
                        digest,
                        ours=owner is not None,
                        owner=owner or None,
                    )
                )
        return tuple(found)

    def claim(self) -> int:
        """Mark the folder as synced by sitegen for this client, before the first upload."""
        marker = self.root / OWNER_FILE
        if not marker.is_file():
            replace_file(marker, (self.owner or "") + "\n")
        return 0

    def upload(self, folder: Path, file: LocalFile) -> None:
        destination = self._path(file.path)
        self._make_parents(destination)
        temporary = destination.with_name(
            f".{destination.name}.sitegen-{os.getpid()}-{threading.get_ident()}.tmp"
        )
        try:
            with naming(destination):
                shutil.copyfile(folder / file.path, temporary)
            with temporary.open("rb") as handle:
                if hashlib.file_digest(handle, "sha256").hexdigest() != file.sha256:
                    raise DeployError(
                        Diagnostic(folder / file.path, "changed while syncing", hint=REBUILD)
                    )
            os.replace(temporary, destination)
        finally:
            temporary.unlink(missing_ok=True)

    def delete(self, paths: Sequence[str]) -> None:
        for path in paths:
            destination = self._path(path)
            destination.unlink(missing_ok=True)
            parent = destination.parent
            while parent != self.root and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent

    def close(self) -> None:
        pass

    def _path(self, path: str) -> Path:
        destination = self.root / path
        if not syncplan.inside_prefix(path) or not destination.resolve().is_relative_to(
            self.root.resolve()
        ):
            raise DeployError(Diagnostic(None, f"refusing '{path}': outside {self.target}"))
        return destination

    def _make_parents(self, destination: Path) -> None:
        """Folders up to `destination`; a file standing where the build has a folder goes (the
        build cannot hold both, so the plan deletes it anyway)."""
        for parent in reversed(destination.relative_to(self.root).parents):
            here = self.root / parent
            if here.is_file():
                here.unlink()
        destination.parent.mkdir(parents=True, exist_ok=True)


def _marked_owner(folder: Path) -> str:
    """The client a folder target was synced for ("" for none named)."""
    try:
        return (folder / OWNER_FILE).read_text("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return ""
