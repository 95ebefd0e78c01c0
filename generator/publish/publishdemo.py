"""A client's demo published to the studio's demo hosting: built, checked to be locked and to
leak nothing before the first upload, synced, and where it went noted beside the site (and
whether its days are over: an ended demo is replaced by a page saying so)."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sitegen import files
from sitegen.cache import auditrecord, folders
from sitegen.config import published
from sitegen.config.load import demo_password, list_clients, load_site
from sitegen.demo import auditrun, lock, salt
from sitegen.errors import SitegenError
from sitegen.feedback import policy
from sitegen.model import DEMO_PUBLISHED_FILE, Diagnostic, Mode, Site, Studio
from sitegen.publish import buildsync, places
from sitegen.publish.builtfolder import BuiltFolder
from sitegen.publish.targets import FileTarget, Target


class LeakError(SitegenError):
    kind = "refused"


def publish_demo(
    studio: Studio,
    site: Site,
    target: Target,
    dry_run: bool = False,
    max_deletes: int | None = None,
    on_progress: Callable | None = None,
    force_prefix: bool = False,
    use_cache: bool = True,
) -> buildsync.Outcome:
    """Build the demo, make sure it is locked and leaks nothing, then sync it: the one way a
    demo leaves. `use_cache` False builds and checks every file again."""
    for name in list_clients(studio):
        other = site if name == site.name else load_site(studio, name)
        if places.same_place(target, places.configured_release_target(studio, other)):
            raise SitegenError(
                Diagnostic(
                    other.config_path,
                    f"{target} is the release target of {name}: demos never go there",
                    hint="give the studio's demo_target, or --target, another place",
                )
            )
    places.check_target_owned(studio, site, target, force_prefix)
    ends_on = demo_ends_on(studio, site)
    proofs = None  # an ended demo shows none: the client last saw those recorded before
    audited = None
    feedback_until = None  # when the demo's upload policy for change requests lapses
    if ends_on and dt.date.today() > ends_on:
        from sitegen.publish import ended  # Jinja2: only for the page of an ended demo

        built, warnings = buildsync.read_built(studio, ended.ended_folder(studio, site)), []
    else:
        summary, warnings = buildsync.build(studio, site, Mode.DEMO, use_cache)
        proofs = summary.proofs
        # listed once: the checks and the plan share it
        built = buildsync.read_built(studio, summary.path)
        rules = buildsync.settings(studio)[1]
        built, feedback_until = policy.with_upload_policy(studio, site, target, built, rules)
        password, _ = demo_password(site)
        check = check_demo(built, site, password, buildsync.cache_dir(studio), use_cache)
        if check.problems:
            raise LeakError([Diagnostic(None, p) for p in check.problems[:20]])
        audited = (check.checked, check.remembered)
    outcome = buildsync.sync(
        studio, site, built, target, dry_run, max_deletes, on_progress, force_prefix
    )
    if not dry_run:
        _note_demo_target(studio, site, target, proofs)
        policy.note_expiry(site, feedback_until)
    return replace(outcome, warnings=tuple(warnings), audited=audited)


def last_demo_target(studio: Studio, site: Site) -> Target:
    """Where the demo was last published (a `--target` included), else the configured target:
    where a handover must retire it."""
    path = site.path / DEMO_PUBLISHED_FILE
    try:
        recorded = json.loads(path.read_text("utf-8"))["target"]
    except FileNotFoundError:
        return places.demo_target(studio, site)
    except (ValueError, KeyError, TypeError):
        raise SitegenError(
            Diagnostic(
                path,
                "cannot read where the demo was last published",
                hint="delete the file to retire the demo at the studio's demo_target, or "
                "publish the demo again to write it anew",
            )
        ) from None
    return places.demo_target(studio, site, str(recorded))


def first_published(site: Site) -> dt.date | None:
    """The day the demo was first published, from demo-published.json."""
    try:
        recorded = json.loads((site.path / DEMO_PUBLISHED_FILE).read_text("utf-8"))
        return dt.date.fromisoformat(recorded["since"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def demo_ends_on(studio: Studio, site: Site) -> dt.date | None:
    """The last day the demo opens: `[demo] expires`, else the studio's `demo_days` after the
    first publish; None when neither is set (or the demo was never published)."""
    if site.demo.expires:
        return site.demo.expires
    since = first_published(site)
    if studio.demo_days and since:
        return since + dt.timedelta(days=studio.demo_days)
    return None


def _note_demo_target(
    studio: Studio, site: Site, target: Target, proofs: tuple[tuple[str, str], ...] | None
) -> None:
    """Written only when the place or the proofs sent change, so the file stays quiet in
    version control; a folder inside the project is kept relative to it, as the configuration
    writes it. `proofs` (output path, version), the next build's measure of what is new;
    None keeps those recorded."""
    where = str(target)
    if isinstance(target, FileTarget) and target.path.is_relative_to(studio.root):
        where = "file:" + target.path.relative_to(studio.root).as_posix() + "/"
    since = first_published(site) or dt.date.today()
    record = {"target": where, "since": since.isoformat()}
    sent = dict(proofs) if proofs is not None else _recorded_proofs(site)
    if sent is not None:
        record[published.PROOFS] = sent
    text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    path = site.path / DEMO_PUBLISHED_FILE
    if not path.is_file() or path.read_text("utf-8") != text:
        files.replace_file(path, text)


def _recorded_proofs(site: Site) -> dict[str, str] | None:
    try:
        recorded = published.published_proofs(site)
    except SitegenError:  # a damaged record: what the ended demo shows is what counts now
        return None
    return dict(recorded) if recorded is not None else None


@dataclass(frozen=True)
class DemoCheck:
    """Why a demo must not be uploaded (nothing when it may), and how many of its files the
    leak check read, or passed over as found clean before with every input the same."""

    problems: tuple[str, ...]
    checked: int
    remembered: int


def check_demo(
    built: BuiltFolder, site: Site, password: str, cache_dir: Path, remember: bool = True
) -> DemoCheck:
    """An unlocked page, or anything that leaks, read with the key the build used (kept in
    `cache_dir`), as the client will read it. The outputs found clean are recorded in the
    cache for the next check to pass over; `remember` False checks every one again."""
    folder = built.folder
    problems = [
        f"{file.path} is not locked behind the gate"
        for file in sorted(built.files, key=lambda file: file.path.split("/"))
        if lock.is_page(file.path)
        and file.path != lock.GATE_FORM
        and b'id="sitegen-payload"' not in (folder / file.path).read_bytes()
    ]
    key = salt.demo_key(cache_dir, site.name, password, site.path).key
    record = folders.CacheFolders(cache_dir).audit_record(site.name)
    remembered = auditrecord.read(record) if remember else {}
    outputs = {file.path: file.sha256 for file in built.files}
    workers = os.cpu_count() or 1
    done = auditrun.audit_demo(folder, site, password, key, outputs, remembered, workers)
    if done.clean != remembered:  # an unchanged demo leaves the record as it is
        auditrecord.write(record, dict(done.clean))
    problems += [f"{leak.output} holds {leak.what}" for leak in done.leaks]
    return DemoCheck(tuple(problems), done.checked, done.remembered)


def demo_problems(
    built: BuiltFolder, site: Site, password: str, cache_dir: Path, remember: bool = True
) -> list[str]:
    """`check_demo`'s problems alone."""
    return list(check_demo(built, site, password, cache_dir, remember).problems)
