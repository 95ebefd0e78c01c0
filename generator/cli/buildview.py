"""What a build shows on the terminal: a live progress display when stderr is a terminal,
one summary line per client, and each failed client's problems."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from sitegen.errors import display_path
from sitegen.pipeline.clients import ClientReport, ModeSummary

if TYPE_CHECKING:
    from rich.progress import Progress


def _reused(summary: ModeSummary) -> str:
    """What the build took from the previous one, when it took anything."""
    if summary.up_to_date:
        return "  (up to date)"
    if summary.rendered is not None and summary.rendered < summary.pages:
        kept = summary.pages - summary.rendered
        return f"  ({summary.rendered} rendered, {kept} kept)"
    return ""


def _withheld(summary: ModeSummary) -> str:
    """How many of the client's files the demo leaves for the handover, when any."""
    if not summary.withheld:
        return ""
    files = "file" if summary.withheld == 1 else "files"
    return f"  ({summary.withheld} {files} withheld until the handover)"


class BuildProgress:
    """Context manager; `done(report)` is called as each client finishes."""

    def __init__(self, clients: Sequence[str], quiet: bool = False):
        self.clients, self.quiet = clients, quiet
        self.progress: Progress | None = None

    def __enter__(self) -> BuildProgress:
        if self.quiet:
            return self  # rich is imported only where it may show something: ~30 ms
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

        console = Console(stderr=True, highlight=False)
        if console.is_terminal:
            self.progress = Progress(
                SpinnerColumn(),
                TextColumn("building {task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task(", ".join(self.clients), total=len(self.clients))
        return self

    def __exit__(self, *exc_info) -> None:
        if self.progress is not None:
            self.progress.stop()

    def done(self, report: ClientReport) -> None:
        if self.progress is not None:
            self.progress.advance(self.task)
        if report.warnings:
            self._echo(f"warning in {report.client}:\n{report.warnings}", err=True)
        if not report.ok:
            self._echo(f"✗ {report.client}: build failed\n{report.error}", err=True)
            return
        if self.quiet:
            return
        for summary in report.summaries:
            where = display_path(summary.path)
            self._echo(
                f"✓ {report.client:<16} {summary.mode:<8} {summary.pages:>5} pages "
                f"{summary.files:>6} files {summary.seconds:>7.2f} s  → {where}"
                + _reused(summary)
                + _withheld(summary)
            )

    def _echo(self, text: str, err: bool = False) -> None:
        if self.progress is not None:
            self.progress.console.print(text, markup=False, highlight=False)
        else:
            click.echo(text, err=err)
