"""deploy/: the policies are valid JSON and let nobody but the deploy user write; the CloudFront
Function serves pretty URLs and checks basic auth against a hash, never a stored password."""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import shutil
import subprocess

import pytest

from conftest import REPO

DEPLOY = REPO / "deploy"
BUCKET = "arn:aws:s3:::demo.studio.example"
WRITES = (
    "s3:PutObject",
    "s3:PutObjectAcl",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:AbortMultipartUpload",
    "s3:RestoreObject",
    "s3:ReplicateObject",
    "s3:PutBucketPolicy",
    "s3:PutBucketAcl",
    "s3:DeleteBucket",
    "s3:DeleteBucketPolicy",
)


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def writes_granted(statement: dict) -> set[str]:
    """The write actions an Allow statement grants, wildcards expanded (`s3:*`, `s3:Put*`)."""
    if statement["Effect"] != "Allow":
        return set()
    if "NotAction" in statement:
        return set(WRITES)  # "everything but" grants writes unless it names them all
    patterns = [a.lower() for a in as_list(statement["Action"])]
    return {w for w in WRITES if any(fnmatch.fnmatchcase(w.lower(), p) for p in patterns)}


def public(statement: dict) -> bool:
    principal = statement.get("Principal")
    if principal == "*" or "NotPrincipal" in statement:
        return True
    return isinstance(principal, dict) and "*" in as_list(principal.get("AWS", []))


def public_writes(policy: dict) -> set[str]:
    return {
        action
        for statement in policy["Statement"]
        if public(statement)
        for action in writes_granted(statement)
    }


def load(name: str) -> dict:
    policy = json.loads((DEPLOY / name).read_text(encoding="utf-8"))
    assert policy["Version"] == "2012-10-17"
    assert all(s["Effect"] in ("Allow", "Deny") for s in policy["Statement"])
    assert len({s["Sid"] for s in policy["Statement"]}) == len(policy["Statement"])
    return policy


def test_the_bucket_policy_lets_only_the_distribution_read():
    policy = load("bucket-policy.json")
    assert public_writes(policy) == set()
    allows = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert [a["Action"] for a in allows] == ["s3:GetObject"]
    assert all(a["Principal"] == {"Service": "cloudfront.amazonaws.com"} for a in allows)
    assert all("AWS:SourceArn" in a["Condition"]["StringEquals"] for a in allows)
    denies = [s for s in policy["Statement"] if s["Effect"] == "Deny"]
    assert denies[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_deploy_user_may_sync_one_bucket_and_nothing_else():
    policy = load("iam-policy.json")
    assert all("Principal" not in s for s in policy["Statement"]), "an identity policy"
    assert public_writes(policy) == set()
    granted = set().union(*(writes_granted(s) for s in policy["Statement"]))
    assert granted == {"s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"}
    for statement in policy["Statement"]:
        actions = as_list(statement["Action"])
        assert "*" not in actions and "s3:*" not in actions
        for resource in as_list(statement["Resource"]):
            assert resource in (BUCKET, BUCKET + "/*") or resource.startswith(
                "arn:aws:cloudfront::"
            ), resource


FEEDBACK = BUCKET + "/feedback/*"
FEEDBACK_USER = "arn:aws:iam::111122223333:user/sitegen-feedback"


def covers(statement: dict, action: str, resource: str) -> bool:
    actions = [a.lower() for a in as_list(statement.get("Action", []))]
    return any(fnmatch.fnmatchcase(action.lower(), a) for a in actions) and any(
        fnmatch.fnmatchcase(resource, r) for r in as_list(statement["Resource"])
    )


def test_change_requests_are_read_by_the_feedback_identity_alone():
    """The distribution may read the demos, never the notes under feedback/: a Deny for
    every principal but the identity `sitegen feedback` runs as, whatever else allows it."""
    policy = load("bucket-policy.json")
    note = "arn:aws:s3:::demo.studio.example/feedback/acme/" + "0" * 32
    page = "arn:aws:s3:::demo.studio.example/acme/index.html"
    for key, denied in ((note, True), (page, False)):
        readers = [s for s in policy["Statement"] if covers(s, "s3:GetObject", key)]
        assert any(s["Effect"] == "Allow" and not public(s) for s in readers)
        walls = [
            s
            for s in readers
            if s["Effect"] == "Deny"
            and s["Principal"] == "*"
            and s["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": FEEDBACK_USER}}
        ]
        assert bool(walls) == denied, key


