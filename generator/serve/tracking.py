"""Render a page again only when something it read changed.

While a page renders, its Jinja environment notes the templates it loads and every attribute
of every page it reads (its own title, the titles in the menu, a section's list of pages...).
Next build, if those templates have the same source, those attributes the same values and
the globals every template sees are the same, the page's HTML is the one kept: a new menu
title re-renders the pages that show the menu, a new text only the page itself. Anything the
tracking cannot see into (an unknown object or method) means "render again", never "reuse".
This module does no I/O, except reading template sources through the loader."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from pathlib import PurePath
from typing import Any

import jinja2

from sitegen.render.jinjaenv import PublicEnvironment
from sitegen.render.templates import PageView


class Unknown:
    """A value the tracking cannot compare: equal to nothing, so its reader renders again."""

    def __eq__(self, other: object) -> bool:
        return False

    __hash__ = None  # type: ignore[assignment]


_SCALARS = (str, int, float, bool, bytes, dt.date, dt.time, Decimal, PurePath, Enum)


def fingerprint(value: Any, depth: int = 0) -> Any:
    """A value to compare with ==, standing for `value` as templates could see it: pages by
    their URL, functions by their code and what they closed over; Unknown otherwise."""
    if depth > 12:
        return Unknown()
    deeper = depth + 1
    if value is None or isinstance(value, _SCALARS):
        return value
    if isinstance(value, PageView):
        return ("page", value.url)
    if isinstance(value, (list, tuple)):
        return tuple(fingerprint(v, deeper) for v in value)
    if isinstance(value, (dict, types.MappingProxyType)):
        return tuple((k, fingerprint(v, deeper)) for k, v in value.items())
    if isinstance(value, (set, frozenset)):
        return frozenset(fingerprint(v, deeper) for v in value)
    if isinstance(value, type):
        return value
    if dataclasses.is_dataclass(value):
        fields = dataclasses.fields(value)
        return (type(value), tuple(fingerprint(getattr(value, f.name), deeper) for f in fields))
    if isinstance(value, types.FunctionType):
        cells = tuple(fingerprint(c.cell_contents, deeper) for c in value.__closure__ or ())
        defaults = fingerprint((value.__defaults__, value.__kwdefaults__), deeper)
        return ("function", value.__code__, cells, defaults)
    if isinstance(value, types.BuiltinFunctionType):
        return value
    return Unknown()


_UNSET = object()
_PLAIN = frozenset({"title", "url", "kind", "content", "toc", "date", "description", "weight"})


def read_value(view: PageView, attribute: str) -> Any:
    """What a template got by reading `attribute` of a page, as a fingerprint."""
    if attribute in _PLAIN:  # text, numbers and dates, read for every page: the fast way
        return getattr(view, attribute)
    if attribute == "is_current":  # answers by walking up the page's sections
        chain, page = [], view
        while page is not None:
            chain.append(page.url)
            page = page.section
        return ("is_current", tuple(chain))
    try:
        value = getattr(view, attribute)
    except AttributeError:
        return ("missing", attribute)
    return Unknown() if callable(value) else fingerprint(value)


@dataclass(frozen=True)
class Rendered:
    """A page's HTML and everything its render read."""

    chosen: tuple[tuple[str, Any], ...]  # the page template tried by name, and its source
    loads: tuple[tuple[str, Any], ...]  # templates it extended, included or imported
    shared: tuple[tuple[tuple[str, str], Any], ...]  # ((page URL, attribute), value), others
    own: tuple[tuple[tuple[str, str], Any], ...]  # the same, of the page itself
    plain_from: frozenset[str]  # the pages whose text, numbers and dates it read
    structural: tuple[tuple[tuple[str, str], Any], ...]  # reads of anything else
    html: str


