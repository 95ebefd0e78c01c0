"""What every template receives besides its page (themes/README.md lists it): the site, the
studio, the project, `url`, `t`, `mailto` and the filters that follow the site's language."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from babel.dates import format_date
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from sitegen.model import Mode, Site, Studio
from sitegen.payments import money
from sitegen.render.pageviews import MenuItem, PageView
from sitegen.render.themes import ThemeChain


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


def set_globals(env, chain, studio, site, mode, base_url, views, project, nav) -> None:
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
    translate = _translator(chain, site.language)
    env.globals.update(
        site=site_view,
        studio=_studio_view(studio),
        url=lambda path="": path if "://" in path else base_path + path.lstrip("/"),
        t=translate,
        project=project,
        mailto=_mailto,
        feedback_setup=_feedback_setup(env, translate, base_path, site.title, studio.email),
    )
    env.filters.update(
        money=lambda amount, currency: _money(amount, currency, _locale(site)),
        longdate=lambda day: format_date(day, format="long", locale=_locale(site)),
        daymonth=lambda day: format_date(day, format="d MMMM", locale=_locale(site)),
        tel=lambda phone: "tel:" + re.sub(r"[^\d+]", "", phone),
    )


_FEEDBACK_KEYS = (
    *("pointing", "cancel", "form_title", "note", "urgent", "send", "sent", "failed"),
    *("failed_email", "empty", "by_email", "mail_page", "mail_element", "mail_urgent"),
    *("yes", "no", "missing"),
)


def _feedback_setup(env, translate, base_path: str, title: str, email: str) -> Markup:
    """The change-request script's settings as JSON, made once a build: the same on every
    page, and some twenty texts to look up (as `tojson` would write them in a template)."""
    text: dict[str, Any] = {
        "mail_subject": translate("feedback_mail_subject", site=title),
        "states": {s: translate(f"feedback_state_{s}") for s in ("sent", "seen", "done")},
    }
    text.update({key: translate(f"feedback_{key}") for key in _FEEDBACK_KEYS})
    setup = {"base": base_path, "email": email, "text": text}
    dumps = env.policies["json.dumps_function"]
    return htmlsafe_json_dumps(setup, dumps=dumps, **env.policies["json.dumps_kwargs"])


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


def _translator(chain: ThemeChain, language: str):
    def translate(key: str, **values: Any) -> str:
        text = chain.translate(language, key)
        if text is None:
            raise jinja2.UndefinedError(
                f"no text for '{key}' in any theme's i18n/{language}.toml or i18n/en.toml"
            )
        if not values:  # most calls: a page asks for some thirty texts
            return text
        if any(isinstance(v, Markup) for v in values.values()):
            return Markup.escape(text).format(**values)  # such as an amount from `money`
        return text.format(**values)

    return translate


def _mailto(address: str, subject: str = "", body: str = "") -> str:
    """A mailto: link with a prefilled subject and body, so a reply names what it is about."""
    query = urlencode(
        {k: v for k, v in (("subject", subject), ("body", body)) if v}, quote_via=quote
    )
    return f"mailto:{address}" + (f"?{query}" if query else "")


def _locale(site: Site) -> str:
    return site.language.replace("-", "_")
