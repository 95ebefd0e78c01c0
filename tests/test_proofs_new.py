"""Proofs changed since the last publish are marked "new" in the gallery and on the status
page, so the client sees what changed since they last looked."""

from __future__ import annotations

import json
import re

from test_proofs import SENTENCES, text_pdf

from conftest import PASSWORD, decrypt_demo_tree, serve_folder

NEW_EN, NEW_AR = "New", "جديد"
TIMEOUT_MS = 10_000


def marked_new(html: str) -> set[str]:
    """The proofs a list marks new, by file name."""
    items = re.findall(r"<li>(.*?)</li>", html, re.S)
    return {re.search(r"[\w-]+\.pdf", item)[0] for item in items if 'class="proof-new"' in item}


def gallery_and_status(project) -> tuple[str, str]:
    plain = decrypt_demo_tree(project.root / "build/acme/demo")
    return plain["_proofs/index.html"].decode(), plain["status/index.html"].decode()


def new_in(project) -> tuple[set[str], set[str]]:
    gallery, status = gallery_and_status(project)
    section = status.split('id="status-proofs-title"')[1].split("</section>")[0]
    return marked_new(gallery), marked_new(section)


def proofs_site(make_project, language: str = "en"):
    project = make_project("""
        -- sites/acme/content/_index.md --
        # Print work
    """)
    if language != "en":
        toml = project.root / "sites/acme/site.toml"
        text = toml.read_text("utf-8").replace("[site]\n", f'[site]\nlanguage = "{language}"\n')
        toml.write_text(text, encoding="utf-8")
    proofs = project.root / "sites/acme/content/proofs"
    proofs.mkdir()
    (proofs / "brochure.pdf").write_bytes(text_pdf(SENTENCES))
    (proofs / "flyer.pdf").write_bytes(text_pdf(SENTENCES[:1]))
    return project


def publish(project) -> None:
    target = project.root.parent / "published"
    result = project.run("publish", "--target", f"file:{target}")
    assert result.exit_code == 0, result.output


def test_nothing_is_new_before_the_first_publish(make_project):
    project = proofs_site(make_project)
    project.build()
    gallery, status = gallery_and_status(project)
    assert "brochure.pdf" in gallery and "flyer.pdf" in gallery
    assert 'class="proof-new"' not in gallery and 'class="proof-new"' not in status


def test_a_proof_changed_since_the_last_publish_is_new_until_the_next(make_project):
    project = proofs_site(make_project)
    project.build()
    publish(project)
    recorded = json.loads((project.root / "sites/acme/demo-published.json").read_text("utf-8"))
    assert set(recorded["proofs"]) == {"proofs/brochure.pdf", "proofs/flyer.pdf"}
    brochure = project.root / "sites/acme/content/proofs/brochure.pdf"
    brochure.write_bytes(text_pdf(SENTENCES[::-1]))
    result = project.build()
    assert "up to date" not in result.output
    assert new_in(project) == ({"brochure.pdf"}, {"brochure.pdf"})
    gallery, _ = gallery_and_status(project)
    assert f'<span class="proof-new">{NEW_EN}</span>' in gallery
    publish(project)
    result = project.build()
    assert "up to date" not in result.output, "the publish changed what is new"
    assert new_in(project) == (set(), set())


def test_a_build_after_a_publish_is_not_up_to_date_when_what_is_new_changed(make_project):
    project = proofs_site(make_project)
    (project.root / "sites/acme/content/proofs/flyer.pdf").unlink()
    project.build()
    publish(project)  # records the brochure
    flyer = project.root / "sites/acme/content/proofs/flyer.pdf"
    flyer.write_bytes(text_pdf(SENTENCES[1:]))
    project.build()
    assert new_in(project)[0] == {"flyer.pdf"}
    assert "up to date" in project.build().output
    publish(project)  # the flyer is published: the build on disk now says too much
    result = project.build()
    assert "up to date" not in result.output
    assert new_in(project)[0] == set()


def test_an_arabic_site_says_new_in_arabic(make_project):
    project = proofs_site(make_project, "ar")
    project.build()
    publish(project)
    (project.root / "sites/acme/content/proofs/flyer.pdf").write_bytes(text_pdf(SENTENCES[1:]))
    project.build()
    gallery, status = gallery_and_status(project)
    assert f'<span class="proof-new">{NEW_AR}</span>' in gallery
    assert f'<span class="proof-new">{NEW_AR}</span>' in status


def test_a_damaged_record_is_named_and_the_build_keeps_the_previous_output(make_project):
    project = proofs_site(make_project)
    project.build()
    publish(project)
    before = (project.root / "build/acme/demo/_proofs/index.html").read_bytes()
    (project.root / "sites/acme/demo-published.json").write_text("{", encoding="utf-8")
    result = project.run("build")
    assert result.exit_code == 1
    assert "demo-published.json" in result.output and "publish" in result.output
    assert (project.root / "build/acme/demo/_proofs/index.html").read_bytes() == before


def test_the_client_sees_new_beside_the_changed_proof_only(make_project, browser, screenshots):
    project = proofs_site(make_project)
    project.build()
    publish(project)
    (project.root / "sites/acme/content/proofs/flyer.pdf").write_bytes(text_pdf(SENTENCES[1:]))
    project.build()
    with serve_folder(project.root / "build/acme/demo") as port:
        page = browser.new_page(viewport={"width": 375, "height": 800})
        page.goto(f"http://127.0.0.1:{port}/_proofs/")
        page.fill("#sitegen-password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector(".proof-gallery", timeout=TIMEOUT_MS)
        items = page.locator(".proof-gallery li")
        flyer = items.filter(has_text="flyer.pdf")
        brochure = items.filter(has_text="brochure.pdf")
        badge = flyer.locator(".proof-new")
        assert badge.is_visible() and badge.inner_text() == NEW_EN
        assert brochure.locator(".proof-new").count() == 0
        name = flyer.locator(".proof-name").bounding_box()
        shown = badge.bounding_box()
        assert name["y"] < shown["y"] < name["y"] + 3 * name["height"], "under the proof's name"
        page.screenshot(path=str(screenshots / "proofs-new-gallery.png"), full_page=True)
        page.close()
