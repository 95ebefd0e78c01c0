"""Templates compiled once per source, not once per process: compiling the theme's templates
is a large part of rendering a few pages, and a build on disk renders in several processes.

Compiled code is kept in memory (a preview server compiles a template once per edit) and, for
a build on disk, in its cache folder (`folders.templates`), one file per template: found by
the template's name and file, checked against its source's checksum and Jinja's version (as
Jinja's own bytecode cache does). The key covers sitegen itself, which sets how templates
compile. A damaged or foreign file is ignored and written anew; a file unused for a month
goes (`store.prune_folder`). Reads and writes only that folder."""

from __future__ import annotations

import contextlib
import hashlib
import io
from pathlib import Path

import jinja2
import jinja2.bccache

from sitegen.cache import store
from sitegen.files import replace_file


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates in this process's memory (shared by every build it runs) and, given
    a folder, on disk."""

    def __init__(self, folder: Path | None = None) -> None:
        self._store = _IN_MEMORY
        self._folder = folder

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        from sitegen.cache.uptodate import tool_digest

        text = f"{tool_digest()}\0{name}\0{filename}"
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])
            return
        if self._folder is None:
            return
        path = self._folder / f"{bucket.key}.bin"
        try:
            bucket.load_bytecode(io.BytesIO(path.read_bytes()))
        except Exception:  # noqa: BLE001 (missing, or damaged in any way: compile again)
            bucket.reset()
        if bucket.code is not None:
            self._store[bucket.key] = bucket.bytecode_to_string()
            store.note_use(path)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = data = bucket.bytecode_to_string()
        if self._folder is not None:
            with contextlib.suppress(OSError):  # a cache not written only costs time
                replace_file(self._folder / f"{bucket.key}.bin", data)


def kept_in(folder: Path | None) -> CompiledTemplates:
    """Compiled templates kept in `folder` too (None: in memory only); the files of those
    not used for a month are removed first."""
    if folder is not None:
        store.prune_folder(folder, set())
    return CompiledTemplates(folder)


_IN_MEMORY: dict[str, bytes] = {}
