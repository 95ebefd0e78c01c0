"""What a sync would do, decided before anything is sent: targets, header rules, the local
manifest and the plan, each upload and delete with its reason (as Hugo's deploy diffs do).

No network and no writes here: this module reads the build folder and `deploy/targets.toml`."""

from __future__ import annotations

import fnmatch
import hashlib
import os
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qsl, quote, urlsplit

from sitegen import mediatypes
from sitegen.config.tomlcheck import Key, TableChecker, read_toml
from sitegen.errors import SitegenError, did_you_mean
from sitegen.model import Diagnostic


class TargetError(SitegenError):
    kind = "target error"


class DeployError(SitegenError):
    kind = "deploy error"


class DeployRefused(DeployError):
    """The plan is unsafe to apply (too many deletes): nothing was changed."""


# --- targets ---------------------------------------------------------------------------------

S3_OPTIONS = ("endpoint", "region", "profile", "addressing", "cloudfront")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


@dataclass(frozen=True)
class S3Target:
    """A bucket and a key prefix ("" or ending in "/") on any S3-compatible store."""

    bucket: str
    prefix: str = ""
    endpoint: str | None = None
    region: str | None = None
    profile: str | None = None
    addressing: str | None = None  # "path" or "virtual"; None lets boto3 choose
    cloudfront: str | None = None  # distribution id to invalidate after a sync

    def __str__(self) -> str:
        query = "&".join(f"{k}={getattr(self, k)}" for k in S3_OPTIONS if getattr(self, k))
        return f"s3://{self.bucket}/{self.prefix}" + (f"?{query}" if query else "")


@dataclass(frozen=True)
class FileTarget:
    """A local folder: the offline default, and a mirror for tests."""

    path: Path

    def __str__(self) -> str:
        return f"file:{self.path}"


Target = S3Target | FileTarget


def parse_target(url: str, root: Path | None = None) -> Target:
    """`s3://BUCKET/PREFIX?endpoint=…&region=…&profile=…` or `file:PATH` (relative to `root`)."""
    if "{" in url or "}" in url:
        raise _bad(url, "has an unfilled {placeholder}", "fill in {client} or {subdomain} first")
    if url.startswith("file:"):
        return _file_target(url, root)
    if not url.startswith("s3://"):
        raise _bad(url, "is not a target URL", "use s3://BUCKET/PREFIX or file:PATH")
    parts = urlsplit(url)
    if "@" in parts.netloc or ":" in parts.netloc:
        raise _bad(
            url,
            "carries credentials or a port in its bucket part",
            "credentials come from the environment or a profile (?profile=NAME), never the URL",
        )
    if not _BUCKET.match(parts.netloc) or ".." in parts.netloc:
        raise _bad(url, f"has an invalid bucket name '{parts.netloc}'", _BUCKET_HINT)
    options: dict[str, str] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key not in S3_OPTIONS:
            hint = did_you_mean(key, S3_OPTIONS) or "known options: " + ", ".join(S3_OPTIONS)
            raise _bad(url, f"has an unknown option '{key}'", hint)
        if key in options or not value:
            raise _bad(url, f"gives option '{key}' twice or empty", f"give {key}=VALUE once")
        options[key] = value
    endpoint = options.get("endpoint")
    if endpoint and not re.match(r"^https?://[^/?#\s]+/?$", endpoint):
        raise _bad(url, f"has an invalid endpoint '{endpoint}'", "like https://HOST[:PORT]")
    if options.get("addressing", "path") not in ("path", "virtual"):
        raise _bad(url, "has an invalid addressing", "addressing=path or addressing=virtual")
    return S3Target(bucket=parts.netloc, prefix=_prefix(url, parts.path), **options)


_BUCKET_HINT = (
    "3 to 63 lowercase letters, digits, dots and hyphens, starting with a letter or digit"
)


def _prefix(url: str, path: str) -> str:
    """The key prefix, normalised to end in "/" so that `acme/` never matches `acme-old/`."""
    path = path.strip("/")
    if not path:
        return ""
    if "\\" in path or any(part in ("", ".", "..") for part in path.split("/")):
        raise _bad(url, f"has an unsafe prefix '{path}'", "use plain folder names like acme/")
    return path + "/"


