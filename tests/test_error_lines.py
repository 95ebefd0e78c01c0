"""Mistakes a new user makes, each reported once, at the line to fix, without a traceback."""

from __future__ import annotations


def _fails(project) -> str:
    result = project.run("build")
    assert result.exit_code == 1
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
    return result.output


def test_an_impossible_date_in_yaml_front_matter_names_file_and_line(make_project):
    project = make_project("""
        -- sites/acme/content/news.md --
        ---
        title: News
        date: 2026-13-45
        ---
        Text.
    """)
    out = _fails(project)
    assert "sites/acme/content/news.md:3: 'date' is not a real date: 2026-13-45" in out
    assert "hint: write a date as year-month-day, like 2026-11-27" in out


def test_an_impossible_date_under_another_key_is_found_after_real_ones(make_project):
    project = make_project("""
        -- sites/acme/content/news.md --
        ---
        date: 2026-1-5
        launch: 2026-02-30
        ---
        Text.
    """)
    assert "news.md:3: 'launch' is not a real date: 2026-02-30" in _fails(project)


def test_a_typo_in_a_key_is_one_problem_not_two(make_project):
    project = make_project()
    toml = project.root / "sites/acme/site.toml"
    toml.write_text(toml.read_text().replace('title = "Acme Site"', 'titel = "Acme Site"'))
    out = _fails(project)
    assert "unknown key 'titel' in [site]" in out and "did you mean 'title'?" in out
    assert "missing key 'title'" not in out
    assert "problems:" not in out, "a single problem"


def test_a_missing_key_without_a_typo_is_still_reported(make_project):
    project = make_project()
    toml = project.root / "sites/acme/site.toml"
    toml.write_text(toml.read_text().replace('title = "Acme Site"', 'colour = "red"'))
    out = _fails(project)
    assert "unknown key 'colour' in [site]" in out and "missing key 'title' in [site]" in out


def test_an_unclosed_quote_points_at_the_line_that_opened_it(make_project):
    project = make_project("""
        -- sites/acme/content/about.md --
        ---
        title: "About us
        weight: 2
        ---
        Text.
    """)
    out = _fails(project)
    assert "about.md:2:8: front matter is not valid YAML: this quote is never closed" in out
    assert '   2 | title: "About us' in out
