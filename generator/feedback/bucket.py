"""The demo bucket as the feedback room reaches it: one boto3 client per target, signed with
SigV4 (a POST policy needs it) by `[feedback] profile` or the target's own credentials, and
boto3's errors told as what failed and what to do. Credentials stay with boto3's chain."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sitegen.errors import SitegenError
from sitegen.model import Diagnostic
from sitegen.publish.targets import S3Target

CREDENTIALS = (
    "give credentials through the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), a "
    "profile in ~/.aws ([feedback] profile = NAME), or ?profile=NAME in the demo target"
)
_HINTS = {
    "NoSuchBucket": "publish the demo first; deploy/README.md shows how to make the bucket",
    "AccessDenied": "the identity may lack a permission: see deploy/feedback-iam-policy.json",
    "InvalidAccessKeyId": CREDENTIALS,
    "SignatureDoesNotMatch": "the secret key does not match the access key: " + CREDENTIALS,
}


class FeedbackError(SitegenError):
    kind = "feedback error"


def client(target: S3Target, profile: str | None = None):
    """An S3 client for the demo bucket: path-style for a custom endpoint (MinIO, SeaweedFS,
    moto), as the sync addresses it, so the policy's URL is the one the sync writes to."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ProfileNotFound

    custom = target.endpoint or os.environ.get("AWS_ENDPOINT_URL_S3")
    custom = custom or os.environ.get("AWS_ENDPOINT_URL")
    addressing = target.addressing or ("path" if custom else "auto")
    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": addressing},
        retries={"mode": "standard", "total_max_attempts": 5},
        connect_timeout=5,
        read_timeout=20,
    )
    name = profile or target.profile
    try:
        session = boto3.session.Session(profile_name=name, region_name=target.region)
        return session.client("s3", endpoint_url=target.endpoint, config=config)
    except ProfileNotFound:
        raise FeedbackError(
            Diagnostic(None, f"AWS profile '{name}' not found", hint=CREDENTIALS)
        ) from None


@contextmanager
def explained(target: S3Target, doing: str) -> Iterator[None]:
    """boto3's errors as FeedbackErrors saying what failed, without secrets."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    try:
        yield
    except NoCredentialsError:
        message = f"no credentials for {target}"
        raise FeedbackError(Diagnostic(None, message, hint=CREDENTIALS)) from None
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        message = f"{doing} on {target} failed: {code}: {error.get('Message') or code}"
        raise FeedbackError(Diagnostic(None, message, hint=_HINTS.get(code))) from exc
    except BotoCoreError as exc:
        message = f"{doing} on {target} failed: {exc}"
        hint = "check the endpoint and the network, or give --offline"
        raise FeedbackError(Diagnostic(None, message, hint=hint)) from exc
