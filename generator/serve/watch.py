"""Watch folders with watchdog and turn each burst of file events into one call.

An editor saving writes a temporary file, renames it and touches the folder; `git checkout`
rewrites dozens of files at once. Either is one burst: the callback runs once the events have
been quiet for a moment (or a burst has gone on for too long), in one thread, so two rebuilds
never overlap. The moment is shorter when the last event finished a change (a file closed
after writing, moved or deleted) than when a file may still be being written. Events that
arrive during a call lead to one more call after it.

Python's cycle collector is paused during a call and run once no call has followed for a
moment: a full collection over what a preview server keeps costs more than a page rebuild,
and would otherwise land in one rebuild in five, or in the browser's request right after."""

from __future__ import annotations

import gc
import logging
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

QUIET_SECONDS = 0.02  # after an event that may be followed by more writes to the file
SETTLED_SECONDS = 0.004  # after one that finished a change
LONGEST_WAIT_SECONDS = 1.0
COLLECT_IDLE_SECONDS = 0.25  # run the cycle collector once calls stop for this long
COLLECT_EVERY_CALLS = 20  # or before a call, when calls never stop for that long
# Changes only: the build itself opens and reads every file, and being told of each read
# would slow it down (watchdog asks the kernel only for the kinds listed).
CHANGES = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    FileClosedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]
_IGNORED_EVENTS = frozenset({"opened", "closed_no_write"})
_FINISHING_EVENTS = frozenset({"closed", "moved", "deleted"})


def is_noise(path: Path) -> bool:
    """Hidden files, editor swap and backup files: sitegen never reads them."""
    return path.name.startswith(".") or path.name.endswith(("~", ".swp", ".swx"))


class Watcher:
    """Calls `on_change(paths)` once per burst of events that `wanted` accepts."""

    def __init__(
        self,
        on_change: Callable[[set[Path]], None],
        wanted: Callable[[Path], bool] = lambda path: True,
        quiet: float = QUIET_SECONDS,
        longest: float = LONGEST_WAIT_SECONDS,
        settled: float = SETTLED_SECONDS,
    ):
        self._on_change, self._wanted = on_change, wanted
        self._quiet, self._longest, self._settled = quiet, longest, settled
        self._observer = Observer(timeout=0.1)  # how soon `stop` returns
        self._pending: set[Path] = set()
        self._first = self._last = 0.0
        self._finished = False  # whether the last event finished a change
        self._uncollected = 0  # calls since the cycle collector last ran
        self._stopping = self._started = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="sitegen-rebuild", daemon=True)

    def watch(self, folders: Iterable[tuple[Path, bool]]) -> None:
        """Folders to watch, each with whether to watch its subfolders too."""
        handler = _Handler(self._heard)
        for folder, recursive in folders:
            if folder.is_dir():
                self._observer.schedule(
                    handler, str(folder), recursive=recursive, event_filter=CHANGES
                )

    def start(self) -> None:
        self._observer.start()
        self._thread.start()
        self._started = True

    def stop(self) -> None:
        # watchdog logs an error for an event that races its own shutdown: nothing to report.
        logging.getLogger("watchdog.observers.inotify").setLevel(logging.CRITICAL)
        with self._changed:
            self._stopping = True
            self._changed.notify()
        if not self._started:
            return
        self._observer.stop()
        self._observer.join(timeout=5)
        self._thread.join(timeout=5)
        if self._uncollected:
            gc.enable()

    def _heard(self, paths: list[Path], finished: bool) -> None:
        paths = [p for p in paths if not is_noise(p) and self._wanted(p)]
        if not paths:
            return
        with self._changed:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._last, self._finished = now, finished
            self._pending.update(paths)
            self._changed.notify()

    def _run(self) -> None:
        while True:
            with self._changed:
                idle = self._uncollected and COLLECT_IDLE_SECONDS
                while not self._pending and not self._stopping:
                    if not self._changed.wait(idle or None):
                        break
                while self._pending and not self._stopping:
                    quiet = self._settled if self._finished else self._quiet
                    now = time.monotonic()
                    settle = min(self._last + quiet, self._first + self._longest) - now
                    if settle <= 0:
                        break
                    self._changed.wait(settle)
                if self._stopping:
                    return
                paths, self._pending = self._pending, set()
            if not paths or self._uncollected >= COLLECT_EVERY_CALLS:
                self._collect()
            if paths:
                self._call(paths)

    def _call(self, paths: set[Path]) -> None:
        gc.disable()
        self._uncollected += 1
        try:
            self._on_change(paths)
        except Exception:  # a bug in the callback: say so, and keep watching
            traceback.print_exc()

    def _collect(self) -> None:
        gc.collect()
        gc.enable()
        self._uncollected = 0


class _Handler(FileSystemEventHandler):
    def __init__(self, heard: Callable[[list[Path], bool], None]):
        self._heard = heard

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in _IGNORED_EVENTS:
            return
        paths = [event.src_path, getattr(event, "dest_path", "")]
        finished = event.event_type in _FINISHING_EVENTS
        self._heard([Path(_text(p)) for p in paths if p], finished)


def _text(path: str | bytes) -> str:
    return path.decode() if isinstance(path, bytes) else path
