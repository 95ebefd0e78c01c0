"""Pages through the theme chain's Jinja2 templates into HTML bytes.

Reads templates only. Template mistakes come back as diagnostics naming the template file and
line, collected over all pages and reported once per place."""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
import re
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from babel.dates import format_date
from markupsafe import Markup

from sitegen.content.frontmatter import key_line
from sitegen.content.sitepages import walk
from sitegen.errors import TemplateError
from sitegen.model import DEFAULT_PER_PAGE, Diagnostic, Mode, Output, Page, Site, Studio
from sitegen.payments import money
from sitegen.render import menus, pagination
from sitegen.render.jinjaenv import PublicEnvironment
from sitegen.render.themes import ThemeChain

DEFAULT_TEMPLATES = {
    "home": ("home.html", "section.html", "page.html"),
    "section": ("section.html", "page.html"),
    "page": ("page.html",),
    "404": ("404.html", "page.html"),
    "withheld": ("withheld.html", "page.html"),
    "proof": ("proof.html",),
    "proofs": ("proofs.html",),
    "status": ("status.html",),
}
GATE_TEMPLATE = "gate.html"  # the password form, one file per demo
LOCKED_TEMPLATE = "locked.html"  # the small page around each encrypted page
# What a template can raise through a mistake in it, reported at its file and line.
TEMPLATE_FAILURES = (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError)
_VARIABLES_HINT = "themes/README.md lists the variables every template receives"


def environment(chain: ThemeChain, site: Site) -> jinja2.Environment:
    """Templates from the client's folder first, then the theme, then its ancestors. A link
    among the client's templates leading out of its folder is refused, as in content/."""
    problems: list[Diagnostic] = []
    for _ in walk(site.templates_dir, site.path.resolve(), problems):
        pass
    if problems:
        raise TemplateError(problems)
    folders = [site.templates_dir] if site.templates_dir.is_dir() else []
    folders += [t.templates_dir for t in chain.themes]
    prefixed = {t.name: jinja2.FileSystemLoader(t.templates_dir) for t in chain.themes}
    loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(folders), jinja2.PrefixLoader(prefixed, delimiter=":")]
    )
    env = PublicEnvironment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["isodate"] = _isodate
    return env


@dataclass(frozen=True)
class ClientView:
    name: str
    email: str
    contact: str


@dataclass(frozen=True)
class StudioView:
    """What templates may show of the studio: contact details, never local paths."""

    name: str
    email: str
    phone: str
    demo_domain: str
    payment: str = ""  # bank details as text, or "" when `payment_url` is set
    payment_url: str = ""


@dataclass(frozen=True)
class SiteView:
    title: str
    language: str
    direction: str
    mode: str
    base_url: str
    base_path: str
    client: ClientView
    params: dict[str, Any]
    nav: list[MenuItem] = field(default_factory=list)
    home: PageView | None = None


@dataclass(frozen=True)
class MenuItem:
    """An item of the main menu: the label site.toml gave it, or the page's title."""

    title: str
    url: str
    page: PageView


class PageView:
    """What a template sees of a page, with its neighbours a lookup away."""

    def __init__(
        self,
        page: Page,
        index: dict[str, PageView],
        children: dict[str, list],
        per_page: int = DEFAULT_PER_PAGE,
    ):
        self._page, self._index, self._children = page, index, children
        self._per_page = per_page
        self._first: PageView = self  # page 1 of the list this page is a later page of
        self._place: tuple[list[PageView], int] | None = None  # in its section's list, if any
        source = page.source
        self.title, self.url, self.kind = page.title, page.url, page.kind
        self.date, self.description = source.date, source.description
        self.params, self.weight = dict(source.params), source.weight

    @property
    def content(self) -> Markup:  # made when read: a site's worth of copies is megabytes
        return Markup(self._page.content)

    @property
    def toc(self) -> Markup:
        return Markup(self._page.toc)

    @property
    def folder(self) -> str | None:
        """The folder this page is the index of, for home and sections."""
        if self.kind not in ("home", "section"):
            return None
        return posixpath.dirname(self._page.source.rel.removeprefix("content/"))

    @property
    def pages(self) -> list[PageView]:
        return self._children.get(self.folder, []) if self.folder is not None else []

    @property
    def section(self) -> PageView | None:
        folder = self._page.source.section
        return self._index.get(folder) if folder is not None else None

    @functools.cached_property
    def paginator(self) -> pagination.Paginator | None:
        """For home and sections: this page of the list; None for other pages."""
        if self.kind not in pagination.LIST_KINDS:
            return None
        number = self._page.number
        return pagination.paginator(self._first.url, number, self.pages, self._per_page)

    @property
    def prev(self) -> PageView | None:
        """The page before this one in its section's list, or None."""
        siblings, position = self._place or ([], 0)
        return siblings[position - 1] if position > 0 else None

    @property
    def next(self) -> PageView | None:
        """The page after this one in its section's list, or None."""
        siblings, position = self._place or ([], 0)
        return siblings[position + 1] if position + 1 < len(siblings) else None

    def is_current(self, other: PageView | MenuItem) -> bool:
        if isinstance(other, MenuItem):
            other = other.page
        page: PageView | None = self
        while page is not None:
            if page is other or page._first is other:
                return True
            page = page.section
        return False


