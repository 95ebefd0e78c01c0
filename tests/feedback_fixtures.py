"""What the change-request tests share: a studio publishing to a real bucket with `[feedback]`
on, the upload policy read back from the demo as the browser reads it, and a POST of a sealed
note as the browser sends it."""

from __future__ import annotations

import datetime as dt
import json
import secrets

import requests
from deploy_fixtures import s3_client

from conftest import STUDIO_TOML, Project, decrypt_file, demo_key
from sitegen.feedback import notes
from sitegen.feedback.notes import Element, Note


def studio_toml(target: str, feedback: str = "enabled = true") -> str:
    return STUDIO_TOML + f'demo_target = "{target}"\n\n[feedback]\n{feedback}\n'


def the_key(project: Project, client: str = "acme") -> bytes:
    """The demo key, from the gate's salt and the password, as the client's browser gets it."""
    return demo_key(project.out("index.html", client=client, raw=True))


def published_policy(project: Project, endpoint: str, bucket: str, client: str = "acme") -> dict:
    """The upload policy in the published demo, decrypted as the browser decrypts it."""
    key = f"{client}/_sitegen/feedback.bin"
    data = s3_client(endpoint).get_object(Bucket=bucket, Key=key)["Body"].read()
    plain = decrypt_file(data, the_key(project, client), client, "/_sitegen/feedback.bin")
    return json.loads(plain)


def a_note(text: str = "Make this heading bigger, please", page: str = "/about/") -> Note:
    return Note(
        id=secrets.token_hex(16),
        page=page,
        element=Element("main > h1", "About our bakery", 10.0, 120.0, 600.0, 48.0),
        text=text,
        urgent=True,
        sent=dt.datetime.now(dt.UTC).replace(microsecond=0),
        viewport=(375, 812),
        build="test",
    )


def post(policy: dict, key: str, body: bytes) -> requests.Response:
    """A multipart POST as the demo sends it: the policy's fields, `key`, then the file."""
    fields = {**policy["fields"], "key": key}
    upload = {"file": ("note", body, "application/octet-stream")}
    return requests.post(policy["url"], data=fields, files=upload, timeout=30)


def send(policy: dict, key: bytes, note: Note, site: str = "acme") -> requests.Response:
    return post(policy, policy["prefix"] + note.id, notes.seal(key, site, note))
