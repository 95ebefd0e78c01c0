"""Build one client's site again and again, in memory, for the preview server: keep the last
good build to serve, tell open pages what each rebuild changed, and turn a failed build into
an overlay naming the file and line, while the last good build stays up.

Each rebuild is `stages.build`, as `sitegen build` runs it, given the last good build (its
pages with their records, content and converted Markdown) and the files the watcher saw
change since: those play the part build/ and the cache play for a build on disk."""

from __future__ import annotations

import contextlib
import gc
import html
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

import click

from sitegen.config.load import STUDIO_FILE, load_site, load_studio
from sitegen.errors import SitegenError, source_line
from sitegen.model import BuildOptions, BuildResult, Diagnostic, LastBuild, Mode, Output, Site
from sitegen.pipeline import stages
from sitegen.render import themes
from sitegen.render.themefolders import theme_folders
from sitegen.serve import livereload, studiopins
from sitegen.serve.livereload import Event, Hub

Echo = Callable[..., None]  # (message, err=False)


@dataclass(frozen=True)
class Snapshot:
    """What the server answers with. A rebuild replaces it whole: a request sees one build."""

    build: int = 0  # number of the last good build; 0 before the first
    files: Mapping[str, Output] = field(default_factory=lambda: MappingProxyType({}))
    base_path: str = "/"
    changed_at: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    failure: Event | None = None  # the last build failed: the overlay's content
    error_page: bytes = b""  # shown for every path while there is no good build at all


@dataclass(frozen=True)
class Stats:
    """How much of the last good build was done again, for the terminal and the tests."""

    converted: int = 0
    converted_reused: int = 0
    rendered_pages: frozenset[str] = frozenset()  # by output path
    rendered_reused: int = 0

    @property
    def rendered(self) -> int:
        return len(self.rendered_pages)

    @classmethod
    def of(cls, result: BuildResult) -> Stats:
        pages, rendered = result.page_count, result.rendered
        return cls(result.converted, pages - result.converted, rendered, pages - len(rendered))

    def describe(self) -> str:
        def part(done: int, reused: int, verb: str) -> str:
            return f"{done} of {done + reused} pages {verb}"

        converted = part(self.converted, self.converted_reused, "converted")
        return f"{converted}, {part(self.rendered, self.rendered_reused, 'rendered')}"


def _echo(message: str, err: bool = False) -> None:
    click.secho(message, err=err, fg="red" if err else None)


