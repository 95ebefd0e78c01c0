"""What a demo adds to a build: its files sorted by the allow-list, the pages shown in place
of deliverables and design files, the status page and its project, the key and the lock.

`stages` calls these in their order; this module does no I/O of its own but for the salt
kept beside the site (`demo.salt`) and the preview cache (`assets.demofiles`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import quote

import jinja2

from sitegen.assets import demofiles, proofpages
from sitegen.assets.previews import PreviewSettings
from sitegen.cache import folders
from sitegen.config.load import STUDIO_FILE, demo_password, unpriced_milestones
from sitegen.config.published import published_proofs
from sitegen.content import markup, sitepages
from sitegen.demo import lock, salt
from sitegen.feedback import shown as feedback_shown
from sitegen.model import BuildOptions, Diagnostic, Site, SourcePage, StaticFile, Studio
from sitegen.payments import progress
from sitegen.pipeline import convertpages
from sitegen.render import pageviews, statuspage, templates, themes

UNLOCK_SCRIPT = lock.DEMO_RUNTIME + "unlock.js"


@dataclass(frozen=True)
class Demo:
    files: demofiles.DemoFiles
    withheld: dict[StaticFile, SourcePage]  # deliverable -> the page shown in its place
    proofs: dict[StaticFile, SourcePage]  # design file -> its proof page
    gallery: SourcePage | None  # the proofs of content/proofs/, when there are any
    status_page: SourcePage
    updates: tuple[SourcePage, ...]
    key: Future[lock.DemoKey]
    warnings: tuple[Diagnostic, ...]
    theme_files: tuple[StaticFile, ...]  # the theme's static files a demo may publish


def prepare(
    studio: Studio,
    site: Site,
    chain: themes.ThemeChain,
    found: sitepages.Content,
    options: BuildOptions,
) -> Demo:
    """Check the password, start deriving the key, sort the files, make image previews."""
    password, weak = demo_password(site)
    # PBKDF2 runs in OpenSSL outside the GIL: the key is ready by the time pages are. A new
    # thread per build: a thread pool kept across builds would not survive a fork.
    background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sitegen-key")
    caches = folders.of(studio, options).root
    salt.use_site_folder(site.name, site.path)  # the salt is kept beside the site
    key = background.submit(salt.demo_key, caches, site.name, password)
    background.shutdown(wait=False)
    watermark = f"{studio.name} · PREVIEW"
    files = demofiles.demo_files(
        found.files,
        site.demo,
        PreviewSettings(site.demo.preview_size, site.demo.preview_quality, watermark),
        caches,
        options.workers,
        options.use_cache,
    )
    title = chain.translate(site.language, "withheld_title") or "Comes with the handover"
    withheld = {f: sitepages.withheld_page(site, f, title) for f in files.withheld}
    published = published_proofs(site)
    proofs = {p.file: proofpages.proof_page(site, p, published) for p in files.proofs}
    gallery_title = chain.translate(site.language, "proofs_title") or "Proofs"
    gallery = proofpages.gallery(site, gallery_title, files.proofs, proofs)
    status_title = chain.translate(site.language, "status_title") or "Project status"
    shown = proofpages.status_params(site, proofs, gallery)
    shown["notes"] = feedback_shown.status_list(site.path)
    status_page = sitepages.status_page(site, status_title, shown)
    theme_files, theme_warnings = demofiles.demo_theme_files(chain.static)
    unpriced = unpriced_milestones(site)
    warnings = (*weak, *unpriced, *_insecure_demo_domain(studio), *files.warnings, *theme_warnings)
    updates = sitepages.load_updates(site)
    return Demo(
        files, withheld, proofs, gallery, status_page, updates, key, warnings, tuple(theme_files)
    )


def project(
    site: Site, demo: Demo, links: markup.LinkMap, base_path: str, options: BuildOptions
) -> statuspage.ProjectView:
    """What the status page shows of the project: its milestones, as of today, and updates."""
    today = options.today or dt.date.today()
    updates = convertpages.pages(list(demo.updates), links, base_path)
    url = base_path + demo.status_page.url_path[1:]
    return statuspage.project_view(progress.progress(site, today), updates, url, today)


def protection(demo: Demo, env: jinja2.Environment, site: Site, base_path: str) -> lock.Protection:
    """How pages are locked: the key, once derived, and the gate rendered once."""
    return lock.Protection(
        key=demo.key.result(),
        site_id=site.demo.subdomain,
        base_path=base_path,
        unlock_script_url=base_path + UNLOCK_SCRIPT,
        gate=templates.gate_renderer(env),
    )


def with_chrome(
    protection: lock.Protection,
    env: jinja2.Environment,
    views: Sequence[pageviews.PageView],
    demo: Demo,
    base_path: str,
) -> lock.Protection:
    """The not-found page, as locked, is the start every page's deflate stream continues: it
    holds the head, banner, menu and footer of every page and little else (see `chrome`)."""
    not_found = [view for view in views if view.kind == "404"][:1]
    if not not_found:
        return protection
    page = templates.render_views(env, not_found)[0]
    urls = lock.protected_urls(demo.files.protected, protection)
    return lock.with_chrome(protection, page, urls, withheld_urls(demo, base_path))


def withheld_urls(demo: Demo, base_path: str) -> dict[str, str]:
    """The URL of each deliverable, and of the page shown in its place: a proof's page for
    a design file, else one saying it comes with the handover."""
    return {
        base_path + quote(f.output): base_path + page.url_path[1:]
        for f, page in (*demo.withheld.items(), *demo.proofs.items())
    }


def _insecure_demo_domain(studio: Studio) -> list[Diagnostic]:
    if not studio.demo_domain.startswith("http://"):
        return []
    return [
        Diagnostic(
            studio.root / STUDIO_FILE,
            "demo_domain uses http://: browsers unlock a demo only over https (or localhost)",
            hint="serve demos over https, e.g. behind CloudFront; see deploy/README.md",
        )
    ]