def site_views(
    env: jinja2.Environment,
    chain: ThemeChain,
    studio: Studio,
    site: Site,
    mode: Mode,
    base_url: str,
    pages: Iterable[Page],
    project: Any = None,
    drafts: frozenset[str] = frozenset(),
) -> tuple[list[PageView], tuple[Diagnostic, ...]]:
    """Every page as its templates see it, linked to its neighbours, and warnings about the
    menu; sets what every template receives, so any share of the views can then be rendered
    on its own."""
    pages = list(pages)
    views = _link_views(pages, site.per_page)
    menu = menus.main_menu(site, [p for p in pages if p.number == 1], drafts)
    view_of = {id(view._page): view for view in views}
    nav = [_menu_item(view_of[id(choice.page)], choice.label) for choice in menu.items]
    _set_globals(env, chain, studio, site, mode, base_url, views, project, nav)
    return views, menu.warnings


def _menu_item(view: PageView, label: str | None) -> MenuItem:
    return MenuItem(label or view.title, view.url, view)


def render_views(env: jinja2.Environment, views: Iterable[PageView]) -> list[Output]:
    """The HTML of these pages, or one TemplateError naming every template mistake met."""
    outputs: list[Output] = []
    problems: dict[tuple, Diagnostic] = {}
    for view in views:
        try:
            template = _template_for(env, view._page)
            html = template.render(page=view)
        except _PageTemplateMissing as exc:
            problems[(exc.diagnostic,)] = exc.diagnostic
            continue
        except TEMPLATE_FAILURES as exc:
            diagnostic = _template_diagnostic(exc, env)
            problems[(diagnostic.path, diagnostic.line, diagnostic.message)] = diagnostic
            continue
        outputs.append(
            Output(view._page.output, html.encode("utf-8"), origin=view._page.source.rel)
        )
    if problems:
        raise TemplateError(problems.values())
    return outputs


def render_standalone(
    env: jinja2.Environment,
    chain: ThemeChain,
    studio: Studio,
    site: Site,
    mode: Mode,
    base_url: str,
    template: str,
    **context: Any,
) -> bytes:
    """A page outside the site's own, such as the one left where a retired demo was."""
    _set_globals(env, chain, studio, site, mode, base_url, [], None, [])
    return _render_named(env, template, **context).encode("utf-8")


def _set_globals(env, chain, studio, site, mode, base_url, views, project, nav) -> None:
    """What every template receives (themes/README.md lists it)."""
    base_path = site.demo.base_path if mode is Mode.DEMO else site.release.base_path
    site_view = SiteView(
        title=site.title,
        language=site.language,
        direction=site.direction,
        mode=mode.value,
        base_url=base_url,
        base_path=base_path,
        client=ClientView(site.client_name, site.client_email, site.client_contact or ""),
        params=dict(site.params),
        nav=nav,
        home=next((v for v in views if v.kind == "home"), None),
    )
    env.globals.update(
        site=site_view,
        studio=_studio_view(studio),
        url=lambda path="": path if "://" in path else base_path + path.lstrip("/"),
        t=_translator(chain, site.language),
        project=project,
        mailto=_mailto,
    )
    env.filters.update(
        money=lambda amount, currency: _money(amount, currency, _locale(site)),
        longdate=lambda day: format_date(day, format="long", locale=_locale(site)),
        daymonth=lambda day: format_date(day, format="d MMMM", locale=_locale(site)),
        tel=lambda phone: "tel:" + re.sub(r"[^\d+]", "", phone),
    )


def _studio_view(studio: Studio) -> StudioView:
    payment = (studio.payment or "").strip()
    link = "://" in payment  # the schema allows https links only; anything else is text
    return StudioView(
        studio.name,
        studio.email,
        studio.phone or "",
        studio.demo_domain,
        payment="" if link else payment,
        payment_url=payment if link else "",
    )


def _money(amount, currency: str, locale: str) -> Markup:
    """An amount that never breaks across lines ("د.إ." would, at its dots), isolated from
    the text around it so its digits and sign keep their order in a right-to-left sentence."""
    text = money.for_people(amount, currency, locale)
    return Markup('<bdi class="money">{}</bdi>').format(text)


