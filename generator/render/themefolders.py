"""Where themes are found: the studio's themes/ first, then those shipped inside sitegen, so a
studio's own theme replaces a built-in one of the same name or extends it, and an installed
sitegen builds a studio that has no themes/ at all. Light on purpose: `config` checks a site's
theme with it."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from sitegen.model import Studio


@cache
def builtin_themes() -> Path:
    """The folder of the themes shipped inside sitegen (the package `sitegen.themes`)."""
    from importlib.resources import files

    return Path(str(files("sitegen.themes")))


def theme_folders(studio: Studio) -> tuple[Path, ...]:
    """Where themes are looked up, first match wins: the studio's own, then sitegen's."""
    return (studio.themes_dir, builtin_themes())


def find_theme(folders: Sequence[Path], name: str) -> Path | None:
    """The folder of theme `name`, or None."""
    return next((f / name for f in folders if (f / name / "theme.toml").is_file()), None)


def available_themes(folders: Sequence[Path]) -> list[str]:
    return sorted({p.parent.name for f in folders for p in f.glob("*/theme.toml")})
