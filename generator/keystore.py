"""Keep a demo's salt between builds while its password stays the same, so unchanged pages
encrypt to unchanged bytes: a publish then sends only what changed, and a client who ticked
"Remember me" is not asked again after every publish.

The cache holds the salt and a check value derived from the key, never the password or the
key. A changed password (or a missing or damaged entry) gets a fresh random salt."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading
from pathlib import Path

from sitegen import atomic
from sitegen.protect import PBKDF2_ITERATIONS, DemoKey

# Keys derived in this process, by cache entry and password: a build that first checked
# whether it is up to date does not run PBKDF2 a second time.
_DERIVED: dict[tuple[Path, str], DemoKey] = {}


_DERIVING = threading.Lock()  # one derivation at a time: a second caller finds the first's


def _unlock_in_child() -> None:
    """A process forked while another thread derived holds the lock with no one to free it."""
    global _DERIVING
    _DERIVING = threading.Lock()


os.register_at_fork(after_in_child=_unlock_in_child)


def demo_key(cache_dir: Path, client: str, password: str) -> DemoKey:
    """The demo key: derived once with the kept salt, or with a new one if that fails."""
    with _DERIVING:
        return _demo_key(cache_dir, client, password)


def _demo_key(cache_dir: Path, client: str, password: str) -> DemoKey:
    entry = cache_dir / "keys" / f"{client}.json"
    kept = _read(entry)
    if kept is not None:
        salt, check = kept
        key = _DERIVED.get((entry, password))
        if key is None or key.salt != salt:
            key = DemoKey.derive(password, salt, PBKDF2_ITERATIONS)
        if hmac.compare_digest(check_value(key), check):
            _DERIVED[entry, password] = key
            return key
    key = DemoKey.derive(password)
    _write(entry, key)
    _DERIVED[entry, password] = key
    return key


def check_value(key: DemoKey) -> str:
    """Tells whether a key is the one a salt was kept for, without revealing the key."""
    return hmac.new(key.key, b"sitegen salt check", hashlib.sha256).hexdigest()


def _read(entry: Path) -> tuple[bytes, str] | None:
    try:
        data = json.loads(entry.read_text("utf-8"))
        if data.get("iterations") != PBKDF2_ITERATIONS:
            return None
        return base64.b64decode(data["salt"], validate=True), str(data["check"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _write(entry: Path, key: DemoKey) -> None:
    record = {
        "salt": base64.b64encode(key.salt).decode("ascii"),
        "iterations": key.iterations,
        "check": check_value(key),
    }
    atomic.replace_file(entry, json.dumps(record))
