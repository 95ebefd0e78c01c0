"""Bytes added to a rendered page: kept apart from `templates`, so that locking a page (and
checking whether a build is up to date) needs no template engine. This module does no I/O."""

from __future__ import annotations

import re

_BODY_END = re.compile(rb"</body\s*>", re.I)


def insert_before_body_end(page: bytes, extra: bytes) -> bytes:
    """`extra` just before the page's last </body>, or at its end if it has none."""
    tail = max(page.rfind(b"</body"), 0)  # look near the end first: pages can be long
    ends = list(_BODY_END.finditer(page, tail)) or list(_BODY_END.finditer(page))
    at = ends[-1].start() if ends else len(page)
    return page[:at] + extra + page[at:]
