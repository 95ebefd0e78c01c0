"""What a sync would do, decided before anything is sent: the remote listing compared with the
built folder's files, each upload and delete with its reason (as Hugo's deploy diffs do),
and the CDN paths to invalidate after. Pure: no network, no disk."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath
from urllib.parse import quote

from sitegen import mediatypes
from sitegen.publish.builtfolder import LocalFile
from sitegen.publish.syncsettings import DeployError, is_page


class DeployRefused(DeployError):
    """The plan is unsafe to apply (too many deletes): nothing was changed."""


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
