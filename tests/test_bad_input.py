"""Every user mistake: a one-screen message naming the file (and line), exit 1, no traceback."""

from __future__ import annotations

import os

import pytest


def fails(project, *args: str) -> str:
    result = project.run("build", *args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output


def test_toml_syntax_error_names_file_line_and_column(make_project):
    project = make_project("""
        -- sites/acme/site.toml --
        [client]
        name = "Acme
        email = "a@example.com"
    """)
    out = fails(project)
    assert "site.toml:2:" in out and "TOML syntax error" in out
    assert 'name = "Acme' in out, "the offending line is shown"


def test_unknown_key_suggests_the_right_one(make_project):
    project = make_project("""
        -- sites/acme/site.toml --
        [client]
        name = "Acme"
        email = "a@example.com"

        [site]
        title = "T"

        [demo]
        passwrod = "secret"
    """)
    out = fails(project)
    assert "site.toml:9: unknown key 'passwrod' in [demo]" in out
    assert "did you mean 'password'?" in out


def test_all_config_problems_are_reported_at_once(make_project):
    project = make_project("""
        -- sites/acme/site.toml --
        [client]
        name = "Acme"
        email = "not-an-email"

        [site]
        title = "T"
        direction = "sideways"

        [[milestones]]
        id = "a"
        title = "A"
        share = 60
        amount = -5
        currency = "EUR"
        due = "2026-02-30"
        state = "planned"

        [[milestones]]
        id = "a"
        title = "B"
        share = 30
        amount = 10
        currency = "euro"
        due = 2026-03-01
        state = "started"
    """)
    out = fails(project)
    expected = [
        "site.toml:3: 'email' in [client] must be an email address",
        "site.toml:7: 'direction' in [site] must be one of ltr, rtl",
        "site.toml:13: 'amount' in [[milestones]] #1 must not be negative",
        "site.toml:15: 'due' in [[milestones]] #1 must be a real date like 2026-12-01",
        "site.toml:19: milestone id 'a' is used twice",
        "site.toml:23: 'currency' in [[milestones]] #2 is not an ISO 4217 currency code: 'euro'",
        "site.toml:25: 'state' in [[milestones]] #2 must be one of planned, in-progress",
    ]
    for line in expected:
        assert line in out
    assert "problems:" in out


def test_milestone_shares_must_add_up_to_100(make_project):
    project = make_project("""
        -- sites/acme/site.toml --
        [client]
        name = "Acme"
        email = "a@example.com"
        [site]
        title = "T"
        [[milestones]]
        id = "a"
        title = "A"
        share = 60
        amount = 5
        currency = "EUR"
        due = 2026-02-01
        state = "planned"
        [[milestones]]
        id = "b"
        title = "B"
        share = 30
        amount = 10
        currency = "EUR"
        due = 2026-03-01
        state = "planned"
    """)
    assert "milestone shares add up to 90%, not 100%" in fails(project)


def test_missing_theme_suggests_a_close_name(make_project):
    project = make_project("""
        -- sites/acme/site.toml --
        [client]
        name = "Acme"
        email = "a@example.com"
        [site]
        title = "T"
        theme = "defualt"
    """)
    out = fails(project)
    assert "site.toml:6: theme 'defualt' not found" in out
    assert "did you mean 'default'?" in out


def test_theme_that_extends_itself(make_project):
    project = make_project("""
        -- themes/loop/theme.toml --
        name = "loop"
        extends = "loop"
        -- sites/acme/site.toml --
        [client]
        name = "Acme"
        email = "a@example.com"
        [site]
        title = "T"
        theme = "loop"
    """)
    out = fails(project)
    assert "themes/loop/theme.toml:2: theme 'loop' extends itself" in out


def test_themes_that_extend_each_other(make_project):
    project = make_project("""
        -- themes/one/theme.toml --
        extends = "two"
        -- themes/two/theme.toml --
        extends = "one"
        -- sites/acme/site.toml --
        [client]
        name = "Acme"
        email = "a@example.com"
        [site]
        title = "T"
        theme = "one"
    """)
    assert "themes extend each other in a loop: one → two → one" in fails(project)


def test_template_syntax_error_names_template_and_line(make_project):
    project = make_project("""
        -- sites/acme/templates/page.html --
        <h1>{{ page.title }}</h1>
        {% if page.toc %}
        <p>oops</p>
        -- sites/acme/content/about.md --
        Text.
    """)
    out = fails(project)
    assert "sites/acme/templates/page.html:" in out and "template syntax error" in out


def test_undefined_template_variable_names_template_and_line(make_project):
    project = make_project("""
        -- sites/acme/templates/page.html --
        <h1>{{ page.title }}</h1>
        <p>{{ page.subtitle }}</p>
        -- sites/acme/content/about.md --
        Text.
    """)
    out = fails(project)
    assert "sites/acme/templates/page.html:2: undefined variable" in out
    assert "subtitle" in out
    assert "themes/README.md" in out


def test_broken_yaml_front_matter_names_the_line(make_project):
    project = make_project("""
        -- sites/acme/content/about.md --
        ---
        title: About
        description: [unclosed
        ---
        Text.
    """)
    out = fails(project)
    assert "content/about.md:" in out and "front matter is not valid YAML" in out


def test_unclosed_front_matter(make_project):
    project = make_project("""
        -- sites/acme/content/about.md --
        ---
        title: About
        Text.
    """)
    assert "about.md:1: front matter opened with '---' is never closed" in fails(project)


def test_front_matter_value_of_wrong_type(make_project):
    project = make_project("""
        -- sites/acme/content/about.md --
        ---
        title: About
        weight: heavy
        ---
    """)
    assert "about.md:3: 'weight' must be a whole number" in fails(project)


def test_non_utf8_file_names_the_line(make_project):
    project = make_project()
    page = project.root / "sites/acme/content/latin1.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_bytes("---\ntitle: Café\n---\nCaf\xe9 au lait\n".encode("latin-1"))
    out = fails(project)
    assert "latin1.md:2: file is not valid UTF-8" in out
    assert "save it as UTF-8" in out


def test_slug_that_escapes_the_output_folder(make_project):
    project = make_project("""
        -- sites/acme/content/evil.md --
        ---
        title: Evil
        slug: ../../../etc
        ---
    """)
    out = fails(project)
    assert "evil.md:3: slug '../../../etc' would put the page outside its folder" in out
    assert not (project.root / "build").exists() or not any((project.root / "build").rglob("etc"))


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_pointing_outside_the_site(make_project, tmp_path):
    project = make_project("""
        -- sites/acme/content/about.md --
        About.
    """)
    secret = tmp_path / "secret.txt"
    secret.write_text("private", encoding="utf-8")
    (project.root / "sites/acme/assets").mkdir(parents=True)
    (project.root / "sites/acme/assets/leak.txt").symlink_to(secret)
    out = fails(project)
    assert "assets/leak.txt: symlink points outside the site folder" in out


def test_two_pages_on_one_url(make_project):
    project = make_project("""
        -- sites/acme/content/team.md --
        ---
        title: Team
        ---
        -- sites/acme/content/people.md --
        ---
        title: People
        slug: team
        ---
    """)
    out = fails(project)
    assert "two sources would write team/index.html" in out
    assert "content/people.md" in out and "content/team.md" in out


def test_two_pages_on_one_url_fail_the_preview_build_too(make_project):
    from sitegen.config.load import load_site, load_studio
    from sitegen.errors import OutputError
    from sitegen.model import Mode
    from sitegen.pipeline import stages

    project = make_project("""
        -- sites/acme/content/team.md --
        ---
        title: Team
        ---
        -- sites/acme/content/people.md --
        ---
        title: People
        slug: team
        ---
    """)
    studio = load_studio(project.root)
    with pytest.raises(OutputError, match="two sources would write team/index.html"):
        stages.build(studio, load_site(studio, "acme"), Mode.RELEASE)


def test_link_to_a_missing_page_names_file_and_line(make_project):
    project = make_project("""
        -- sites/acme/content/about.md --
        ---
        title: About
        ---
        Intro.

        See [the menu](menu.md).
    """)
    out = fails(project)
    assert "content/about.md:6: link 'menu.md' points to a page that does not exist" in out


def test_link_to_a_draft_page_says_so(make_project):
    project = make_project("""
        -- sites/acme/content/about.md --
        See [soon](soon.md).
        -- sites/acme/content/soon.md --
        ---
        draft: true
        ---
    """)
    assert "points to a draft page" in fails(project)
    project.build("--drafts")


def test_page_template_that_does_not_exist(make_project):
    project = make_project("""
        -- sites/acme/content/about.md --
        ---
        template: landing.html
        ---
    """)
    assert "about.md:2: template 'landing.html' not found" in fails(project)
