"""Every cache stays where earlier versions put it, so a studio's existing `build/.cache` keeps
working; and one module names them all, so no two rooms pick the same folder."""

from __future__ import annotations

import ast
import io
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parent.parent
FOLDERS = REPO / "generator" / "cache" / "folders.py"
NAMES = {".cache", "previews", "keys", "tls", "renders", "builds", "fragments.sqlite"}


def test_a_build_and_a_publish_use_the_cache_folders_earlier_versions_made(make_project):
    project = make_project("-- sites/acme/content/_index.md --\n![shop](../assets/shop.jpg)\n")
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), "teal").save(buffer, "JPEG")
    (project.root / "sites/acme/assets").mkdir()
    (project.root / "sites/acme/assets/shop.jpg").write_bytes(buffer.getvalue())

    project.build()
    result = project.run("publish", "acme")
    assert result.exit_code == 0, result.output

    cache = project.root / "build/.cache"
    assert (cache / "fragments.sqlite").is_file()
    assert len(list((cache / "previews").iterdir())) == 1
    assert (cache / "renders/acme.demo.bin").is_file()
    assert (cache / "builds/acme.demo.json").is_file()
    assert (cache / "keys/acme.json").is_file()


def test_no_module_but_cache_folders_spells_a_cache_folder_name():
    """A string constant naming a cache folder anywhere else would be a second place to keep
    in step (docstrings may say where things are)."""
    spelled = []
    for path in sorted((REPO / "generator").rglob("*.py")):
        if path == FOLDERS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        spelled += [
            f"{path.relative_to(REPO)}:{node.lineno}: {node.value!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and id(node) not in docstrings and node.value in NAMES
        ]
    assert spelled == []
