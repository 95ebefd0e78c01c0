"""Pages through the theme chain's Jinja2 templates into HTML bytes.

Reads templates only. Template mistakes come back as diagnostics naming the template file and
line, collected over all pages and reported once per place. What a template sees of a page is
in `pageviews`, what every template receives besides in `templateglobals`."""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from sitegen.content.frontmatter import key_line
from sitegen.content.sitepages import walk
from sitegen.errors import TemplateError
from sitegen.model import Diagnostic, Mode, Output, Page, Site, Studio
from sitegen.render import menus
from sitegen.render.jinjaenv import PublicEnvironment
from sitegen.render.pageviews import MenuItem, PageView, link_views
from sitegen.render.templateglobals import set_globals
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
    views = link_views(pages, site.per_page)
    menu = menus.main_menu(site, [p for p in pages if p.number == 1], drafts)
    view_of = {id(view._page): view for view in views}
    nav = [_menu_item(view_of[id(choice.page)], choice.label) for choice in menu.items]
    set_globals(env, chain, studio, site, mode, base_url, views, project, nav)
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
    set_globals(env, chain, studio, site, mode, base_url, [], None, [])
    return _render_named(env, template, **context).encode("utf-8")


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


def _isodate(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.isoformat() if isinstance(value, dt.date) else ""
