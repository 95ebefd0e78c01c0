"""After a handover: a download bundle for the client, and the demo retired in favour of the
live site. Both go through the same sync engine as everything else."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from sitegen.config.load import STUDIO_FILE, site_base_url
from sitegen.errors import ConfigError
from sitegen.model import Diagnostic, Mode, Site, Studio
from sitegen.publish import buildsync, places, publishdemo, stores
from sitegen.publish.targets import FileTarget, Target, parse_target
from sitegen.render import templates, themes
from sitegen.render.themefolders import theme_folders

BUNDLE_DAYS = 7


def bundle(studio: Studio, site: Site, release: Path, days: int = BUNDLE_DAYS) -> str:
    """Zip the release (originals and deliverables included), upload it to the studio's bundle
    target and return a link: presigned for S3, so it expires; a file URI for a folder."""
    staging = studio.build_dir / site.name / "bundle"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    archive = staging / f"{site.name}-release.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(p for p in release.rglob("*") if p.is_file()):
            zipped.write(path, path.relative_to(release).as_posix())
    target = bundle_target(studio, site)
    buildsync.sync_folder(studio, site, staging, target)
    if isinstance(target, FileTarget):
        return (target.path / archive.name).resolve().as_uri()
    with stores.open_store(target) as store:
        return store.client.generate_presigned_url(
            "get_object",
            Params={"Bucket": target.bucket, "Key": target.prefix + archive.name},
            ExpiresIn=days * 24 * 3600,
        )


def bundle_target(studio: Studio, site: Site) -> Target:
    """Where the client's bundle goes: checked before the handover starts."""
    target = parse_target(_client_folder(studio.bundle_target, site.name), studio.root)
    where = (studio.root / STUDIO_FILE, "studio", "bundle_target")
    return places.outside_sources(studio, target, where)


def _client_folder(url: str, client: str) -> str:
    """The bundle target with a folder per client, unless it places {client} itself."""
    if "{client}" in url:
        return url.replace("{client}", client)
    base, mark, query = url.partition("?")
    return f"{base.rstrip('/')}/{client}/{mark}{query}"


def retire_target(studio: Studio, site: Site) -> Target:
    """Where the demo to retire is: where it was last published. Checked before the handover
    starts, as is the live site's domain, which the page left there must link to."""
    if not site.release.domain:
        raise ConfigError(
            Diagnostic(
                site.config_path,
                "--retire-demo needs the client's domain: the page left where the demo was "
                "links to the live site, and without a domain it would link to itself",
                hint='add [release] domain = "www.example.com" to site.toml',
            )
        )
    return publishdemo.last_demo_target(studio, site)


def retire_demo(studio: Studio, site: Site, target: Target, force_prefix: bool = False) -> Target:
    """Replace the whole demo at `target` with one page that points to the live site."""
    chain = themes.load_chain(theme_folders(studio), site.theme)
    env = templates.environment(chain, site)
    live = site_base_url(studio, site, Mode.RELEASE)
    demo_url = site_base_url(studio, site, Mode.DEMO)
    page = templates.render_standalone(
        env, chain, studio, site, Mode.DEMO, demo_url, "retired.html", live_url=live
    )
    staging = studio.build_dir / site.name / "retired"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in ("index.html", "404.html"):
        (staging / name).write_bytes(page)
    buildsync.sync_folder(studio, site, staging, target, 10**9, force_prefix)
    return target
