"""One build, publish or handover of a client at a time: an OS lock on `build/CLIENT/.lock`.

The lock is `flock` on a file that is never deleted, so the kernel, not a check of process
ids, decides who holds it: a holder that dies, even by SIGKILL, lets go at once, and no
waiter can take a lock another has just taken. The holder writes its process id and command
into the file after locking, for the message a waiter shows."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sitegen.errors import SitegenError, disk_problem
from sitegen.model import Diagnostic

POLL_SECONDS = 0.05

# Locks this process holds, by path, with how often each was entered: a handover that builds
# enters the lock it already holds (a second flock on a new descriptor would wait for itself).
_HELD: dict[Path, tuple[int, int]] = {}
_HELD_LOCK = threading.Lock()


class LockedError(SitegenError):
    kind = "locked"


@contextlib.contextmanager
def client_lock(
    build_dir: Path,
    client: str,
    command: str,
    wait: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the client's lock for the duration. Another holder is waited for: forever when
    `wait` is None, else `wait` seconds (0: not at all), and `on_wait` hears once for whom."""
    path = (build_dir / client / ".lock").absolute()
    with _HELD_LOCK:
        held = _HELD.get(path)
        if held is not None:
            _HELD[path] = (held[0], held[1] + 1)
    if held is not None:
        try:
            yield
        finally:
            _leave(path)
        return
    descriptor = _open(path)
    try:
        _acquire(descriptor, path, client, wait, on_wait)
        record = json.dumps({"pid": os.getpid(), "command": command, "since": time.time()})
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, record.encode("utf-8"), 0)
    except BaseException:
        os.close(descriptor)
        raise
    with _HELD_LOCK:
        _HELD[path] = (descriptor, 1)
    try:
        yield
    finally:
        _leave(path)


def _open(path: Path) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise LockedError(disk_problem(exc, path, "cannot create the lock file")) from exc


def _acquire(
    descriptor: int,
    path: Path,
    client: str,
    wait: float | None,
    on_wait: Callable[[str], None] | None,
) -> None:
    if _try_lock(descriptor):
        return
    holder = _holder(path)
    if wait is not None and wait <= 0:
        raise _busy(path, client, holder, "--no-wait was given")
    if on_wait is not None:
        on_wait(f"waiting for {client}: {_describe(holder)}")
    if wait is None:
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # a signal handler that raises still stops it
        return
    deadline = time.monotonic() + wait
    while not _try_lock(descriptor):
        if time.monotonic() >= deadline:
            raise _busy(path, client, _holder(path), f"waited {wait:g} s")
        time.sleep(POLL_SECONDS)


def _try_lock(descriptor: int) -> bool:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


def _leave(path: Path) -> None:
    with _HELD_LOCK:
        descriptor, count = _HELD[path]
        if count > 1:
            _HELD[path] = (descriptor, count - 1)
            return
        del _HELD[path]
    with contextlib.suppress(OSError):
        os.ftruncate(descriptor, 0)  # still ours: no one reads a holder that has gone
    os.close(descriptor)  # closing lets go of the lock


def _holder(path: Path) -> dict:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}  # being written, or just released
    return data if isinstance(data, dict) else {}


def _describe(holder: dict) -> str:
    if not holder.get("pid"):
        return "another sitegen holds it"
    since = time.strftime("%H:%M:%S", time.localtime(holder.get("since", 0)))
    return f"`{holder.get('command')}` (process {holder.get('pid')}) has held it since {since}"


def _busy(path: Path, client: str, holder: dict, why: str) -> LockedError:
    return LockedError(
        Diagnostic(
            path,
            f"{client} is busy: {_describe(holder)}; {why}",
            hint="wait for it to finish, or stop that process",
        )
    )


def process_alive(pid: object) -> bool:
    """Whether a process with this id still runs (one we may not signal counts)."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
