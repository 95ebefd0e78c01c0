"""Worker processes that never outlive the build, and SIGTERM or Ctrl-C that stop it cleanly.

`timeout`, CI runners and service managers stop a build with SIGTERM and may then kill it;
a pool worker re-parented to init would sleep forever. So every worker asks the kernel to
kill it when its parent dies (Linux), and a thread in it checks its parent as well; and the
parent, stopped by a signal, kills its workers and unwinds, so each build's staging folder is
removed and the previous output stays as it was."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when a pool is made: the CLI imports this module for `stoppable`
    import multiprocessing.context
    from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
PARENT_CHECK_SECONDS = 1.0
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGINT, raised in the main thread so every `finally` runs."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum  # as a shell reports a process stopped by the signal


@contextlib.contextmanager
def stoppable() -> Iterator[None]:
    """For the duration, SIGTERM and SIGINT raise Interrupted in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise Interrupted(signum)

    previous = {number: signal.signal(number, interrupt) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextlib.contextmanager
def pool(
    workers: int, context: multiprocessing.context.BaseContext | None = None
) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers die with this process; on an error or a signal they are
    killed at once instead of finishing the queued work."""
    from concurrent.futures import ProcessPoolExecutor

    executor = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_bind_to_parent, initargs=(os.getpid(),)
    )
    try:
        yield executor
    except BaseException:
        _kill(executor)
        raise
    executor.shutdown(wait=True)


def _kill(executor: ProcessPoolExecutor) -> None:
    children = list((getattr(executor, "_processes", None) or {}).values())
    for child in children:
        with contextlib.suppress(OSError, ValueError):
            child.kill()
    executor.shutdown(wait=False, cancel_futures=True)
    for child in children:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            child.join(5)


def _bind_to_parent(parent: int) -> None:
    """Pool initializer: die with the parent; leave SIGTERM and Ctrl-C to the parent, which
    kills its workers itself (a forked worker would otherwise inherit its handler)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    """Where the kernel does not kill an orphan, it exits once re-parented."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)
