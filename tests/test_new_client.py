"""`sitegen new` in the client's language, checked before anything is made; and the warnings
a fresh client needs: prices still 0, a folder in sites/ that is not a client."""

from __future__ import annotations

import tomllib


def _password(project, client: str) -> str:
    site = tomllib.loads((project.root / "sites" / client / "site.toml").read_text("utf-8"))
    return site["demo"]["password"]


def test_new_arabic_client_is_written_in_arabic_right_to_left(make_project):
    project = make_project(site=False)
    result = project.run("new", "dar", "--language", "ar", "--name", "دار الورد")
    assert result.exit_code == 0, result.output
    site = tomllib.loads((project.root / "sites/dar/site.toml").read_text("utf-8"))
    assert site["site"]["direction"] == "rtl" and site["site"]["language"] == "ar"
    titles = [m["title"] for m in site["milestones"]]
    assert titles == ["دفعة مقدّمة", "الدفعة الأخيرة وتسليم الموقع"]
    project.build("dar")
    password = _password(project, "dar")
    home = project.out("index.html", client="dar", password=password)
    assert '<html lang="ar" dir="rtl">' in home
    assert "هذه هي الصفحة الرئيسية لموقع <strong>دار الورد</strong>." in home
    assert "من نحن" in home, "the menu names the second page in Arabic"
    status = project.out("status/index.html", client="dar", password=password)
    for english in ("Welcome", "About", "Deposit", "Final payment"):
        assert english not in home and english not in status


def test_new_english_client_keeps_english_texts(make_project):
    project = make_project(site=False)
    assert project.run("new", "bakery").exit_code == 0
    text = (project.root / "sites/bakery/site.toml").read_text("utf-8")
    assert '# direction = "ltr"' in text and 'title = "Deposit"' in text
    assert "title: Welcome" in (project.root / "sites/bakery/content/_index.md").read_text()


def test_new_checks_everything_before_making_the_folder(make_project):
    project = make_project(site=False)
    result = project.run("new", "zz", "--language", "klingon", "--email", "nobody")
    assert result.exit_code == 1
    assert "--language must be a language code like 'en' or 'ar', not 'klingon'" in result.output
    assert "--email must be an email address" in result.output
    assert not (project.root / "sites/zz").exists()


def test_a_milestone_at_amount_zero_warns_naming_the_line(make_project):
    project = make_project(site=False)
    assert project.run("new", "bakery").exit_code == 0
    result = project.build()
    lines = (project.root / "sites/bakery/site.toml").read_text().splitlines()
    first = lines.index("amount = 0") + 1
    assert (
        f"sites/bakery/site.toml:{first}: milestone 'deposit' has amount 0: the client sees a "
        "price of 0.00" in result.output
    )
    assert "milestone 'handover' has amount 0" in result.output
    toml = project.root / "sites/bakery/site.toml"
    toml.write_text(toml.read_text().replace("amount = 0", "amount = 900"))
    assert "amount 0" not in project.build().output


def test_a_folder_in_sites_without_site_toml_is_named(make_project):
    project = make_project()
    (project.root / "sites/draft-client/content").mkdir(parents=True)
    (project.root / "sites/.hidden").mkdir()
    result = project.build()
    assert "sites/draft-client: no site.toml in this folder, so it is not a client: skipped" in (
        result.output
    )
    assert ".hidden" not in result.output
    assert "draft-client" not in project.build("acme").output, "only when building every client"
