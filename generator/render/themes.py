"""Resolve a theme and its ancestors into one chain: template folders, static files, strings.

Themes are found in the folders `themefolders` names. Reads theme folders only; a theme that
is missing or extends itself is a ThemeError."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from sitegen.config.tomlcheck import Key, TableChecker, read_toml
from sitegen.content.sitepages import walk
from sitegen.errors import ThemeError, did_you_mean
from sitegen.model import Diagnostic, StaticFile
from sitegen.render.themefolders import available_themes, find_theme

ROOT_THEME = "base"
THEME_SCHEMA = {"name": Key(str), "extends": Key(str), "description": Key(str)}


@dataclass(frozen=True)
class Theme:
    name: str
    path: Path

    @property
    def templates_dir(self) -> Path:
        return self.path / "templates"


@dataclass(frozen=True)
class ThemeChain:
    """A theme and its ancestors, child first; lookups go down this list."""

    themes: tuple[Theme, ...]
    strings: MappingProxyType[str, MappingProxyType[str, str]]
    static: tuple[StaticFile, ...]

    def translate(self, language: str, key: str) -> str | None:
        for lang in (language, language.split("-")[0], "en"):
            if key in self.strings.get(lang, {}):
                return self.strings[lang][key]
        return None


def load_chain(folders: Sequence[Path], name: str) -> ThemeChain:
    themes: list[Theme] = []
    extends: str | None = name
    referrer: tuple[Path, int | None] | None = None
    while extends is not None:
        if extends in (t.name for t in themes):
            loop = " → ".join([*(t.name for t in themes), extends])
            message = (
                f"theme '{extends}' extends itself"
                if themes[-1].name == extends
                else f"themes extend each other in a loop: {loop}"
            )
            raise ThemeError(_at(referrer, message, "remove or change 'extends' to break the loop"))
        found = find_theme(folders, extends)
        if found is None:
            available = available_themes(folders)
            hint = did_you_mean(extends, available) or "available: " + ", ".join(available)
            raise ThemeError(_at(referrer, f"theme '{extends}' not found in themes/", hint))
        theme_toml = found / "theme.toml"
        themes.append(Theme(extends, found))
        parent, line = _read_parent(theme_toml)
        if parent is None and extends != ROOT_THEME:
            parent, line = ROOT_THEME, None
        referrer = (theme_toml, line)
        extends = parent
    return ThemeChain(tuple(themes), _strings(themes), _static(themes))


def _at(referrer: tuple[Path, int | None] | None, message: str, hint: str) -> Diagnostic:
    """A diagnostic at the `extends` line that led here (none for the site's own theme)."""
    path, line = referrer if referrer else (None, None)
    return Diagnostic(path, message, line, hint=hint)


def _read_parent(theme_toml: Path) -> tuple[str | None, int | None]:
    result = read_toml(theme_toml)
    if isinstance(result, Diagnostic):
        raise ThemeError(result)
    text, data = result
    checker = TableChecker(theme_toml, text)
    values = checker.check_table(data, None, THEME_SCHEMA, label="theme.toml")
    if checker.problems:
        raise ThemeError(checker.problems)
    return values.get("extends"), checker.line_of(None, "extends")


def _strings(themes: list[Theme]) -> MappingProxyType[str, MappingProxyType[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for theme in reversed(themes):
        for path in sorted((theme.path / "i18n").glob("*.toml")):
            result = read_toml(path)
            if isinstance(result, Diagnostic):
                raise ThemeError(result)
            text, data = result
            bad = [k for k, v in data.items() if not isinstance(v, str)]
            if bad:
                line = TableChecker(path, text).line_of(None, bad[0])
                raise ThemeError(Diagnostic(path, f"'{bad[0]}' must be a string", line))
            merged.setdefault(path.stem, {}).update(data)
    return MappingProxyType({k: MappingProxyType(v) for k, v in merged.items()})


def _static(themes: list[Theme]) -> tuple[StaticFile, ...]:
    """Static files of the whole chain under theme/, a child's file replacing its parent's."""
    found: dict[str, StaticFile] = {}
    problems: list[Diagnostic] = []
    for theme in reversed(themes):
        for path, rel in walk(theme.path / "static", theme.path.resolve(), problems):
            found[rel] = StaticFile(path, f"theme/{rel}", f"themes/{theme.name}/static/{rel}")
    if problems:
        raise ThemeError(problems)
    return tuple(found[rel] for rel in sorted(found))
