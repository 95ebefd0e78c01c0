"""The page an ended demo is replaced with: "This preview has ended", and the studio's contact.

Decided when publishing, from the date on this machine, rather than by the gate in the
browser: a visitor's clock can be set back, and files that are not uploaded cannot leak."""

from __future__ import annotations

import shutil
from pathlib import Path

from sitegen.config.load import site_base_url
from sitegen.model import Mode, Site, Studio
from sitegen.render import templates, themes
from sitegen.render.themefolders import theme_folders

ENDED_TEMPLATE = "ended.html"


def ended_folder(studio: Studio, site: Site) -> Path:
    """A folder holding only the ended page, as the site's home and its not-found page, so
    every address of the old demo shows it."""
    chain = themes.load_chain(theme_folders(studio), site.theme)
    env = templates.environment(chain, site)
    demo_url = site_base_url(studio, site, Mode.DEMO)
    page = templates.render_standalone(
        env, chain, studio, site, Mode.DEMO, demo_url, ENDED_TEMPLATE
    )
    staging = studio.build_dir / site.name / "ended"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in ("index.html", "404.html"):
        (staging / name).write_bytes(page)
    return staging
