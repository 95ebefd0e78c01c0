"""Whether a build in build/ is already what building again would give, as `make` asks.

A build is fresh while every input it could read has the fingerprint it had when the build
was written (the client's folder, every theme, sitegen.toml, sitegen itself and the libraries
that shape its output, the demo key, today's date, which the status page shows, and the proof
versions the last publish recorded, by which a demo marks proofs new) and the
output folder is as that build left it. A no-change `sitegen build` then costs a walk of the
inputs instead of a build. The record holds digests and counts, never a password or a key."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.util
import json
import os
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import sitegen
from sitegen.config.load import demo_password
from sitegen.config.published import published_proofs
from sitegen.demo import salt
from sitegen.errors import SitegenError
from sitegen.files import replace_file
from sitegen.model import DEMO_PUBLISHED_FILE, FEEDBACK_FILE, Diagnostic, Mode, Site, Studio
from sitegen.render.themefolders import theme_folders

FORMAT = 1
HASHED_UP_TO = 1 << 20  # bytes: smaller files are fingerprinted by content, larger by stat
# Libraries whose upgrade can change a build's bytes, by module name.
SHAPING_LIBRARIES = (
    *("jinja2", "markupsafe", "markdown", "pygments", "yaml", "PIL", "pillow_heif", "babel"),
)


@dataclass(frozen=True)
class Record:
    """What a written build was made from, and what it left in its folder."""

    inputs: str
    site_files: str  # `Inputs.whole_files`: a changed site tells without the key
    outputs: str
    pages: int
    files: int
    warnings: tuple[Diagnostic, ...] = ()
    withheld: int = 0  # the client's files the demo leaves for the handover
    proofs: tuple[tuple[str, str], ...] = ()  # (output path, version): what a publish records


@dataclass(frozen=True)
class Inputs:
    """Digests of what a build may read: the client's folder, the themes, configuration,
    date and sitegen (`whole_files`), then the demo key's check value, from a thread: the
    files alone can already tell a changed site, without waiting for PBKDF2."""

    whole_files: str
    key_check: Future[str]

    @property
    def whole(self) -> str:
        return _joined(self.whole_files, self.key_check.result())


def inputs_digest(
    studio: Studio, site: Site, mode: Mode, drafts: bool, today: dt.date, cache_dir: Path
) -> Inputs:
    """Digests over everything a build of `site` in `mode` may read. A demo's include a
    check value of its key, so a changed password (even one kept in an environment
    variable) makes the demo stale."""
    # A thread of its own, not waited for here; a pool kept across builds would not survive
    # a fork.
    background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sitegen-key")
    key_check = background.submit(_key_check, site, mode, cache_dir)
    background.shutdown(wait=False)
    return Inputs(_files_digest(studio, site, mode, drafts, today), key_check)


def fresh_without_key(
    studio: Studio, site: Site, mode: Mode, drafts: bool, today: dt.date, record_path: Path,
    folder: Path,
) -> Record | None:  # fmt: skip
    """`fresh`, told without deriving the demo key (PBKDF2, ~70 ms a client), so many
    clients are checked at once in one process. A password written in site.toml is in the
    inputs' text, so the check value kept in demo-salt.json stands for the key: the same
    text and the same kept check give the same key. A password from the environment gives
    None: only the key tells whether it changed."""
    if mode is Mode.DEMO and (site.demo.password_env or not site.demo.password):
        return None
    check = salt.kept_check(site.path) if mode is Mode.DEMO else ""
    if check is None or not record_path.is_file():
        return None
    whole = _files_digest(studio, site, mode, drafts, today)
    key_check: Future[str] = Future()
    key_check.set_result(check)
    return fresh(record_path, Inputs(whole, key_check), folder)


def _files_digest(studio: Studio, site: Site, mode: Mode, drafts: bool, today: dt.date) -> str:
    """The digest of `Inputs.whole_files`."""
    whole = hashlib.sha256()
    whole.update(repr((FORMAT, mode.value, drafts, today.isoformat())).encode())
    whole.update(tool_digest().encode())
    _add_file(whole, studio.root / "sitegen.toml", "sitegen.toml")
    for folder in theme_folders(studio):
        _add_tree(whole, folder)
    # The kept salt counts through the key's check value (it is written during a build).
    skip = (
        *(site.content_dir.name, site.assets_dir.name),
        *(salt.SALT_FILE, DEMO_PUBLISHED_FILE, FEEDBACK_FILE),
    )
    _add_tree(whole, site.path, skip=skip)
    _add_tree(whole, site.content_dir)
    _add_tree(whole, site.assets_dir)
    # Only the proof pages, the gallery and the status page show it. The rest of the record
    # (where, since when) no build reads.
    whole.update(f"\0published {_published(site) if mode is Mode.DEMO else ''}".encode())
    # The change requests, likewise: the status page shows them in its params, the pins'
    # file is made every build, and a release never reads them.
    if mode is Mode.DEMO:
        _add_file(whole, site.path / FEEDBACK_FILE, FEEDBACK_FILE)
    return whole.hexdigest()


@functools.cache
def tool_digest() -> str:
    """sitegen, Python and the libraries that shape a build's bytes, as this process runs
    them: what every output follows from besides the site."""
    hasher = hashlib.sha256(repr((FORMAT, sys.version)).encode())
    for library in SHAPING_LIBRARIES:
        hasher.update(f"\0{library}={_installed(library)}".encode())
    _add_tree(hasher, Path(sitegen.__file__).parent, by_content=False, suffix=".py")
    return hasher.hexdigest()


def _published(site: Site) -> str:
    try:
        proofs = published_proofs(site)
    except SitegenError:  # the build itself reports it, naming the file
        return "unreadable"
    return repr(None if proofs is None else sorted(proofs.items()))


def _joined(files: str, key_check: str) -> str:
    return hashlib.sha256(f"{files}\0{key_check}".encode()).hexdigest()


def _key_check(site: Site, mode: Mode, cache_dir: Path) -> str:
    if mode is not Mode.DEMO:
        return ""
    try:
        password, _ = demo_password(site)
    except SitegenError:  # the build itself reports it, in its place among other problems
        return "no password"
    return salt.check_value(salt.demo_key(cache_dir, site.name, password, site.path))


def outputs_digest(folder: Path) -> str:
    """A digest of the output folder as it lies: names, sizes and modification times."""
    hasher = hashlib.sha256()
    _add_tree(hasher, folder, by_content=False)
    return hasher.hexdigest()


def fresh(record_path: Path, inputs: Inputs, folder: Path) -> Record | None:
    """The record of the build in `folder` if it was made from these inputs and is intact."""
    record = read(record_path)
    if record is None or record.site_files != inputs.whole_files or record.inputs != inputs.whole:
        return None
    if not folder.is_dir():
        return None
    return record if outputs_digest(folder) == record.outputs else None


def read(record_path: Path) -> Record | None:
    try:
        data = json.loads(record_path.read_text("utf-8"))
        warnings = tuple(
            Diagnostic(**{**w, "path": Path(w["path"]) if w["path"] else None})
            for w in data["warnings"]
        )
        return Record(
            data["inputs"],
            data["site_files"],
            data["outputs"],
            data["pages"],
            data["files"],
            warnings,
            data.get("withheld", 0),
            tuple((str(path), str(version)) for path, version in data["proofs"]),
        )
    except (OSError, ValueError, KeyError, TypeError):  # missing or damaged: build again
        return None


def write(record_path: Path, record: Record) -> None:
    data = asdict(record)
    data["warnings"] = [
        {**asdict(w), "path": str(w.path) if w.path else None} for w in record.warnings
    ]
    replace_file(record_path, json.dumps(data))


def _installed(module: str) -> str:
    """A stamp of the installed library: its `__init__` file's size and times, which an
    upgrade or reinstall changes. Asking the package metadata costs ten times more."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return "-"
    stat = os.stat(spec.origin)
    return f"{spec.origin} {stat.st_size} {stat.st_mtime_ns} {stat.st_ctime_ns}"


