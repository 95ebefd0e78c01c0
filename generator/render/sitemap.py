"""`sitemap.xml` and `robots.txt` for a release on the client's domain. A demo has neither:
it must not be found, and its pages say noindex instead. This module does no I/O."""

from __future__ import annotations

import datetime as dt
from html import escape

from sitegen.model import Output, Page

LISTED_KINDS = ("home", "section", "page")


def sitemap_outputs(pages: list[Page], base_url: str, base_path: str) -> list[Output]:
    """Nothing when the release has no domain yet: a sitemap needs absolute URLs."""
    if "://" not in base_url:
        return []
    origin = base_url[: len(base_url) - len(base_path)] if base_url.endswith(base_path) else ""
    entries = []
    for page in sorted(pages, key=lambda p: p.url):
        if page.kind not in LISTED_KINDS:
            continue
        entry = f"  <url><loc>{escape(origin + page.url, quote=False)}</loc>"
        if page.source.date is not None:
            entry += f"<lastmod>{_day(page.source.date).isoformat()}</lastmod>"
        entries.append(entry + "</url>")
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(entries)
        + "\n</urlset>\n"
    )
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {base_url}sitemap.xml\n"
    return [
        Output("sitemap.xml", xml.encode("utf-8"), origin="sitemap"),
        Output("robots.txt", robots.encode("utf-8"), origin="sitemap"),
    ]


def _day(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
