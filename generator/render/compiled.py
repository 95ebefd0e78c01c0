"""Templates compiled once per source, not once per process: compiling the theme's templates
is a large part of rendering a few pages, and a build on disk renders in several processes.

Compiled code is kept in memory (a preview server compiles a template once per edit) and, for
a build on disk, in its cache folder (`folders.templates`), as Jinja's own bytecode cache
does: found by the template's name and file, checked against its source's checksum and
Jinja's version. The key covers sitegen itself, which sets how templates compile. A damaged
or foreign file is ignored and written anew. Reads and writes only that folder."""

from __future__ import annotations

import hashlib
from pathlib import Path

import jinja2
import jinja2.bccache


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates in this process's memory (shared by every build it runs) and, given
    a folder, on disk."""

    def __init__(self, folder: Path | None = None) -> None:
        self._store = _IN_MEMORY
        self._disk = jinja2.FileSystemBytecodeCache(str(folder)) if folder else None

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        from sitegen.cache.uptodate import tool_digest

        text = f"{tool_digest()}\0{name}\0{filename}"
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])
            return
        if self._disk is None:
            return
        try:
            self._disk.load_bytecode(bucket)
        except Exception:  # noqa: BLE001 (a damaged file of any kind: compile again)
            bucket.reset()
        if bucket.code is not None:
            self._store[bucket.key] = bucket.bytecode_to_string()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()
        if self._disk is not None:
            try:
                Path(self._disk.directory).mkdir(parents=True, exist_ok=True)
                self._disk.dump_bytecode(bucket)
            except OSError:
                pass  # a cache that cannot be written only costs time


_IN_MEMORY: dict[str, bytes] = {}
