"""The `sitegen` command as a user meets it: exit codes, messages, atomic output, scaffolding."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_version_and_help(make_project):
    project = make_project()
    version = project.run("--version")
    assert version.exit_code == 0 and "sitegen, version" in version.output
    help_text = project.run("build", "--help")
    assert "--release" in help_text.output and "build/CLIENT/demo/" in help_text.output


def test_build_without_clients_says_how_to_add_one(make_project):
    project = make_project(site=False)
    result = project.run("build")
    assert result.exit_code == 1
    assert "no clients in" in result.output and "sitegen new CLIENT" in result.output


def test_unknown_client_is_a_usage_error(make_project):
    project = make_project()
    result = project.run("build", "acem")
    assert result.exit_code == 2
    assert "unknown client 'acem'; did you mean 'acme'?" in result.output


def test_no_project_found_points_at_root_option(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "sitegen", "build"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "no sitegen.toml" in result.stderr and "--root" in result.stderr
    assert "Traceback" not in result.stderr


def test_failed_build_keeps_the_previous_output(make_project):
    project = make_project("""
        -- sites/acme/content/about.md --
        ---
        title: About
        ---
        First version.
    """)
    project.build()
    project.write("""
        -- sites/acme/content/about.md --
        ---
        title: About
        ---
        Second version with [a broken link](nowhere.md).
    """)
    assert project.run("build").exit_code == 1
    assert "First version." in project.out("about/index.html")
    leftovers = [p.name for p in (project.root / "build/acme").iterdir() if p.name != ".lock"]
    assert leftovers == ["demo"], "no staging folder left behind"


def test_rebuild_replaces_output_and_drops_removed_pages(make_project):
    project = make_project("""
        -- sites/acme/content/old.md --
        Old page.
    """)
    project.build()
    (project.root / "sites/acme/content/old.md").unlink()
    project.build()
    assert "old/index.html" not in project.out_files()


def test_clients_build_in_parallel_and_one_failure_does_not_stop_the_others(make_project):
    project = make_project()
    project.add_client("beta", "-- content/about.md --\n[broken](missing.md)\n")
    project.add_client("gamma", "-- content/about.md --\nGamma.\n")
    result = project.run("build")
    assert result.exit_code == 1
    assert "✗ beta: build failed" in result.output
    assert "✓ acme" in result.output and "✓ gamma" in result.output
    assert "Gamma." in project.out("about/index.html", client="gamma")


def test_named_clients_only(make_project):
    project = make_project().add_client("other")
    project.build("other")
    assert (project.root / "build/other/demo/index.html").is_file()
    assert not (project.root / "build/acme").exists()


def test_summary_line_per_client_and_quiet(make_project):
    project = make_project()
    result = project.build()
    assert "✓ acme" in result.output and "demo" in result.output and "pages" in result.output
    assert project.build("--quiet").output == ""


def test_new_client_scaffold_builds_with_a_strong_password(make_project):
    project = make_project(site=False)
    result = project.run("new", "bakery", "--name", "The Bakery")
    assert result.exit_code == 0, result.output
    site_toml = (project.root / "sites/bakery/site.toml").read_text("utf-8")
    password = site_toml.split('password = "')[1].split('"')[0]
    assert len(password) == 19 and password in result.output
    assert "# " in site_toml, "the scaffold explains its keys"
    project.build("bakery")
    assert "The Bakery" in project.out("index.html", client="bakery", password=password)
    assert project.run("new", "bakery").exit_code == 1
    assert "cannot be a client folder name" in project.run("new", "Bad_Name").output


def test_console_script_exit_code_and_no_traceback(make_project):
    project = make_project("""
        -- sites/acme/content/about.md --
        ---
        weight: [1
        ---
    """)
    env = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "sitegen", "--root", str(project.root), "build"],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(project.root),
    )
    assert result.returncode == 1
    assert "sites/acme/content/about.md:" in result.stderr
    assert "Traceback" not in result.stderr


def test_writer_refuses_paths_outside_the_output_folder():
    import pytest

    from sitegen.errors import OutputError
    from sitegen.pipeline.write import safe_relative

    assert safe_relative("about/index.html") == "about/index.html"
    for bad in ("../x.html", "/etc/passwd", "a/../../b", "a//b", "a\\..\\b", ""):
        with pytest.raises(OutputError):
            safe_relative(bad)


def test_a_write_that_fails_midway_leaves_the_previous_build(make_project):
    from sitegen.config.load import load_site, load_studio
    from sitegen.model import BuildResult, Mode, Output
    from sitegen.pipeline import stages, write

    project = make_project("-- sites/acme/content/about.md --\nFirst.\n")
    project.build()
    studio = load_studio(project.root)
    site = load_site(studio, "acme")
    result = stages.build(studio, site, Mode.DEMO)
    vanished = Output("zzz/gone.bin", source=project.root / "no-such-file", origin="test")
    broken = BuildResult(site, Mode.DEMO, (*result.outputs, vanished), result.page_count)
    try:
        write.write_build(broken, studio.build_dir)
    except FileNotFoundError:
        pass
    else:
        raise AssertionError("the write should have failed")
    assert "First." in project.out("about/index.html")
    assert sorted(p.name for p in (project.root / "build/acme").iterdir()) == [".lock", "demo"]


def test_unchanged_output_files_are_not_rewritten(make_project):
    project = make_project("""
        -- sites/acme/content/a.md --
        Page A.
        -- sites/acme/content/b.md --
        Page B.
        -- sites/acme/assets/notes.txt --
        notes
    """)
    project.build("--release")
    release = project.root / "build/acme/release"
    before = {p: p.stat().st_ino for p in release.rglob("*") if p.is_file()}
    (project.root / "sites/acme/content/a.md").write_text("Page A, edited.\n")
    project.build("--release")
    after = {p: p.stat().st_ino for p in release.rglob("*") if p.is_file()}
    changed = {p.relative_to(release).as_posix() for p in after if after[p] != before.get(p)}
    assert changed == {"a/index.html"}, "only the edited page is a new file"
    assert "Page A, edited." in project.out("a/index.html", mode="release")
