"""The demo's salt is kept beside the site (`sites/CLIENT/demo-salt.json`, committed with it):
clearing or damaging build/.cache changes no byte of the demo, so a publish sends nothing
and the client is not asked for the password again."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

from conftest import PASSWORD
from sitegen.demo.lock import PBKDF2_ITERATIONS, DemoKey, unlock_output

PAGES = """
-- sites/acme/content/_index.md --
# Home
Fresh bread every morning.
-- sites/acme/content/about.md --
# About
We bake.
"""


def demo_bytes(project) -> dict[str, bytes]:
    folder = project.root / "build/acme/demo"
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def kept(project, client: str = "acme") -> dict:
    return json.loads((project.root / "sites" / client / "demo-salt.json").read_text())


def key_from_the_salt_file(project, password: str = PASSWORD) -> bytes:
    salt = base64.b64decode(kept(project)["salt"])
    return DemoKey.derive(password, salt, PBKDF2_ITERATIONS).key


def test_the_salt_is_kept_beside_the_site_and_the_demo_opens_with_it(make_project):
    project = make_project(PAGES)
    project.build()
    record = kept(project)
    assert set(record) == {"about", "salt", "iterations", "check"}
    text = (project.root / "sites/acme/demo-salt.json").read_text()
    key = key_from_the_salt_file(project)
    assert PASSWORD not in text and base64.b64encode(key).decode() not in text
    assert key.hex() not in text
    page = demo_bytes(project)["about/index.html"]
    read = (project.root / "build/acme/demo").joinpath
    opened = unlock_output(
        key, "acme", "/", "about/index.html", page, lambda p: read(p).read_bytes()
    )
    assert b"We bake." in opened


def test_a_cleared_or_damaged_cache_changes_no_byte_of_the_demo(make_project):
    project = make_project(PAGES)
    project.build()
    before, salt = demo_bytes(project), kept(project)["salt"]
    cache = project.root / "build/.cache"
    shutil.rmtree(cache)
    project.build()
    assert demo_bytes(project) == before and kept(project)["salt"] == salt
    (cache / "keys").mkdir(parents=True, exist_ok=True)
    (cache / "keys/acme.json").write_text("{ damaged")
    project.build("--no-cache")
    assert demo_bytes(project) == before and kept(project)["salt"] == salt


def test_a_publish_after_the_cache_is_gone_sends_nothing(make_project):
    project = make_project(PAGES)
    published = project.root.parent / "published"  # outside the project, as targets must be
    first = project.run("publish", "--target", f"file:{published}")
    assert first.exit_code == 0, first.output
    shutil.rmtree(project.root / "build/.cache")
    again = project.run("publish", "--target", f"file:{published}")
    assert again.exit_code == 0, again.output
    assert "0 uploaded" in again.output


def test_a_salt_only_the_cache_kept_moves_beside_the_site(make_project):
    """A project built by an earlier version kept its salt in build/.cache/keys only."""
    project = make_project(PAGES)
    project.build()
    before, salt = demo_bytes(project), kept(project)["salt"]
    (project.root / "sites/acme/demo-salt.json").unlink()
    project.build("--no-cache")
    assert kept(project)["salt"] == salt
    assert demo_bytes(project) == before


def test_a_changed_password_draws_a_new_salt_and_says_so(make_project):
    project = make_project(PAGES)
    project.build()
    salt = kept(project)["salt"]
    site_toml = project.root / "sites/acme/site.toml"
    site_toml.write_text(site_toml.read_text().replace(PASSWORD, "another-long-password-7"))
    result = project.build()
    assert kept(project)["salt"] != salt
    assert "demo-salt.json: the demo password changed, so the demo has a new salt" in result.output
    assert "commit demo-salt.json" in result.output
    assert "demo password changed" not in project.build("--no-cache").output, "said once"
    page = demo_bytes(project)["about/index.html"]
    key = key_from_the_salt_file(project, "another-long-password-7")
    read = (project.root / "build/acme/demo").joinpath
    opened = unlock_output(
        key, "acme", "/", "about/index.html", page, lambda p: read(p).read_bytes()
    )
    assert b"We bake." in opened


def test_a_new_client_starts_with_its_salt_file(make_project):
    project = make_project(site=False)
    result = project.run("new", "bakery")
    assert result.exit_code == 0, result.output
    salt_file = project.root / "sites/bakery/demo-salt.json"
    salt = json.loads(salt_file.read_text())["salt"]
    project.build()
    assert json.loads(salt_file.read_text())["salt"] == salt


def test_the_example_clients_carry_their_salt_files():
    root = Path(__file__).resolve().parent.parent / "sites"
    for client in sorted(p for p in root.iterdir() if (p / "site.toml").is_file()):
        record = json.loads((client / "demo-salt.json").read_text())
        assert record["iterations"] == PBKDF2_ITERATIONS and record["salt"], client.name


def test_a_key_is_derived_once_per_process_and_no_password_is_kept(tmp_path, monkeypatch):
    """A second derivation in one process is skipped; what remembers the key is a digest of
    the password under the salt, never the password itself."""
    import gc

    from sitegen.demo import salt

    derived = []
    real = DemoKey.derive.__func__

    def counting(cls, password, *args, **kwargs):
        derived.append(password)
        return real(cls, password, *args, **kwargs)

    monkeypatch.setattr(DemoKey, "derive", classmethod(counting))
    password = "a-password-only-this-test-uses"
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    first = salt.demo_key(tmp_path / "cache", "solo", password, site_dir)
    second = salt.demo_key(tmp_path / "cache", "solo", password, site_dir)
    assert second == first and len(derived) == 1
    assert (site_dir / "demo-salt.json").exists()
    for holder in gc.get_referrers(password):
        assert holder is not salt._DERIVED and not (
            isinstance(holder, tuple) and holder in salt._DERIVED
        ), "the password is a key of the derived keys"
