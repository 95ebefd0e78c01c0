"""Change requests on the studio's side, against moto in server mode: publish puts an upload
policy into the demo, a note POSTed with it is stored sealed, `sitegen feedback` fetches,
opens, lists and keeps it with its state, and `sitegen status` says until when the demo
takes requests. moto checks no POST policy: the store's refusals are in test_feedback_store."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import time

import deploy_fixtures
import pytest
from deploy_fixtures import bucket_objects, new_bucket, s3_client
from feedback_fixtures import a_note, published_policy, send, studio_toml, the_key

from sitegen.feedback import notes

LINES = "-- sites/acme/content/about.md --\n---\ntitle: About\n---\n# About our bakery\n"


@pytest.fixture(autouse=True)
def aws_env(monkeypatch):
    deploy_fixtures.fake_aws_env(monkeypatch)


@pytest.fixture(scope="module")
def moto_endpoint():
    with deploy_fixtures.moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def bucket(moto_endpoint) -> str:
    return new_bucket(moto_endpoint)


@pytest.fixture
def project(make_project, moto_endpoint, bucket):
    target = f"s3://{bucket}/{{client}}/?endpoint={moto_endpoint}"
    return make_project(LINES + f"-- sitegen.toml --\n{studio_toml(target)}")


def publish(project, client: str = "acme"):
    result = project.run("publish", client)
    assert result.exit_code == 0, result.output
    return result


def listed(project, *args: str) -> list[dict]:
    result = project.run("feedback", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_note_sent_with_the_published_policy_reaches_the_studio_sealed(
    project, moto_endpoint, bucket
):
    publish(project)
    policy = published_policy(project, moto_endpoint, bucket)
    assert policy["format"] == 1 and policy["prefix"] == "feedback/acme/"
    assert policy["max_bytes"] == 65536 and policy["url"].endswith("/")
    expires = dt.datetime.fromisoformat(policy["expires"].replace("Z", "+00:00"))
    in_30_days = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    assert abs(expires - in_30_days) < dt.timedelta(minutes=5)
    signed = json.loads(base64.b64decode(policy["fields"]["policy"]))
    assert ["starts-with", "$key", "feedback/acme/"] in signed["conditions"]
    assert ["content-length-range", 1, 65536] in signed["conditions"]

    note = a_note()
    answer = send(policy, the_key(project), note)
    assert answer.status_code in (200, 201, 204), answer.text
    stored = bucket_objects(moto_endpoint, bucket, "feedback/")
    assert list(stored) == [f"feedback/acme/{note.id}"]
    body = stored[f"feedback/acme/{note.id}"]
    for plain in (note.text, note.element.text, note.page, note.element.selector):
        assert plain.encode() not in body

    [got] = listed(project)
    assert got["id"] == note.id and got["client"] == "acme"
    assert got["page"] == "/about/" and got["element"]["text"] == "About our bakery"
    assert got["text"] == note.text and got["urgent"] is True and got["state"] == "sent"
    assert (project.root / "sites/acme/feedback.toml").is_file()

    table = project.run("feedback")
    assert table.exit_code == 0, table.output
    assert "1 change request, 0 new from s3://" in table.output and note.id[:8] in table.output
    assert "Make this heading bigger" in table.output and "urgent" in table.output

    done = project.run("feedback", "acme", "done", note.id[:5])
    assert done.exit_code == 0, done.output
    assert f"Marked {note.id[:8]} of acme done" in done.output
    assert "after the next `sitegen publish acme`" in done.output
    [again] = listed(project)
    assert again["state"] == "done"
    [offline] = listed(project, "--offline")
    assert offline["state"] == "done"
    assert notes.load(project.root / "sites/acme")[0].state == "done"


def test_objects_that_are_not_notes_are_reported_and_skipped(project, moto_endpoint, bucket):
    publish(project)
    policy = published_policy(project, moto_endpoint, bucket)
    good, stranger = a_note("keep me"), a_note("sealed with another key")
    send(policy, the_key(project), good)
    send(policy, os.urandom(32), stranger)
    junk = "feedback/acme/" + "0" * 32
    s3_client(moto_endpoint).put_object(Bucket=bucket, Key=junk, Body=b"<b>not a note</b>")
    result = project.run("feedback", "--json", "acme")
    assert result.exit_code == 0, result.output
    assert [n["text"] for n in json.loads(result.stdout)] == ["keep me"]
    assert f"skipped feedback/acme/{stranger.id}: does not decrypt" in result.stderr
    assert f"skipped {junk}: not a sealed note" in result.stderr


def test_a_second_publish_renews_the_policy_and_status_says_until_when(
    project, moto_endpoint, bucket
):
    publish(project)
    first = published_policy(project, moto_endpoint, bucket)["expires"]
    time.sleep(1.1)  # the policy's expiry is signed to the second
    publish(project)
    second = published_policy(project, moto_endpoint, bucket)["expires"]
    assert second > first
    assert "_sitegen/feedback.bin" not in project.out_files(), "only a publish writes it"
    assert "(up to date)" in project.build("acme").output
    recorded = json.loads((project.root / "sites/acme/demo-published.json").read_text())
    assert recorded["feedback_until"] == second
    status = project.run("status", "acme")
    assert f"change requests open until {second[:10]}" in status.output
    assert project.run("status", "--json").output.count(second[:19]) == 1

    recorded["feedback_until"] = "2026-01-01T00:00:00Z"
    (project.root / "sites/acme/demo-published.json").write_text(json.dumps(recorded))
    lapsed = project.run("status")
    assert "change requests lapsed 2026-01-01: publish to renew" in lapsed.output


def test_a_folder_target_ships_no_policy_and_lists_what_the_studio_keeps(make_project, tmp_path):
    target = f"file:{tmp_path / 'published'}/{{client}}/"
    project = make_project(LINES + f"-- sitegen.toml --\n{studio_toml(target)}")
    publish(project)
    shipped = {p.name for p in (tmp_path / "published/acme/_sitegen").iterdir()}
    assert "feedback.bin" not in shipped and "gate.html" in shipped
    notes.save(project.root / "sites/acme", [a_note("sent by email")])
    result = project.run("feedback")
    assert result.exit_code == 0, result.output
    assert "not fetched: the demo goes to a folder" in result.output
    assert "sent by email" in result.output
    assert "change requests" not in project.run("status", "acme").output


def test_with_feedback_off_no_policy_ships(make_project, moto_endpoint, bucket):
    target = f"s3://{bucket}/{{client}}/?endpoint={moto_endpoint}"
    project = make_project(f"-- sitegen.toml --\n{studio_toml(target, 'enabled = false')}")
    publish(project)
    assert "acme/index.html" in bucket_objects(moto_endpoint, bucket)
    assert "acme/_sitegen/feedback.bin" not in bucket_objects(moto_endpoint, bucket)
    result = project.run("feedback", "acme")
    assert "not fetched: [feedback] is not enabled" in result.output


@pytest.mark.parametrize("prefix", ["", "feedback/{client}/"])
def test_a_demo_target_over_the_feedback_prefix_is_refused(
    make_project, moto_endpoint, bucket, prefix
):
    target = f"s3://{bucket}/{prefix}?endpoint={moto_endpoint}"
    project = make_project(f"-- sitegen.toml --\n{studio_toml(target)}")
    result = project.run("publish", "acme")
    assert result.exit_code == 1
    assert "sitegen.toml:5" in result.output and "holds feedback/," in result.output
    assert bucket_objects(moto_endpoint, bucket) == {}


def test_unknown_and_ambiguous_ids_are_clear_errors(project):
    first, second = a_note("one"), a_note("two")
    second = type(second)(**{**second.__dict__, "id": first.id[:4] + second.id[4:]})
    notes.save(project.root / "sites/acme", [first, second])
    unknown = project.run("feedback", "acme", "seen", "zz")
    assert unknown.exit_code == 1
    assert "no change request of acme has an id starting with 'zz'" in unknown.output
    ambiguous = project.run("feedback", "acme", "seen", first.id[:4])
    assert ambiguous.exit_code == 1 and "starts the ids of 2 change requests" in ambiguous.output
    seen = project.run("feedback", "acme", "seen", second.id[:6])
    assert seen.exit_code == 0, seen.output
    states = {n.id: n.state for n in notes.load(project.root / "sites/acme")}
    assert states == {first.id: "sent", second.id: "seen"}
    missing = project.run("feedback", "acme", "done")
    assert missing.exit_code == 2 and "give one id" in missing.output


def test_a_note_is_shown_as_text_never_as_markup(project):
    notes.save(project.root / "sites/acme", [a_note("[bold red]shout[/] <script>x</script>")])
    result = project.run("feedback", "--offline")
    assert "[bold red]shout[/] <script>x</script>" in result.output


@pytest.mark.parametrize(
    "table, says",
    [
        ('enabled = "yes"', "sitegen.toml:8: 'enabled' in [feedback] must be"),
        ("enabled = true\ndays = 0", "sitegen.toml:9: 'days' in [feedback] must be from 1"),
        ("enable = true", "sitegen.toml:8: unknown key 'enable' in [feedback]"),
    ],
)
def test_a_bad_feedback_table_names_the_file_and_line(make_project, table, says):
    project = make_project(
        f"-- sitegen.toml --\n{studio_toml('file:build/_published/{client}/', table)}"
    )
    result = project.run("build")
    assert result.exit_code == 1 and says in result.output, result.output


def test_init_writes_a_feedback_table_that_reads_once_uncommented(tmp_path):
    from sitegen.config import newstudio
    from sitegen.config.load import load_studio

    path = newstudio.new_studio(
        tmp_path, newstudio.StudioAnswers("Studio", "hi@studio.example", "demo.studio.example")
    )
    text = path.read_text()
    assert "# [feedback]\n# enabled = true" in text
    path.write_text(text.replace("# [feedback]", "[feedback]").replace("# enabled", "enabled"))
    assert load_studio(tmp_path).feedback.enabled is True
    assert load_studio(tmp_path).feedback.days == 30
