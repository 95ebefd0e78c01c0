"""The themes ship inside sitegen: a studio needs no themes/ folder, and its own themes/NAME
replaces a built-in theme of that name or extends one."""

from __future__ import annotations

import shutil


def _without_themes(project):
    shutil.rmtree(project.root / "themes")
    return project


def test_a_studio_without_themes_builds_with_the_shipped_ones(make_project):
    project = _without_themes(make_project("-- sites/acme/content/about.md --\nHello.\n"))
    project.build()
    assert "Hello." in project.out("about/index.html")
    assert "theme/css/style.css" in project.out_files()


def test_a_studio_theme_extends_a_shipped_one(make_project):
    project = _without_themes(make_project())
    project.write("""
        -- themes/mine/theme.toml --
        extends = "default"
        -- themes/mine/static/mine.css --
        body { color: teal; }
        -- sites/acme/content/about.md --
        Hello.
    """)
    site_toml = project.root / "sites/acme/site.toml"
    site_toml.write_text(site_toml.read_text().replace("[site]\n", '[site]\ntheme = "mine"\n'))
    project.build()
    files = project.out_files()
    assert {"theme/mine.css", "theme/css/style.css"} <= files


def test_a_studio_theme_replaces_the_shipped_one_of_its_name(make_project):
    project = _without_themes(make_project())
    project.write("""
        -- themes/default/theme.toml --
        name = "default"
        -- themes/default/templates/page.html --
        {% extends "base.html" %}{% block content %}OWN LAYOUT {{ page.content }}{% endblock %}
        -- sites/acme/content/about.md --
        Hello.
    """)
    project.build()
    assert "OWN LAYOUT" in project.out("about/index.html")
    assert "theme/css/style.css" not in project.out_files(), "the shipped default is not used"


def test_an_unknown_theme_lists_the_shipped_ones(make_project):
    project = _without_themes(make_project())
    site_toml = project.root / "sites/acme/site.toml"
    site_toml.write_text(site_toml.read_text().replace("[site]\n", '[site]\ntheme = "defualt"\n'))
    result = project.run("build")
    assert result.exit_code == 1 and "did you mean 'default'?" in result.output
