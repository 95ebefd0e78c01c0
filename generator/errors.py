"""Errors a user can act on: each names the file, the line and what to do. No I/O here,
except reading the offending line of an input file to show it."""

from __future__ import annotations

import contextlib
import difflib
import errno
from collections.abc import Iterable, Iterator
from pathlib import Path

import click

from sitegen.model import Diagnostic


class SitegenError(click.ClickException):
    """A user mistake or a failed build: shown as a list of diagnostics, never a traceback."""

    exit_code = 1
    kind = "error"

    def __init__(self, diagnostics: Iterable[Diagnostic] | Diagnostic | str):
        if isinstance(diagnostics, str):
            diagnostics = [Diagnostic(None, diagnostics)]
        elif isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        super().__init__(format_diagnostics(self.diagnostics))

    def show(self, file=None) -> None:
        click.echo(self.format_message(), err=True)

    def __reduce__(self):
        return (type(self), (self.diagnostics,))


class ConfigError(SitegenError):
    kind = "configuration error"


class ContentError(SitegenError):
    kind = "content error"


class ThemeError(SitegenError):
    kind = "theme error"


class TemplateError(SitegenError):
    kind = "template error"


class OutputError(SitegenError):
    kind = "output error"


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The valid choice `word` is most likely a typo of, if any is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest valid choice, the way git and click suggest commands."""
    close = closest(word, choices)
    return f"did you mean '{close}'?" if close else None


def display_path(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def format_diagnostic(diag: Diagnostic) -> str:
    where = display_path(diag.path)
    if where and diag.line:
        where += f":{diag.line}"
        if diag.column:
            where += f":{diag.column}"
    lines = [f"{where}: {diag.message}" if where else diag.message]
    snippet = source_line(diag.path, diag.line) if diag.show_line else None
    if snippet is not None:
        lines.append(f"    {diag.line:>4} | {snippet}")
        if diag.column:
            lines.append("         | " + " " * (diag.column - 1) + "^")
    if diag.hint:
        lines.append(f"    hint: {diag.hint}")
    return "\n".join(lines)


def format_diagnostics(diagnostics: Iterable[Diagnostic]) -> str:
    diagnostics = list(diagnostics)
    text = "\n".join(format_diagnostic(d) for d in diagnostics)
    if len(diagnostics) > 1:
        text = f"{len(diagnostics)} problems:\n{text}"
    return text


def source_line(path: Path | None, line: int | None) -> str | None:
    """The offending line, so the user sees it without opening the file."""
    if path is None or not line:
        return None
    try:
        with path.open("rb") as fh:
            for number, raw in enumerate(fh, start=1):
                if number == line:
                    return raw.decode("utf-8", "replace").rstrip("\r\n")[:200]
    except OSError:
        return None
    return None


_DISK_HINTS = {
    errno.ENOSPC: "free space on that disk, then run again: what was built or deployed before "
    "is as it was",
    errno.EDQUOT: "the disk quota is used up: free some space, then run again",
    errno.EACCES: "make that folder writable for this user, or run as its owner",
    errno.EPERM: "make that folder writable for this user, or run as its owner",
    errno.EROFS: "the disk is mounted read-only: build on a writable one",
    errno.ENOTDIR: "a file stands where a folder should be: move it away",
    errno.EEXIST: "a file stands where a folder should be: move it away",
}


def disk_problem(exc: OSError, path: Path | None = None, doing: str = "") -> Diagnostic:
    """An error of the disk as a Diagnostic naming the file and what to do about it."""
    where = Path(exc.filename) if exc.filename else path
    reason = exc.strerror or str(exc)
    message = f"{doing}: {reason}" if doing else reason
    hint = _DISK_HINTS.get(exc.errno or 0, "check that folder and the disk it is on")
    return Diagnostic(where, message, hint=hint)


@contextlib.contextmanager
def naming(path: Path) -> Iterator[None]:
    """An OSError without a file name (a write on a full disk has none) gets `path`."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None and exc.errno is not None:
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        raise
