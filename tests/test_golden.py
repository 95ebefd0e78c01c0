"""Golden-site test: the example clients in sites/ build to exactly the output in tests/golden/.

After an intended change to the output, refresh with
`SITEGEN_UPDATE_GOLDEN=1 pytest tests/test_golden.py` and review the diff."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from conftest import REPO, Project

GOLDEN = REPO / "tests" / "golden"
CLIENTS = ("acme", "dar-alward")


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Project:
    root = tmp_path_factory.mktemp("example")
    for name in ("sitegen.toml", "sites", "themes"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy(source, root / name)
    project = Project(root)
    project.build("--release")
    return project


def snapshot(folder: Path) -> dict[str, str]:
    """HTML as text, everything else (copied as it is) by its SHA-256."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            rel = path.relative_to(folder).as_posix()
            if path.suffix == ".html":
                found[rel] = path.read_text("utf-8")
            else:
                found[rel] = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def write_golden(folder: Path, files: dict[str, str]) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    manifest = []
    for rel, value in files.items():
        if value.startswith("sha256:"):
            manifest.append(f"{value.removeprefix('sha256:')}  {rel}")
        else:
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(value, encoding="utf-8")
    (folder / "BINARY-FILES.sha256").write_text("\n".join(manifest) + "\n", encoding="utf-8")


def read_golden(folder: Path) -> dict[str, str]:
    files = {}
    for line in (folder / "BINARY-FILES.sha256").read_text("utf-8").splitlines():
        digest, rel = line.split("  ", 1)
        files[rel] = f"sha256:{digest}"
    for path in folder.rglob("*"):
        if path.is_file() and path.name != "BINARY-FILES.sha256":
            files[path.relative_to(folder).as_posix()] = path.read_text("utf-8")
    return files


@pytest.mark.parametrize("client", CLIENTS)
def test_example_release_matches_golden(example: Project, client: str):
    built = snapshot(example.root / "build" / client / "release")
    golden_dir = GOLDEN / client / "release"
    if os.environ.get("SITEGEN_UPDATE_GOLDEN"):
        write_golden(golden_dir, built)
    expected = read_golden(golden_dir)
    assert sorted(built) == sorted(expected), "the set of output files changed"
    for rel, value in expected.items():
        assert built[rel] == value, f"{client}/release/{rel} differs from tests/golden"


@pytest.mark.parametrize("client", CLIENTS)
def test_example_demo_builds_every_page(example: Project, client: str):
    demo = example.out_files(client=client, mode="demo")
    release = example.out_files(client=client, mode="release")
    demo_pages = {p for p in demo if p.endswith(".html")}
    generated = {"status/index.html", "_sitegen/gate.html"}
    assert demo_pages == {p for p in release if p.endswith(".html")} | generated


def test_example_is_the_real_thing():
    """The example must stay worth showing: several pages, images, code, a table, milestones."""
    acme = REPO / "sites" / "acme"
    pages = list((acme / "content").rglob("*.md"))
    assert len(pages) >= 6
    assert len(list((acme / "assets").rglob("*.jpg"))) >= 3
    text = "\n".join(p.read_text("utf-8") for p in pages)
    assert "```" in text and "|---" in text
    assert (acme / "site.toml").read_text("utf-8").count("[[milestones]]") == 4
