"""Proofs: a 24-page A4 brochure rendered to watermarked page previews, cold (no cache), by
sitegen's renderer, against poppler's `pdftoppm` rendering the same pages to JPEG at the same
size (no watermark: the floor a renderer on this machine can reach).

    .venv/bin/python bench/proofs.py --pages 24 --size 1200 --runs 5
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from sitegen.assets import proofs
from sitegen.assets.previews import PreviewSettings


def brochure(pages: int) -> bytes:
    """An A4 brochure with a picture and a line of text on every page, made with Pillow."""
    from PIL import Image, ImageDraw

    sheets = []
    for number in range(pages):
        sheet = Image.new("RGB", (1240, 1754), "white")  # A4 at 150 dpi
        draw = ImageDraw.Draw(sheet)
        draw.rectangle((100, 300, 1140, 1000), fill=(40 + number * 8, 90, 140))
        draw.text((100, 150), f"Page {number + 1}: fresh bread every morning", fill="black")
        sheets.append(sheet)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "brochure.pdf"
        sheets[0].save(path, "PDF", save_all=True, append_images=sheets[1:], resolution=150)
        return path.read_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=24)
    parser.add_argument("--size", type=int, default=1200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    original = brochure(args.pages)
    settings = PreviewSettings(args.size, 60, "Studio · PREVIEW")
    ours, poppler = [], []
    pdftoppm = shutil.which("pdftoppm")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "brochure.pdf"
        source.write_bytes(original)
        for _ in range(args.runs):  # alternating, so both see the same machine
            start = time.perf_counter()
            rendered = proofs.render(original, ".pdf", settings, args.pages)
            ours.append(time.perf_counter() - start)
            assert len(rendered.pages) == args.pages
            if pdftoppm:
                start = time.perf_counter()
                subprocess.run(
                    [pdftoppm, "-jpeg", "-jpegopt", "quality=60", "-scale-to", str(args.size)]
                    + [str(source), str(Path(folder) / "page")],
                    check=True,
                )
                poppler.append(time.perf_counter() - start)
    print(f"{args.pages} A4 pages to {args.size} px, cold, median of {args.runs} (one core):")
    print(f"sitegen  {statistics.median(ours):.3f} s  (render, watermark, JPEG)")
    if poppler:
        print(f"pdftoppm {statistics.median(poppler):.3f} s  (render, JPEG)")
    else:
        print("pdftoppm not installed (apt-get install poppler-utils): skipped")


if __name__ == "__main__":
    main()
