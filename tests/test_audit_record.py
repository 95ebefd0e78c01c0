"""The leak check before a demo leaves remembers the files it found clean, and passes over
only those whose every input is unchanged: a file, an original, a password or a page's text
that changed after a clean check is checked again, and a new leak is always found."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from conftest import PASSWORD
from sitegen.config.load import load_site, load_studio
from sitegen.publish.builtfolder import BuiltFolder
from sitegen.publish.publishdemo import check_demo

RECORD = "build/.cache/audits/acme.json"
SENTENCE = "The quick brown fox jumps over the lazy dog near the river bank"


def jpeg(width: int, height: int, colour: str = "orange") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def project(make_project):
    """A client with its own theme, whose stylesheet ships unencrypted in the demo."""
    project = make_project(f"""
        -- themes/acme-look/theme.toml --
        name = "acme-look"
        extends = "default"
        -- themes/acme-look/static/css/acme.css --
        /* {SENTENCE}. Colours by the bluebird-ocean-2041 palette. */
        body {{ color: navy; }}
        -- sites/acme/content/_index.md --
        ![Our shop](../assets/shop.jpg) Welcome to the shop on the corner of the square.
        -- sites/acme/content/about.md --
        ---
        title: About us
        ---
        We bake bread every morning before the sun comes up over the hill.
        -- sites/acme/content/menu.md --
        ---
        title: Menu
        ---
        Sourdough, rye and a seeded loaf that sells out before noon every day.
    """)
    site_toml = project.root / "sites/acme/site.toml"
    site_toml.write_text(site_toml.read_text().replace("[site]\n", '[site]\ntheme = "acme-look"\n'))
    (project.root / "sites/acme/assets").mkdir()
    (project.root / "sites/acme/assets/shop.jpg").write_bytes(jpeg(2400, 1600))
    project.build()
    return project


def check(project, password: str = PASSWORD, remember: bool = True):
    studio = load_studio(project.root)
    site = load_site(studio, "acme")
    built = BuiltFolder.read(project.root / "build/acme/demo")
    return check_demo(built, site, password, studio.build_dir / ".cache", remember)


def outputs(project) -> dict[str, str]:
    return {f.path: f.sha256 for f in BuiltFolder.read(project.root / "build/acme/demo").files}


def test_a_second_check_of_an_unchanged_demo_reads_no_file_again(project):
    count = len(outputs(project))
    first = check(project)
    assert (first.problems, first.checked, first.remembered) == ((), count, 0)
    second = check(project)
    assert (second.problems, second.checked, second.remembered) == ((), 0, count)


def test_publish_says_how_many_files_it_checked_and_no_cache_checks_them_all(project):
    count = len(outputs(project))
    first = project.run("publish", "--dry-run")
    assert first.exit_code == 0, first.output
    assert f"acme: leak check read {count} files, passed over 0 found clean" in first.output
    second = project.run("publish", "--dry-run")
    assert f"acme: leak check read 0 files, passed over {count} found clean" in second.output
    again = project.run("publish", "--dry-run", "--no-cache")
    assert again.exit_code == 0, again.output
    assert f"acme: leak check read {count} files, passed over 0 found clean" in again.output


def test_a_page_edited_is_checked_again_with_the_files_it_changed_only(project):
    check(project)
    before = outputs(project)
    about = project.root / "sites/acme/content/about.md"
    about.write_text(about.read_text().replace("title: About us", "title: About the bakery"))
    project.build()
    after = outputs(project)
    changed = {path for path, digest in after.items() if before.get(path) != digest}
    assert "about/index.html" in changed and len(changed) < len(after) / 2
    again = check(project)
    assert (again.problems, again.checked) == ((), len(changed))
    assert again.remembered == len(after) - len(changed)


def test_an_original_copied_over_a_file_found_clean_is_found(project):
    check(project)
    original = (project.root / "sites/acme/assets/shop.jpg").read_bytes()
    (project.root / "build/acme/demo/assets/shop.jpg").write_bytes(original)
    again = check(project)
    assert "assets/shop.jpg holds an original file: assets/shop.jpg" in again.problems
    assert again.checked == 1


def test_a_new_file_holding_an_original_is_found(project):
    check(project)
    original = (project.root / "sites/acme/assets/shop.jpg").read_bytes()
    (project.root / "build/acme/demo/theme/css/shop.bin").write_bytes(b"x" + original)
    again = check(project)
    assert "theme/css/shop.bin holds bytes of an original: assets/shop.jpg" in again.problems


def test_the_password_written_into_a_file_found_clean_is_found(project):
    check(project)
    stylesheet = project.root / "build/acme/demo/theme/css/acme.css"
    stylesheet.write_text(stylesheet.read_text() + f"/* {PASSWORD} */\n")
    assert "theme/css/acme.css holds the demo password" in check(project).problems


def test_a_new_password_found_in_an_unchanged_file_is_found(project):
    """The stylesheet is the same file as at the clean check; the password now in it is new."""
    assert project.run("publish", "--dry-run").exit_code == 0
    site_toml = project.root / "sites/acme/site.toml"
    site_toml.write_text(site_toml.read_text().replace(PASSWORD, "bluebird-ocean-2041"))
    result = project.run("publish", "--dry-run")
    assert result.exit_code == 1, result.output
    assert "theme/css/acme.css holds the demo password" in result.output


def test_page_text_new_since_the_clean_check_is_found_in_an_unchanged_file(project):
    assert project.run("publish", "--dry-run").exit_code == 0
    menu = project.root / "sites/acme/content/menu.md"
    menu.write_text(menu.read_text() + f"\n{SENTENCE}.\n")
    result = project.run("publish", "--dry-run")
    assert result.exit_code == 1, result.output
    assert "theme/css/acme.css holds text of content/menu.md" in result.output


def test_an_original_added_since_the_clean_check_is_found_in_an_unchanged_file(project):
    check(project)
    stylesheet = project.root / "build/acme/demo/theme/css/acme.css"
    (project.root / "sites/acme/assets/palette.css.bak").write_bytes(stylesheet.read_bytes())
    again = check(project)
    assert "theme/css/acme.css holds an original file: assets/palette.css.bak" in again.problems


def test_a_shared_start_changed_since_the_clean_check_is_found_in_the_pages_that_read_it(project):
    """A page decrypts only after the shared start it names: the page's bytes are the same,
    what a client reads of it is not."""
    check(project)
    demo = project.root / "build/acme/demo"
    start = next((demo / "_sitegen").glob("chrome.*.bin"))
    start.write_bytes(start.read_bytes()[:-1] + b"\x00")
    problems = check(project).problems
    message = "index.html holds an encrypted page or file that does not decrypt with the demo key"
    assert message in problems


def test_a_leak_is_never_remembered(project):
    stylesheet = project.root / "build/acme/demo/theme/css/acme.css"
    stylesheet.write_text(stylesheet.read_text() + f"/* {PASSWORD} */\n")
    leak = ("theme/css/acme.css holds the demo password",)
    assert check(project).problems == leak
    again = check(project)
    assert (again.problems, again.checked) == (leak, 1)


@pytest.mark.parametrize(
    "damage",
    [b"", b"{not json", b'{"format": 1, "clean": [1, 2]}', b'{"format": 1, "clean": {"k": 3}}'],
)
def test_a_damaged_record_checks_every_file_again(project, damage):
    count = len(outputs(project))
    check(project)
    (project.root / RECORD).write_bytes(damage)
    again = check(project)
    assert (again.problems, again.checked, again.remembered) == ((), count, 0)
    assert check(project).remembered == count  # and the record is whole again


def test_the_record_holds_no_password(project):
    check(project)
    record = (project.root / RECORD).read_text()
    assert PASSWORD not in record
    assert len(json.loads(record)["clean"]) == len(outputs(project))


def test_many_files_are_checked_in_worker_processes_as_in_one(make_project):
    """Enough pages for the check to go to worker processes: what it finds is the same."""
    pages = "".join(
        f"-- sites/acme/content/p{n:03d}.md --\nPage {n} tells of loaf number {n} today.\n"
        for n in range(260)
    )
    project = make_project(pages)
    (project.root / "sites/acme/assets").mkdir()
    (project.root / "sites/acme/assets/shop.jpg").write_bytes(jpeg(2400, 1600))
    project.build()
    demo = project.root / "build/acme/demo"
    (demo / "p007/index.html").write_bytes(
        (project.root / "sites/acme/assets/shop.jpg").read_bytes()
    )
    (demo / "p250/extra.txt").write_text(f"{PASSWORD}")
    count = len(outputs(project))
    first = check(project)
    assert first.problems == (
        "p007/index.html is not locked behind the gate",
        "p007/index.html holds an original file: assets/shop.jpg",
        "p007/index.html holds an image larger than a preview (2400×1600, previews ≤ 1200)",
        "p250/extra.txt holds the demo password",
    )
    assert (first.checked, first.remembered) == (count, 0)
    assert check(project, remember=False).problems == first.problems


def test_a_file_found_clean_copied_to_another_path_is_checked_there(project):
    """An encrypted file opens only at the path it was made for: the same bytes elsewhere are
    a file the client cannot read, and refused."""
    check(project)
    demo = project.root / "build/acme/demo"
    (demo / "assets/copy.jpg").write_bytes((demo / "assets/shop.jpg").read_bytes())
    refused = "assets/copy.jpg holds an encrypted page or file that does not decrypt"
    assert f"{refused} with the demo key" in check(project).problems
