"""sitegen installed from its wheel, like any tool: the themes come with it, and a new user's
first steps (init, new, build) work in a folder of their own with nothing else."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import REPO, decrypt_gate


def _run(args: list, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.mark.slow
def test_the_wheel_builds_a_new_studio_anywhere(tmp_path):
    source = tmp_path / "source"  # a copy, so building the wheel leaves the checkout alone
    for name in ("generator", "themes"):
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    pip = [sys.executable, "-m", "pip"]
    _run([*pip, "wheel", "--no-deps", "--quiet", "-w", tmp_path / "dist", source], tmp_path)
    (wheel,) = (tmp_path / "dist").glob("sitegen-*.whl")

    # A clean environment whose libraries are this one's (nothing is downloaded) but which
    # sees neither the checkout nor its editable install.
    clean = tmp_path / "clean"
    _run([sys.executable, "-m", "venv", "--without-pip", clean], tmp_path)
    clean_python = clean / "bin/python"
    clean_lib = Path(
        _run(
            [clean_python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            tmp_path,
        ).stdout.strip()
    )
    (clean_lib / "libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([*pip, "--python", clean_python, "install", "--no-deps", "--no-index", wheel], tmp_path)
    where = _run([clean_python, "-c", "import sitegen; print(sitegen.__file__)"], tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(clean)

    sitegen = clean / "bin/sitegen"
    home = tmp_path / "home"
    home.mkdir()
    _run([sitegen, "init", "my-studio", "--name", "My Studio", "--email", "me@my.example"], home)
    studio = home / "my-studio"
    assert not (studio / "themes").exists()
    created = _run([sitegen, "new", "acme"], studio)
    password = created.stdout.split("Demo password: ")[1].split()[0]
    built = _run([sitegen, "build"], studio, NO_COLOR="1")
    assert "✓ acme" in built.stdout and "example studio" not in built.stderr
    demo = studio / "build/acme/demo"
    status = decrypt_gate(
        (demo / "status/index.html").read_text("utf-8"),
        password,
        lambda path: (demo / path.lstrip("/")).read_bytes(),
    )
    assert "My Studio" in status
    assert (demo / "theme/css/style.css").is_file(), "the default theme came with the wheel"
