"""Files replaced whole or not at all: a reader, or the next run after a crash, sees the old
file or the new one, never half of one."""

from __future__ import annotations

import os
from pathlib import Path

from sitegen.errors import naming


def replace_file(path: Path, data: bytes | str, durable: bool = False) -> None:
    """Write `data` (text as UTF-8) to a temporary file beside `path`, then rename it over.
    `durable` flushes it to the disk first, for records a power cut must not lose (a
    payment); caches skip that cost."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with naming(path), temporary.open("wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
