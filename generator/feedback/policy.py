"""The upload policy a publish puts into the demo: a presigned POST that lets the client's
browser store sealed notes under `feedback/CLIENT/` of the demo bucket and nowhere else, of at
most 64 KB, until it expires (`[feedback] days` after the publish, renewed by every publish).

It ships encrypted like every demo file (`_sitegen/feedback.bin`), so only someone holding the
demo password reads it; a build never writes it, since a build does not know the target. With
a folder target, or `[feedback]` off, none ships and the demo falls back to email."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen import files
from sitegen.cache import folders
from sitegen.config.load import STUDIO_FILE, demo_password
from sitegen.config.tomlcheck import TableChecker
from sitegen.demo import lock, salt
from sitegen.feedback import bucket, notes
from sitegen.model import DEMO_PUBLISHED_FILE, Diagnostic, Site, Studio
from sitegen.publish.builtfolder import BuiltFolder, LocalFile
from sitegen.publish.syncsettings import HeaderRules
from sitegen.publish.targets import S3Target, Target

FORMAT = 1
POLICY_FILE = "_sitegen/feedback.bin"  # under the demo's base path
NOTES_ROOT = "feedback/"  # every client's notes are under it: notes.prefix(CLIENT)
OPEN_UNTIL = "feedback_until"  # in demo-published.json: when the policy last sent lapses


@dataclass(frozen=True)
class UploadPolicy:
    url: str  # where the browser POSTs, ending in "/"
    fields: dict[str, str]  # the presigned form fields, sent before the file
    prefix: str  # feedback/CLIENT/
    expires: dt.datetime  # UTC, as signed into the policy

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "url": self.url,
            "fields": self.fields,
            "prefix": self.prefix,
            "max_bytes": notes.MAX_BYTES,
            "expires": _iso(self.expires),
        }


def upload_policy(
    target: S3Target, client: str, lifetime: dt.timedelta, profile: str | None = None
) -> UploadPolicy:
    """A POST policy for `client`'s notes, signed now with the signing identity's keys."""
    prefix = notes.prefix(client)
    s3 = bucket.client(target, profile)
    with bucket.explained(target, "signing the feedback upload policy"):
        post = s3.generate_presigned_post(
            Bucket=target.bucket,
            Key=prefix + "${filename}",
            Conditions=[
                ["starts-with", "$key", prefix],
                ["content-length-range", 1, notes.MAX_BYTES],
            ],
            ExpiresIn=int(lifetime.total_seconds()),
        )
    signed = json.loads(base64.b64decode(post["fields"]["policy"]))
    expires = dt.datetime.fromisoformat(signed["expiration"].replace("Z", "+00:00"))
    url = post["url"] if post["url"].endswith("/") else post["url"] + "/"
    return UploadPolicy(url, dict(post["fields"]), prefix, expires.astimezone(dt.UTC))


def with_upload_policy(
    studio: Studio,
    site: Site,
    target: Target,
    built: BuiltFolder,
    rules: HeaderRules,
) -> tuple[BuiltFolder, dt.datetime | None]:
    """The demo to publish: `built` with a fresh upload policy added, and when the policy
    lapses; `built` itself and None when no policy ships (a folder target, feedback off).
    The build folder is left as the build wrote it: the demo is put together beside it."""
    if not studio.feedback.enabled or not isinstance(target, S3Target):
        return built, None
    check_prefix(studio, target)
    lifetime = dt.timedelta(days=studio.feedback.days)
    policy = upload_policy(target, site.name, lifetime, studio.feedback.profile)
    cache_dir = folders.of(studio).root
    key = salt.demo_key(cache_dir, site.name, demo_password(site)[0], site.path)
    url_path = site.demo.base_path + POLICY_FILE
    plain = json.dumps(policy.to_json(), ensure_ascii=False).encode()
    sealed = lock.encrypt_file(key, site.demo.subdomain, url_path, plain)
    folder = folders.CacheFolders(cache_dir).demo_with_policy(site.name)
    _link_tree(built, folder)
    files.replace_file(folder / POLICY_FILE, sealed)
    kind = rules.content_type(POLICY_FILE)
    digest = hashlib.sha256(sealed).hexdigest()
    added = LocalFile(
        POLICY_FILE, len(sealed), digest, kind, rules.cache_control(POLICY_FILE, kind)
    )
    return BuiltFolder(folder, (*built.files, added)), policy.expires


def check_prefix(studio: Studio, target: S3Target) -> None:
    """Notes go to feedback/CLIENT/ at the bucket's root: a demo synced over that place would
    delete them (or be refused for holding objects sitegen did not write)."""
    home = NOTES_ROOT
    if target.prefix and not (target.prefix.startswith(home) or home.startswith(target.prefix)):
        return
    path = studio.root / STUDIO_FILE
    line = TableChecker(path, path.read_text("utf-8")).line_of("studio", "demo_target")
    raise bucket.FeedbackError(
        Diagnostic(
            path,
            f"the demo target {target} holds {home}, where the clients' change requests are "
            "stored: a publish would sync over them",
            line,
            hint="give demo_target a prefix of its own, such as s3://BUCKET/{subdomain}/, or "
            "set enabled = false in [feedback]",
        )
    )


def note_expiry(site: Site, expires: dt.datetime | None) -> None:
    """Record in demo-published.json when the policy just published lapses (None: none was
    sent), for `sitegen status`. Called after the sync succeeded, after publish wrote it."""
    path = site.path / DEMO_PUBLISHED_FILE
    try:
        record = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return  # publish writes it; a damaged one it reports itself
    if not isinstance(record, dict):
        return
    if expires is None:
        if record.pop(OPEN_UNTIL, None) is None:
            return
    else:
        record[OPEN_UNTIL] = _iso(expires)
    files.replace_file(path, json.dumps(record, indent=2, ensure_ascii=False) + "\n")


def open_until(site: Site) -> dt.datetime | None:
    """When the upload policy in the published demo lapses; None when none was published."""
    try:
        recorded = json.loads((site.path / DEMO_PUBLISHED_FILE).read_text("utf-8"))
        return dt.datetime.fromisoformat(recorded[OPEN_UNTIL].replace("Z", "+00:00"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _link_tree(built: BuiltFolder, folder: Path) -> None:
    """`folder` holding a symbolic link to each of the build's files. Not hard links: those
    change a file's ctime, which tells the next build its output was touched."""
    shutil.rmtree(folder, ignore_errors=True)
    for file in built.files:
        link = folder / file.path
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(built.folder.resolve() / file.path, link)


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
