"""A build whose inputs and output are unchanged is not done again; any change builds."""

from __future__ import annotations

import datetime as dt
import json

from conftest import PASSWORD
from sitegen.config.load import load_site, load_studio
from sitegen.model import Mode
from sitegen.pipeline import clients
from sitegen.pipeline.stages import BuildOptions

UP_TO_DATE = "(up to date)"
PAGES = """
-- sites/acme/content/_index.md --
# Home
-- sites/acme/content/about.md --
---
title: About us
---
We make things.
"""


def test_a_second_build_with_nothing_changed_is_up_to_date(make_project):
    project = make_project(PAGES)
    assert UP_TO_DATE not in project.build().output
    page = project.root / "build/acme/demo/about/index.html"
    written = page.stat().st_mtime_ns
    assert UP_TO_DATE in project.build().output
    assert page.stat().st_mtime_ns == written
    assert "We make things." in project.out("about/index.html")
    assert UP_TO_DATE not in project.build("--no-cache").output, "--no-cache always builds"


def test_the_summary_says_how_many_pages_were_rendered_and_kept(make_project):
    project = make_project(PAGES)
    first = project.build().output
    assert "rendered" not in first and "kept" not in first
    about = project.root / "sites/acme/content/about.md"
    about.write_text(about.read_text().replace("We make things.", "We make more."))
    output = project.build().output
    pages = int(output.split(" pages")[0].split()[-1])
    assert f"(1 rendered, {pages - 1} kept)" in output


def test_an_edit_anywhere_an_input_lives_builds_again(make_project):
    project = make_project(PAGES)
    project.build()
    edits = {
        "sites/acme/content/about.md": ("We make things.", "We make other things."),
        "sites/acme/site.toml": ("Acme Site", "Acme Renamed"),
        "themes/default/templates/base.html": (
            "{% endblock %}",
            "<!-- Edited theme -->{% endblock %}",
        ),
        "sitegen.toml": ("Test Studio", "Other Studio"),
    }
    for name, (old, new) in edits.items():
        path = project.root / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        assert UP_TO_DATE not in project.build().output, f"an edit of {name} must build"
        assert UP_TO_DATE in project.build().output
    page = project.out("about/index.html")
    assert "We make other things." in page and "Acme Renamed" in page
    assert "<!-- Edited theme -->" in page
    assert "Other Studio" in project.out("_sitegen/gate.html"), "on the gate"


def test_a_new_or_removed_file_builds_again(make_project):
    project = make_project(PAGES)
    project.build()
    project.write("-- sites/acme/content/new.md --\n# New page\n")
    assert UP_TO_DATE not in project.build().output
    assert "new/index.html" in project.out_files()
    (project.root / "sites/acme/content/new.md").unlink()
    assert UP_TO_DATE not in project.build().output
    assert "new/index.html" not in project.out_files()


def test_a_touched_output_folder_is_built_again(make_project):
    project = make_project(PAGES)
    project.build()
    page = project.root / "build/acme/demo/about/index.html"
    page.write_text("tampered", encoding="utf-8")
    assert UP_TO_DATE not in project.build().output
    assert "We make things." in project.out("about/index.html")
    page.unlink()
    assert UP_TO_DATE not in project.build().output
    assert page.exists()


def test_a_changed_password_in_the_environment_builds_again(make_project, monkeypatch):
    project = make_project(PAGES)
    site_toml = project.root / "sites/acme/site.toml"
    site_toml.write_text(
        site_toml.read_text().replace(f'password = "{PASSWORD}"', 'password_env = "ACME_PW"')
    )
    monkeypatch.setenv("ACME_PW", PASSWORD)
    project.build()
    assert UP_TO_DATE in project.build().output
    monkeypatch.setenv("ACME_PW", "another-password-42")
    assert UP_TO_DATE not in project.build().output
    assert "We make things." in project.out("about/index.html", password="another-password-42")


def test_a_new_day_builds_the_demo_again_for_its_status_page(make_project):
    project = make_project(PAGES)
    studio = load_studio(project.root)
    site = load_site(studio, "acme")

    def build_on(day: dt.date) -> bool:
        summary, _ = clients.build_and_write(studio, site, Mode.DEMO, BuildOptions(today=day))
        return summary.up_to_date

    assert not build_on(dt.date(2026, 11, 27))
    assert build_on(dt.date(2026, 11, 27))
    assert not build_on(dt.date(2026, 11, 28))


def test_a_damaged_record_is_not_trusted(make_project):
    project = make_project(PAGES)
    project.build()
    records = list((project.root / "build/.cache/builds").glob("acme.demo.json"))
    assert len(records) == 1
    record = json.loads(records[0].read_text())
    assert PASSWORD not in records[0].read_text(), "the record never holds the password"
    records[0].write_text("{not json")
    assert UP_TO_DATE not in project.build().output
    assert json.loads(records[0].read_text())["inputs"] == record["inputs"]
    assert UP_TO_DATE in project.build().output


def test_a_failed_build_leaves_the_last_good_one_fresh(make_project):
    project = make_project(PAGES)
    project.build()
    project.write("-- sites/acme/content/broken.md --\n---\ntitle: [unclosed\n---\n")
    assert project.run("build").exit_code == 1
    (project.root / "sites/acme/content/broken.md").unlink()
    # Back to the inputs of the last good build, whose output is still in place.
    assert UP_TO_DATE in project.build().output


def test_a_build_found_up_to_date_imports_no_stage(make_project):
    import subprocess
    import sys

    project = make_project(PAGES)
    project.build()
    command = [sys.executable, "-X", "importtime", "-m", "sitegen", "--root", str(project.root)]
    done = subprocess.run([*command, "build", "acme"], capture_output=True, text=True, check=True)
    assert UP_TO_DATE in done.stdout + done.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert "sitegen.cache.uptodate" in imported
    assert not imported & {"sitegen.pipeline.stages", "markdown", "jinja2", "PIL.Image", "pygments"}