class RenderMemo:
    """Rendered pages by URL, kept across builds; `globals` is what every page saw.

    What many pages loaded or read alike (the skeleton, the menu) is kept once, `interned`,
    so a build checks it once for all of them."""

    def __init__(self) -> None:
        self.pages: dict[str, Rendered] = {}
        self.globals: Any = Unknown()
        self.used: set[str] = set()
        self.rendered = self.reused = 0
        self.unchanged: frozenset[str] = frozenset()  # URLs of pages as at the last good build
        self._interned: dict[tuple, tuple] = {}

    def start(self) -> None:
        self.used, self.unchanged = set(), frozenset()
        self.rendered = self.reused = 0

    def sweep(self) -> None:
        self.pages = {url: kept for url, kept in self.pages.items() if url in self.used}
        self._interned = {}
        for kept in self.pages.values():
            self.intern(kept.loads), self.intern(kept.shared)

    def intern(self, inputs: tuple) -> tuple:
        try:
            return self._interned.setdefault(inputs, inputs)
        except TypeError:  # holds an Unknown: equal to nothing, so shared by no page
            return inputs


class TrackingEnvironment(PublicEnvironment):
    """A copy of the environment `templates` made, that notes what each page reads and answers
    for a page from the memo when all of that reads the same again."""

    memo: RenderMemo
    reads: dict[tuple[str, str], PageView] | None
    loads: dict[str, Any] | None

    @classmethod
    def tracking(
        cls, env: jinja2.Environment, memo: RenderMemo, compiled: jinja2.BytecodeCache
    ) -> TrackingEnvironment:
        """`env` as a tracking environment, as Jinja's own `overlay` copies one."""
        tracked = object.__new__(cls)
        tracked.__dict__.update(env.__dict__)
        tracked.cache = {}
        tracked.bytecode_cache = compiled  # templates compile once per source, not per build
        tracked.extensions = {name: ext.bind(tracked) for name, ext in env.extensions.items()}
        tracked.memo, tracked.reads, tracked.loads = memo, None, None
        tracked._sources, tracked._views, tracked._values = {}, {}, {}
        tracked._selected, tracked._checked = {}, {}
        tracked._globals_checked = False
        return tracked

    def getattr(self, obj: Any, attribute: str) -> Any:
        if self.reads is not None and isinstance(obj, PageView):
            self.reads[(obj.url, attribute)] = obj
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if self.reads is not None and isinstance(obj, PageView) and isinstance(argument, str):
            self.reads[(obj.url, argument)] = obj
        return super().getitem(obj, argument)

    # Templates are noted by the name asked for: a prefixed "base:page.html" loads a template
    # that calls itself "page.html".

    def get_template(self, name, parent=None, globals=None):  # noqa: A002 (Jinja's name)
        if isinstance(name, jinja2.Template):
            return name
        joined = self.join_path(name, parent) if parent else name
        try:
            template = super().get_template(name, parent, globals)
        except jinja2.TemplateNotFound:
            self._missing([joined])  # `include ... ignore missing`: it may appear later
            raise
        return self._loaded(self._used([joined]), template)

    def select_template(self, names, parent=None, globals=None):  # noqa: A002
        # Every page of a kind asks for the same names: look them up once a build.
        known = globals is None and isinstance(names, list | tuple)
        key = (tuple(names), parent) if known else None
        selected = self._selected.get(key) if key is not None else None
        if selected is None:
            selected = self._select(names, parent, globals)
            if key is not None:
                self._selected[key] = selected
        return self._loaded(*selected)

    def _select(self, names, parent, globals):  # noqa: A002
        try:
            template = super().select_template(names, parent, globals)
        except jinja2.TemplateNotFound:
            self._missing([self.join_path(n, parent) if parent else n for n in names])
            raise
        tried = [self.join_path(n, parent) if parent else n for n in names]
        if not all(isinstance(n, str) for n in tried):
            return self._used([], known=False), template
        found = next((i for i, n in enumerate(tried) if self._source(n) is not None), None)
        if found is None:
            return self._used([], known=False), template
        return self._used(tried[: found + 1]), template

    def _used(self, names: Sequence[str], known: bool = True) -> tuple:
        """The templates loaded by these names, as a page's memo records them."""
        used = tuple((name, self._source(name)) for name in names)
        return used if known else (*used, ("", Unknown()))

    def _loaded(self, used: tuple, template: jinja2.Template):
        if self.loads is not None:  # inside a page: it extends, includes or imports this
            self.loads.update(used)
            return template
        return _PageTemplate(template, used, self)

    def _missing(self, names: Sequence[Any]) -> None:
        if self.loads is not None:
            self.loads.update((n, None) for n in names if isinstance(n, str))

    def _source(self, name: str) -> Any:
        """What `name` loads now, once per build: a digest of its file's source, or None."""
        if name not in self._sources:
            try:
                source, filename, _ = self.loader.get_source(self, name)
            except jinja2.TemplateNotFound:
                self._sources[name] = None
            else:
                digest = hashlib.blake2b(source.encode(), digest_size=16).digest()
                self._sources[name] = (filename, digest)
        return self._sources[name]

    def render_page(self, template: jinja2.Template, chosen: tuple, view: PageView) -> str:
        memo = self.memo
        if not self._globals_checked:
            self._globals_checked = True
            now = fingerprint((self.globals, self.filters, self.tests))
            if now != memo.globals:
                memo.pages.clear()
            memo.globals = now
        memo.used.add(view.url)
        kept = memo.pages.get(view.url)
        if kept is not None and kept.chosen == chosen and self._same(kept, view):
            memo.reused += 1
            return kept.html
        self.reads, self.loads = {}, {}
        try:
            html = template.render(page=view)
        finally:
            reads, loads = self.reads, self.loads
            self.reads = self.loads = None
        values = [(key, read_value(page, key[1])) for key, page in reads.items()]
        own = tuple(item for item in values if item[0][0] == view.url)
        shared = memo.intern(tuple(item for item in values if item[0][0] != view.url))
        plain_from = frozenset(url for (url, attribute), _ in values if attribute in _PLAIN)
        structural = tuple(item for item in values if item[0][1] not in _PLAIN)
        loads_now = memo.intern(tuple(loads.items()))
        memo.pages[view.url] = Rendered(
            chosen, loads_now, shared, own, plain_from, structural, html
        )
        memo.rendered += 1
        return html

    def _same(self, kept: Rendered, view: PageView) -> bool:
        if not self._once(kept.loads, self._same_sources):
            return False
        if kept.plain_from <= self.memo.unchanged:  # their text and titles: no need to look
            return self._same_reads(kept.structural, view)
        return self._once(kept.shared, lambda reads: self._same_reads(reads, view)) and all(
            read_value(view, key[1]) == value for key, value in kept.own
        )

    def _once(self, inputs: tuple, check: Callable[[tuple], bool]) -> bool:
        """`check(inputs)`, once a build for what many pages share. The entry keeps `inputs`
        alive, so no other tuple takes its id while the build runs."""
        checked = self._checked.get(id(inputs))
        if checked is None:
            checked = self._checked[id(inputs)] = (inputs, check(inputs))
        return checked[1]

    def _same_sources(self, loads: tuple) -> bool:
        return all(self._source(name) == source for name, source in loads)

    def _same_reads(self, reads: tuple, view: PageView) -> bool:
        for key, value in reads:
            now = self._values.get(key, _UNSET)  # pages read the same menu: look once a build
            if now is _UNSET:
                url, attribute = key
                page = view if url == view.url else self._view(url, view)
                now = self._values[key] = Unknown() if page is None else read_value(page, attribute)
            if now != value:
                return False
        return True

    def _view(self, url: str, start: PageView) -> PageView | None:
        """This build's page at `url`, among those a template could reach from `start`."""
        if url not in self._views:
            site = self.globals.get("site")
            queue: list[PageView] = [start]
            nav = [getattr(item, "page", item) for item in getattr(site, "nav", [])]
            queue += [getattr(site, "home", None) or start, *nav]
            while queue:
                page = queue.pop()
                if page.url in self._views:
                    continue
                self._views[page.url] = page
                queue.extend(page.pages)
                if page.section is not None:
                    queue.append(page.section)
        return self._views.get(url)


class _PageTemplate:
    """The template `templates` picked for a page: renders through the memo."""

    def __init__(self, template: jinja2.Template, chosen: tuple, env: TrackingEnvironment):
        self.template, self.chosen, self.env = template, chosen, env

    def render(self, *args: Any, **kwargs: Any) -> str:
        page = kwargs.get("page")
        if args or set(kwargs) != {"page"} or not isinstance(page, PageView):
            return self.template.render(*args, **kwargs)
        return self.env.render_page(self.template, self.chosen, page)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.template, name)


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates in memory, by name and source checksum (Jinja checks it)."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()
