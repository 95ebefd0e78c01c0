"""How long `sitegen publish` takes to give up on a store that stops answering: moto on
loopback behind the tests' fault proxy, which holds every PUT open without a byte of answer.
The publish runs as its own process, so the time includes its exit.

    python bench/stall.py [--pages 100] [--stall-timeout 60]

`--stall-timeout` is written to the corpus project's deploy/targets.toml ([sync]
stall_timeout); 60 is the default."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from corpus import make_project  # noqa: E402
from deploy_fixtures import ACCESS_KEY, SECRET_KEY, fault_proxy, new_bucket  # noqa: E402

from deploy import moto_process  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--stall-timeout", type=int, default=60)
    args = parser.parse_args()
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    os.environ.update(env)
    with tempfile.TemporaryDirectory() as folder, moto_process() as endpoint:
        root = make_project(Path(folder) / "project", args.pages)
        (root / "deploy").mkdir()
        (root / "deploy/targets.toml").write_text(f"[sync]\nstall_timeout = {args.stall_timeout}\n")
        sitegen = [sys.executable, "-m", "sitegen", "--root", str(root)]
        subprocess.run([*sitegen, "build", "-q"], check=True, env=env)
        bucket = new_bucket(endpoint)
        with fault_proxy(endpoint) as (proxy, url):
            proxy.decide = lambda number, method, path: "stall" if method == "PUT" else "pass"
            target = f"s3://{bucket}/client0/?endpoint={url}"
            began = time.monotonic()
            publish = subprocess.run(
                [*sitegen, "publish", "--target", target], capture_output=True, text=True, env=env
            )
            took = time.monotonic() - began
    print(f"{args.pages} pages, every PUT stalled, stall_timeout = {args.stall_timeout} s:")
    print(f"  exit code {publish.returncode} after {took:.1f} s")
    for line in publish.stderr.strip().splitlines()[-3:]:
        print(f"  {line}")


if __name__ == "__main__":
    main()
