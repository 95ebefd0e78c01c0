"""What publishing and handover show on the terminal: the plan, a progress bar, a summary."""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

PLAN_LINES = 40


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


WAIT_LINE_EVERY = 10  # seconds between "waiting" lines when not on a terminal


class SyncProgress:
    """A progress bar on a terminal, silent otherwise but for a line now and then while the
    store does not answer; `update` takes stores.Progress."""

    def __init__(self, title: str):
        self.title = title
        self.console = Console(stderr=True)
        self.bar: Progress | None = None
        self.waited_shown = 0

    def __enter__(self) -> SyncProgress:
        if self.console.is_terminal:
            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=self.console,
            )
            self.bar.start()
            self.task = self.bar.add_task(self.title, total=None)
        return self

    def __exit__(self, *exc_info) -> None:
        if self.bar is not None:
            self.bar.stop()

    def update(self, step) -> None:
        if step.action == "wait":
            self._waiting(step.path, step.size)
            return
        self.waited_shown = 0
        if self.bar is not None:
            self.bar.update(
                self.task, description=self.title, completed=step.done, total=step.total
            )

    def _waiting(self, store: str, seconds: int) -> None:
        line = f"{self.title}: waiting for {store}, no answer for {seconds} s"
        if self.bar is not None:
            self.bar.update(self.task, description=line)
        elif seconds >= self.waited_shown + WAIT_LINE_EVERY or not self.waited_shown:
            self.waited_shown = seconds
            click.echo(line, err=True)


def show_plan(title: str, plan) -> None:
    lines = plan.describe()
    click.echo(title)
    for line in lines[: PLAN_LINES - 1] if len(lines) > PLAN_LINES else lines[:-1]:
        click.echo(f"  {line}")
    if len(lines) > PLAN_LINES:
        click.echo(f"  … and {len(lines) - PLAN_LINES} more")
    click.echo(lines[-1] if not plan.refused else "\n".join(lines[-2:]))


def report(name: str, outcome, dry_run: bool) -> None:
    if outcome.audited is not None:
        checked, remembered = outcome.audited
        click.echo(
            f"{name}: leak check read {checked:,} files, passed over {remembered:,} found "
            "clean before and unchanged"
        )
    if dry_run or outcome.summary is None:
        show_plan(f"{name} → {outcome.target} (dry run: nothing changed)", outcome.plan)
        return
    s = outcome.summary
    line = (
        f"✓ {name} → {outcome.target}: {s.uploaded} uploaded, {s.unchanged} unchanged, "
        f"{s.deleted} deleted, {s.bytes:,} bytes, {s.seconds:.2f} s"
    )
    if s.invalidated:
        line += f", CDN paths invalidated: {len(s.invalidated)}"
    if s.aborted:
        line += f", {s.aborted} unfinished uploads of an earlier sync aborted"
    click.echo(line)
