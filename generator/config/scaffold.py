"""`sitegen new`: a client folder that builds at once, with a strong generated demo password."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from sitegen.cache import folders
from sitegen.config.load import RTL_LANGUAGES
from sitegen.config.schema import LANGUAGE, SITE_SCHEMA
from sitegen.demo import salt
from sitegen.errors import ConfigError
from sitegen.model import Diagnostic, Studio

# No 0/O, 1/l/I: the client types this password, often read from a phone.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_CLIENT_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")

SITE_TOML = """\
# {title} — sitegen site configuration. Every key is described in the README.

[client]
name = "{name}"
email = "{email}"
# contact = "Person to talk to"

[site]
title = "{title}"
language = "{language}"          # "ar" lays the site out right-to-left
{direction_line}
# theme = "{theme}"            # default: the studio's theme in sitegen.toml
# base_path = "/"              # URL path of the released site on the client's domain
# per_page = 50                # entries on each page of the home and section lists

[demo]
# subdomain = "{client}"        # the demo is at https://{client}.{demo_domain}/
# A strong generated password. In a shared repository use password_env = "VAR_NAME"
# instead and keep the password in that environment variable.
password = "{password}"

[release]
# domain = "www.example.com"     # the client's own domain
# target = "s3://www.example.com/"

# Set each milestone's price in amount: the client sees it on the status page.
[[milestones]]
id = "deposit"
title = "{deposit}"
share = 30
amount = 0
currency = "EUR"
due = {today}
state = "planned"
paid = false

[[milestones]]
id = "handover"
title = "{handover}"
share = 70
amount = 0
currency = "EUR"
due = {today}
state = "planned"
paid = false
"""

HOME_MD = """\
---
title: {home_title}
description: {home_description}
---

{home_body}
"""

ABOUT_MD = """\
---
title: {about_title}
weight: 10
---

{about_body}
"""

# The scaffold's words in the client's language: English text in a right-to-left page puts
# its punctuation on the wrong side. Other languages start from English.
TEXTS = {
    "en": {
        "home_title": "Welcome",
        "home_description": "The home page of {name}.",
        "home_body": "This is the home page of **{name}**. Edit "
        "`sites/{client}/content/_index.md`.\n\nRead more [about us](about.md).",
        "about_title": "About",
        "about_body": "A second page. Pages are Markdown files in `content/`; `about.md` "
        "becomes `/about/`.",
        "deposit": "Deposit",
        "handover": "Final payment and handover",
    },
    "ar": {
        "home_title": "أهلاً وسهلاً",
        "home_description": "الصفحة الرئيسية لموقع {name}.",
        "home_body": "هذه هي الصفحة الرئيسية لموقع **{name}**. عدّل الملف "
        "`sites/{client}/content/_index.md`.\n\nاقرأ المزيد [عنّا](about.md).",
        "about_title": "من نحن",
        "about_body": "صفحة ثانية. الصفحات ملفات Markdown في المجلد `content/`، "
        "والملف `about.md` يصبح `/about/`.",
        "deposit": "دفعة مقدّمة",
        "handover": "الدفعة الأخيرة وتسليم الموقع",
    },
}


@dataclass(frozen=True)
class NewClient:
    folder: Path
    password: str


def generate_password(groups: int = 4, size: int = 4) -> str:
    """About 93 bits of randomness, in groups the client can type: 'k7Qm-4Vxz-9Rtp-Hw2c'."""
    return "-".join(
        "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(size)) for _ in range(groups)
    )


def new_client(
    studio: Studio, client: str, name: str | None, email: str, language: str | None
) -> NewClient:
    """Everything is checked before the folder is made: a refused client leaves nothing."""
    import datetime as dt

    language = language or studio.language
    _check(studio, client, email, language)
    folder = studio.sites_dir / client
    password = generate_password()
    name = name or client.replace("-", " ").title()
    rtl = language.split("-")[0] in RTL_LANGUAGES
    words = TEXTS.get(language.split("-")[0], TEXTS["en"])
    texts = {key: text.format(name=name, client=client) for key, text in words.items()}
    for key in ("home_title", "home_description", "about_title"):  # front matter values
        texts[key] = _yaml_safe(texts[key])
    values = {
        **texts,
        "client": client,
        "name": _toml_text(name),
        "email": _toml_text(email),
        "title": _toml_text(name),
        "language": _toml_text(language),
        "direction_line": 'direction = "rtl"               # right to left'
        if rtl
        else '# direction = "ltr"       # derived from the language; set to override',
        "deposit": _toml_text(texts["deposit"]),
        "handover": _toml_text(texts["handover"]),
        "theme": studio.theme,
        "demo_domain": studio.demo_domain.split("://")[-1],
        "password": password,
        "today": dt.date.today().isoformat(),
    }
    (folder / "content").mkdir(parents=True)
    (folder / "assets").mkdir()
    (folder / "site.toml").write_text(SITE_TOML.format(**values), encoding="utf-8")
    (folder / "content" / "_index.md").write_text(HOME_MD.format(**values), encoding="utf-8")
    (folder / "content" / "about.md").write_text(ABOUT_MD.format(**values), encoding="utf-8")
    # The demo's salt, committed with the site from the start (keystore says why).
    salt.demo_key(folders.of(studio).root, client, password, folder)
    return NewClient(folder, password)


def _check(studio: Studio, client: str, email: str, language: str) -> None:
    """Every problem with the new client's values, at once."""
    problems = []
    if not _CLIENT_NAME.match(client):
        hint = "use lowercase letters, digits and '-' (it becomes the demo subdomain)"
        problems.append(Diagnostic(None, f"'{client}' cannot be a client folder name", hint=hint))
    elif (studio.sites_dir / client).exists():
        folder = studio.sites_dir / client
        problems.append(Diagnostic(folder, "this client already exists", hint="pick another name"))
    for option, value, key in (("--language", language, "language"), ("--email", email, None)):
        spec = LANGUAGE if key else SITE_SCHEMA["client"]["email"]
        message = spec.check(value) if spec.check else None
        if message:
            problems.append(Diagnostic(None, f"{option} {message}"))
    if problems:
        raise ConfigError(problems)


def _yaml_safe(text: str) -> str:
    """Front matter values are plain YAML: quote one holding ': ' or starting oddly."""
    if ": " in text or " #" in text or text.startswith(tuple("{[&*!|>'\"%@`#-?:,")):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def _toml_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')