class Preview:
    """The builder of `sitegen serve`. `rebuild` runs in one thread at a time."""

    def __init__(
        self,
        root: Path,
        client: str,
        mode: Mode,
        hub: Hub,
        drafts: bool = False,
        echo: Echo | None = None,
    ):
        self.root, self.client, self.mode = root.resolve(), client, mode
        self.hub, self.drafts, self.echo = hub, drafts, echo or _echo
        self.last: LastBuild = stages.FIRST_BUILD  # the last good build's
        self.changed: set[Path] | None = None  # files changed since; None: unknown
        self.stats = Stats()
        self.snapshot = Snapshot()
        self._fingerprints: dict[str, object] = {}
        self._themes: tuple[str, ...] = ()  # the site's theme chain, once known
        self._attempts = 0
        self._finished = threading.Condition()
        self.last_rebuild = (0.0, 0.0)  # when the last build began and ended, by the wall clock

    @property
    def site_dir(self) -> Path:
        return self.root / "sites" / self.client

    @property
    def attempts(self) -> int:
        """Builds finished so far, good or failed."""
        return self._attempts

    def wait(self, after: int, timeout: float = 10.0) -> Snapshot:
        """The snapshot once more than `after` builds have finished; TimeoutError if not."""
        with self._finished:
            if not self._finished.wait_for(lambda: self._attempts > after, timeout):
                raise TimeoutError(f"no build after #{after} within {timeout} s")
            return self.snapshot

    def watched_folders(self) -> list[tuple[Path, bool]]:
        return [(self.site_dir, True), (self.root / "themes", True), (self.root, False)]

    def wanted(self, path: Path) -> bool:
        """Whether a changed file can change the build: the client's folder, its theme
        chain (every theme while the chain is unknown) and sitegen.toml; hidden files never."""
        if path == self.root / STUDIO_FILE:
            return True
        for folder in (self.site_dir, self.root / "themes"):
            if path.is_relative_to(folder):
                parts = path.relative_to(folder).parts
                theme = parts[0] if parts else None
                if folder != self.site_dir and self._themes and theme not in self._themes:
                    return False  # a theme the site does not use
                return not any(part.startswith(".") for part in parts)
        return False

    def rebuild(self, changed: set[Path] | None = None) -> None:
        """Build again; on success serve the result and tell the pages, else show why.
        `changed` is what the watcher saw (None: unknown): those files are read again, and
        the records of what each page read decide what else to redo."""
        started, began = time.perf_counter(), time.time()
        if changed is None:
            self.changed = None
        elif self.changed is not None:
            self.changed |= changed
        with _collected_after():
            self._rebuild(started, began)

    def _rebuild(self, started: float, began: float) -> None:
        try:
            result, base_path = self._build()
        except SitegenError as exc:
            self._failed(exc.diagnostics, exc.format_message())
        except OSError as exc:  # a file vanished mid-build, as in a git checkout
            path = Path(exc.filename) if exc.filename else None
            text = f"{path}: {exc.strerror}" if path else str(exc)
            self._failed([Diagnostic(path, exc.strerror or str(exc))], text)
        except Exception as exc:  # a bug in sitegen: say so, and keep serving
            self.echo(traceback.format_exc(), err=True)
            message = f"internal error: {type(exc).__name__}: {exc} (traceback in the terminal)"
            self._failed([Diagnostic(None, message)], message)
        else:
            self._succeeded(result, base_path, time.perf_counter() - started)
        finally:
            self.last_rebuild = (began, time.time())
            with self._finished:
                self._attempts += 1
                self._finished.notify_all()

    def _build(self) -> tuple[BuildResult, str]:
        studio = load_studio(self.root)
        site = load_site(studio, self.client)
        chain = None
        try:
            chain = themes.load_chain(theme_folders(studio), site.theme)
            self._themes = tuple(theme.name for theme in chain.themes)
        except SitegenError:
            self._themes = ()  # the build reports it
        base_path = site.demo.base_path if self.mode is Mode.DEMO else site.release.base_path
        banner = release_banner(site) if self.mode is Mode.RELEASE else None
        options = BuildOptions(
            include_drafts=self.drafts,
            # Image previews in a process pool only before the server's threads start: a fork
            # from a process with threads can inherit a lock some thread holds.
            workers=1 if self._attempts else os.cpu_count() or 1,
            inject_html=livereload.injection(base_path, banner) + studiopins.injection(site, chain),
        )
        changed = None if self.changed is None else frozenset(self.changed)
        return stages.build(studio, site, self.mode, options, self.last, changed), base_path

    def _succeeded(self, result: BuildResult, base_path: str, seconds: float) -> None:
        files = {output.path: output for output in result.outputs}
        fingerprints = {path: _fingerprint(output) for path, output in files.items()}
        old = self._fingerprints
        changed = {p for p in fingerprints.keys() | old.keys() if fingerprints.get(p) != old.get(p)}
        build = self.snapshot.build + 1
        changed_at = {**self.snapshot.changed_at, **dict.fromkeys(changed, build)}
        recovered = self.snapshot.failure is not None
        self._fingerprints = fingerprints
        self.last, self.changed, self.stats = result.reusable, set(), Stats.of(result)
        self.snapshot = Snapshot(
            build, MappingProxyType(files), base_path, MappingProxyType(changed_at)
        )
        if changed or recovered:
            made = {path: files[path].data for path in changed if path in files}
            self.hub.publish(livereload.changes(build, changed, made))
        self.echo(_summary(build, result, changed, seconds, self.stats))

    def _failed(self, diagnostics: tuple[Diagnostic, ...] | list[Diagnostic], text: str) -> None:
        good = bool(self.snapshot.files)
        title = "Build failed: showing the last good build" if good else "Build failed"
        problems = [_problem(d, self.root) for d in diagnostics]
        failure = Event("failed", {"title": title, "problems": problems})
        page = _error_page(title, text, livereload.injection("/"))
        self.snapshot = replace(self.snapshot, failure=failure, error_page=page)
        self.hub.publish(failure)
        self.echo(text, err=True)


@contextlib.contextmanager
def _collected_after() -> Iterator[None]:
    """Reference cycles are collected once the new build is served, not while a browser
    waits for it: a full collection walks the whole site kept in memory, tens of ms."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def release_banner(site: Site) -> str:
    """What the release preview says on every page, as HTML: served, never published."""
    return html.escape(
        f"Release preview of {site.title}: the site as {site.client_name} gets it after the "
        "final payment. Served by sitegen serve, not published."
    )


def _fingerprint(output: Output) -> object:
    """Bytes made in the build, or which file is copied and its size and time."""
    if output.data is not None:
        return output.data
    assert output.source is not None
    try:
        stat = output.source.stat()
    except OSError:
        return None
    return (output.source, stat.st_mtime_ns, stat.st_size)


def _problem(diagnostic: Diagnostic, root: Path) -> dict[str, str]:
    path = diagnostic.path
    where = "sitegen"
    if path is not None:
        where = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        if diagnostic.line:
            where += f":{diagnostic.line}" + (f":{diagnostic.column}" if diagnostic.column else "")
    detail = [diagnostic.message]
    snippet = source_line(path, diagnostic.line) if diagnostic.show_line else None
    if snippet is not None:
        detail.append(f"{diagnostic.line:>5} | {snippet}")
    if diagnostic.hint:
        detail.append(f"hint: {diagnostic.hint}")
    return {"where": where, "detail": "\n".join(detail)}


def _error_page(title: str, text: str, injection: str) -> bytes:
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} · sitegen</title></head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n<pre>{html.escape(text)}</pre>\n{injection}</body></html>\n"
    ).encode()


def _summary(
    build: int, result: BuildResult, changed: set[str], seconds: float, stats: Stats
) -> str:
    what = f"{result.page_count} pages" if build == 1 else f"{len(changed)} files changed"
    if 0 < len(changed) <= 3 and build > 1:
        what += ": " + ", ".join(sorted(changed))
    verb = "Built" if build == 1 else "Rebuilt"
    return f"{verb} in {seconds * 1000:.0f} ms, {what} ({stats.describe()})"
