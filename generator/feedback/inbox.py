"""The studio's side of change requests: fetch the notes a client sent from the demo bucket,
open them with the demo's key, add them to `sites/CLIENT/feedback.toml` (kept states win), and
set a note's state. An object that is not a note of this demo is reported and skipped."""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.cache import folders
from sitegen.config.load import demo_password
from sitegen.demo import salt
from sitegen.errors import SitegenError
from sitegen.feedback import bucket, notes
from sitegen.model import Diagnostic, Site, Studio
from sitegen.publish import publishdemo
from sitegen.publish.targets import S3Target


@dataclass(frozen=True)
class Skipped:
    """An object under the client's prefix that is not one of its notes."""

    key: str
    why: str


@dataclass(frozen=True)
class ClientNotes:
    client: str
    notes: tuple[notes.Note, ...]  # newest first, with the studio's states
    skipped: tuple[Skipped, ...] = ()
    fetched_from: str | None = None  # the bucket and prefix read, None when offline
    new: int = 0  # notes fetched this time
    offline_because: str | None = None


def collect(studio: Studio, site: Site, offline: bool = False) -> ClientNotes:
    """The client's notes: fetched and merged into feedback.toml, or, when offline or when
    the demo has no upload policy, what feedback.toml holds."""
    kept = notes.load(site.path)
    reason = "--offline" if offline else _no_bucket(studio, site)
    if reason is not None:
        return ClientNotes(site.name, kept, offline_because=reason)
    target = publishdemo.last_demo_target(studio, site)
    assert isinstance(target, S3Target)
    password, _ = demo_password(site)
    key = salt.demo_key(folders.of(studio).root, site.name, password, site.path).key
    known = {note.id for note in kept}
    fetched, skipped = fetch(target, site, key, known, studio.feedback.profile)
    merged = notes.merged(kept, fetched)
    if fetched:
        notes.save(site.path, merged)
    where = f"s3://{target.bucket}/{notes.prefix(site.name)}"
    return ClientNotes(site.name, merged, tuple(skipped), where, len(fetched))


def fetch(
    target: S3Target,
    site: Site,
    key: bytes,
    known: frozenset[str] | set[str] = frozenset(),
    profile: str | None = None,
) -> tuple[list[notes.Note], list[Skipped]]:
    """The notes under the client's prefix not already `known`, opened with the demo key;
    everything else there, with why it is not a note."""
    prefix = notes.prefix(site.name)
    s3 = bucket.client(target, profile)
    found, skipped = [], []
    with bucket.explained(target, f"listing {prefix}"):
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=target.bucket, Prefix=prefix)
        listed = [item for page in pages for item in page.get("Contents", ())]
    for item in listed:
        name = item["Key"].removeprefix(prefix)
        if name in known:
            continue
        if item["Size"] > notes.MAX_BYTES:
            skipped.append(Skipped(item["Key"], "not a sealed note: larger than 64 KB"))
            continue
        with bucket.explained(target, f"reading {item['Key']}"):
            data = s3.get_object(Bucket=target.bucket, Key=item["Key"])["Body"].read()
        try:
            found.append(notes.open_sealed(key, site.demo.subdomain, name, data))
        except notes.NoteError as exc:
            skipped.append(Skipped(item["Key"], str(exc)))
    return found, skipped


def set_state(site: Site, note_id: str, state: str) -> notes.Note:
    """Give one note (by its id or a unique start of it) a state in feedback.toml."""
    kept = notes.load(site.path)
    path = site.path / notes.NOTES_FILE
    wanted = note_id.strip().lower()
    matches = [note for note in kept if wanted and note.id.startswith(wanted)]
    if not matches:
        raise SitegenError(
            Diagnostic(
                path,
                f"no change request of {site.name} has an id starting with '{note_id}'",
                hint=f"`sitegen feedback {site.name}` lists them with their ids",
            )
        )
    if len(matches) > 1:
        ids = ", ".join(note.id[:12] for note in matches)
        raise SitegenError(
            Diagnostic(
                path,
                f"'{note_id}' starts the ids of {len(matches)} change requests: {ids}",
                hint="give more of the id",
            )
        )
    changed = notes.with_state(kept, matches[0].id, state)
    notes.save(site.path, changed)
    return next(note for note in changed if note.id == matches[0].id)


def _no_bucket(studio: Studio, site: Site) -> str | None:
    """Why this client's notes cannot be fetched, or None."""
    if not studio.feedback.enabled:
        return "[feedback] is not enabled in sitegen.toml"
    if not isinstance(publishdemo.last_demo_target(studio, site), S3Target):
        return "the demo goes to a folder, so the client sends change requests by email"
    return None
