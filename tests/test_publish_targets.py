"""A folder target inside the project may only lie under build/, in a folder of its own:
publish and handover refuse any other before anything is built or deleted."""

from __future__ import annotations

import pytest
from treestate import tree_state

PAID = """
[release]
domain = "www.acme.example"

[[milestones]]
id = "all"
title = "The whole site"
share = 100
amount = 900.00
currency = "EUR"
due = 2026-01-10
state = "approved"
paid = true
"""
INSIDE = [
    "file:sites/acme",
    "file:sites",
    "file:.",
    "file:themes/default",
    "file:build",
    "file:build/.cache",
    "file:build/acme",
    "file:build/acme/demo/",
    "file:sites/../build/../sites/acme",
]


@pytest.fixture
def project(make_project):
    """A paid project, built once, with its demo published and its release handed over."""
    project = make_project("-- sites/acme/content/about.md --\nWe bake bread.\n")
    toml = project.root / "sites/acme/site.toml"
    toml.write_text(toml.read_text() + PAID)
    assert project.run("publish").exit_code == 0
    assert project.run("handover", "acme", "--yes").exit_code == 0
    return project


def refused(project, *command: str, says: str) -> None:
    before = tree_state(project.root)
    result = project.run(*command)
    assert result.exit_code == 1, result.output
    assert says in result.output and "is inside the project folder" in result.output
    assert "hint: use a folder outside the project, or one under build/" in result.output
    assert tree_state(project.root) == before, "no source, build or published file changed"


@pytest.mark.parametrize("url", INSIDE)
@pytest.mark.parametrize("command", ["publish", "handover"])
def test_a_target_inside_the_project_is_refused_before_anything_is_built(project, url, command):
    args = ("publish",) if command == "publish" else ("handover", "acme", "--yes")
    refused(project, *args, "--target", url, says="target 'file:")


def test_a_target_holding_the_project_is_refused(project):
    outer = project.root.parent
    refused(project, "publish", "--target", f"file:{outer}", says=f"target 'file:{outer}'")


def test_targets_in_the_configuration_are_refused_naming_file_and_line(project):
    studio = project.root / "sitegen.toml"
    studio.write_text(studio.read_text() + 'demo_target = "file:sites/{client}/"\n')
    refused(project, "publish", says="sitegen.toml:5: target 'file:")
    studio.write_text(studio.read_text().replace("sites/{client}/", "build/demos/{client}/"))
    studio.write_text(studio.read_text() + 'bundle_target = "file:themes/"\n')
    refused(project, "handover", "acme", "--yes", "--bundle", says="sitegen.toml:6: target")
    studio.write_text(studio.read_text().replace('bundle_target = "file:themes/"\n', ""))
    site = project.root / "sites/acme/site.toml"
    site.write_text(site.read_text().replace("[release]\n", '[release]\ntarget = "file:."\n'))
    refused(project, "handover", "acme", "--yes", says="site.toml:12: target 'file:")


def test_a_folder_of_its_own_under_build_or_outside_the_project_is_fine(project, tmp_path):
    for url in ("file:build/copies/acme/", f"file:{tmp_path / 'elsewhere'}"):
        result = project.run("publish", "--force", "--target", url)  # handed over: forced
        assert result.exit_code == 0, result.output
    assert (project.root / "build/copies/acme/about/index.html").is_file()
    assert (tmp_path / "elsewhere/about/index.html").is_file()
