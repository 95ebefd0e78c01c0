"""Where to look at a demo and where its password is. `serve` runs on the studio's own machine
and shows the password; `publish` names the demo's address and where the password is set, but
never prints it: its output is pasted into messages and kept in logs. With `CI` set, nothing
prints a password."""

from __future__ import annotations

import os

from sitegen.config.load import SITE_FILE, load_site, site_base_url
from sitegen.errors import SitegenError, display_path
from sitegen.model import Mode, Site, Studio


def where_set(site: Site) -> str:
    """Where the demo password is set, for a person to look it up."""
    if site.demo.password_env:
        return f"in the environment variable {site.demo.password_env}"
    return f"in {display_path(site.path / SITE_FILE)}, [demo] password"


def serve_notes(studio: Studio, client: str) -> tuple[str, ...]:
    try:
        site = load_site(studio, client)
    except SitegenError:  # the build reports it, in the browser and here
        return ()
    if not site.demo.password:
        return ()  # the build says what is missing
    if os.environ.get("CI"):
        return (f"Demo password: set {where_set(site)}; not shown, as CI is set",)
    return (f"Demo password: {site.demo.password}  (set {where_set(site)})",)


def publish_note(studio: Studio, site: Site, dry_run: bool) -> str:
    url = site_base_url(studio, site, Mode.DEMO)
    verb = "would be" if dry_run else "is"
    return f"  the demo of {site.name} {verb} at {url} — its password is set {where_set(site)}"