def _file_target(url: str, root: Path | None) -> FileTarget:
    rest = url.removeprefix("file:")
    if rest.startswith("//"):
        host, _, rest = rest[2:].partition("/")
        if host not in ("", "localhost"):
            raise _bad(url, "names a remote host", "file: targets are local folders")
        rest = "/" + rest
    if not rest or "?" in rest:
        raise _bad(url, "has no folder, or options a folder cannot take", "use file:PATH")
    path = Path(rest)
    if not path.is_absolute():
        if root is None:
            raise _bad(url, "is relative and no project folder was given", "give an absolute path")
        path = root / path
    return FileTarget(path)


def _bad(url: str, problem: str, hint: str) -> TargetError:
    return TargetError(Diagnostic(None, f"target '{url}' {problem}", hint=hint))


# --- rules from deploy/targets.toml ----------------------------------------------------------


@dataclass(frozen=True)
class HeaderRule:
    """Headers for paths matching a glob, ahead of the defaults; the first match wins."""

    pattern: str
    cache_control: str | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class HeaderRules:
    """Content-Type and Cache-Control of each file: `[cache_control]` and `[[rules]]`."""

    page_cache: str = "public, max-age=0, must-revalidate"
    hashed_cache: str = "public, max-age=31536000, immutable"
    other_cache: str = "public, max-age=3600"
    hashed_name: str = r"[.-](?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{8,64}\.[A-Za-z0-9]+$"
    rules: tuple[HeaderRule, ...] = ()

    def content_type(self, path: str) -> str:
        rule = self._rule(path, "content_type")
        if rule:
            return rule
        return mediatypes.media_type(path)

    def cache_control(self, path: str, content_type: str) -> str:
        rule = self._rule(path, "cache_control")
        if rule:
            return rule
        if is_page(content_type):
            return self.page_cache
        if re.search(self.hashed_name, PurePosixPath(path).name):
            return self.hashed_cache
        return self.other_cache

    def _rule(self, path: str, field: str) -> str | None:
        for rule in self.rules:
            if getattr(rule, field) and fnmatch.fnmatchcase(path, rule.pattern):
                return getattr(rule, field)
        return None


@dataclass(frozen=True)
class SyncSettings:
    """How a sync runs: `[sync]` of `deploy/targets.toml`."""

    workers: int = 8
    max_deletes: int = 256
    max_attempts: int = 5  # per request, with backoff, on 5xx, throttling, dropped connections
    multipart_threshold: int = 8 * 1024 * 1024
    multipart_chunksize: int = 8 * 1024 * 1024
    invalidation_limit: int = 15
    connect_timeout: int = 5  # seconds to open a connection
    read_timeout: int = 20  # seconds one socket read or write may wait, whatever the size
    stall_timeout: int = 60  # seconds without any answer before the sync is given up


def is_page(content_type: str) -> bool:
    return content_type.split(";")[0].strip() == "text/html"


def _positive(value: int) -> str | None:
    return None if value > 0 else "must be 1 or more"


def _part_size(value: int) -> str | None:
    return None if value >= MIN_PART else f"must be at least {MIN_PART} (5 MiB), as S3 requires"


MIN_PART = 5 * 1024 * 1024  # the smallest part S3 accepts, but for the last


def _regex(value: str) -> str | None:
    try:
        re.compile(value)
    except re.error as exc:
        return f"is not a regular expression: {exc}"
    return None


_SYNC_SCHEMA = {name: Key(int, check=_positive) for name in SyncSettings.__dataclass_fields__}
_SYNC_SCHEMA["multipart_threshold"] = _SYNC_SCHEMA["multipart_chunksize"] = Key(
    int, check=_part_size
)
_CACHE_SCHEMA = {
    "pages": Key(str),
    "hashed": Key(str),
    "other": Key(str),
    "hashed_name": Key(str, check=_regex),
}
_RULE_SCHEMA = {
    "pattern": Key(str, required=True),
    "cache_control": Key(str),
    "content_type": Key(str),
}
_TABLES = ("sync", "cache_control", "rules")


