"""The watch over a sync: every call to a store runs in a daemon thread, and the calling
thread gives up after `stall_timeout` seconds in which the store made no progress. A store
that stops answering then ends the sync with a message, instead of hanging it (and the
process's exit) for its timeouts times its retries."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future
from concurrent.futures import wait as wait_for

from sitegen.model import Diagnostic
from sitegen.publish.syncsettings import DeployError
from sitegen.publish.targets import Target


class SyncStalled(DeployError):
    """The store made no progress for `stall_timeout` seconds: the sync was given up."""


WAIT_NOTICE_SECONDS = 5  # a store silent this long is shown as being waited for


class Watch:
    """When the store last made progress; waits on its calls and gives up after `limit`
    seconds without any. `beat` may be called from any thread."""

    def __init__(self, target: Target, limit: float, on_idle: Callable[[int], None] | None):
        self.target, self.limit, self.on_idle = target, limit, on_idle
        self.last = time.monotonic()
        self.stopped = threading.Event()  # set once given up: started work goes no further

    def beat(self, *_: object, **__: object) -> None:
        self.last = time.monotonic()

    def completed(
        self, futures: Iterable[Future], doing: str | Callable[[], str]
    ) -> Iterator[Future]:
        """Each future as it completes; SyncStalled when none does for `limit` seconds."""
        pending = set(futures)
        while pending:
            done, pending = wait_for(pending, timeout=0.25, return_when=FIRST_COMPLETED)
            if done:
                self.beat()
                yield from done
                continue
            idle = time.monotonic() - self.last
            if idle >= self.limit:
                self.stopped.set()
                raise SyncStalled(
                    Diagnostic(
                        None,
                        f"no progress for {self.limit:g} s: {self.target} did not answer "
                        f"while {doing() if callable(doing) else doing}; nothing was deleted",
                        hint="check the endpoint and the network; running the same sync "
                        "again sends only what is still missing",
                    )
                )
            if idle >= WAIT_NOTICE_SECONDS and self.on_idle:
                self.on_idle(int(idle))

    def call(self, doing: str, function: Callable, *args: object):
        """`function(*args)` in a daemon thread, waited for as above."""
        threads = DaemonThreads(1, "sitegen-store")
        try:
            (future,) = self.completed([threads.submit(function, *args)], doing)
            return future.result()
        finally:
            threads.close()


class DaemonThreads:
    """Daemon worker threads: a call stuck on a silent store cannot keep the process alive,
    as a thread of ThreadPoolExecutor would until its socket timed out, retries included."""

    def __init__(self, workers: int, name: str):
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.threads = [
            threading.Thread(target=self._work, name=f"{name}-{n}", daemon=True)
            for n in range(max(1, workers))
        ]
        for thread in self.threads:
            thread.start()

    def submit(self, function: Callable, *args: object) -> Future:
        future: Future = Future()
        self.jobs.put((future, function, args))
        return future

    def close(self) -> None:
        """Cancel what has not started; threads still in a call end when it returns."""
        while True:
            try:
                future, _, _ = self.jobs.get_nowait()
            except queue.Empty:
                break
            future.cancel()
        for _ in self.threads:
            self.jobs.put(None)

    def _work(self) -> None:
        while (job := self.jobs.get()) is not None:
            future, function, args = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(function(*args))
            except BaseException as exc:  # handed to the waiting thread
                future.set_exception(exc)