def _add_tree(
    hasher, root: Path, by_content: bool = True, suffix: str = "", skip: tuple[str, ...] = ()
) -> None:
    """Every file under `root` (ending in `suffix`), by relative name, in a stable order;
    the top-level files and folders named in `skip` left out."""
    hasher.update(f"\0tree {root.name}\0".encode())
    for name, path in _files(str(root), "", skip):
        if name.endswith(suffix):
            _add_file(hasher, path, name, by_content)


def _files(folder: str, prefix: str, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(relative name, path) of every file under `folder`, sorted; nothing if it is missing."""
    found = []
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return found
    for entry in entries:
        if entry.name in skip:
            continue
        if entry.is_dir(follow_symlinks=False):
            found += _files(entry.path, f"{prefix}{entry.name}/")
        else:
            found.append((prefix + entry.name, entry.path))
    return found


def _add_file(hasher, path: str | Path, name: str, by_content: bool = True) -> None:
    hasher.update(f"\0file {name}\0".encode())
    try:
        stat = os.stat(path)
        if by_content and stat.st_size < HASHED_UP_TO:
            with open(path, "rb") as file:
                hasher.update(hashlib.sha256(file.read()).digest())
        else:
            hasher.update(f"{stat.st_size} {stat.st_mtime_ns} {stat.st_ctime_ns}".encode())
    except OSError:
        hasher.update(b"missing")
