"""The two ways a build leaves this machine: a demo to the studio's demo hosting, and — only
when the site is paid in full — the release to the client's own domain.

Both check what they are about to send before the first upload: a demo must be locked and
leak nothing; a release must carry none of the demo's marks."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sitegen import __version__, files
from sitegen.cache import folders
from sitegen.config import published
from sitegen.config.load import STUDIO_FILE, demo_password, list_clients, load_site
from sitegen.config.tomlcheck import TableChecker
from sitegen.demo import audit, lock, salt
from sitegen.errors import SitegenError
from sitegen.model import (
    DEFAULT_RELEASE_TARGET,
    DEMO_PUBLISHED_FILE,
    BuildOptions,
    Diagnostic,
    Mode,
    Site,
    Studio,
)
from sitegen.payments import money, progress
from sitegen.pipeline import clients, stages
from sitegen.publish import ended, stores, syncplan

TARGETS_FILE = Path("deploy") / "targets.toml"
HANDOVER_LOG = "handovers.log"
DEMO_MARKS = (
    (b'id="sitegen-payload"', "a locked demo page"),
    (b'name="robots" content="noindex', "a noindex tag"),
    (b"sitegen-demo-banner", "the demo banner"),
)


class UnpaidError(SitegenError):
    """The one refusal the whole tool exists for: no handover before the final payment."""

    exit_code = 3
    kind = "refused"


class LeakError(SitegenError):
    kind = "refused"


@dataclass(frozen=True)
class Outcome:
    target: str
    plan: syncplan.DeployPlan
    summary: stores.SyncSummary | None
    warnings: tuple[Diagnostic, ...] = ()  # the build's, such as a weak demo password


def demo_target(studio: Studio, site: Site, override: str | None = None) -> syncplan.Target:
    target = syncplan.parse_target(_fill(override or studio.demo_target, site), studio.root)
    where = None if override else (studio.root / STUDIO_FILE, "studio", "demo_target")
    return outside_sources(studio, target, where)


def release_target(studio: Studio, site: Site, override: str | None = None) -> syncplan.Target:
    where = None if override or not site.release.target else (site.config_path, "release", "target")
    return outside_sources(studio, _release_target(studio, site, override), where)


def _release_target(studio: Studio, site: Site, override: str | None = None) -> syncplan.Target:
    url = override or site.release.target or DEFAULT_RELEASE_TARGET
    return syncplan.parse_target(_fill(url, site), studio.root)


def outside_sources(
    studio: Studio, target: syncplan.Target, where: tuple[Path, str, str] | None = None
) -> syncplan.Target:
    """The target, unless it is a folder a sync could wreck: a sync deletes what the target
    holds and the build does not, so inside the project only a folder of its own under build/
    may be one (allowed, not listed as forbidden). `where`: the file, table and key naming it."""
    if not isinstance(target, syncplan.FileTarget):
        return target
    folder, root = target.path.resolve(), studio.root.resolve()
    build = studio.build_dir.resolve()
    if folder.is_relative_to(root) or root.is_relative_to(folder):
        own = folder.relative_to(build).parts[:1] if folder.is_relative_to(build) else ()
        if not own or own[0] in (folders.ROOT, *list_clients(studio)):
            path, line = None, None
            if where is not None:
                path = where[0]
                line = TableChecker(path, path.read_text("utf-8")).line_of(where[1], where[2])
            raise syncplan.TargetError(
                Diagnostic(
                    path,
                    f"target '{target}' is inside the project folder, or holds it: a sync "
                    "there deletes what the build does not hold, such as the clients' sources",
                    line,
                    hint="use a folder outside the project, or one under build/ such as "
                    "file:build/_published/",
                )
            )
    return target


def publish_demo(
    studio: Studio,
    site: Site,
    target: syncplan.Target,
    dry_run: bool = False,
    max_deletes: int | None = None,
    on_progress: Callable | None = None,
    force_prefix: bool = False,
) -> Outcome:
    """Build the demo, make sure it is locked and leaks nothing, then sync it."""
    for name in list_clients(studio):
        other = site if name == site.name else load_site(studio, name)
        if _same_place(target, _release_target(studio, other)):
            raise SitegenError(
                Diagnostic(
                    other.config_path,
                    f"{target} is the release target of {name}: demos never go there",
                    hint="give the studio's demo_target, or --target, another place",
                )
            )
    check_target_owned(studio, site, target, force_prefix)
    ends_on = demo_ends_on(studio, site)
    proofs = None  # an ended demo shows none: the client last saw those recorded before
    if ends_on and dt.date.today() > ends_on:
        built, warnings = read_built(studio, ended.ended_folder(studio, site)), []
    else:
        summary, warnings = _build(studio, site, Mode.DEMO)
        proofs = summary.proofs
        built = read_built(studio, summary.path)  # listed once: the checks and the plan share it
        password, _ = demo_password(site)
        problems = demo_problems(built, site, password, _cache_dir(studio))
        if problems:
            raise LeakError([Diagnostic(None, p) for p in problems[:20]])
    outcome = _sync(studio, site, built, target, dry_run, max_deletes, on_progress, force_prefix)
    if not dry_run:
        _note_demo_target(studio, site, target, proofs)
    return replace(outcome, warnings=tuple(warnings))


def last_demo_target(studio: Studio, site: Site) -> syncplan.Target:
    """Where the demo was last published (a `--target` included), else the configured target:
    where a handover must retire it."""
    path = site.path / DEMO_PUBLISHED_FILE
    try:
        recorded = json.loads(path.read_text("utf-8"))["target"]
    except FileNotFoundError:
        return demo_target(studio, site)
    except (ValueError, KeyError, TypeError):
        raise SitegenError(
            Diagnostic(
                path,
                "cannot read where the demo was last published",
                hint="delete the file to retire the demo at the studio's demo_target, or "
                "publish the demo again to write it anew",
            )
        ) from None
    return demo_target(studio, site, str(recorded))


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
    studio: Studio, site: Site, target: syncplan.Target, proofs: tuple[tuple[str, str], ...] | None
) -> None:
    """Written only when the place or the proofs sent change, so the file stays quiet in
    version control; a folder inside the project is kept relative to it, as the configuration
    writes it. `proofs` (output path, version), the next build's measure of what is new;
    None keeps those recorded."""
    where = str(target)
    if isinstance(target, syncplan.FileTarget) and target.path.is_relative_to(studio.root):
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


def check_target_owned(
    studio: Studio, site: Site, target: syncplan.Target, force_prefix: bool = False
) -> None:
    """Refuse a target whose prefix (or folder) holds where another client's demo or release
    goes, or this client's demo when the release would go around it: a sync deletes what is
    not in its build. The target's own objects are checked too, when the plan is made."""
    if force_prefix:
        return
    for name in list_clients(studio):
        other = site if name == site.name else load_site(studio, name)
        places = [("demo", demo_target(studio, other)), ("release", release_target(studio, other))]
        for kind, place in places:
            if name == site.name and _same_place(place, target):
                continue  # this very target, or the demo-release clash refused elsewhere
            if _contains(target, place):
                raise SitegenError(
                    Diagnostic(
                        other.config_path,
                        f"{target} holds {place}, where the {kind} of {name} goes: a sync "
                        f"for {site.name} there would delete it",
                        hint="give a prefix or folder of this client's own, or --force-prefix "
                        "if you mean it",
                    )
                )


