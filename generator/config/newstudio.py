"""`sitegen init`: a studio of one's own, a commented `sitegen.toml` and an empty `sites/`, so a
new user never builds their clients' demos under the example studio's name; and the warning
for a studio that still carries the example's values."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from sitegen.config.load import STUDIO_FILE, studio_values
from sitegen.config.tomlcheck import TableChecker
from sitegen.errors import ConfigError
from sitegen.model import Diagnostic, Studio

# The example studio of sitegen's own repository: demos built under these values show a
# studio that is not the user's to their clients.
EXAMPLE_STUDIO = {
    "name": "Northwind Studio",
    "email": "hello@northwind.example",
    "demo_domain": "demo.northwind.example",
}

STUDIO_TOML = """\
# sitegen studio configuration.
#
# One file per studio: it describes the studio that builds and hosts the client sites under
# sites/. Each client's own settings live in sites/CLIENT/site.toml (`sitegen new CLIENT`).

[studio]
# Studio name, shown on demo pages, the demo password gate and the status page. Required.
name = "{name}"

# Where clients reach the studio (demo banner, status page, password gate). Required.
email = "{email}"

# Phone number shown next to the email address. Optional: leave it out to show none.
{phone_line}

# Host the password-protected demos are published under: a client's demo is served from
# SUBDOMAIN.demo_domain, e.g. acme.{demo_domain}. A plain host name, optionally
# prefixed with https://. Required.
demo_domain = "{demo_domain}"

# Theme a site uses when its site.toml sets none: "default" ships with sitegen; a folder
# themes/NAME here replaces or extends it.
theme = "default"

# Language a site uses when its site.toml sets none (a language code such as "en" or "ar").
language = "en"

# Where `sitegen publish` uploads the demos. Optional: by default they go to
# build/_published/demo/CLIENT/ on this machine, so the whole flow works offline.
# {{client}} is the client's folder name, {{subdomain}} its demo subdomain.
# demo_target = "s3://{bare_domain}/{{client}}/"
# demo_target = "s3://{{subdomain}}.{bare_domain}/?region=eu-west-1"

# Where `sitegen handover --bundle` uploads the zip of a handed-over site. Optional.
# bundle_target = "s3://my-handover-bundles/"

# Change requests from the demos (`sitegen feedback`). With enabled = true and an s3://
# demo_target with a prefix of its own, each publish lets the client's browser store notes
# under feedback/CLIENT/ of the demo bucket for `days` days; otherwise "Send" opens an email.
# deploy/README.md shows the bucket's CORS rule and the signing identity's policy.
# [feedback]
# enabled = true
# days = 30
# profile = "sitegen-feedback"
"""


@dataclass(frozen=True)
class StudioAnswers:
    name: str
    email: str
    demo_domain: str
    phone: str | None = None


def new_studio(folder: Path, answers: StudioAnswers) -> Path:
    """Write FOLDER/sitegen.toml and an empty FOLDER/sites/; the path of sitegen.toml.
    Checked in full before anything is written; an existing sitegen.toml is never replaced."""
    path = folder / STUDIO_FILE
    if path.exists():
        raise ConfigError(
            Diagnostic(
                path,
                "a studio is already set up here",
                hint="edit this sitegen.toml, or run `sitegen init` in another folder",
            )
        )
    text = studio_toml(answers)
    studio_values(path, text, tomllib.loads(text))  # the same checks a build makes
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sites").mkdir(exist_ok=True)
    with path.open("x", encoding="utf-8") as fh:  # "x": never over a file made meanwhile
        fh.write(text)
    return path


def studio_toml(answers: StudioAnswers) -> str:
    phone = answers.phone.strip() if answers.phone else ""
    return STUDIO_TOML.format(
        name=_toml_text(answers.name.strip()),
        email=_toml_text(answers.email.strip()),
        phone_line=f'phone = "{_toml_text(phone)}"' if phone else '# phone = "+1 555 0100"',
        demo_domain=_toml_text(answers.demo_domain.strip()),
        bare_domain=answers.demo_domain.strip().split("://")[-1],
    )


def default_demo_domain(email: str) -> str:
    """`demo.` and the domain of the studio's email: hello@kareem.design → demo.kareem.design."""
    domain = email.rpartition("@")[2].strip().lower()
    return f"demo.{domain}" if domain else "demo.studio.example"


def example_values(studio: Studio) -> Diagnostic | None:
    """A warning when the studio still shows the example studio's name, email or domain."""
    found = [
        key
        for key, value in EXAMPLE_STUDIO.items()
        if getattr(studio, key).split("://")[-1].rstrip(".") == value
    ]
    if not found:
        return None
    path = studio.root / STUDIO_FILE
    line = TableChecker(path, path.read_text("utf-8")).line_of("studio", found[0])
    shown = ", ".join(f"{key} '{EXAMPLE_STUDIO[key]}'" for key in found)
    return Diagnostic(
        path,
        f"this is the example studio ({shown}): clients would see it on their demos",
        line,
        hint="for your own clients, start a studio of your own with `sitegen init FOLDER`, "
        "or put your studio's values here",
    )


def _toml_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')
