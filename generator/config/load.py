"""`sitegen.toml` and `sites/CLIENT/site.toml` into `Studio` and `Site`.

Every key is checked and every problem reported at once, as MkDocs does, so a user fixes a
file in one pass instead of one error per run."""

from __future__ import annotations

import os
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sitegen.config.menuconfig import menu_entries
from sitegen.config.schema import (
    FEEDBACK_SCHEMA,
    MILESTONE_SCHEMA,
    SITE_SCHEMA,
    STUDIO_SCHEMA,
    TASK_SCHEMA,
)
from sitegen.config.tomlcheck import TableChecker, read_toml
from sitegen.errors import ConfigError, did_you_mean
from sitegen.model import (
    DEFAULT_PER_PAGE,
    ClientTask,
    DemoSettings,
    Diagnostic,
    FeedbackSettings,
    Milestone,
    Mode,
    ReleaseSettings,
    Site,
    Studio,
)
from sitegen.render import themefolders

STUDIO_FILE = "sitegen.toml"
SITE_FILE = "site.toml"
SITE_FOLDERS = ("content", "assets", "updates", "templates")  # what a build reads besides SITE_FILE
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"})


def find_root(start: Path) -> Path:
    """The folder holding `sitegen.toml`: `start` or its nearest parent, like git finds `.git`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / STUDIO_FILE).is_file():
            return folder
    raise ConfigError(
        Diagnostic(
            None,
            f"no {STUDIO_FILE} in {start} or any folder above it",
            hint="run sitegen inside a sitegen project, or pass --root PATH",
        )
    )


def load_studio(root: Path) -> Studio:
    path = root / STUDIO_FILE
    text, data = _read(path)
    return Studio(root=root, **studio_values(path, text, data))


def studio_values(path: Path, text: str, data: dict[str, Any]) -> dict[str, Any]:
    """The [studio] values of a sitegen.toml already parsed; ConfigError naming every problem.
    `sitegen init` checks the file it is about to write with it."""
    checker = TableChecker(path, text)
    for table in data:
        if table not in ("studio", "feedback"):
            hint = "sitegen.toml has [studio] and [feedback]"
            checker.problem(f"unknown table [{table}]", table, hint=hint)
    values = checker.check_table(data.get("studio", {}), "studio", STUDIO_SCHEMA)
    if "feedback" in data:
        found = checker.check_table(data["feedback"], "feedback", FEEDBACK_SCHEMA)
        values["feedback"] = FeedbackSettings(**found)
    if "studio" not in data:
        checker.problems.append(Diagnostic(path, "missing table [studio]", 1))
    if checker.problems:
        raise ConfigError(checker.problems)
    return values


def list_clients(studio: Studio) -> list[str]:
    """Client folder names under `sites/`: those holding a `site.toml`."""
    if not studio.sites_dir.is_dir():
        return []
    return sorted(
        p.name
        for p in studio.sites_dir.iterdir()
        if (p / SITE_FILE).is_file() and not p.name.startswith((".", "_"))
    )


def not_clients(studio: Studio) -> list[Diagnostic]:
    """A warning for each folder in `sites/` that `list_clients` skips for want of a site.toml:
    the user meant it as a client, or it should not be there."""
    if not studio.sites_dir.is_dir():
        return []
    return [
        Diagnostic(
            folder,
            f"no {SITE_FILE} in this folder, so it is not a client: skipped",
            hint=f"add a {SITE_FILE} (`sitegen new` writes one for a new folder), "
            "or move the folder out of sites/",
        )
        for folder in sorted(studio.sites_dir.iterdir())
        if folder.is_dir()
        and not (folder / SITE_FILE).is_file()
        and not folder.name.startswith((".", "_"))
    ]


def load_site(studio: Studio, name: str) -> Site:
    folder = studio.sites_dir / name
    linked = _linked_folders(folder)
    if linked:
        raise ConfigError(linked)
    path = folder / SITE_FILE
    text, data = _read(path)
    checker = TableChecker(path, text)
    tables: dict[str, dict[str, Any]] = {}
    for table, value in data.items():
        if table not in SITE_SCHEMA:
            hint = did_you_mean(table, SITE_SCHEMA) or "tables: " + ", ".join(SITE_SCHEMA)
            checker.problem(f"unknown table [{table}]", table, hint=hint)
        elif SITE_SCHEMA[table] is not None:
            tables[table] = checker.check_table(value, table, SITE_SCHEMA[table])
    for required in ("client", "site"):
        if required not in data:
            checker.problems.append(Diagnostic(path, f"missing table [{required}]", 1))
    params = data.get("params", {})
    if not isinstance(params, dict):
        checker.problem("[params] must be a table", "params")
        params = {}
    milestones = _milestones(checker, data.get("milestones", []))
    tasks = _client_tasks(checker, data.get("client_tasks", []))
    site = tables.get("site", {})
    menu = menu_entries(checker, site.get("menu"))
    demo = tables.get("demo", {})
    if "password" in demo and "password_env" in demo:
        checker.problem(
            "[demo] has both 'password' and 'password_env'",
            "demo",
            "password_env",
            hint="keep one: password_env keeps the password out of the repository",
        )
    theme = site.get("theme", studio.theme)
    folders = themefolders.theme_folders(studio)
    if themefolders.find_theme(folders, theme) is None:
        available = themefolders.available_themes(folders)
        hint = did_you_mean(theme, available) or "available themes: " + ", ".join(available)
        checker.problem(f"theme '{theme}' not found in themes/", "site", "theme", hint=hint)
    if checker.problems:
        raise ConfigError(checker.problems)
    language = site.get("language", studio.language)
    client = tables["client"]
    return Site(
        name=name,
        path=folder,
        client_name=client["name"],
        client_email=client["email"],
        client_contact=client.get("contact"),
        title=site["title"],
        theme=theme,
        language=language,
        direction=site.get("direction", _direction(language)),
        demo=DemoSettings(
            subdomain=demo.get("subdomain", name.lower()),
            base_path=_slashed(demo.get("base_path", "/")),
            password=_password(demo),
            password_env=demo.get("password_env"),
            preview_size=demo.get("preview_size", 1200),
            preview_quality=demo.get("preview_quality", 60),
            proof_pages=demo.get("proof_pages", 40),
            public=tuple(demo.get("public", ())),
            downloads=tuple(demo.get("downloads", ())),
            expires=demo.get("expires"),
        ),
        release=ReleaseSettings(
            domain=tables.get("release", {}).get("domain"),
            target=tables.get("release", {}).get("target"),
            base_path=_slashed(site.get("base_path", "/")),
        ),
        milestones=milestones,
        client_tasks=tasks,
        params=MappingProxyType(dict(params)),
        menu=menu,
        per_page=site.get("per_page", DEFAULT_PER_PAGE),
    )


WEAK_PASSWORD_LENGTH = 12


def demo_password(site: Site) -> tuple[str, list[Diagnostic]]:
    """The demo password and any warning about it; a demo without one is an error."""
    path = site.config_path

    def line_of(key: str | None) -> int | None:  # read only when there is something to say
        return TableChecker(path, path.read_text("utf-8")).line_of("demo", key)

    if site.demo.password is None:
        if site.demo.password_env:
            message = f"environment variable {site.demo.password_env} is not set"
            hint = 'set it to the demo password, or write password = "..." in [demo]'
            line = line_of("password_env")
        else:
            message = "the demo has no password: a demo is never published open"
            hint = 'add password_env = "VAR" or password = "..." to [demo]'
            line = line_of(None)
        raise ConfigError(Diagnostic(path, message, line, hint=hint))
    if not site.demo.password.strip():
        if site.demo.password_env:
            message = f"environment variable {site.demo.password_env} is empty"
            line = line_of("password_env")
        else:
            message = "the demo password is empty"
            line = line_of("password")
        raise ConfigError(
            Diagnostic(
                path,
                message + ": anyone could open the demo",
                line,
                hint="set a password of 12 or more characters with digits; "
                "`sitegen new` makes strong ones",
                show_line=False,
            )
        )
    warnings = []
    if len(site.demo.password) < WEAK_PASSWORD_LENGTH or site.demo.password.isalpha():
        warnings.append(
            Diagnostic(
                path,
                "the demo password is weak: anyone who guesses it sees the whole demo",
                line_of("password"),
                hint="use 12 or more characters with digits; `sitegen new` makes strong ones",
                show_line=False,
            )
        )
    return site.demo.password, warnings


def unpriced_milestones(site: Site) -> list[Diagnostic]:
    """A warning for each milestone still at amount 0, as `sitegen new` writes them: the
    client would read a price of nothing on the status page."""
    free = [(index, m) for index, m in enumerate(site.milestones) if m.amount == 0]
    if not free:
        return []
    path = site.config_path
    checker = TableChecker(path, path.read_text("utf-8"))
    return [
        Diagnostic(
            path,
            f"milestone '{milestone.id}' has amount 0: the client sees a price of 0.00",
            checker.line_of("milestones[]", "amount", index),
            hint="set the milestone's price in amount",
        )
        for index, milestone in free
    ]


def site_base_url(studio: Studio, site: Site, mode: Mode) -> str:
    """Absolute URL of the site's root in this build: the demo subdomain or the client's domain."""
    if mode is Mode.DEMO:
        scheme, _, host = studio.demo_domain.rpartition("://")
        host = f"{site.demo.subdomain}.{host.rstrip('.')}"
        return f"{scheme or 'https'}://{host}{site.demo.base_path}"
    if site.release.domain is None:
        return site.release.base_path
    return f"https://{site.release.domain}{site.release.base_path}"


def _milestones(checker: TableChecker, items: Any) -> tuple[Milestone, ...]:
    if not isinstance(items, list):
        checker.problem("milestones must be written as [[milestones]] tables", "milestones")
        return ()
    found: list[Milestone] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        label = f"[[milestones]] #{index + 1}"
        values = checker.check_table(item, "milestones[]", MILESTONE_SCHEMA, index, label)
        if "id" in values:
            if values["id"] in seen:
                checker.problem(
                    f"milestone id '{values['id']}' is used twice",
                    "milestones[]",
                    "id",
                    index,
                    hint="give every milestone its own id",
                )
            seen.add(values["id"])
        if values.get("paid_on") and not values.get("paid"):
            checker.problem(
                f"{label} has paid_on but is not paid",
                "milestones[]",
                "paid_on",
                index,
                hint="set paid = true, or remove paid_on (sitegen pay does both)",
            )
        if all(key in values for key, spec in MILESTONE_SCHEMA.items() if spec.required):
            found.append(Milestone(**values))
    currencies = sorted({m.currency for m in found})
    if len(currencies) > 1:
        checker.problem(
            f"milestones use several currencies: {', '.join(currencies)}",
            "milestones[]",
            "currency",
            hint="bill one project in one currency, so totals add up",
        )
    if found and len(found) == len(items):
        total = sum(m.share for m in found)
        if total != 100:
            checker.problem(
                f"milestone shares add up to {total}%, not 100%",
                "milestones[]",
                "share",
                hint="the shares are parts of the whole project; adjust them to total 100",
            )
    return tuple(found)


def _client_tasks(checker: TableChecker, items: Any) -> tuple[ClientTask, ...]:
    if not isinstance(items, list):
        checker.problem("client tasks must be written as [[client_tasks]] tables", "client_tasks")
        return ()
    found = []
    for index, item in enumerate(items):
        label = f"[[client_tasks]] #{index + 1}"
        values = checker.check_table(item, "client_tasks[]", TASK_SCHEMA, index, label)
        if "title" in values:
            found.append(ClientTask(**values))
    return tuple(found)


def _linked_folders(folder: Path) -> list[Diagnostic]:
    """A client folder that is a link, or an input folder linking out of it, would carry files
    from elsewhere into the demo and the release: refused. Links inside are `sitepages.walk`'s."""
    hint = "replace the link with the folder itself: move or copy it into {}"
    if folder.is_symlink():
        message = f"the client folder is a symlink, to {folder.resolve()}"
        return [Diagnostic(folder, message, hint=hint.format("sites/"))]
    problems = []
    for name in SITE_FOLDERS:
        path = folder / name
        if path.is_symlink() and not path.resolve().is_relative_to(folder.resolve()):
            message = f"{name}/ is a symlink leading outside the client folder, to {path.resolve()}"
            problems.append(Diagnostic(path, message, hint=hint.format(f"sites/{folder.name}/")))
    return problems


def _read(path: Path) -> tuple[str, dict[str, Any]]:
    result = read_toml(path)
    if isinstance(result, Diagnostic):
        raise ConfigError(result)
    return result


def _password(demo: dict[str, Any]) -> str | None:
    """The demo password: written in site.toml, or read from the environment variable named."""
    if "password_env" in demo:
        return os.environ.get(demo["password_env"])  # set but empty: an error in demo_password
    return demo.get("password")


def _direction(language: str) -> str:
    return "rtl" if language.split("-")[0] in RTL_LANGUAGES else "ltr"


def _slashed(path: str) -> str:
    return path if path.endswith("/") else path + "/"
