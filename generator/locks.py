"""One build, publish or handover of a client at a time: a lock file per client.

The file is created exclusively and names its holder (process id and command); a second run
waits briefly, then says who holds the lock. A lock whose process is gone is taken over."""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

from sitegen.errors import SitegenError
from sitegen.model import Diagnostic

WAIT_SECONDS = 10.0
POLL_SECONDS = 0.1
FRESH_SECONDS = 2.0  # a lock file this new may still be being written


class LockedError(SitegenError):
    kind = "locked"


@contextlib.contextmanager
def client_lock(
    build_dir: Path, client: str, command: str, wait: float = WAIT_SECONDS
) -> Iterator[None]:
    """Hold the client's lock for the duration; a process may re-enter its own lock."""
    path = build_dir / client / ".lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    record = json.dumps({"pid": os.getpid(), "command": command, "since": time.time()})
    deadline = time.monotonic() + wait
    while not _try_create(path, record):
        holder = _holder(path)
        if holder is not None and holder.get("pid") == os.getpid():
            yield  # this process holds it already, e.g. a handover that builds
            return
        if holder is None and _age(path) < FRESH_SECONDS:
            holder = {"pid": None, "command": "another sitegen", "since": time.time()}
        elif holder is None or not process_alive(holder.get("pid")):
            path.unlink(missing_ok=True)  # stale: its process is gone
            continue
        if time.monotonic() >= deadline:
            since = time.strftime("%H:%M:%S", time.localtime(holder.get("since", 0)))
            raise LockedError(
                Diagnostic(
                    path,
                    f"{client} is busy: `{holder.get('command')}` (process {holder.get('pid')})"
                    f" has held it since {since}",
                    hint="wait for it to finish, or stop that process",
                )
            )
        time.sleep(POLL_SECONDS)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def _try_create(path: Path, record: str) -> bool:
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(record)
    return True


def _holder(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}  # released meanwhile: try again
    except (OSError, ValueError):
        return None


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return FRESH_SECONDS


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
