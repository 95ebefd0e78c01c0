"""Markdown to HTML, with links between files rewritten to the URLs they end up at.

This module does no I/O: it converts text and looks links up in a map made beforehand."""

from __future__ import annotations

import functools
import importlib
import posixpath
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import markdown
from markdown.extensions import Extension, codehilite
from markdown.treeprocessors import Treeprocessor
from pygments.formatters.html import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import find_lexer_class_by_name

from sitegen.content import mdguards
from sitegen.model import Diagnostic, SourcePage

EXTENSIONS = ["tables", "fenced_code", "codehilite", "toc", "attr_list", "footnotes", "md_in_html"]


class SharedStyleFormatter(HtmlFormatter):
    """Pygments' HTML formatter with its style table computed once per style: codehilite makes
    a new formatter for every code block, and that table cost more than the highlighting."""

    _tables: dict[tuple, tuple[dict, dict]] = {}

    def _create_stylesheet(self) -> None:
        key = (self.style, self.classprefix)
        if key not in self._tables:
            super()._create_stylesheet()
            self._tables[key] = (self.ttype2class, self.class2style)
        ttype2class, class2style = self._tables[key]
        self.ttype2class, self.class2style = dict(ttype2class), dict(class2style)


def lexer_by_name(alias: str, **options: Any) -> Lexer:
    """Pygments' `get_lexer_by_name`, its search through every lexer's names made once per
    name: codehilite searches anew for every code block, a tenth of highlighting one."""
    return _lexer_class(alias)(**options)


@functools.lru_cache(maxsize=64)
def _lexer_class(alias: str) -> type[Lexer]:
    return find_lexer_class_by_name(alias)  # an unknown name raises, and is not kept


codehilite.get_lexer_by_name = lexer_by_name  # what codehilite and fenced_code call


EXTENSION_CONFIGS = {
    "codehilite": {
        "css_class": "highlight",
        "guess_lang": False,
        "pygments_formatter": SharedStyleFormatter,
    },
    "footnotes": {"BACKLINK_TITLE": "Back to reference %d"},
}


def extensions() -> list[Extension]:
    """The EXTENSIONS, configured, made from Python-Markdown's own modules: given their
    names, Markdown first searches the entry points of every installed package, which cost
    each process more than converting thirty pages."""
    return [
        importlib.import_module(f"markdown.extensions.{name}").makeExtension(
            **EXTENSION_CONFIGS.get(name, {})
        )
        for name in EXTENSIONS
    ]


_PLACEHOLDER = re.compile("\x02(\\d+)\x03|\x02wzxhzdk:\\d+\x03")


@dataclass(frozen=True)
class LinkMap:
    """Where every source of a site ends up: page files to URLs, copied files to paths."""

    pages: dict[str, str]
    files: frozenset[str]
    drafts: frozenset[str]
    base_path: str

    def resolve(self, source_rel: str, href: str) -> str:
        """The URL for `href` written in the file `source_rel`; raises LinkError if broken."""
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path:
            return href
        suffix = (f"?{parts.query}" if parts.query else "") + (
            f"#{parts.fragment}" if parts.fragment else ""
        )
        path = unquote(parts.path)
        if path.startswith("/"):
            if not path.endswith(".md"):
                return self.base_path + href[1:]
            target = posixpath.normpath("content" + path)
        else:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(source_rel), path))
        if target == ".." or target.startswith("../"):
            raise LinkError(f"link '{href}' points outside the site folder")
        if target in self.pages:
            return self.pages[target] + suffix
        if target in self.drafts:
            raise LinkError(f"link '{href}' points to a draft page", "build with --drafts")
        for index in ("_index.md", "index.md"):
            if posixpath.join(target, index) in self.pages:
                return self.pages[posixpath.join(target, index)] + suffix
        if target.endswith(".md"):
            raise LinkError(f"link '{href}' points to a page that does not exist")
        if target in self.files:
            public = target.removeprefix("content/")
            return self.base_path + quote(public) + suffix
        raise LinkError(f"link '{href}' points to a file that does not exist")


class LinkError(Exception):
    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = (
            hint or "link to a .md file or a file in content/ or assets/, relative to this file"
        )


@dataclass(frozen=True)
class Converted:
    html: str
    toc: str
    heading: str | None
    problems: tuple[Diagnostic, ...]


class Converter:
    """A reusable Markdown instance: creating one per page costs more than converting it."""

    def __init__(self) -> None:
        self._set_up()

    def _set_up(self) -> None:
        self.md = markdown.Markdown(extensions=extensions())
        self.rewriter = _RewriteLinks(self.md)
        _SitegenExtension(self.rewriter).extendMarkdown(self.md)
        mdguards.guard(self.md)

    def convert(self, page: SourcePage, links: LinkMap) -> Converted:
        self.md.reset()
        self.rewriter.start(page, links, lift_heading=page.title is None)
        try:
            html = self.md.convert(page.body)
        except BaseException:
            # A conversion cut short leaves Python-Markdown mid-way (its block parser still
            # inside lists, which reset() keeps): the next page gets a fresh instance.
            self._set_up()
            raise
        toc = self.md.toc if getattr(self.md, "toc_tokens", None) else ""
        return Converted(html, toc, self.rewriter.heading, tuple(self.rewriter.problems))


class _RewriteLinks(Treeprocessor):
    """Rewrites href/src of links and images; lifts a leading h1 to serve as the title."""

    def start(self, page: SourcePage, links: LinkMap, lift_heading: bool) -> None:
        self.page, self.links, self.lift_heading = page, links, lift_heading
        self.heading: str | None = None
        self.problems: list[Diagnostic] = []

    def run(self, root: etree.Element) -> None:
        first = next(iter(root), None)
        if self.lift_heading and first is not None and first.tag == "h1":
            self.heading = _plain_text(first)
            root.remove(first)
        for element in root.iter():
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            value = element.get(attribute) if attribute else None
            if not value or value.startswith("#"):
                continue
            try:
                element.set(attribute, self.links.resolve(self.page.rel, value))
            except LinkError as exc:
                self.problems.append(
                    Diagnostic(self.page.source, str(exc), self._line_of(value), hint=exc.hint)
                )

    def _line_of(self, href: str) -> int | None:
        for offset, line in enumerate(self.page.body.splitlines()):
            if href in line:
                return self.page.body_line + offset
        return None


class _SitegenExtension(Extension):
    def __init__(self, rewriter: _RewriteLinks):
        super().__init__()
        self.rewriter = rewriter

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        # After "inline" (20) has made the <a>/<img> elements, before "toc" (5) reads headings.
        md.treeprocessors.register(self.rewriter, "sitegen-links", 15)


def _plain_text(element: etree.Element) -> str:
    text = "".join(element.itertext())
    return _PLACEHOLDER.sub(lambda m: chr(int(m[1])) if m[1] else "", text).strip()
