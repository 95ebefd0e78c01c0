"""A seeded corpus of client sites for benchmarks: N Markdown pages (front matter, headings,
lists, code, links, ~540 words each), M photo-like JPEGs, one or more clients.

    python bench/corpus.py OUT --pages 1000 [--images 0] [--clients 1] [--seed 1] [--paragraphs 2]
                           [--layout sectioned|flat]

`--paragraphs 3` writes three paragraphs a section instead of two, ~740 words a page: the
corpus of the comparison with other generators (`compare.py`). The default stays as it was, so
earlier figures remain comparable.

`--layout sectioned` (the default) puts the pages in `content/posts/`, a section with its own
list; `--layout flat` puts them straight in `content/`, as a catalogue or a product list is,
listed by the home page. The pages' text is the same in both.

OUT becomes a sitegen project (sitegen.toml, themes/ copied from this repository, sites/)."""

from __future__ import annotations

import argparse
import io
import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORDS = [
    "bread",
    "flour",
    "water",
    "salt",
    "oven",
    "crust",
    "crumb",
    "starter",
    "rye",
    "wheat",
    "dough",
    "proof",
    "bake",
    "morning",
    "shop",
    "window",
    "street",
    "harbour",
    "client",
    "design",
    "page",
    "layout",
    "colour",
    "image",
    "photo",
    "menu",
    "order",
    "price",
    "table",
    "week",
    "month",
    "light",
    "stone",
    "deck",
    "steam",
    "loaf",
    "basket",
    "counter",
    "table",
    "chair",
    "friend",
    "family",
    "coffee",
]
PASSWORD = "bench-password-4fj2-9xk1"
PARAGRAPHS = 2  # a section's paragraphs; 3 gives the ~740-word pages of the comparison
PHOTO_SIZE = (4000, 3000)
LAYOUTS = ("sectioned", "flat")


def make_project(
    out: Path,
    pages: int,
    images: int = 0,
    clients: int = 1,
    seed: int = 1,
    *,
    paragraphs: int = PARAGRAPHS,
    image_size: tuple[int, int] = PHOTO_SIZE,
    layout: str = "sectioned",
) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "themes", out / "themes", dirs_exist_ok=True)
    (out / "sitegen.toml").write_text(
        '[studio]\nname = "Bench Studio"\nemail = "bench@example.com"\n'
        'demo_domain = "demo.bench.example"\n',
        encoding="utf-8",
    )
    for number in range(clients):
        rng = random.Random(seed * 1000 + number)
        folder = out / "sites" / f"client{number}"
        write_client(
            folder, pages, images, rng, paragraphs=paragraphs, image_size=image_size, layout=layout
        )
    return out


def write_client(
    folder: Path,
    pages: int,
    images: int,
    rng: random.Random,
    *,
    paragraphs: int = PARAGRAPHS,
    image_size: tuple[int, int] = PHOTO_SIZE,
    layout: str = "sectioned",
) -> None:
    content = folder / "content"
    pages_folder = content / "posts" if layout == "sectioned" else content
    pages_folder.mkdir(parents=True, exist_ok=True)
    (folder / "site.toml").write_text(
        f'[client]\nname = "Client {folder.name}"\nemail = "c@example.com"\n\n'
        f'[site]\ntitle = "Site {folder.name}"\n\n[demo]\npassword = "{PASSWORD}"\n',
        encoding="utf-8",
    )
    (content / "_index.md").write_text("---\ntitle: Home\n---\nWelcome.\n", encoding="utf-8")
    if layout == "sectioned":
        (content / "posts/_index.md").write_text("---\ntitle: Posts\n---\n", encoding="utf-8")
    assets = "../../assets" if layout == "sectioned" else "../assets"
    for index in range(pages):
        (pages_folder / f"post-{index:05d}.md").write_text(
            page_text(index, pages, images, rng, paragraphs=paragraphs, assets=assets),
            encoding="utf-8",
        )
    if images:
        write_images(folder / "assets" / "photos", images, rng, image_size)


def page_text(
    index: int,
    pages: int,
    images: int,
    rng: random.Random,
    *,
    paragraphs: int = PARAGRAPHS,
    assets: str = "../../assets",
) -> str:
    def sentence(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."

    def paragraph() -> str:
        return " ".join(sentence(rng.randint(8, 16)) for _ in range(rng.randint(4, 7)))

    parts = [
        "---",
        f"title: Post number {index}",
        f"date: 2026-{index % 12 + 1:02d}-{index % 28 + 1:02d}",
        f"weight: {index % 7}",
        f"description: {sentence(12)}",
        "---",
        "",
    ]
    for section in range(3):
        parts += [f"## Section {section} of post {index}", ""]
        for _ in range(paragraphs):
            parts += [paragraph(), ""]
        parts += [f"- {sentence(6)}" for _ in range(4)] + [""]
    parts += ["```python", f"def post_{index}():", f"    return {index} * 2", "```", ""]
    neighbour = (index + 1) % pages
    parts.append(f"Read [the next post](post-{neighbour:05d}.md) too. {sentence(10)}")
    if images:
        parts += ["", f"![A photo]({assets}/photos/photo-{index % images:04d}.jpg)"]
    return "\n".join(parts) + "\n"


def write_images(folder: Path, count: int, rng: random.Random, size=PHOTO_SIZE) -> None:
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        image = Image.linear_gradient("L").resize(size).convert("RGB")
        draw = ImageDraw.Draw(image)
        for _ in range(30):
            x, y = rng.randrange(size[0]), rng.randrange(size[1])
            colour = tuple(rng.randrange(256) for _ in range(3))
            draw.ellipse((x, y, x + rng.randrange(50, 600), y + rng.randrange(50, 600)), colour)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85)
        (folder / f"photo-{index:04d}.jpg").write_bytes(buffer.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--images", type=int, default=0)
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--paragraphs",
        type=int,
        default=PARAGRAPHS,
        help=f"paragraphs a section (default {PARAGRAPHS}, ~540 words a page; 3: ~740 words)",
    )
    parser.add_argument(
        "--layout",
        choices=LAYOUTS,
        default="sectioned",
        help="sectioned: pages in content/posts/ (default); flat: pages straight in content/",
    )
    args = parser.parse_args()
    make_project(
        args.out,
        args.pages,
        args.images,
        args.clients,
        args.seed,
        paragraphs=args.paragraphs,
        layout=args.layout,
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