def test_the_feedback_identity_may_store_and_read_change_requests_and_nothing_else():
    policy = load("feedback-iam-policy.json")
    assert all("Principal" not in s for s in policy["Statement"]), "an identity policy"
    granted = set().union(*(writes_granted(s) for s in policy["Statement"]))
    assert granted == {"s3:PutObject"}
    actions = {a for s in policy["Statement"] for a in as_list(s["Action"])}
    assert actions == {"s3:PutObject", "s3:GetObject", "s3:ListBucket"}
    for statement in policy["Statement"]:
        if statement["Action"] == "s3:ListBucket":
            assert statement["Resource"] == BUCKET
            assert statement["Condition"] == {"StringLike": {"s3:prefix": ["feedback/*"]}}
        else:
            assert statement["Resource"] == FEEDBACK


def test_the_bucket_takes_posts_from_the_demos_and_nothing_else():
    rules = json.loads((DEPLOY / "cors.json").read_text(encoding="utf-8"))["CORSRules"]
    assert [rule["AllowedMethods"] for rule in rules] == [["POST"]]
    assert rules[0]["AllowedOrigins"] == ["https://*.demo.studio.example"]


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": "*", "Action": ["s3:Get*", "s3:Del*"], "Resource": "*"},
        {"Effect": "Allow", "Principal": "*", "NotAction": "s3:GetObject", "Resource": "*"},
    ],
)
def test_the_check_catches_a_public_write(statement: dict):
    assert public_writes({"Statement": [statement]})


FUNCTION = DEPLOY / "cloudfront-viewer-request.js"
HARNESS = """
const fs = require('fs');
const source = fs.readFileSync(process.argv[1], 'utf8')
  .replace("const SALT = '';", "const SALT = '" + process.argv[2] + "';")
  .replace("const CREDENTIAL_SHA256 = '';", "const CREDENTIAL_SHA256 = '" + process.argv[3] + "';")
  .replace("const HOST_PREFIX = true;", "const HOST_PREFIX = " + process.argv[4] + ";");
const handler = new Function('require', 'Buffer', source + '\\nreturn handler;')(require, Buffer);
const events = JSON.parse(fs.readFileSync(0, 'utf8'));
console.log(JSON.stringify(events.map((event) => handler(event))));
"""


def run_function(
    requests: list[dict], salt: str = "", digest: str = "", host_prefix: bool = False
) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    events = json.dumps([{"request": r} for r in requests])
    answer = subprocess.run(
        [node, "-e", HARNESS, str(FUNCTION), salt, digest, json.dumps(host_prefix)],
        input=events,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return json.loads(answer.stdout)


def request(uri: str, authorization: str | None = None, host: str | None = None) -> dict:
    headers = {"authorization": {"value": authorization}} if authorization else {}
    if host:
        headers["host"] = {"value": host}
    return {"uri": uri, "headers": headers}


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_the_function_serves_pretty_urls_from_index_files():
    answers = run_function([request(u) for u in ("/", "/about/", "/about", "/theme/a.css")])
    assert [a["uri"] for a in answers] == [
        "/index.html",
        "/about/index.html",
        "/about/index.html",
        "/theme/a.css",
    ]


def test_the_function_reads_each_demo_from_its_subdomains_prefix():
    answers = run_function(
        [
            request("/about/", host="acme.demo.studio.example"),
            request("/", host="dar-alward.demo.studio.example"),
            request("/", host="-bad.demo.studio.example"),
        ],
        host_prefix=True,
    )
    assert [a.get("uri") for a in answers[:2]] == [
        "/acme/about/index.html",
        "/dar-alward/index.html",
    ]
    assert answers[2]["statusCode"] == 404


def test_the_function_checks_basic_auth_against_a_salted_hash():
    salt = "5f1c9a0e8b7d6c4a"
    digest = hashlib.sha256(f"{salt}:client:long-random-password".encode()).hexdigest()
    answers = run_function(
        [
            request("/about/"),
            request("/about/", basic("client", "wrong")),
            request("/about/", "Bearer abc"),
            request("/about/", basic("client", "long-random-password")),
        ],
        salt,
        digest,
    )
    assert [a.get("statusCode") for a in answers[:3]] == [401, 401, 401]
    assert "Basic realm=" in answers[0]["headers"]["www-authenticate"]["value"]
    assert answers[3]["uri"] == "/about/index.html", "the right pair passes"


def test_the_function_ships_without_credentials():
    text = FUNCTION.read_text(encoding="utf-8")
    assert "const SALT = '';" in text and "const CREDENTIAL_SHA256 = '';" in text
    assert "password =" not in text.lower()
