"""Find a client's Markdown pages and files, read their front matter, decide their URLs.

Reads inputs only (and, given the cache, keeps parsed front matter in it); every problem in
every file is collected and raised together."""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from urllib.parse import quote

from sitegen.cache.store import DiskCache
from sitegen.content import frontcache, frontmatter
from sitegen.content.frontmatter import STANDARD_KEYS, FrontMatterError, key_line, split
from sitegen.errors import ContentError
from sitegen.model import Diagnostic, Site, SourcePage, StaticFile

INDEX_NAMES = ("_index.md", "index.md")
_BAD_SLUG = re.compile(r"[/\\\x00-\x1f]")


@dataclass(frozen=True)
class Content:
    pages: tuple[SourcePage, ...]
    files: tuple[StaticFile, ...]
    drafts: frozenset[str]


def load(site: Site, include_drafts: bool = False, cache: DiskCache | None = None) -> Content:
    """Every page and copied file of the site; raises ContentError listing all problems.
    With a cache, front matter parsed by an earlier build is not parsed again."""
    problems: list[Diagnostic] = []
    pages: list[SourcePage] = []
    files: list[StaticFile] = []
    drafts: set[str] = set()
    root = site.path.resolve()
    found = list(walk(site.content_dir, root, problems))
    texts = {path: _text(path, problems) for path, _ in found if path.suffix.lower() == ".md"}
    memo = frontcache.recall(cache, filter(None, texts.values())) if cache is not None else None
    for path, rel in found:
        if path not in texts:
            files.append(StaticFile(path, rel, f"content/{rel}"))
            continue
        text = texts.pop(path)  # let go of each file's text once it is split
        page = _read_page(site, path, rel, problems, text, memo) if text is not None else None
        if page is None:
            continue
        if page.draft and not include_drafts:
            drafts.add(page.rel)
            continue
        pages.append(page)
    for path, rel in walk(site.assets_dir, root, problems):
        files.append(StaticFile(path, f"assets/{rel}", f"assets/{rel}"))
    if cache is not None and memo is not None:
        frontcache.keep(cache, memo)
    if problems:
        raise ContentError(problems)
    return Content(tuple(pages), tuple(files), frozenset(drafts))


def load_updates(site: Site) -> tuple[SourcePage, ...]:
    """Dated notes to the client from `updates/*.md`, newest first; each must have a date."""
    problems: list[Diagnostic] = []
    updates = []
    for path, rel in walk(site.updates_dir, site.path.resolve(), problems):
        if path.suffix.lower() != ".md":
            continue
        page = _read_page(site, path, rel, problems)
        if page is None:
            continue
        if page.date is None:
            problems.append(
                Diagnostic(path, "an update needs a date", 1, hint="add date: 2026-11-27")
            )
            continue
        updates.append(replace(page, rel=f"updates/{rel}", kind="update", section=None))
    if problems:
        raise ContentError(problems)
    return tuple(sorted(updates, key=lambda u: (_day(u.date), u.rel), reverse=True))


def status_page(site: Site, title: str, params: dict | None = None) -> SourcePage:
    """The demo's project status page: milestones, payments, what happens next, proofs."""
    return _generated(site, "_status.md", "status", ["status"], None, title, params)