def gate_renderer(env: jinja2.Environment) -> Callable[[str, str], bytes]:
    """Renders the locked page once and returns a function that fills in each page's payload:
    it is the same on every page but for it. Call after `site_views`, whose site, studio and
    strings it shares."""
    marker = "\x00sitegen-payload\x00"
    text = _render_named(env, LOCKED_TEMPLATE, payload=Markup(marker))
    if text.count(marker) != 1:
        raise TemplateError(
            Diagnostic(None, f"{LOCKED_TEMPLATE} must output {{{{ payload }}}} exactly once")
        )
    before, after = (part.encode("utf-8") for part in text.split(marker))

    def gate(path: str, payload_json: str) -> bytes:
        return before + payload_json.encode("utf-8") + after

    return gate


def gate_form(env: jinja2.Environment) -> bytes:
    """The gate's form and messages, fetched by a locked page that has no kept key."""
    return _render_named(env, GATE_TEMPLATE).encode("utf-8")


def _render_named(env: jinja2.Environment, name: str, **values) -> str:
    """A template by name, its mistakes reported as the pages' are."""
    try:
        return env.get_template(name).render(**values)
    except TEMPLATE_FAILURES as exc:
        raise TemplateError(_template_diagnostic(exc, env)) from None


def _link_views(pages: list[Page], per_page: int = DEFAULT_PER_PAGE) -> list[PageView]:
    index: dict[str, PageView] = {}
    children: dict[str, list[PageView]] = {}
    views = []
    for page in pages:
        view = PageView(page, index, children, per_page)
        views.append(view)
        if view.folder is not None and page.number == 1:
            index[view.folder] = view
    for view in views:
        section = pagination.listed_in(view._page)
        if section is not None:
            children.setdefault(section, []).append(view)
        elif view._page.number > 1:
            view._first = index[view.folder or ""]
    for members in children.values():
        members.sort(key=_page_order)
        for position, member in enumerate(members):
            member._place = (members, position)
    return views


def _page_order(view: PageView) -> tuple:
    return menus.page_order(view._page)


class _PageTemplateMissing(Exception):
    def __init__(self, diagnostic: Diagnostic):
        self.diagnostic = diagnostic


def _template_for(env: jinja2.Environment, page: Page) -> jinja2.Template:
    wanted = page.source.template
    if wanted is None:
        return env.select_template(DEFAULT_TEMPLATES[page.kind])
    try:
        return env.get_template(wanted)
    except jinja2.TemplateNotFound:
        line = _front_line(page.source.source)
        raise _PageTemplateMissing(
            Diagnostic(
                page.source.source,
                f"template '{wanted}' not found",
                line,
                hint="put it in the site's templates/ folder or in its theme's templates/",
            )
        ) from None


def _front_line(path: Path) -> int | None:
    """Where the page names its template; read only to point at a mistake."""
    try:
        return key_line(path.read_text("utf-8"), "template")
    except OSError:
        return None


def _template_diagnostic(exc: Exception, env: jinja2.Environment) -> Diagnostic:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        path = Path(exc.filename) if exc.filename else None
        return Diagnostic(path, f"template syntax error: {exc.message}", exc.lineno)
    if isinstance(exc, jinja2.TemplateNotFound):
        return Diagnostic(None, f"template '{exc.name}' not found", hint=_VARIABLES_HINT)
    frame = next(
        (
            f
            for f in reversed(traceback.extract_tb(exc.__traceback__))
            if f.filename.endswith((".html", ".xml", ".txt")) and Path(f.filename).is_file()
        ),
        None,
    )
    if frame is None:
        raise exc
    if isinstance(exc, jinja2.UndefinedError):
        message, hint = f"undefined variable: {exc.message}", _VARIABLES_HINT
    else:
        message, hint = f"template failed: {type(exc).__name__}: {exc}", None
    return Diagnostic(Path(frame.filename), message, frame.lineno, hint=hint)


def _translator(chain: ThemeChain, language: str):
    def translate(key: str, **values: Any) -> str:
        text = chain.translate(language, key)
        if text is None:
            raise jinja2.UndefinedError(
                f"no text for '{key}' in any theme's i18n/{language}.toml or i18n/en.toml"
            )
        if any(isinstance(v, Markup) for v in values.values()):
            return Markup.escape(text).format(**values)  # such as an amount from `money`
        return text.format(**values) if values else text

    return translate


def _mailto(address: str, subject: str = "", body: str = "") -> str:
    """A mailto: link with a prefilled subject and body, so a reply names what it is about."""
    query = urlencode(
        {k: v for k, v in (("subject", subject), ("body", body)) if v}, quote_via=quote
    )
    return f"mailto:{address}" + (f"?{query}" if query else "")


def _locale(site: Site) -> str:
    return site.language.replace("-", "_")


def _isodate(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.isoformat() if isinstance(value, dt.date) else ""
