"""Learn, while a page renders, what it read: the templates it loaded, the one its front
matter names, and every attribute of every page it looked at (its own title, the titles in a
list, a section's list of pages...).

`pagerecords` keeps what is learnt here; the next build, in memory or on disk, renders a page
again only when one of those reads differently. A value the tracking cannot see into (an
unknown object or method) is `Unknown`, which means "render again", never "reuse".
This module does no I/O, except reading template sources through the loader."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from pathlib import Path, PurePath
from types import MappingProxyType
from typing import Any

import jinja2

from sitegen.cache.pagerecords import UNKNOWN
from sitegen.render import compiled
from sitegen.render.jinjaenv import PublicEnvironment
from sitegen.render.pageviews import PageView, body_text


class Unknown:
    """A value the tracking cannot compare: equal to nothing, so its reader renders again."""

    def __eq__(self, other: object) -> bool:
        return False

    __hash__ = None  # type: ignore[assignment]


_SCALARS = (str, int, float, bool, bytes, dt.date, dt.time, Decimal, PurePath, Enum)


def fingerprint(value: Any, depth: int = 0) -> Any:
    """A value standing for `value` as templates could see it: pages by their URL, functions
    by their code and what they closed over; Unknown otherwise."""
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


SHORT = 64  # characters of text kept as they are in a record, rather than digested


class _Unknowable(Exception):
    pass


def digest(value: Any) -> str:
    """A fingerprint as a digest that is the same in every process (records are kept on disk),
    or UNKNOWN. Code is named by where it is: the build's tool digest covers its text."""
    if type(value) is str and len(value) < SHORT:  # a URL, a title: it stands for itself
        return "=" + value  # never a hex digest, UNKNOWN or GONE
    if type(value) is dt.date:  # a page's date
        return "@" + value.isoformat()
    if _plain(value):  # a page (by its URL), a chain of sections: many pages read alike
        return _plain_digest(value)
    return _digest(value)


def _plain(value: Any, depth: int = 0) -> bool:
    """Short text, None or small tuples of them: equal exactly when their digests are, and
    small enough to keep."""
    if value is None or (type(value) is str and len(value) < 256):
        return True
    if type(value) is not tuple or len(value) >= 16 or depth >= 4:
        return False
    for item in value:  # noqa: SIM110 (a loop, not all(): this runs for every value read)
        if not _plain(item, depth + 1):
            return False
    return True


def _digest(value: Any) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    try:
        _feed(hasher, value)
    except _Unknowable:
        return UNKNOWN
    return hasher.hexdigest()


_plain_digest = functools.lru_cache(maxsize=1 << 12)(_digest)


