"""What the demo's status page shows: the project's progress and the latest updates.

This module does no I/O: it arranges values computed elsewhere for the templates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup

from sitegen.model import Page
from sitegen.payments.progress import Progress

LATEST_UPDATES = 5


@dataclass(frozen=True)
class UpdateView:
    title: str
    date: dt.date
    content: Markup


@dataclass(frozen=True)
class ProjectView:
    """`project` in templates: set in demos, `None` in a release, which shows no payments."""

    progress: Progress
    updates: tuple[UpdateView, ...]
    url: str
    today: dt.date


def project_view(progress: Progress, updates: list[Page], url: str, today: dt.date):
    shown = tuple(
        UpdateView(u.title, u.source.date, Markup(u.content)) for u in updates[:LATEST_UPDATES]
    )
    return ProjectView(progress, shown, url, today)
