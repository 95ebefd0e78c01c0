"""Keep a demo's salt between builds while its password stays the same, so unchanged pages
encrypt to unchanged bytes: a publish then sends only what changed, and a client who ticked
"Remember me" is not asked again after every publish.

The salt lives beside the site, in `sites/CLIENT/demo-salt.json`, meant to be committed:
clearing or losing `build/.cache` (or building on another machine) must not draw a new one.
It holds the salt and a check value derived from the key, neither of them secret; never the
password or the key. A salt kept in the cache by an earlier version moves there on first
use. A changed password gets a fresh random salt, and the build says so."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading
from pathlib import Path

from sitegen.cache.folders import CacheFolders
from sitegen.demo.lock import PBKDF2_ITERATIONS, DemoKey
from sitegen.files import replace_file

SALT_FILE = "demo-salt.json"
ABOUT = (
    "The demo's key salt and a check value, neither secret: commit this file, so every "
    "build of the demo encrypts alike and the client is not asked for the password again. "
    "sitegen writes a new one when the demo password changes."
)

# Keys derived in this process, by `_memo_key` of salt and password: a build that first
# checked whether it is up to date does not run PBKDF2 a second time.
_DERIVED: dict[bytes, DemoKey] = {}
# Each client's folder as last given in this process, for callers that name the client only.
_SITE_FOLDERS: dict[str, Path] = {}
# Salt files written anew in this process because the password changed.
_RENEWED: set[Path] = set()

_DERIVING = threading.Lock()  # one derivation at a time: a second caller finds the first's


def _unlock_in_child() -> None:
    """A process forked while another thread derived holds the lock with no one to free it."""
    global _DERIVING
    _DERIVING = threading.Lock()


os.register_at_fork(after_in_child=_unlock_in_child)


def demo_key(cache_dir: Path, client: str, password: str, site_dir: Path | None = None) -> DemoKey:
    """The demo key: derived with the kept salt, or with a new one if the password changed.
    `site_dir` is the client's folder, where the salt is kept; without it, the folder given
    last for this client in this process, else only the cache (as before)."""
    with _DERIVING:
        if site_dir is not None:
            _SITE_FOLDERS[client] = site_dir
        site_dir = site_dir or _SITE_FOLDERS.get(client)
        return _demo_key(CacheFolders(cache_dir).legacy_salt(client), site_dir, password)


def use_site_folder(client: str, site_dir: Path) -> None:
    """Keep `client`'s salt in `site_dir` for callers that name the client only."""
    with _DERIVING:
        _SITE_FOLDERS[client] = site_dir


def take_renewed(site_dir: Path) -> Path | None:
    """The salt file, once, if it was written anew because the demo password changed."""
    path = site_dir / SALT_FILE
    with _DERIVING:
        if path in _RENEWED:
            _RENEWED.discard(path)
            return path
    return None


def kept_check(site_dir: Path) -> str | None:
    """The check value kept beside the site, if any: it names the key without deriving it."""
    kept = _read(site_dir / SALT_FILE)
    return None if kept is None else kept[1]


def _demo_key(entry: Path, site_dir: Path | None, password: str) -> DemoKey:
    beside = site_dir / SALT_FILE if site_dir is not None else None
    kept_beside = _read(beside) if beside is not None else None
    key, tried = None, set()
    for kept in (kept_beside, _read(entry)):
        if kept is not None and kept[0] not in tried:
            tried.add(kept[0])
            key = _matching(kept, password)
            if key is not None:
                break
    if key is None:
        key = DemoKey.derive(password)
        _DERIVED[_memo_key(key.salt, password)] = key
        _write(entry, key)
    if beside is not None and (kept_beside is None or kept_beside[0] != key.salt):
        if kept_beside is not None:
            _RENEWED.add(beside)  # the password changed: the client types the new one
        _write(beside, key)  # or a salt only the cache kept moves beside the site
    return key


def _matching(kept: tuple[bytes, str], password: str) -> DemoKey | None:
    salt, check = kept
    key = _DERIVED.get(_memo_key(salt, password))
    if key is None:
        key = DemoKey.derive(password, salt, PBKDF2_ITERATIONS)
    if not hmac.compare_digest(check_value(key), check):
        return None
    _DERIVED[_memo_key(salt, password)] = key
    return key


def _memo_key(salt: bytes, password: str) -> bytes:
    """HMAC-SHA256 of the password under the salt: no password sits in a long-lived dict."""
    return hmac.new(salt, password.encode("utf-8"), hashlib.sha256).digest()


def check_value(key: DemoKey) -> str:
    """Tells whether a key is the one a salt was kept for, without revealing the key."""
    return hmac.new(key.key, b"sitegen salt check", hashlib.sha256).hexdigest()


def _read(path: Path) -> tuple[bytes, str] | None:
    try:
        data = json.loads(path.read_text("utf-8"))
        if data.get("iterations") != PBKDF2_ITERATIONS:
            return None
        return base64.b64decode(data["salt"], validate=True), str(data["check"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _write(path: Path, key: DemoKey) -> None:
    record = {
        "about": ABOUT,
        "salt": base64.b64encode(key.salt).decode("ascii"),
        "iterations": key.iterations,
        "check": check_value(key),
    }
    replace_file(path, json.dumps(record, indent=2) + "\n")
