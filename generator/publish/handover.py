"""The release handed over to the client's own domain, only when the site is paid in full:
built fresh, checked to carry none of the demo's marks, synced, and logged in
`sites/CLIENT/handovers.log`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

from sitegen import __version__
from sitegen.config.load import load_site
from sitegen.demo import lock
from sitegen.errors import SitegenError
from sitegen.model import Diagnostic, Mode, Site, Studio
from sitegen.payments import money, progress
from sitegen.publish import buildsync
from sitegen.publish.builtfolder import BuiltFolder
from sitegen.publish.targets import Target

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


def prepare_release(studio: Studio, site: Site) -> BuiltFolder:
    """A fresh release build, checked to carry none of the demo's marks; listed once, for the
    checks, the plan, the sync and the handover log."""
    check_paid(site)
    summary, _ = buildsync.build(studio, site, Mode.RELEASE)
    built = buildsync.read_built(studio, summary.path)
    problems = release_problems(built)
    if problems:
        raise SitegenError([Diagnostic(None, p) for p in problems[:20]])
    return built


def release_problems(built: BuiltFolder) -> list[str]:
    problems = []
    for path in built.paths():
        rel = path.relative_to(built.folder).as_posix()
        if rel.startswith(lock.DEMO_RUNTIME):
            problems.append(f"{rel} belongs to the demo")
        elif path.suffix in (".html", ".htm"):
            data = path.read_bytes()
            problems += [f"{rel} carries {what}" for mark, what in DEMO_MARKS if mark in data]
    return problems


def hand_over(
    studio: Studio,
    site: Site,
    built: BuiltFolder,
    target: Target,
    dry_run: bool = False,
    on_progress: Callable | None = None,
    force_prefix: bool = False,
) -> buildsync.Outcome:
    """Sync the release; the paid flag is read again from site.toml just before."""
    check_paid(load_site(studio, site.name))
    outcome = buildsync.sync(studio, site, built, target, dry_run, None, on_progress, force_prefix)
    if not dry_run:
        log_handover(site, outcome, built)
    return outcome


def log_handover(site: Site, outcome: buildsync.Outcome, built: BuiltFolder) -> dict:
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


def _git_commit(folder: Path) -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None
