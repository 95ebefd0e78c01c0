"""What a folder holds, to check that a refused command left it as it was."""

from __future__ import annotations

from pathlib import Path

# Not outputs: the cache may learn from a failed build, and the client's lock comes and goes.
NOT_OUTPUTS = (".cache", ".lock")


def tree_state(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder` with its bytes and modification time; links as their target."""
    state = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if rel.parts[0] in NOT_OUTPUTS or rel.name in NOT_OUTPUTS:
            continue
        if path.is_symlink():
            state[rel.as_posix()] = (str(path.readlink()).encode(), 0)
        elif path.is_file():
            state[rel.as_posix()] = (path.read_bytes(), path.stat().st_mtime_ns)
    return state
