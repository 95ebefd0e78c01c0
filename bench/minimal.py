"""The reference "minimal Python pipeline" of the speed goals: PyYAML front matter, Python-Markdown
and Jinja2, nothing else — no link checks, no highlighting, no cache. What sitegen does beyond
this should cost next to nothing, so its cold build is compared with this one.

    python bench/minimal.py CONTENT OUT [--processes 2]

Every `*.md` under CONTENT becomes OUT/PATH/index.html (`_index.md` or `index.md`: the folder's
own index.html, listing the folder's pages). With --processes N, the pages are split across N
processes; the lists are rendered once all pages are done."""

from __future__ import annotations

import argparse
import multiprocessing
import time
from pathlib import Path

import jinja2
import markdown
import yaml
from markupsafe import Markup  # part of Jinja2

EXTENSIONS = ["tables", "fenced_code", "toc", "attr_list", "footnotes", "md_in_html"]
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }} – {{ site }}</title>
<meta name="description" content="{{ description }}"></head>
<body><header><a href="/">{{ site }}</a></header>
<main><article><h1>{{ title }}</h1>{% if date %}<time>{{ date }}</time>{% endif %}
{{ body }}</article></main></body></html>
"""
LIST = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }} – {{ site }}</title></head>
<body><header><a href="/">{{ site }}</a></header>
<main><h1>{{ title }}</h1>{{ body }}<ul>
{% for page in pages %}<li><a href="{{ page.url }}">{{ page.title }}</a>
{% if page.date %}<time>{{ page.date }}</time>{% endif %} {{ page.description }}</li>
{% endfor %}</ul></main></body></html>
"""
SITE = "Bench site"
INDEXES = ("_index.md", "index.md")


def split_front_matter(text: str) -> tuple[dict, str]:
    if text.startswith("---\n"):
        head, _, body = text[4:].partition("\n---\n")
        return yaml.safe_load(head) or {}, body
    return {}, text


def url_of(rel: Path) -> str:
    folder = rel.parent if rel.name in INDEXES else rel.with_suffix("")
    return "/" if folder == Path(".") else f"/{folder.as_posix()}/"


def build_pages(content: Path, out: Path, files: list[Path]) -> list[dict]:
    """Convert, render and write `files`; return what the list pages need of each."""
    env = jinja2.Environment(autoescape=True)
    page = env.from_string(PAGE)
    md = markdown.Markdown(extensions=EXTENSIONS)
    summaries = []
    for path in files:
        meta, text = split_front_matter(path.read_text(encoding="utf-8"))
        body = md.reset().convert(text)
        rel = path.relative_to(content)
        url = url_of(rel)
        title = str(meta.get("title", rel.stem))
        summary = {"url": url, "title": title, "date": meta.get("date"), "rel": rel}
        summary["description"] = meta.get("description", "")
        if rel.name in INDEXES:
            summary["body"] = body  # the list is rendered once every page is known
        else:
            target = out / url.strip("/") / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            html = page.render(site=SITE, body=Markup(body), **summary)
            target.write_text(html, encoding="utf-8")
        summaries.append(summary)
    return summaries


def build_lists(out: Path, summaries: list[dict]) -> None:
    """Each folder's index page, listing its pages newest first."""
    env = jinja2.Environment(autoescape=True)
    listing = env.from_string(LIST)
    folders: dict[Path, list[dict]] = {}
    for summary in summaries:
        if summary["rel"].name not in INDEXES:
            folders.setdefault(summary["rel"].parent, []).append(summary)
    indexes = {s["rel"].parent: s for s in summaries if s["rel"].name in INDEXES}
    for folder in folders.keys() | indexes.keys():
        index = indexes.get(folder, {"title": folder.name, "body": ""})
        pages = sorted(folders.get(folder, []), key=lambda s: str(s["date"]), reverse=True)
        target = out / folder / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        html = listing.render(
            site=SITE, title=index["title"], body=Markup(index["body"]), pages=pages
        )
        target.write_text(html, encoding="utf-8")


def build(content: Path, out: Path, processes: int = 1) -> int:
    files = sorted(content.rglob("*.md"))
    if processes <= 1:
        summaries = build_pages(content, out, files)
    else:
        shares = [files[n::processes] for n in range(processes)]  # interleaved: equal work
        with multiprocessing.Pool(processes) as pool:
            parts = pool.starmap(build_pages, [(content, out, share) for share in shares])
        summaries = [s for part in parts for s in part]
    build_lists(out, summaries)
    return len(files)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("content", type=Path, help="folder of Markdown pages with front matter")
    parser.add_argument("out", type=Path, help="output folder (created)")
    parser.add_argument(
        "--processes", type=int, default=1, help="processes to split the pages across (default 1)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    count = build(args.content, args.out, args.processes)
    print(f"{count} pages in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
