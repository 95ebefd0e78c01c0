"""Each page's converted Markdown kept in a file for the length of a build on disk, not in
memory: the main process holds what pages show of each other, and a forked render worker
reads a page's HTML when a template asks for it.

The file has no name (`O_TMPFILE` where the system has it, else unlinked at once), so it goes
when the build ends, however it ends, even killed. Forked processes inherit it open and read
it at an offset (`os.pread`): no position is shared between them. Only the process that made
it writes to it, before the workers that read it fork."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

ENCODING, ERRORS = "utf-8", "surrogatepass"  # any str, lone surrogates too, comes back as it was


class SpillFile:
    """Append-only pages' HTML and tables of contents; each `put` gives a `Spilled` to read
    them back with."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self._file = tempfile.TemporaryFile(dir=folder, buffering=0)  # noqa: SIM115 (see close)
        self._end = 0

    def put(self, content: str, toc: str) -> Spilled:
        content_data = content.encode(ENCODING, ERRORS)
        data = content_data + toc.encode(ENCODING, ERRORS)
        offset, written = self._end, 0
        while written < len(data):  # a write may take less than it is given
            written += os.pwrite(self._file.fileno(), data[written:], offset + written)
        self._end = offset + len(data)
        return Spilled(self, offset, len(content_data), len(data) - len(content_data))

    def read(self, offset: int, size: int) -> str:
        data = os.pread(self._file.fileno(), size, offset) if size else b""
        if len(data) != size:
            raise OSError(f"a spilled page's text ends early at {offset + len(data)}")
        return data.decode(ENCODING, ERRORS)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> SpillFile:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


@dataclass(frozen=True, slots=True, eq=False)
class Spilled:
    """Where one page's HTML and table of contents lie in a `SpillFile`."""

    file: SpillFile
    offset: int
    content_size: int  # bytes, as the file holds them
    toc_size: int

    def content(self) -> str:
        return self.file.read(self.offset, self.content_size)

    def toc(self) -> str:
        return self.file.read(self.offset + self.content_size, self.toc_size)
