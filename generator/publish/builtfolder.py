"""The build folder listed and hashed once, each file with the headers it should carry: what
the plan compares with the target, and what every check before a sync reads. Reads the
folder only."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from sitegen.publish.syncsettings import HeaderRules


@dataclass(frozen=True)
class LocalFile:
    """One file of the build, as it should be on the target."""

    path: str  # relative, with "/" separators
    size: int
    sha256: str
    content_type: str
    cache_control: str


def local_manifest(folder: Path, rules: HeaderRules) -> tuple[LocalFile, ...]:
    files = []
    for directory, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            full = Path(directory, name)
            if not full.is_file():
                continue
            with full.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
            path = full.relative_to(folder).as_posix()
            kind = rules.content_type(path)
            files.append(
                LocalFile(path, full.stat().st_size, digest, kind, rules.cache_control(path, kind))
            )
    return tuple(files)


@dataclass(frozen=True)
class BuiltFolder:
    """A build folder listed once: its files as the plan needs them. The checks before a sync
    take their paths from here too, so all of them see the same files and none lists again."""

    folder: Path
    files: tuple[LocalFile, ...]

    @classmethod
    def read(cls, folder: Path, rules: HeaderRules | None = None) -> BuiltFolder:
        return cls(folder, local_manifest(folder, rules or HeaderRules()))

    def paths(self) -> list[Path]:
        """Every file's full path, in path order."""
        return sorted(self.folder / file.path for file in self.files)
