"""Theme chains: a theme extends another, a client overrides templates, strings by language."""

from __future__ import annotations

import re

import pytest

from conftest import REPO


def test_child_theme_overrides_a_template_and_inherits_the_rest(make_project):
    project = make_project("""
        -- themes/studio/theme.toml --
        name = "studio"
        extends = "default"
        -- themes/studio/templates/page.html --
        {% extends "base.html" %}
        {% block content %}<p class="studio-page">{{ page.title }}</p>{% endblock %}
        -- themes/studio/static/css/extra.css --
        body { color: teal; }
        -- sites/acme/site.toml --
        [client]
        name = "Acme"
        email = "a@example.com"
        [site]
        title = "Acme Site"
        theme = "studio"
        [demo]
        password = "correct-horse-battery"
        -- sites/acme/content/about.md --
        ---
        title: About
        ---
    """)
    project.build()
    about = project.out("about/index.html")
    assert '<p class="studio-page">About</p>' in about
    assert "/theme/css/style.css" in about, "layout and stylesheet come from default"
    assert {"theme/css/style.css", "theme/css/extra.css"} <= project.out_files()


def test_client_template_overrides_theme_and_can_extend_it_by_prefix(make_project):
    project = make_project("""
        -- sites/acme/templates/base.html --
        {% extends "default:base.html" %}
        {% block footer %}<footer>Client footer</footer>{% endblock %}
        -- sites/acme/content/about.md --
        Hello.
    """)
    project.build()
    about = project.out("about/index.html")
    assert "<footer>Client footer</footer>" in about
    assert "/theme/css/style.css" in about


def test_child_theme_strings_win_and_missing_languages_fall_back_to_english(make_project):
    project = make_project("""
        -- themes/studio/theme.toml --
        extends = "default"
        -- themes/studio/i18n/en.toml --
        skip_to_content = "Jump to the page"
        -- sites/acme/site.toml --
        [client]
        name = "Acme"
        email = "a@example.com"
        [site]
        title = "Acme Site"
        theme = "studio"
        language = "fr"
        [demo]
        password = "correct-horse-battery"
    """)
    project.build()
    home = project.out("index.html")
    assert "Jump to the page" in home
    assert '<html lang="fr" dir="ltr">' in home


def test_missing_parent_theme_names_the_extends_line(make_project):
    project = make_project("""
        -- themes/studio/theme.toml --
        name = "studio"
        extends = "defalt"
        -- sites/acme/site.toml --
        [client]
        name = "Acme"
        email = "a@example.com"
        [site]
        title = "Acme Site"
        theme = "studio"
        [demo]
        password = "correct-horse-battery"
    """)
    result = project.run("build")
    assert result.exit_code == 1
    assert "themes/studio/theme.toml:2: theme 'defalt' not found" in result.output
    assert "did you mean 'default'?" in result.output


def test_templates_see_no_machine_paths(make_project):
    project = make_project("""
        -- sites/acme/templates/page.html --
        {{ studio.root }}
    """)
    project.write("-- sites/acme/content/about.md --\nHi.\n")
    result = project.run("build")
    assert result.exit_code == 1 and "undefined variable" in result.output


def test_shipped_themes_load_nothing_from_other_hosts():

    for path in (REPO / "themes").rglob("*"):
        if path.suffix in (".html", ".css", ".js"):
            text = path.read_text("utf-8")
            assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", text, re.I), path
            assert "@font-face" not in text or "url(http" not in text, path


def test_default_theme_layout_uses_logical_properties_for_rtl():

    css = (REPO / "themes/default/static/css/style.css").read_text("utf-8")
    import re

    physical = re.findall(
        r"(margin|padding|border)-(left|right)\s*:|text-align:\s*(left|right)", css
    )
    assert physical == [], "use margin-inline-start and friends so Arabic pages mirror"


@pytest.mark.parametrize("read", ["page._page.content", 'page["_page"]', "page.__class__"])
def test_templates_see_no_private_attributes(make_project, read):
    # What a page shows must be what the render cache tracks: nothing behind its back.
    project = make_project(f"-- sites/acme/templates/page.html --\n{{{{ {read} }}}}\n")
    project.write("-- sites/acme/content/about.md --\nHi.\n")
    result = project.run("build")
    assert result.exit_code == 1 and "undefined variable" in result.output
    assert "page.html" in result.output


def test_front_matter_keys_starting_with_an_underscore_stay_readable(make_project):
    project = make_project(
        "-- sites/acme/templates/page.html --\n"
        '{{ page.params._note }} {{ page.params["_note"] }}\n'
        "-- sites/acme/content/about.md --\n---\n_note: kept\n---\nHi.\n"
    )
    project.build()
    assert project.out("about/index.html").startswith("kept kept")
