"""A persistent, content-addressed cache in `build/.cache/`: values found by a digest of
everything that made them, so a hit is always right and nothing needs invalidating.

One SQLite file: writes are atomic, several processes may share it, and it is safe to delete
at any time. It stays under a size limit by pruning the least recently used entries. A damaged
file or entry is ignored and replaced, never trusted. Caches kept as a folder of files (the
image previews) are pruned by the same last-use bookkeeping: a file unused for 30 days goes.
Where each cache lives, this store's file among them, is named in `folders` alone."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DEFAULT_LIMIT = 256 * 1024 * 1024
FRESH_FOR = 3600.0  # seconds an entry's last use stays recent enough: no write to note it
UNUSED_FOR = 30 * 86400.0  # seconds after its last use that a file of a cache folder goes
COMMIT_EVERY = 4 * 1024 * 1024  # bytes put: a site's commit is spread over its conversion
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS entries ("
    "key TEXT PRIMARY KEY, value BLOB NOT NULL, size INTEGER NOT NULL, used REAL NOT NULL)"
)


def digest(*parts: str | bytes) -> str:
    """A key from every input of a value: change any of them and the key changes."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


class DiskCache:
    def __init__(self, path: Path, limit: int = DEFAULT_LIMIT):
        self.path, self.limit = path, limit
        self._db: sqlite3.Connection | None = None
        self._written = 0
        self._uncommitted = 0

    def get(self, key: str) -> Any | None:
        db = self._connect()
        if db is None:
            return None
        try:
            row = db.execute("SELECT value FROM entries WHERE key = ?", (key,)).fetchone()
            if row is None:
                return None
            value = json.loads(row[0])
            db.execute("UPDATE entries SET used = ? WHERE key = ?", (time.time(), key))
            return value
        except (sqlite3.DatabaseError, ValueError):
            self._discard(key)
            return None

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        """The values found among `keys`, in a few queries: a whole site's pages at once."""
        db = self._connect()
        if db is None:
            return {}
        found: dict[str, Any] = {}
        stale: list[str] = []  # found, but last used long enough ago to note this use
        now = time.time()
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT key, value, used FROM entries WHERE key IN ({marks})"
                for key, blob, used in db.execute(query, chunk):
                    try:
                        found[key] = json.loads(blob)
                    except ValueError:
                        self._discard(key)
                        continue
                    if not isinstance(used, (int, float)) or used < now - FRESH_FOR:
                        stale.append(key)
            # Noting every use would rewrite a whole site's entries on every build.
            db.executemany("UPDATE entries SET used = ? WHERE key = ?", ((now, k) for k in stale))
        except sqlite3.DatabaseError:
            return {}
        return found

    def put(self, key: str, value: Any) -> None:
        db = self._connect()
        if db is None:
            return
        blob = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        with contextlib.suppress(sqlite3.DatabaseError):
            db.execute(
                "INSERT OR REPLACE INTO entries (key, value, size, used) VALUES (?, ?, ?, ?)",
                (key, blob, len(blob), time.time()),
            )
            self._written += len(blob)
            self._uncommitted += len(blob)
            if self._uncommitted >= COMMIT_EVERY:
                db.commit()
                self._uncommitted = 0

    def close(self) -> None:
        """Commit, prune to the size limit, and let go of the file."""
        if self._db is None:
            return
        with contextlib.suppress(sqlite3.DatabaseError):
            if self._written:
                self._prune()
            self._db.commit()
        self._db.close()
        self._db = None

    def __enter__(self) -> DiskCache:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is not None:
            return self._db
        for attempt in range(2):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=30)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(SCHEMA)
                db.execute("SELECT count(*) FROM entries").fetchone()
                self._db = db
                return db
            except (sqlite3.DatabaseError, OSError):
                if attempt == 0:  # damaged: start again with an empty cache
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        return None  # a cache that cannot open only costs time, never a build

    def _discard(self, key: str) -> None:
        with contextlib.suppress(sqlite3.DatabaseError):
            assert self._db is not None
            self._db.execute("DELETE FROM entries WHERE key = ?", (key,))

    def _prune(self) -> None:
        assert self._db is not None
        (total,) = self._db.execute("SELECT coalesce(sum(size), 0) FROM entries").fetchone()
        if total <= self.limit:
            return
        excess = total - self.limit * 0.8  # leave room, so pruning does not run every build
        freed = 0
        rows = self._db.execute("SELECT key, size FROM entries ORDER BY used").fetchall()
        stale = []
        for key, size in rows:
            if freed >= excess:
                break
            stale.append((key,))
            freed += size
        self._db.executemany("DELETE FROM entries WHERE key = ?", stale)


# --- caches kept as a folder of files (previews): a file's modification time is its last use


def note_use(path: Path) -> None:
    """Mark a cache file as used now, unless its last use is recent (`FRESH_FOR`), as the
    store does: a build that finds everything in the cache rewrites nothing."""
    with contextlib.suppress(OSError):
        if path.stat().st_mtime < time.time() - FRESH_FOR:
            os.utime(path)


def prune_folder(folder: Path, used: set[Path]) -> None:
    """Remove the files of a cache folder unused for `UNUSED_FOR`, never one in `used`: the
    folder stays as large as the work of the last month."""
    oldest = time.time() - UNUSED_FOR
    with contextlib.suppress(OSError), os.scandir(folder) as found:
        for entry in found:
            with contextlib.suppress(OSError):
                path = Path(entry.path)
                if path not in used and entry.is_file() and entry.stat().st_mtime < oldest:
                    path.unlink()


class Layered:
    """What the last build in this process used of the store, in memory, in front of the store
    on disk (if any): a preview server's rebuild finds the pages it converted before without
    opening the disk. `used` is what this build found or made, for the next one's `memory`.

    A build that starts from a last build's memory puts what it makes there, not on disk:
    closing the store (a commit and a checkpoint, 20-30 ms) would cost a rebuild after a
    one-page edit more than the conversion it saves. The memory outlives a failed build.

    Without `remember` nothing is kept in `used`: a build with no next one (a build on disk)
    would otherwise hold a whole site's converted pages until it ends."""

    def __init__(
        self,
        memory: dict[str, Any] | Mapping[str, Any],
        disk: DiskCache | None,
        remember: bool = True,
    ):
        self.memory, self.disk, self.remember = memory, disk, remember
        self.used: dict[str, Any] = {}
        self.made = 0  # values put: made in this build

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        found = {key: self.memory[key] for key in keys if key in self.memory}
        missing = [key for key in keys if key not in found]
        if missing and self.disk is not None:
            found.update(self.disk.get_many(missing))
        if self.remember:
            self.used.update(found)
        return found

    def put(self, key: str, value: Any) -> None:
        if self.remember:
            self.used[key] = value
        self.made += 1
        if self.memory and isinstance(self.memory, dict):
            self.memory[key] = value
        elif self.disk is not None:
            self.disk.put(key, value)

    def close(self) -> None:
        if self.disk is not None:
            self.disk.close()