def demo_problems(
    built: syncplan.BuiltFolder, site: Site, password: str, cache_dir: Path
) -> list[str]:
    """Why this demo must not be uploaded: an unlocked page, or anything that leaks, read
    with the key the build used (kept in `cache_dir`), as the client will read it."""
    folder, paths = built.folder, built.paths()
    problems = [
        f"{page.relative_to(folder)} is not locked behind the gate"
        for page in paths
        if lock.is_page(page.name)
        and page.relative_to(folder).as_posix() != stages.GATE_FORM
        and b'id="sitegen-payload"' not in page.read_bytes()
    ]
    key = salt.demo_key(cache_dir, site.name, password, site.path).key
    leaks = audit.find_leaks(folder, site, password, key, paths)
    return problems + [f"{leak.output} holds {leak.what}" for leak in leaks]


def check_paid(site: Site) -> None:
    """Refuse, naming every unpaid milestone and its amount, unless the site is paid in full."""
    if progress.paid_in_full(site):
        return
    unpaid = progress.unpaid(site)
    lines = [f"{site.name} is not paid in full, so nothing goes to the client's domain"]
    lines += [
        f"    unpaid: {m.id} — {m.title}: {money.for_people(m.amount, m.currency)}" for m in unpaid
    ]
    if not site.milestones:
        lines.append("    no milestones are recorded in site.toml")
    raise UnpaidError(
        Diagnostic(
            site.config_path,
            "\n".join(lines),
            hint=f"record payments with `sitegen pay {site.name} MILESTONE`",
        )
    )


def prepare_release(studio: Studio, site: Site) -> syncplan.BuiltFolder:
    """A fresh release build, checked to carry none of the demo's marks; listed once, for the
    checks, the plan, the sync and the handover log."""
    check_paid(site)
    summary, _ = _build(studio, site, Mode.RELEASE)
    built = read_built(studio, summary.path)
    problems = release_problems(built)
    if problems:
        raise SitegenError([Diagnostic(None, p) for p in problems[:20]])
    return built


def release_problems(built: syncplan.BuiltFolder) -> list[str]:
    problems = []
    for path in built.paths():
        rel = path.relative_to(built.folder).as_posix()
        if rel.startswith(stages.DEMO_RUNTIME):
            problems.append(f"{rel} belongs to the demo")
        elif path.suffix in (".html", ".htm"):
            data = path.read_bytes()
            problems += [f"{rel} carries {what}" for mark, what in DEMO_MARKS if mark in data]
    return problems


def hand_over(
    studio: Studio,
    site: Site,
    built: syncplan.BuiltFolder,
    target: syncplan.Target,
    dry_run: bool = False,
    on_progress: Callable | None = None,
    force_prefix: bool = False,
) -> Outcome:
    """Sync the release; the paid flag is read again from site.toml just before."""
    check_paid(load_site(studio, site.name))
    outcome = _sync(studio, site, built, target, dry_run, None, on_progress, force_prefix)
    if not dry_run:
        log_handover(site, outcome, built)
    return outcome


