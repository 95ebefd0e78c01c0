"""The `sitegen` command: the group, its exit codes and the order of its commands. Each
command lives with its family (`making`, `money`, `delivery`), loads configuration and calls
one module; imports are lazy so that `sitegen --help` answers at once."""

from __future__ import annotations

import gc
from pathlib import Path

import click

from sitegen.cli import delivery, making, money
from sitegen.cli.common import ROOT_HELP, root_option

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# Commands in the order of the work, for --help; any other after them.
WORKFLOW = ("init", "new", "build", "serve", "publish", "status", "pay", "handover", "feedback")
EXIT_CODES = """\b
Exit codes: 0 success, 1 build or configuration error, 2 usage error (unknown option or
client), 3 handover refused (not paid in full), 130 and 143 stopped by Ctrl-C or SIGTERM."""


class _Main(click.Group):
    """Every command stops cleanly on SIGTERM or Ctrl-C (exit 143 or 130), and a disk that
    fails (full, read-only) is reported with the file and what to do, never a traceback.
    Commands are listed in the order of the work, and each takes --root as the group does."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        if cmd.name != "init":  # init makes the project folder: it has no --root to find
            cmd.params.append(root_option())
        super().add_command(cmd, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        order = {name: index for index, name in enumerate(WORKFLOW)}
        return sorted(self.commands, key=lambda name: (order.get(name, len(order)), name))

    def invoke(self, ctx: click.Context):
        import errno

        from sitegen import processes
        from sitegen.errors import SitegenError, disk_problem

        try:
            with processes.stoppable():
                return super().invoke(ctx)
        except processes.Interrupted as exc:
            click.echo(f"stopped by {exc}: nothing already built or deployed was lost", err=True)
            raise click.exceptions.Exit(exc.exit_code) from None
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise
            raise SitegenError(disk_problem(exc)) from exc


@click.group(cls=_Main, context_settings=CONTEXT, epilog=EXIT_CODES)
@click.version_option(None, "-V", "--version", package_name="sitegen", prog_name="sitegen")
@click.option(
    "--root", type=click.Path(file_okay=False, exists=True, path_type=Path), help=ROOT_HELP
)
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """sitegen builds each client's site as a password-protected demo, and hands the real
    site over to the client's domain once the final payment is in.

    \b
    Clients live in sites/CLIENT/, themes in themes/, output goes to build/.
    Start with `sitegen init FOLDER`, then `sitegen new CLIENT`, `sitegen build` and
    `sitegen serve CLIENT`."""
    ctx.obj = root


for command in (
    making.init,
    making.new,
    making.build,
    making.serve,
    delivery.publish,
    money.status,
    money.pay,
    delivery.handover,
    delivery.feedback,
):
    main.add_command(command)


def run() -> None:
    """The `sitegen` program: `main`, then Python's exit without its collector. Going through
    a large build's objects once more on the way out cost more than a tenth of a 1,000-page
    build; everything is written and closed by then, and the objects go with the process."""
    try:
        main()
    finally:
        gc.disable()
        gc.freeze()
