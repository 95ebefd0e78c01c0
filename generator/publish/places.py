"""Where a client's demo and release go, and the refusals that keep a sync from wrecking what
is not its own: the project's sources, another client's demo or release, a demo on a release
target. Reads the studio's configuration only."""

from __future__ import annotations

from pathlib import Path

from sitegen.cache import folders
from sitegen.config.load import STUDIO_FILE, list_clients, load_site
from sitegen.config.tomlcheck import TableChecker
from sitegen.errors import SitegenError
from sitegen.model import DEFAULT_RELEASE_TARGET, Diagnostic, Site, Studio
from sitegen.publish.targets import FileTarget, S3Target, Target, TargetError, parse_target


def demo_target(studio: Studio, site: Site, override: str | None = None) -> Target:
    target = parse_target(_fill(override or studio.demo_target, site), studio.root)
    where = None if override else (studio.root / STUDIO_FILE, "studio", "demo_target")
    return outside_sources(studio, target, where)


def release_target(studio: Studio, site: Site, override: str | None = None) -> Target:
    where = None if override or not site.release.target else (site.config_path, "release", "target")
    return outside_sources(studio, configured_release_target(studio, site, override), where)


def configured_release_target(studio: Studio, site: Site, override: str | None = None) -> Target:
    url = override or site.release.target or DEFAULT_RELEASE_TARGET
    return parse_target(_fill(url, site), studio.root)


def outside_sources(
    studio: Studio, target: Target, where: tuple[Path, str, str] | None = None
) -> Target:
    """The target, unless it is a folder a sync could wreck: a sync deletes what the target
    holds and the build does not, so inside the project only a folder of its own under build/
    may be one (allowed, not listed as forbidden). `where`: the file, table and key naming it."""
    if not isinstance(target, FileTarget):
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
            raise TargetError(
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


def check_target_owned(
    studio: Studio, site: Site, target: Target, force_prefix: bool = False
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
            if name == site.name and same_place(place, target):
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


def _fill(url: str, site: Site) -> str:
    return url.replace("{client}", site.name).replace("{subdomain}", site.demo.subdomain)


def same_place(one: Target, other: Target) -> bool:
    if isinstance(one, FileTarget) and isinstance(other, FileTarget):
        return one.path.resolve() == other.path.resolve()
    if isinstance(one, S3Target) and isinstance(other, S3Target):
        return one.bucket == other.bucket and (
            one.prefix.startswith(other.prefix) or other.prefix.startswith(one.prefix)
        )
    return False


def _contains(outer: Target, inner: Target) -> bool:
    """Whether a sync to `outer` covers `inner`: the same place, or a place inside it."""
    if isinstance(outer, FileTarget) and isinstance(inner, FileTarget):
        return inner.path.resolve().is_relative_to(outer.path.resolve())
    if isinstance(outer, S3Target) and isinstance(inner, S3Target):
        return outer.bucket == inner.bucket and inner.prefix.startswith(outer.prefix)