def _day(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def with_generated_pages(
    pages: tuple[SourcePage, ...], site: Site, not_found_title: str
) -> list[SourcePage]:
    """The pages plus those a site always has: a home page, an index for every folder of
    pages, and a 404 page, each made empty where the client did not write one."""
    result = list(pages)
    folders = {""}
    for page in pages:
        folder = posixpath.dirname(page.rel.removeprefix("content/"))
        while folder:
            folders.add(folder)
            folder = posixpath.dirname(folder)
    indexed = {_folder_of(p) for p in pages if p.kind in ("home", "section")}
    for folder in sorted(folders - indexed):
        parts = folder.split("/") if folder else []
        rel = f"{folder}/_index.md" if folder else "_index.md"
        if folder:
            result.append(_generated(site, rel, "section", parts, _parent_folder(folder)))
        else:
            result.append(_generated(site, rel, "home", parts, None, title=site.title))
    if not any(p.kind == "404" for p in pages):
        result.append(_generated(site, "404.md", "404", None, "", title=not_found_title))
    return result


def withheld_page(site: Site, file: StaticFile, title: str) -> SourcePage:
    """The page a demo shows instead of a deliverable: it comes with the handover."""
    parts = ["_handover", *file.output.split("/")]
    name = posixpath.basename(file.output)
    return _generated(
        site, f"_handover/{file.output}.md", "withheld", parts, None, title, {"file": name}
    )


def proof_page(site: Site, folder: str, title: str, params: dict) -> SourcePage:
    """The page a demo shows for a design file: its pages' previews, in `folder`."""
    parts = folder.strip("/").split("/")
    return _generated(site, f"{folder.rstrip('/')}.md", "proof", parts, None, title, params)


def proof_gallery(site: Site, title: str, params: dict) -> SourcePage:
    """The page listing the proofs of the client's `content/proofs/` folder."""
    return _generated(site, "_proofs/_index.md", "proofs", ["_proofs"], None, title, params)


def _generated(
    site: Site,
    rel: str,
    kind: str,
    parts: list[str] | None,
    section: str | None,
    title: str | None = None,
    params: dict | None = None,
) -> SourcePage:
    """A page sitegen makes itself; `parts=None` means the top-level 404.html."""
    if parts is None:
        output, url_path = "404.html", "/404.html"
    else:
        output = "/".join([*parts, "index.html"])
        url_path = "/" + "".join(f"{p}/" for p in parts)
    return SourcePage(
        source=site.content_dir / rel,
        rel=f"content/{rel}",
        kind=kind,
        url_path=quote(url_path),
        output=output,
        body="",
        body_line=1,
        title=title,
        date=None,
        draft=False,
        weight=0,
        template=None,
        description="",
        params=MappingProxyType(params or {}),
        section=section,
    )


def _folder_of(page: SourcePage) -> str:
    return posixpath.dirname(page.rel.removeprefix("content/"))


def walk(
    folder: Path, root: Path, problems: list[Diagnostic], prefix: str = "", seen=None
) -> Iterator[tuple[Path, str]]:
    """Files under `folder` in a stable order, refusing symlinks that lead outside the site."""
    seen = set() if seen is None else seen
    if not folder.is_dir() or folder.resolve() in seen:
        return
    seen.add(folder.resolve())
    with os.scandir(folder) as listing:  # its entries know their type: no stat per file
        entries = sorted(listing, key=lambda entry: entry.name)
    for entry in entries:
        if entry.name.startswith("."):
            continue
        rel = f"{prefix}{entry.name}"
        path = folder / entry.name
        if entry.is_symlink() and not path.resolve().is_relative_to(root):
            problems.append(
                Diagnostic(
                    path,
                    f"symlink points outside the site folder, to {path.resolve()}",
                    hint="copy the file into the site instead of linking to it",
                )
            )
        elif entry.is_dir():
            yield from walk(path, root, problems, f"{rel}/", seen)
        elif entry.is_file():
            yield path, rel


def read_page(site: Site, path: Path, rel: str) -> SourcePage:
    """One Markdown file of `content/` (`rel` is relative to it), read as `load` reads it;
    a ContentError if it cannot be."""
    problems: list[Diagnostic] = []
    page = _read_page(site, path, rel, problems)
    if page is None:
        raise ContentError(problems)
    return page


def _text(path: Path, problems: list[Diagnostic]) -> str | None:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        problems.append(Diagnostic(path, "file is not valid UTF-8", line, hint="save it as UTF-8"))
        return None


def _read_page(
    site: Site,
    path: Path,
    rel: str,
    problems: list[Diagnostic],
    text: str | None = None,
    memo: frontmatter.YamlMemo | None = None,
) -> SourcePage | None:
    text = _text(path, problems) if text is None else text
    if text is None:
        return None
    try:
        matter = split(path, text, memo)
    except FrontMatterError as exc:
        problems.append(exc.diagnostic)
        return None
    values = matter.values
    route = _route(rel, values.get("slug"))
    if isinstance(route, str):
        problems.append(Diagnostic(path, route, key_line(text, "slug"), hint=_SLUG_HINT))
        return None
    kind, parts = route
    output = "404.html" if kind == "404" else "/".join([*parts, "index.html"])
    url_path = "/404.html" if kind == "404" else "/" + "".join(f"{p}/" for p in parts)
    folder = posixpath.dirname(rel)
    is_index = posixpath.basename(rel) in INDEX_NAMES
    return SourcePage(
        source=path,
        rel=f"content/{rel}",
        kind=kind,
        url_path=quote(url_path),
        output=output,
        body=matter.body,
        body_line=matter.body_line,
        title=values.get("title"),
        date=values.get("date"),
        draft=values.get("draft", False),
        weight=values.get("weight", 0),
        template=values.get("template"),
        description=values.get("description", ""),
        params=MappingProxyType({k: v for k, v in values.items() if k not in STANDARD_KEYS}),
        section=_parent_folder(folder) if is_index else folder,
        menu=values.get("menu"),
    )


_SLUG_HINT = "a slug is one URL segment, like 'our-team', without '/' or '..'"


def _route(rel: str, slug: object) -> tuple[str, list[str]] | str:
    """The page's kind and URL segments, or a message saying why the slug is refused."""
    folder, name = posixpath.split(rel)
    parts = folder.split("/") if folder else []
    if rel == "404.md":
        return "404", []
    if name in INDEX_NAMES:
        kind = "section" if parts else "home"
    else:
        kind = "page"
        parts.append(name[: -len(".md")])
    if slug is not None:
        slug = str(slug)
        if not slug.strip() or slug in (".", "..") or _BAD_SLUG.search(slug):
            return f"slug '{slug}' would put the page outside its folder"
        if kind == "home":
            return "the home page cannot have a slug"
        parts[-1] = slug
    return kind, parts


def _parent_folder(folder: str) -> str | None:
    return None if not folder else posixpath.dirname(folder)