def load_settings(path: Path) -> tuple[SyncSettings, HeaderRules]:
    """Both tables of `deploy/targets.toml`; every problem is reported at once."""
    read = read_toml(path)
    if isinstance(read, Diagnostic):
        raise DeployError(read)
    text, data = read
    checker = TableChecker(path, text)
    for table in data:
        if table not in _TABLES:
            hint = did_you_mean(table, _TABLES) or "tables: " + ", ".join(_TABLES)
            checker.problem(f"unknown table [{table}]", table, hint=hint)
    sync = checker.check_table(data.get("sync", {}), "sync", _SYNC_SCHEMA)
    cache = checker.check_table(data.get("cache_control", {}), "cache_control", _CACHE_SCHEMA)
    rules, items = [], data.get("rules", [])
    if not isinstance(items, list):
        checker.problem("rules must be written as [[rules]] tables", "rules")
        items = []
    for index, item in enumerate(items):
        label = f"[[rules]] #{index + 1}"
        values = checker.check_table(item, "rules[]", _RULE_SCHEMA, index, label)
        if "pattern" in values:
            rules.append(HeaderRule(**values))
    if checker.problems:
        raise DeployError(checker.problems)
    names = {"pages": "page_cache", "hashed": "hashed_cache", "other": "other_cache"}
    header_rules = HeaderRules(rules=tuple(rules), **{names.get(k, k): v for k, v in cache.items()})
    return SyncSettings(**sync), header_rules


def load_rules(path: Path) -> HeaderRules:
    return load_settings(path)[1]


# --- manifests and the plan ------------------------------------------------------------------


@dataclass(frozen=True)
class LocalFile:
    """One file of the build, as it should be on the target."""

    path: str  # relative, with "/" separators
    size: int
    sha256: str
    content_type: str
    cache_control: str


@dataclass(frozen=True)
class RemoteObject:
    """One object under the target's prefix. A header is None where the target keeps none (a
    folder); `sha256` is None when the object carries no checksum of ours. `ours` tells that
    sitegen wrote it, `owner` for which client, where that was recorded."""

    path: str
    size: int
    sha256: str | None
    content_type: str | None = None
    cache_control: str | None = None
    ours: bool = True
    owner: str | None = None


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


class Reason(StrEnum):
    NEW = "new"
    CONTENT = "content differs"
    HEADERS = "headers differ"
    GONE = "not in build"


@dataclass(frozen=True)
class Upload:
    file: LocalFile
    reason: Reason
    detail: str = ""


@dataclass(frozen=True)
class Delete:
    path: str
    size: int
    reason: Reason = Reason.GONE


@dataclass(frozen=True)
class DeployPlan:
    """Uploads in the order to send them (assets, then pages, the home page last), deletes
    (pages first) to run only after every upload succeeded."""

    uploads: tuple[Upload, ...]
    deletes: tuple[Delete, ...]
    unchanged: int
    refused: str | None = None  # why applying this plan would be unsafe

    @property
    def upload_bytes(self) -> int:
        return sum(u.file.size for u in self.uploads)

    @property
    def is_empty(self) -> bool:
        return not self.uploads and not self.deletes

    def upload_groups(self) -> tuple[tuple[Upload, ...], tuple[Upload, ...]]:
        """Assets, then pages: no page goes live before the files it uses."""
        assets = tuple(u for u in self.uploads if not is_page(u.file.content_type))
        return assets, tuple(u for u in self.uploads if is_page(u.file.content_type))

    def describe(self) -> list[str]:
        """The plan as lines a person reads, for --dry-run and confirmations."""
        lines = [f"upload  {u.file.path}  ({_why(u)})" for u in self.uploads]
        lines += [f"delete  {d.path}  ({d.reason})" for d in self.deletes]
        lines.append(
            f"{len(self.uploads)} to upload ({self.upload_bytes:,} bytes), "
            f"{len(self.deletes)} to delete, {self.unchanged} unchanged"
        )
        if self.refused:
            lines.append(f"refused: {self.refused}")
        return lines


def _why(upload: Upload) -> str:
    return f"{upload.reason}: {upload.detail}" if upload.detail else str(upload.reason)


