"""A client folder, or its content/, assets/, updates/ or templates/ folder, that is a symlink
leading elsewhere is refused: nothing from outside reaches a demo or a release, and build/
stays as it was."""

from __future__ import annotations

import shutil

import pytest
from test_serve import start
from treestate import tree_state

SECRET = "Quarterly figures nobody outside may read"
OUTSIDE = {
    "content": ("secret.md", f"# Secret\n\n{SECRET}.\n"),
    "assets": ("secret.txt", SECRET),
    "updates": ("secret.md", f"---\ndate: 2026-01-05\ntitle: Note\n---\n{SECRET}.\n"),
    "templates": ("page.html", "{% extends 'base:page.html' %}{% block title %}" + SECRET),
}


@pytest.fixture
def project(make_project):
    """A project built, released and published once, before any link appeared."""
    project = make_project("""
        -- sites/acme/content/about.md --
        We bake bread.
        -- sites/acme/assets/logo.txt --
        Acme
    """)
    project.build("--release")
    assert project.run("publish").exit_code == 0
    return project


def link_folder(project, tmp_path, name: str):
    """Put `name` outside the project, with a secret in it, and link to it; the link's path."""
    site = project.root / "sites/acme"
    if name == "client":
        shutil.move(site, tmp_path / "elsewhere")
        site.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
        return site
    outside = tmp_path / "outside" / name
    outside.mkdir(parents=True)
    file, text = OUTSIDE[name]
    (outside / file).write_text(text)
    if (site / name).exists():
        shutil.rmtree(site / name)
    (site / name).symlink_to(outside, target_is_directory=True)
    return site / name


@pytest.mark.parametrize("name", ["content", "assets", "updates", "templates", "client"])
@pytest.mark.parametrize("command", [("build", "--release"), ("publish",)])
def test_a_linked_folder_is_refused_and_build_is_unchanged(project, tmp_path, name, command):
    link = link_folder(project, tmp_path, name)
    build = project.root / "build"
    before = tree_state(build)
    result = project.run(*command)
    assert result.exit_code == 1, result.output
    assert f"{link}: " in result.output and "symlink" in result.output
    assert "hint: replace the link with the folder itself" in result.output
    assert tree_state(build) == before


@pytest.mark.parametrize("command", [("build", "--release"), ("publish",)])
def test_a_template_linking_out_of_the_client_folder_is_refused(project, tmp_path, command):
    outside = tmp_path / "outside.html"
    outside.write_text("{% extends 'base:page.html' %}{% block title %}" + SECRET)
    link = project.root / "sites/acme/templates/page.html"
    link.parent.mkdir()
    link.symlink_to(outside)
    build = project.root / "build"
    before = tree_state(build)
    result = project.run(*command)
    assert result.exit_code == 1, result.output
    assert f"{link}: symlink points outside the site folder" in result.output
    assert tree_state(build) == before


def test_a_folder_linked_inside_the_client_folder_is_followed(project):
    site = project.root / "sites/acme"
    shutil.move(site / "assets", site / "shared-assets")
    (site / "assets").symlink_to("shared-assets", target_is_directory=True)
    project.build("--release")
    assert project.out("assets/logo.txt", mode="release") == "Acme\n"


def test_serve_shows_the_refusal_and_serves_nothing_from_outside(project, tmp_path):
    link_folder(project, tmp_path, "content")
    served = start(project)
    try:
        status, _, body = served.get("/secret/")
        assert status == 500 and SECRET.encode() not in body
        assert b"symlink leading outside the client folder" in body
    finally:
        served.server.stop()
