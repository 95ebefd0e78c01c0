"""What `sitegen.toml` and `site.toml` may contain: every table, key, type and value check.

This module does no I/O; `load` applies it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from sitegen.config.tomlcheck import Key
from sitegen.errors import did_you_mean

MILESTONE_STATES = ("planned", "in-progress", "delivered", "approved")

_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_HOST = re.compile(r"^(https?://)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}\.?$", re.I)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _matches(pattern: re.Pattern[str], wanted: str):
    return lambda value: None if pattern.match(value) else f"must be {wanted}, not '{value}'"


def _one_of(*choices: str):
    def check(value: str) -> str | None:
        if value in choices:
            return None
        hint = did_you_mean(value, choices)
        return f"must be one of {', '.join(choices)}, not '{value}'" + (
            f" ({hint})" if hint else ""
        )

    return check


def _base_path(value: str) -> str | None:
    if not value.startswith("/") or any(c in value for c in "?# \\") or "/../" in value + "/":
        return f"must be a URL path like '/' or '/shop/', not '{value}'"
    return None


def _between(low: int, high: int):
    return lambda value: None if low <= value <= high else f"must be from {low} to {high}"


def _at_least(low: int):
    return lambda value: None if value >= low else f"must be {low} or more, not {value}"


def _globs(value: list) -> str | None:
    if all(isinstance(v, str) and v and not v.startswith("/") for v in value):
        return None
    return 'must be a list of paths relative to the site folder, like "assets/logo.svg"'


def _target(value: str) -> str | None:
    if value.startswith(("s3://", "file:")):
        return None
    return f"must be a target like s3://BUCKET/PREFIX/ or file:PATH, not '{value}'"


def _email(value: str) -> str | None:
    return None if re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value) else "must be an email address"


def _web_url(value: str) -> str | None:
    if re.match(r"^(https?://|mailto:)[^\s]+$", value):
        return None
    return "must be a web address starting with https://"


def _https_url(value: str) -> str | None:
    if re.match(r"^https://[^\s/]+\S*$", value):
        return None
    return f"must be a web address starting with https://, not '{value}'"


def _payment(value: str) -> str | None:
    """A payment link (https only: the client types card details there), or bank details."""
    if not value.strip():
        return "must not be blank: a payment link, or bank details as text"
    if re.match(r"^\S+://", value.strip()):
        return _https_url(value.strip())
    return None


def _currency(value: str) -> str | None:
    from babel.numbers import is_currency

    if is_currency(value):
        return None
    hint = did_you_mean(value.upper(), ("EUR", "USD", "GBP", "AED", "SAR", "EGP", "CHF"))
    return f"is not an ISO 4217 currency code: '{value}'" + (f" ({hint})" if hint else "")


def _not_negative(value: Decimal) -> str | None:
    return "must not be negative" if value < 0 else None


def _share(value: Decimal) -> str | None:
    return None if 0 < value <= 100 else "must be a percentage between 0 and 100"


LANGUAGE = Key(str, check=_matches(_LANGUAGE, "a language code like 'en' or 'ar'"))

STUDIO_SCHEMA = {
    "name": Key(str, required=True),
    "email": Key(str, required=True, check=_email),
    "phone": Key(str),
    "payment": Key(str, check=_payment),
    "demo_days": Key(int, check=_between(1, 3650)),
    "demo_domain": Key(str, required=True, check=_matches(_HOST, "a host name")),
    "theme": Key(str),
    "language": LANGUAGE,
    "demo_target": Key(str, check=_target),
    "bundle_target": Key(str, check=_target),
}

FEEDBACK_SCHEMA = {
    "enabled": Key(bool),
    "days": Key(int, check=_between(1, 365)),
    "profile": Key(str, check=_matches(re.compile(r"^[\w.+=@-]+$"), "an AWS profile name")),
}

SITE_SCHEMA = {
    "client": {
        "name": Key(str, required=True),
        "email": Key(str, required=True, check=_email),
        "contact": Key(str),
    },
    "site": {
        "title": Key(str, required=True),
        "theme": Key(str),
        "language": LANGUAGE,
        "direction": Key(str, check=_one_of("ltr", "rtl")),
        "base_path": Key(str, check=_base_path),
        "menu": Key(list),
        "per_page": Key(int, check=_at_least(1)),
    },
    "demo": {
        "subdomain": Key(str, check=_matches(_DNS_LABEL, "a DNS label like 'acme'")),
        "password": Key(str),
        "password_env": Key(str, check=_matches(_ENV_NAME, "an environment variable name")),
        "base_path": Key(str, check=_base_path),
        "preview_size": Key(int, check=_between(200, 4000)),
        "preview_quality": Key(int, check=_between(20, 95)),
        "proof_pages": Key(int, check=_between(1, 500)),
        "public": Key(list, check=_globs),
        "downloads": Key(list, check=_globs),
        "expires": Key(dt.date),
    },
    "release": {
        "domain": Key(str, check=_matches(_HOST, "a host name like 'www.example.com'")),
        "target": Key(str, check=_target),
        "base_path": Key(str, check=_base_path),
    },
    "params": None,
    "milestones": None,
    "client_tasks": None,
}

MILESTONE_SCHEMA = {
    "id": Key(str, required=True, check=_matches(_ID, "letters, digits, '-' or '_'")),
    "title": Key(str, required=True),
    "share": Key(Decimal, required=True, check=_share),
    "amount": Key(Decimal, required=True, check=_not_negative),
    "currency": Key(str, required=True, check=_currency),
    "due": Key(dt.date, required=True),
    "state": Key(str, required=True, check=_one_of(*MILESTONE_STATES)),
    "paid": Key(bool),
    "paid_on": Key(dt.date),
    "ref": Key(str),
    "invoice_url": Key(str, check=_web_url),
    "pay_url": Key(str, check=_https_url),
    "notes": Key(str),
}

TASK_KINDS = ("contract", "brief", "content", "approval", "other")
TASK_SCHEMA = {
    "title": Key(str, required=True),
    "kind": Key(str, check=_one_of(*TASK_KINDS)),
    "link": Key(str, check=_web_url),
    "due": Key(dt.date),
    "done": Key(bool),
}
