"""What publishing a demo and handing a release over share: a client built on disk, the built
folder listed once, and a sync of it with the studio's settings (`deploy/targets.toml`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sitegen.cache import folders
from sitegen.model import BuildOptions, Diagnostic, Mode, Site, Studio
from sitegen.pipeline import clients
from sitegen.publish import stores
from sitegen.publish.builtfolder import BuiltFolder
from sitegen.publish.syncplan import DeployPlan
from sitegen.publish.syncsettings import HeaderRules, SyncSettings, load_settings
from sitegen.publish.targets import Target

TARGETS_FILE = Path("deploy") / "targets.toml"


@dataclass(frozen=True)
class Outcome:
    target: str
    plan: DeployPlan
    summary: stores.SyncSummary | None
    warnings: tuple[Diagnostic, ...] = ()  # the build's, such as a weak demo password
    audited: tuple[int, int] | None = None  # a demo's files checked, and passed over as clean


def cache_dir(studio: Studio) -> Path:
    return folders.of(studio).root


def build(
    studio: Studio, site: Site, mode: Mode, use_cache: bool = True
) -> tuple[clients.ModeSummary, list[Diagnostic]]:
    options = BuildOptions(
        cache_dir=cache_dir(studio), workers=os.cpu_count() or 1, use_cache=use_cache
    )
    summary, warnings = clients.build_and_write(studio, site, mode, options)
    return summary, list(warnings)


def read_built(studio: Studio, folder: Path) -> BuiltFolder:
    """The built folder listed and hashed once, with the studio's header rules."""
    return BuiltFolder.read(folder, settings(studio)[1])


def settings(studio: Studio) -> tuple[SyncSettings, HeaderRules]:
    targets_file = studio.root / TARGETS_FILE
    if targets_file.is_file():
        return load_settings(targets_file)
    return SyncSettings(), HeaderRules()


def sync(
    studio: Studio,
    site: Site,
    built: BuiltFolder,
    target: Target,
    dry_run: bool = False,
    max_deletes: int | None = None,
    on_progress: Callable | None = None,
    force_prefix: bool = False,
) -> Outcome:
    """Sync a listed folder of `site` to `target` with the studio's settings; `max_deletes`
    None takes theirs."""
    sync_settings, rules = settings(studio)
    plan, summary = stores.sync(
        built.folder,
        target,
        rules,
        dry_run=dry_run,
        max_deletes=max_deletes if max_deletes is not None else sync_settings.max_deletes,
        on_progress=on_progress,
        settings=sync_settings,
        cache_dir=cache_dir(studio),
        owner=site.name,
        force_prefix=force_prefix,
        local=built.files,
    )
    return Outcome(str(target), plan, summary)


def plan_only(
    studio: Studio, site: Site, built: BuiltFolder, target: Target, force_prefix: bool = False
) -> DeployPlan:
    return sync(studio, site, built, target, True, None, None, force_prefix).plan


def sync_folder(
    studio: Studio,
    site: Site,
    folder: Path,
    target: Target,
    max_deletes: int | None = None,
    force_prefix: bool = False,
) -> Outcome:
    """Sync any prepared folder of a client (a bundle, a retired demo) with the studio's
    settings."""
    return sync(
        studio, site, read_built(studio, folder), target, False, max_deletes, None, force_prefix
    )
