"""Test helpers: whole projects written from one string, and the CLI run against them."""

from __future__ import annotations

import re
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sitegen.cli import main

REPO = Path(__file__).resolve().parent.parent
_BLOCK = re.compile(r"^-- (.+?) --$", re.M)

STUDIO_TOML = """\
[studio]
name = "Test Studio"
email = "studio@example.com"
demo_domain = "demo.studio.example"
"""

SITE_TOML = """\
[client]
name = "Acme"
email = "acme@example.com"

[site]
title = "Acme Site"

[demo]
password = "correct-horse-battery"
"""


def write_files(root: Path, text: str) -> None:
    """Write `-- path --` blocks (as in Hugo's integration tests) under `root`."""
    text = textwrap.dedent(text)
    pieces = _BLOCK.split(text)
    for index in range(1, len(pieces), 2):
        path = root / pieces[index].strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        body = pieces[index + 1].removeprefix("\n")
        path.write_text(body, encoding="utf-8")


@dataclass
class Project:
    root: Path

    def write(self, text: str) -> Project:
        write_files(self.root, text)
        return self

    def add_client(self, name: str, pages: str = "") -> Project:
        """Another client with the standard site.toml and the given `-- path --` pages."""
        write_files(self.root / "sites" / name, f"-- site.toml --\n{SITE_TOML}")
        write_files(self.root / "sites" / name, pages)
        return self

    def run(self, *args: str) -> Result:
        return CliRunner().invoke(main, ["--root", str(self.root), *args])

    def build(self, *args: str) -> Result:
        result = self.run("build", *args)
        assert result.exit_code == 0, result.output
        return result

    def out(self, path: str, client: str = "acme", mode: str = "demo") -> str:
        return (self.root / "build" / client / mode / path).read_text(encoding="utf-8")

    def out_files(self, client: str = "acme", mode: str = "demo") -> set[str]:
        folder = self.root / "build" / client / mode
        return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def make_project(tmp_path: Path):
    """A project with the real themes, a studio file and, unless `site=False`, client `acme`."""

    def make(text: str = "", site: bool = True) -> Project:
        root = tmp_path / "project"
        shutil.copytree(REPO / "themes", root / "themes")
        (root / "sitegen.toml").write_text(STUDIO_TOML, encoding="utf-8")
        project = Project(root)
        if site:
            project.add_client("acme")
        return project.write(text)

    return make
