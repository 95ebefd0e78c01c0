"""The demo password: empty is an error naming site.toml and the line, short is a warning, in
build and in publish alike, and the password itself is never printed."""

from __future__ import annotations

import pytest
from treestate import tree_state

from conftest import PASSWORD

ENV = "ACME_TEST_DEMO_PASSWORD"


@pytest.fixture
def built(make_project):
    """A project whose demo was built and published once with a good password."""
    project = make_project("-- sites/acme/content/about.md --\nWe bake bread.\n")
    project.build()
    assert project.run("publish").exit_code == 0
    return project


def set_password(project, line: str) -> None:
    toml = project.root / "sites/acme/site.toml"
    toml.write_text(toml.read_text().replace(f'password = "{PASSWORD}"', line))


@pytest.mark.parametrize(
    ("line", "env", "says"),
    [
        ('password = ""', None, "site.toml:9: the demo password is empty"),
        ('password = "   "', None, "site.toml:9: the demo password is empty"),
        (f'password_env = "{ENV}"', "", f"site.toml:9: environment variable {ENV} is empty"),
        (f'password_env = "{ENV}"', " \t", f"site.toml:9: environment variable {ENV} is empty"),
    ],
)
@pytest.mark.parametrize("command", ["build", "publish"])
def test_an_empty_password_is_an_error_and_changes_nothing(
    built, monkeypatch, line, env, says, command
):
    if env is not None:
        monkeypatch.setenv(ENV, env)
    set_password(built, line)
    build = built.root / "build"
    before = tree_state(build)
    result = built.run(command)
    assert result.exit_code == 1, result.output
    assert says in result.output
    assert "anyone could open the demo" in result.output and "hint:" in result.output
    assert tree_state(build) == before, "the demo built before and the published copy stay"


@pytest.mark.parametrize("command", ["build", "publish"])
def test_a_short_password_warns_without_printing_it(built, command):
    set_password(built, 'password = "rye-42x"')
    result = built.run(command)
    assert result.exit_code == 0, result.output
    assert "site.toml:9: the demo password is weak" in result.output
    assert "rye-42x" not in result.output
    assert "Acme" in built.out("about/index.html", password="rye-42x")


def test_a_strong_password_gives_no_warning(built):
    for command in ("build", "publish"):
        result = built.run(command)
        assert result.exit_code == 0 and "warning" not in result.output, result.output