def plan_only(
    studio: Studio,
    site: Site,
    built: syncplan.BuiltFolder,
    target: syncplan.Target,
    force_prefix: bool = False,
) -> syncplan.DeployPlan:
    return _sync(studio, site, built, target, True, None, None, force_prefix).plan


def sync_folder(
    studio: Studio,
    site: Site,
    folder: Path,
    target: syncplan.Target,
    max_deletes: int | None = None,
    force_prefix: bool = False,
) -> Outcome:
    """Sync any prepared folder of a client (a bundle, a retired demo) with the studio's
    settings."""
    built = read_built(studio, folder)
    return _sync(studio, site, built, target, False, max_deletes, None, force_prefix)


def log_handover(site: Site, outcome: Outcome, built: syncplan.BuiltFolder) -> dict:
    """One JSON line per handover in sites/CLIENT/handovers.log: what went where, when."""
    by_path = {file.path: file for file in built.files}
    in_order = [by_path[p.relative_to(built.folder).as_posix()] for p in built.paths()]
    manifest = "\n".join(f"{file.path} {file.sha256}" for file in in_order)
    summary = outcome.summary
    record = {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "client": site.name,
        "target": outcome.target,
        "files": len(manifest.splitlines()),
        "uploaded": summary.uploaded if summary else 0,
        "bytes": sum(file.size for file in built.files),
        "manifest_sha256": hashlib.sha256(manifest.encode()).hexdigest(),
        "sitegen": __version__,
        "commit": _git_commit(site.path),
    }
    with (site.path / HANDOVER_LOG).open("a", encoding="utf-8") as log:
        log.write(json.dumps(record, ensure_ascii=False) + "\n")
    return record


def handed_over_on(site: Site) -> dt.date | None:
    """The day of the client's last handover, from handovers.log; None before the first.
    A line that does not read (a hand edit, a cut write) is passed over, not fatal."""
    try:
        lines = (site.path / HANDOVER_LOG).read_text("utf-8").splitlines()
    except FileNotFoundError:
        return None
    for line in reversed(lines):
        try:
            return dt.datetime.fromisoformat(json.loads(line)["time"]).date()
        except (ValueError, KeyError, TypeError):
            continue
    return None


def _cache_dir(studio: Studio) -> Path:
    return folders.of(studio).root


def _build(studio: Studio, site: Site, mode: Mode) -> tuple[clients.ModeSummary, list[Diagnostic]]:
    options = BuildOptions(cache_dir=_cache_dir(studio), workers=os.cpu_count() or 1)
    summary, warnings = clients.build_and_write(studio, site, mode, options)
    return summary, list(warnings)


def read_built(studio: Studio, folder: Path) -> syncplan.BuiltFolder:
    """The built folder listed and hashed once, with the studio's header rules."""
    return syncplan.BuiltFolder.read(folder, _settings(studio)[1])


def _settings(studio: Studio) -> tuple[syncplan.SyncSettings, syncplan.HeaderRules]:
    targets_file = studio.root / TARGETS_FILE
    if targets_file.is_file():
        return syncplan.load_settings(targets_file)
    return syncplan.SyncSettings(), syncplan.HeaderRules()


def _sync(studio, site, built, target, dry_run, max_deletes, on_progress, force_prefix) -> Outcome:
    settings, rules = _settings(studio)
    plan, summary = stores.sync(
        built.folder,
        target,
        rules,
        dry_run=dry_run,
        max_deletes=max_deletes if max_deletes is not None else settings.max_deletes,
        on_progress=on_progress,
        settings=settings,
        cache_dir=_cache_dir(studio),
        owner=site.name,
        force_prefix=force_prefix,
        local=built.files,
    )
    return Outcome(str(target), plan, summary)


def _fill(url: str, site: Site) -> str:
    return url.replace("{client}", site.name).replace("{subdomain}", site.demo.subdomain)


def _same_place(one: syncplan.Target, other: syncplan.Target) -> bool:
    if isinstance(one, syncplan.FileTarget) and isinstance(other, syncplan.FileTarget):
        return one.path.resolve() == other.path.resolve()
    if isinstance(one, syncplan.S3Target) and isinstance(other, syncplan.S3Target):
        return one.bucket == other.bucket and (
            one.prefix.startswith(other.prefix) or other.prefix.startswith(one.prefix)
        )
    return False


def _contains(outer: syncplan.Target, inner: syncplan.Target) -> bool:
    """Whether a sync to `outer` covers `inner`: the same place, or a place inside it."""
    if isinstance(outer, syncplan.FileTarget) and isinstance(inner, syncplan.FileTarget):
        return inner.path.resolve().is_relative_to(outer.path.resolve())
    if isinstance(outer, syncplan.S3Target) and isinstance(inner, syncplan.S3Target):
        return outer.bucket == inner.bucket and inner.prefix.startswith(outer.prefix)
    return False


def _git_commit(folder: Path) -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None