def _text_digest(text: str) -> str:
    """A page's converted text, digested with as few copies of it as can be."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _feed(hasher: Any, value: Any) -> None:
    if type(value) is str:  # the most common, first
        data = ("s" + value).encode("utf-8", "surrogatepass")
        hasher.update(b"%d:" % len(data) + data)
        return
    if isinstance(value, Unknown):
        raise _Unknowable
    if isinstance(value, tuple):
        hasher.update(b"(%d" % len(value))
        for item in value:
            _feed(hasher, item)
        hasher.update(b")")
        return
    if isinstance(value, frozenset):
        members = sorted(digest(v) for v in value)
        if UNKNOWN in members:
            raise _Unknowable
        hasher.update(("{" + "".join(members) + "}").encode())
        return
    if isinstance(value, type):
        text = f"type {value.__module__}.{value.__qualname__}"
    elif isinstance(value, types.CodeType):
        text = f"code {value.co_filename}:{value.co_firstlineno}:{value.co_qualname}"
    elif isinstance(value, types.BuiltinFunctionType):
        text = f"builtin {getattr(value, '__module__', None)}.{value.__qualname__}"
    elif isinstance(value, str):  # Markup too: the same text shows the same
        text = "s" + value
    else:
        text = f"{type(value).__qualname__} {value!r}"
    data = text.encode("utf-8", "surrogatepass")
    hasher.update(b"%d:" % len(data) + data)


TEMPLATE = "template"  # read by every page of itself: its template is chosen by it
_BODY = frozenset({"content", "toc"})  # a page's converted Markdown: `Page` has it as text
_PLAIN = frozenset({"title", "url", "kind", "content", "toc", "date", "description", "weight"})


def read_value(view: PageView, attribute: str) -> Any:
    """What a template got by reading `attribute` of a page, as a fingerprint."""
    if attribute in _PLAIN:  # text, numbers and dates, read for every page: the fast way
        return getattr(view, attribute)
    if attribute == TEMPLATE:  # what the page's front matter asks to be rendered with
        return view._page.source.template
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


def _held(view: PageView, attribute: str) -> Any:
    """The object a page holds for an attribute read as it is, or None."""
    page = view._page
    if attribute in _BODY:  # where its text is spilled, the page holds none to compare
        return getattr(page, attribute) if page.spilled is None else None
    if attribute == "title":
        return page.title
    if attribute in _FROM_SOURCE:
        return getattr(page.source, attribute)
    return None


_FROM_SOURCE = frozenset({"kind", "date", "description", "weight"})
EMPTY: Mapping[Any, Any] = MappingProxyType({})


@dataclass(frozen=True)
class Learnt:
    """What one page's render read: templates by name with their source digest (None: not
    there), and (page URL, attribute, value digest) of every page attribute."""

    templates: tuple[tuple[str, str | None], ...]
    reads: tuple[tuple[str, str, str], ...]


class TrackingEnvironment(PublicEnvironment):
    """A copy of the environment `templates` made, that notes what each page reads: after
    `render_views`, `learnt` holds it by output path."""

    learnt: dict[str, Learnt]
    reads: dict[tuple[str, str], PageView] | None
    loads: dict[str, Any] | None

    @classmethod
    def tracking(
        cls,
        env: jinja2.Environment,
        known: Mapping[tuple[str, str], tuple[Any, str]] = EMPTY,
        compiled_in: Path | None = None,
        remember: bool = True,
    ) -> TrackingEnvironment:
        """`env` as a tracking environment, as Jinja's own `overlay` copies one. `known` is
        the last build's `digests`: a value that is the very object it digested then (a
        page's text, kept in memory from one build to the next) is not digested again.
        Compiled templates are kept in memory, and in `compiled_in` if given. Without
        `remember`, `digests` stays empty: a build with no next one to speed up."""
        tracked = object.__new__(cls)
        tracked.__dict__.update(env.__dict__)
        tracked.cache = {}
        tracked.bytecode_cache = compiled.kept_in(compiled_in)  # once per source
        tracked.extensions = {name: ext.bind(tracked) for name, ext in env.extensions.items()}
        tracked.learnt, tracked.reads, tracked.loads = {}, None, None
        tracked._sources, tracked._values, tracked._selected, tracked._got = {}, {}, {}, {}
        tracked.known, tracked.digests, tracked.remember = known, {}, remember
        return tracked

    def getattr(self, obj: Any, attribute: str) -> Any:
        # Every `a.b` of every template comes here: a page's public attribute is noted and
        # read at once; anything else takes the public environment's way.
        if type(obj) is PageView and attribute[:1] != "_":
            if self.reads is not None:
                self.reads[(obj.url, attribute)] = obj
            try:
                return getattr(obj, attribute)
            except AttributeError:
                return self.undefined(obj=obj, name=attribute)
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
        key = (name, parent) if globals is None else None  # each page includes the same
        found = self._got.get(key) if key is not None else None
        if found is None:
            joined = self.join_path(name, parent) if parent else name
            try:
                template = super().get_template(name, parent, globals)
            except jinja2.TemplateNotFound:
                self._missing([joined])  # `include ... ignore missing`: it may appear later
                raise
            found = (self._used([joined]), template)
            if key is not None:
                self._got[key] = found
        return self._loaded(*found)

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
        found = next((i for i, n in enumerate(tried) if self.source_digest(n) is not None), None)
        if found is None:
            return self._used([], known=False), template
        return self._used(tried[: found + 1]), template

    def _used(self, names: Sequence[str], known: bool = True) -> tuple:
        """The templates loaded by these names, as a page's record notes them."""
        used = tuple((name, self.source_digest(name)) for name in names)
        return used if known else (*used, ("", UNKNOWN))

    def _loaded(self, used: tuple, template: jinja2.Template):
        if self.loads is not None:  # inside a page: it extends, includes or imports this
            self.loads.update(used)
            return template
        return _PageTemplate(template, used, self)

    def _missing(self, names: Sequence[Any]) -> None:
        if self.loads is not None:
            self.loads.update((n, None) for n in names if isinstance(n, str))

    def source_digest(self, name: str) -> str | None:
        """What `name` loads now, once per build: a digest of its file and source, or None."""
        if name not in self._sources:
            try:
                source, filename, _ = self.loader.get_source(self, name)
            except jinja2.TemplateNotFound:
                self._sources[name] = None
            else:
                text = f"{filename}\0{source}".encode("utf-8", "surrogatepass")
                self._sources[name] = hashlib.blake2b(text, digest_size=16).hexdigest()
        return self._sources[name]

    def read_digest(self, view: PageView, attribute: str) -> str:
        """The digest of what reading `attribute` of `view` gives, once per build."""
        key = (view.url, attribute)
        found = self._values.get(key)
        if found is None:
            held = _held(view, attribute)
            kept = self.known.get(key)
            if held is not None and kept is not None and kept[0] is held:
                found = kept[1]  # kept alive in `known`, so no other object has its id
            elif attribute in _BODY:  # as read, but without making a Markup copy of the text
                found = _text_digest(body_text(view._page, attribute))
            else:
                found = digest(read_value(view, attribute))
            self._values[key] = found
            if held is not None and self.remember:
                self.digests[key] = (held, found)
        return found

    def forget_values(self) -> None:
        """Let go of the digests of what pages read: a worker of a build on disk reads most
        values once, for the page that shows them, and would otherwise keep its share's worth
        of them to the end. Only time is lost: a digest is worked out again the same."""
        self._values = {}

    def render_page(self, template: jinja2.Template, chosen: tuple, view: PageView) -> str:
        self.reads, self.loads = {(view.url, TEMPLATE): view}, {}
        try:
            html = template.render(page=view)
        finally:
            reads, loads = self.reads, self.loads
            self.reads = self.loads = None
        templates = tuple({**dict(chosen), **loads}.items())
        known = self._values  # most reads were read before, by this page or another
        read = tuple(
            (*key, known.get(key) or self.read_digest(page, key[1])) for key, page in reads.items()
        )
        self.learnt[view._page.output] = Learnt(templates, read)
        return html


class _PageTemplate:
    """The template `templates` picked for a page: rendered, it notes what the page read."""

    def __init__(self, template: jinja2.Template, chosen: tuple, env: TrackingEnvironment):
        self.template, self.chosen, self.env = template, chosen, env

    def render(self, *args: Any, **kwargs: Any) -> str:
        page = kwargs.get("page")
        if args or set(kwargs) != {"page"} or not isinstance(page, PageView):
            return self.template.render(*args, **kwargs)
        return self.env.render_page(self.template, self.chosen, page)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.template, name)
