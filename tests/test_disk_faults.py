"""A read-only or full disk: every command says which file or folder, and what to do, exits
non-zero without a traceback, and loses nothing already built."""

from __future__ import annotations

import base64
import contextlib
import errno
import os
import subprocess
from pathlib import Path

import pytest

from sitegen.errors import disk_problem, format_diagnostic, naming

PAGES = """
-- sites/acme/content/_index.md --
# Home
-- sites/acme/content/about.md --
# About
We bake.
"""
ROOT = os.geteuid() == 0  # chmod does not stop root: a file system of its own does


@contextlib.contextmanager
def small_disk(folder: Path, size: str):
    """A tmpfs of `size` mounted on `folder` (root only); yields a way to make it read-only."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")

    def read_only() -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)

    try:
        yield read_only
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@contextlib.contextmanager
def read_only_build(project):
    """build/ that cannot be written to: a read-only mount as root, else no write permission."""
    build = project.root / "build"
    if ROOT:
        with small_disk(build, "16m") as read_only:
            project.build()
            read_only()
            yield
        return
    project.build()
    folders = [build, build / "acme"]
    for folder in folders:
        folder.chmod(0o555)
    try:
        yield
    finally:
        for folder in folders:
            folder.chmod(0o755)


def test_publish_and_handover_name_the_lock_file_of_a_read_only_build(make_project):
    project = make_project(PAGES)
    with read_only_build(project):
        before = (project.root / "build/acme/demo/about/index.html").read_bytes()
        for command in (["publish"], ["handover", "acme", "--yes"], ["build"]):
            result = project.run(*command)
            assert result.exit_code == 1, result.output
            assert "build/acme/.lock" in result.output, command
            assert "cannot create the lock file: " in result.output
            assert "hint: " in result.output and "Traceback" not in result.output
        assert (project.root / "build/acme/demo/about/index.html").read_bytes() == before


@pytest.mark.skipif(not ROOT, reason="a small tmpfs needs root; see the formatting test below")
def test_a_full_disk_names_the_file_and_keeps_the_previous_build(make_project):
    project = make_project(PAGES)
    with small_disk(project.root / "build", "1m"):
        project.build()
        before = (project.root / "build/acme/demo/about/index.html").read_bytes()
        big = project.root / "sites/acme/content/files/catalogue.js"  # site code: it ships
        big.parent.mkdir(parents=True)
        big.write_bytes(base64.b64encode(os.urandom(2 * 1024 * 1024)))
        result = project.run("build")
        assert result.exit_code == 1, result.output
        assert "/files/catalogue.js: No space left on device" in result.output, "the file"
        assert "hint: free space on that disk" in result.output
        assert "Traceback" not in result.output
        assert (project.root / "build/acme/demo/about/index.html").read_bytes() == before


def test_a_write_without_a_file_name_gets_the_one_it_was_writing(tmp_path):
    """What a full disk raises from write(): errno and message, but no file name."""
    target = tmp_path / "build/acme/demo/index.html"
    with pytest.raises(OSError) as caught, naming(target):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    text = format_diagnostic(disk_problem(caught.value))
    assert text.startswith(f"{target}: No space left on device")
    assert "hint: free space on that disk, then run again" in text
