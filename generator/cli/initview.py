"""What `sitegen init` asks on a terminal, and what it says once the studio is made."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sitegen.config.newstudio import StudioAnswers, default_demo_domain


def ask(
    folder: Path, name: str | None, email: str | None, phone: str | None, domain: str | None
) -> StudioAnswers:
    """The studio's values from the options, the rest asked for on a terminal; without one,
    a usage error naming the options missing."""
    if not sys.stdin.isatty():
        missing = [flag for flag, value in (("--name", name), ("--email", email)) if not value]
        if missing:
            raise click.UsageError(
                f"sitegen init needs {' and '.join(missing)} when not run on a terminal, "
                'e.g. sitegen init my-studio --name "My Studio" --email hello@my-studio.example'
            )
        return StudioAnswers(name, email, domain or default_demo_domain(email), phone)
    default_name = folder.resolve().name.replace("-", " ").replace("_", " ").title()
    name = name or click.prompt("Studio name", default=default_name or "My Studio")
    email = email or click.prompt("Studio email (shown to clients)")
    if phone is None:
        phone = click.prompt("Phone (optional)", default="", show_default=False)
    domain = domain or click.prompt("Demo domain", default=default_demo_domain(email))
    return StudioAnswers(name, email, domain, phone or None)


def created(folder: Path, path: Path) -> None:
    click.echo(f"Created {path} and {folder / 'sites'}/")
    here = folder.resolve() == Path.cwd().resolve()
    steps = ("" if here else f"cd {folder} && ") + "sitegen new CLIENT && sitegen build"
    click.echo(f"Next: {steps}")
