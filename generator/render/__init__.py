"""Rendering: the theme chain's Jinja2 templates into HTML, the status page, the sitemap.
Reads templates and theme files only; prints nothing. `htmlpatch` stays free of Jinja2 so
that locking a page needs no template engine."""