def plan(
    local: Sequence[LocalFile],
    remote: Iterable[RemoteObject],
    max_deletes: int = 256,
    owner: str | None = None,
    force_prefix: bool = False,
) -> DeployPlan:
    """Compare by content hash and headers; never by time or ETag, which differ by store.
    A target holding files sitegen did not write, or wrote for another client than `owner`,
    is refused unless `force_prefix`: a sync deletes what is not in the build."""
    remote = tuple(remote)
    remote_by_path = {r.path: r for r in remote}
    uploads, unchanged = [], 0
    for file in local:
        reason, detail = _compare(file, remote_by_path.get(file.path))
        if reason is None:
            unchanged += 1
        else:
            uploads.append(Upload(file, reason, detail))
    wanted = {f.path for f in local}
    deletes = [
        Delete(r.path, r.size)
        for r in remote_by_path.values()
        if r.path not in wanted and inside_prefix(r.path)
    ]
    deletes.sort(key=lambda d: (not _is_page_path(d.path), d.path))
    refused = None if force_prefix else not_owned(remote, owner)
    if refused is None and len(deletes) > max_deletes:
        refused = (
            f"{len(deletes)} files on the target are not in the build, more than the "
            f"{max_deletes} deletes allowed: is this the right target and build? "
            "Raise --max-deletes if you mean it"
        )
    return DeployPlan(tuple(_upload_order(uploads)), tuple(deletes), unchanged, refused)


def not_owned(remote: Sequence[RemoteObject], owner: str | None) -> str | None:
    """Why the target is not this client's alone, or None when it is."""
    others = sorted({r.owner for r in remote if r.owner and owner and r.owner != owner})
    if others:
        count = sum(1 for r in remote if r.owner in others)
        return (
            f"it holds {count} files published for {', '.join(others)}, which a sync for "
            f"{owner} would delete: is the prefix too wide? Give --force-prefix if you mean it"
        )
    foreign = [r.path for r in remote if not r.ours]
    if foreign:
        listed = ", ".join(foreign[:3]) + (", …" if len(foreign) > 3 else "")
        return (
            f"it holds {len(foreign)} files sitegen did not write ({listed}), which a sync "
            "would delete or overwrite: give a prefix of this client's own, or --force-prefix "
            "if those files may go"
        )
    return None


def _compare(file: LocalFile, remote: RemoteObject | None) -> tuple[Reason | None, str]:
    if remote is None:
        return Reason.NEW, ""
    if remote.sha256 is None:
        return Reason.CONTENT, "the remote copy carries no checksum"
    if remote.sha256 != file.sha256 or remote.size != file.size:
        return Reason.CONTENT, ""
    changed = [
        f"{name} {before!r} → {after!r}"
        for name, before, after in (
            ("Content-Type", remote.content_type, file.content_type),
            ("Cache-Control", remote.cache_control, file.cache_control),
        )
        if before is not None and before != after
    ]
    return (Reason.HEADERS, "; ".join(changed)) if changed else (None, "")


def _upload_order(uploads: list[Upload]) -> list[Upload]:
    """Assets by path, then pages deepest first, so the home page goes live last."""

    def key(upload: Upload) -> tuple:
        path = upload.file.path
        if not is_page(upload.file.content_type):
            return (0, 0, path)
        return (1, -path.count("/"), path)

    return sorted(uploads, key=key)


def _is_page_path(path: str) -> bool:
    return mediatypes.WEB_TYPES.get(PurePosixPath(path).suffix.lower()) == "text/html"


def inside_prefix(path: str) -> bool:
    """A relative path that stays under the target's prefix."""
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and ".." not in parts and "\\" not in path


# --- CDN invalidation ------------------------------------------------------------------------


def invalidation_paths(
    deploy_plan: DeployPlan, limit: int = 15, prefix: str = ""
) -> tuple[str, ...]:
    """URL paths a CDN may hold stale copies of: changed and deleted files (new ones were never
    cached), under `prefix` where one distribution serves every client's prefix. An index page
    counts under its folder URL too. Above `limit` paths, one wildcard over their common
    folder: CloudFront bills per path, a wildcard counting as one."""
    changed = [u.file.path for u in deploy_plan.uploads if u.reason is not Reason.NEW]
    changed += [d.path for d in deploy_plan.deletes]
    paths: set[str] = set()
    for path in changed:
        paths.add(f"/{prefix}{path}")
        if path == "index.html" or path.endswith("/index.html"):
            paths.add(f"/{prefix}{path.removesuffix('index.html')}")
    if len(paths) > limit:
        common = posixpath.commonpath([p.rsplit("/", 1)[0] + "/" for p in paths])
        paths = {common.rstrip("/") + "/*"}
    return tuple(sorted(quote(p, safe="/*-._~") for p in paths))
