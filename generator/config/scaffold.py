"""`sitegen new`: a client folder that builds at once, with a strong generated demo password."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from sitegen.config.load import RTL_LANGUAGES
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
# direction = "{direction}"       # derived from the language; set to override
# theme = "{theme}"            # default: the studio's theme in sitegen.toml
# base_path = "/"              # URL path of the released site on the client's domain

[demo]
# subdomain = "{client}"        # the demo is at https://{client}.{demo_domain}/
# A strong generated password. In a shared repository use password_env = "VAR_NAME"
# instead and keep the password in that environment variable.
password = "{password}"

[release]
# domain = "www.example.com"     # the client's own domain
# target = "s3://www.example.com/"

[[milestones]]
id = "deposit"
title = "Deposit"
share = 30
amount = 0
currency = "EUR"
due = {today}
state = "planned"
paid = false

[[milestones]]
id = "handover"
title = "Final payment and handover"
share = 70
amount = 0
currency = "EUR"
due = {today}
state = "planned"
paid = false
"""

HOME_MD = """\
---
title: Welcome
description: The home page of {name}.
---

This is the home page of **{name}**. Edit `sites/{client}/content/_index.md`.

Read more [about us](about.md).
"""

ABOUT_MD = """\
---
title: About
weight: 10
---

A second page. Pages are Markdown files in `content/`; `about.md` becomes `/about/`.
"""


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
    import datetime as dt

    if not _CLIENT_NAME.match(client):
        raise ConfigError(
            Diagnostic(
                None,
                f"'{client}' cannot be a client folder name",
                hint="use lowercase letters, digits and '-' (it becomes the demo subdomain)",
            )
        )
    folder = studio.sites_dir / client
    if folder.exists():
        raise ConfigError(
            Diagnostic(folder, "this client already exists", hint="pick another name")
        )
    language = language or studio.language
    password = generate_password()
    name = name or client.replace("-", " ").title()
    values = {
        "client": client,
        "name": _toml_text(name),
        "email": _toml_text(email),
        "title": _toml_text(name),
        "language": _toml_text(language),
        "direction": "rtl" if language.split("-")[0] in RTL_LANGUAGES else "ltr",
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
    salt.demo_key(studio.build_dir / ".cache", client, password, folder)
    return NewClient(folder, password)


def _toml_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')
