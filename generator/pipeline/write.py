"""The one module that writes a build to disk: `build/CLIENT/MODE/`, replaced as a whole.

Files go to a staging folder next to the target, which then takes the target's place, so a
failed or interrupted build leaves the previous output as it was. A file whose bytes did not
change is not written again: the staging folder gets a hard link to the previous one, so its
modification time, and anything that watches it, stays quiet."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sitegen.errors import OutputError, naming
from sitegen.model import BuildResult, Diagnostic, Output
from sitegen.pipeline.locks import process_alive


def output_dir(build_dir: Path, client: str, mode: str) -> Path:
    return build_dir / client / mode


def write_build(result: BuildResult, build_dir: Path) -> Path:
    """Write every output, then swap the staging folder in; returns the output folder."""
    with staged(build_dir, result.site.name, result.mode.value) as staging:
        write_outputs(staging, result.outputs)
    return staging.target


@dataclass(frozen=True)
class Staging:
    """The folder a build is written to, and the output folder it will replace."""

    folder: Path
    target: Path
    made: set[Path] = field(default_factory=set, compare=False)  # folders known to exist

    def destination(self, relative: str) -> Path:
        """Where a file goes in the staging folder, its folder made if need be."""
        path = self.folder / relative
        if path.parent not in self.made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.made.add(path.parent)
        return path


@contextlib.contextmanager
def staged(build_dir: Path, client: str, mode: str) -> Iterator[Staging]:
    """A staging folder to write into, from any number of processes; it takes the output
    folder's place when the block ends without an error, and is removed when it does not."""
    target = output_dir(build_dir, client, mode)
    target.parent.mkdir(parents=True, exist_ok=True)
    _recover_interrupted_swap(target)
    _remove_abandoned_staging(target)
    folder = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    try:
        yield Staging(folder, target)
        previous = target.with_name(f".{target.name}.old")
        shutil.rmtree(previous, ignore_errors=True)
        if target.exists():
            os.replace(target, previous)
        os.replace(folder, target)
        shutil.rmtree(previous, ignore_errors=True)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def write_outputs(staging: Staging, outputs: Iterable[Output]) -> None:
    """Write outputs into the staging folder; one whose bytes equal the file at its path in
    the output folder is linked to it instead. Two outputs for one path are an error."""
    written: dict[str, str] = {}
    for output in outputs:
        relative = safe_relative(output.path)
        key = relative.casefold()
        if key in written:
            raise OutputError(
                Diagnostic(
                    None,
                    f"two sources would write {relative}: {written[key]} and {output.origin}",
                    hint="rename one of them or give one a different slug",
                )
            )
        written[key] = output.origin
        destination = staging.destination(relative)
        old = staging.target / relative
        if _unchanged(old, output) and _linked(old, destination):
            continue
        with naming(destination):
            if output.data is not None:
                destination.write_bytes(output.data)
            elif output.source is not None:
                shutil.copyfile(output.source, destination)


def keep_previous(staging: Staging, path: str) -> None:
    """The file the previous build wrote at `path`, kept as it is (linked, or copied with its
    times where the file system has no hard links)."""
    relative = safe_relative(path)
    destination = staging.destination(relative)
    if not _linked(staging.target / relative, destination):
        shutil.copy2(staging.target / relative, destination)


def _linked(old: Path, new: Path) -> bool:
    try:
        os.link(old, new)
    except OSError:  # a file system without hard links: write the file instead
        return False
    return True


def _unchanged(old: Path, output: Output) -> bool:
    """Same bytes as the file the previous build wrote at this path."""
    try:
        size = old.stat().st_size
        if output.data is not None:
            return size == len(output.data) and old.read_bytes() == output.data
        if output.source is not None and size == output.source.stat().st_size:
            return _same_file_bytes(old, output.source)
    except OSError:
        return False
    return False


def _same_file_bytes(one: Path, other: Path, chunk: int = 1 << 20) -> bool:
    with one.open("rb") as first, other.open("rb") as second:
        while True:
            a, b = first.read(chunk), second.read(chunk)
            if a != b:
                return False
            if not a:
                return True


def safe_relative(path: str) -> str:
    """`path` if it stays inside the output folder; an OutputError otherwise."""
    pure = PurePosixPath(path)
    if (
        not path
        or "\\" in path
        or "\x00" in path
        or pure.is_absolute()
        or any(part in ("..", ".", "") for part in path.split("/"))
    ):
        raise OutputError(
            Diagnostic(None, f"refusing to write '{path}': it would land outside build/")
        )
    return str(pure)


def _recover_interrupted_swap(target: Path) -> None:
    """A crash between the two renames leaves only `.MODE.old`: put it back."""
    previous = target.with_name(f".{target.name}.old")
    if previous.is_dir() and not target.exists():
        os.replace(previous, target)


def _remove_abandoned_staging(target: Path) -> None:
    for staging in target.parent.glob(f".{target.name}.*.tmp"):
        pid = staging.name.split(".")[2]
        # Our own process id means a folder left by an earlier build in this process.
        if pid.isdigit() and (int(pid) == os.getpid() or not process_alive(int(pid))):
            shutil.rmtree(staging, ignore_errors=True)
