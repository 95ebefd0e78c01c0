"""Wall time, CPU time and peak memory of one command, each run in a fresh process and measured
the same way for every tool, so that figures of different generators can be set side by side.

Peak memory is the maximum resident set size of the largest single process of the run (what
`/usr/bin/time -v` reports, or `getrusage(RUSAGE_CHILDREN)` where it is missing). Where /proc
is readable, the whole process tree is sampled too, every 20 ms: the largest sum of the RSS of
every process of the run at one moment (what a memory limit on the tree would see; pages that
forked workers share with their parent are counted in each), and the largest sum of their PSS
(shared pages split between the processes that map them: the memory the tree really takes).
A peak shorter than 20 ms can be missed. CPU time (user + system, of the process and the
children it waited for) moves less than wall time when other work shares the machine."""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

GNU_TIME = Path("/usr/bin/time")
# Used where GNU time is missing: runs the command, then writes the children's peak RSS.
_RUSAGE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[2:]).returncode\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "open(sys.argv[1], 'w').write(\n"
    "    f'User time (seconds): {usage.ru_utime}\\nSystem time (seconds): {usage.ru_stime}\\n'\n"
    "    f'Maximum resident set size (kbytes): {usage.ru_maxrss}\\n'\n"
    ")\n"
    "sys.exit(code)\n"
)


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float | None
    cpu_seconds: float | None = None
    tree_rss_mb: float | None = None  # largest sum of RSS over the process tree at one moment
    tree_pss_mb: float | None = None  # the same with shared pages split (PSS)


class CommandFailed(RuntimeError):
    """A measured command exited non-zero: its figures mean nothing, so the benchmark stops."""


def measure(
    command: Sequence[str | os.PathLike], cwd: Path | None = None, env: dict | None = None
) -> Run:
    """Run `command` once, in a fresh process, and return its wall time and peak memory."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "rusage"
        if GNU_TIME.is_file() and os.access(GNU_TIME, os.X_OK):
            wrapped = [str(GNU_TIME), "-v", "-o", str(report), *map(str, command)]
        else:
            wrapped = [sys.executable, "-c", _RUSAGE, str(report), *map(str, command)]
        started = time.perf_counter()
        process = subprocess.Popen(
            wrapped, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        tree = TreeMemory(process.pid)
        tree.start()
        output, _ = process.communicate()
        seconds = time.perf_counter() - started
        tree.stop()
        if process.returncode:
            tail = "\n".join(output.strip().splitlines()[-15:])
            raise CommandFailed(
                f"{' '.join(map(str, command))} exited {process.returncode}\n{tail}"
            )
        return replace(_parse(seconds, report), tree_rss_mb=tree.rss_mb, tree_pss_mb=tree.pss_mb)


class TreeMemory(threading.Thread):
    """Samples, until stopped, the memory of every process below `wrapper` (the measuring
    wrapper itself left out), and keeps the largest sums seen at one moment."""

    INTERVAL = 0.02

    def __init__(self, wrapper: int) -> None:
        super().__init__(daemon=True)
        self.wrapper = wrapper
        self.rss_mb: float | None = None
        self.pss_mb: float | None = None
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(self.INTERVAL):
            pids = descendants(self.wrapper)
            sizes = [size for size in map(_rss_pss_kb, pids) if size is not None]
            if not sizes:
                continue
            rss, pss = (sum(column) / 1024 for column in zip(*sizes, strict=True))
            self.rss_mb = max(rss, self.rss_mb or 0.0)
            self.pss_mb = max(pss, self.pss_mb or 0.0)

    def stop(self) -> None:
        self._stopped.set()
        self.join()


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, from the kernel's /proc/PID/task/TID/children lists."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in _listdir(f"/proc/{parent}/task"):
            try:
                children = Path(f"/proc/{parent}/task/{task}/children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                found.append(child)
                todo.append(child)
    return found


def _listdir(folder: str) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _rss_pss_kb(pid: int) -> tuple[int, int] | None:
    """(RSS, PSS) of one process in kB, from /proc/PID/smaps_rollup; None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in text.splitlines()[1:] if ":" in line)
    try:
        return int(fields["Rss"].split()[0]), int(fields["Pss"].split()[0])
    except (KeyError, ValueError):
        return None


def _parse(seconds: float, report: Path) -> Run:
    try:
        text = report.read_text()
    except OSError:
        return Run(seconds, None)
    fields = {}
    for line in text.splitlines():
        name, _, value = line.strip().rpartition(": ")
        fields[name] = value
    try:
        cpu = float(fields["User time (seconds)"]) + float(fields["System time (seconds)"])
    except (KeyError, ValueError):
        cpu = None
    try:
        # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
        peak = int(fields["Maximum resident set size (kbytes)"])
        peak_mb = peak / (1024 * 1024 if sys.platform == "darwin" else 1024)
    except (KeyError, ValueError):
        peak_mb = None
    return Run(seconds, peak_mb, cpu)


def median(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def file_system(path: Path) -> str:
    """The type of file system `path` is on ("tmpfs", "ext4"...), from /proc/mounts."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return "unknown file system"
    target = str(path.resolve())
    best, kind = "", "unknown file system"
    for line in mounts:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, kind = point, fields[2]
    return kind


def work_folder(base: Path | None, tmpfs: bool) -> Path:
    """Where corpus and outputs go: under `base`, else /dev/shm for tmpfs, else the temp dir."""
    if base is None and tmpfs:
        base = Path("/dev/shm")
        if not base.is_dir():
            raise SystemExit("no /dev/shm here: pass --dir with a tmpfs folder")
    if base is not None:
        base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="sitegen-bench-", dir=base))


def fmt_mb(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:6.0f}"


def compile_sitegen() -> None:
    """Byte-compile sitegen's modules once, as installing a package does. A source checkout
    run with PYTHONDONTWRITEBYTECODE set would otherwise compile them again in every timed
    run (~80 ms at its start), a cost no installed tool pays."""
    import sitegen

    compileall.compile_dir(Path(sitegen.__file__).parent, quiet=1)
