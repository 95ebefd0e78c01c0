"""Building a site: pretty URLs, sections, navigation, drafts, Markdown features."""

from __future__ import annotations

import re
import tomllib

from conftest import REPO


def test_pages_get_pretty_urls_and_sections_list_their_pages(make_project):
    project = make_project("""
        -- sites/acme/content/_index.md --
        ---
        title: Home
        ---
        Welcome.
        -- sites/acme/content/about.md --
        ---
        title: About us
        ---
        About text.
        -- sites/acme/content/blog/_index.md --
        ---
        title: Blog
        ---
        -- sites/acme/content/blog/first.md --
        ---
        title: First post
        date: 2026-01-01
        ---
        One.
        -- sites/acme/content/blog/second.md --
        ---
        title: Second post
        date: 2026-02-01
        ---
        Two.
    """)
    project.build()
    files = project.out_files()
    assert {"index.html", "about/index.html", "blog/index.html", "404.html"} <= files
    assert {"blog/first/index.html", "blog/second/index.html"} <= files
    blog = project.out("blog/index.html")
    assert blog.index("Second post") < blog.index("First post"), "newest first"
    assert 'href="/blog/first/"' in blog


def test_navigation_is_ordered_by_weight_then_title(make_project):
    project = make_project("""
        -- sites/acme/content/zebra.md --
        ---
        title: Zebra
        weight: 1
        ---
        -- sites/acme/content/apple.md --
        ---
        title: Apple
        weight: 2
        ---
        -- sites/acme/content/banana.md --
        ---
        title: Banana
        weight: 2
        ---
    """)
    project.build()
    nav = re.search(r'<nav class="site-nav".*?</nav>', project.out("apple/index.html"), re.S)[0]
    assert [m for m in re.findall(r">(Zebra|Apple|Banana)<", nav)] == ["Zebra", "Apple", "Banana"]
    assert 'href="/apple/" aria-current="page"' in nav


def test_drafts_are_left_out_unless_asked(make_project):
    project = make_project("""
        -- sites/acme/content/wip.md --
        ---
        title: Work in progress
        draft: true
        ---
        Not yet.
    """)
    project.build()
    assert "wip/index.html" not in project.out_files()
    project.build("--drafts")
    assert "Not yet." in project.out("wip/index.html")


def test_title_comes_from_first_heading_and_toml_front_matter_works(make_project):
    project = make_project("""
        -- sites/acme/content/team.md --
        # Our *team*

        ## Bakers

        Text.
        -- sites/acme/content/prices.md --
        +++
        title = "Prices"
        slug = "price-list"
        colour = "blue"
        +++
        Cheap.
    """)
    project.build()
    team = project.out("team/index.html")
    assert "<title>Preview · Our team — Acme Site</title>" in team
    assert team.count("<h1") == 1, "the lifted heading is not repeated in the body"
    assert 'href="#bakers"' in team, "table of contents"
    assert "Cheap." in project.out("price-list/index.html")


def test_markdown_features_tables_code_footnotes_attributes(make_project):
    project = make_project("""
        -- sites/acme/content/doc.md --
        ---
        title: Doc
        ---
        | Bread | Price |
        |-------|------:|
        | Rye   | 4.20  |

        ```python
        def hello():
            return "hi"
        ```

        A claim.[^1]
        {: .lead }

        [^1]: The source.
    """)
    project.build()
    doc = project.out("doc/index.html")
    assert "<table>" in doc and "<td>Rye</td>" in doc
    assert '<div class="highlight"><pre>' in doc and '<span class="k">def</span>' in doc
    assert 'class="footnote"' in doc
    assert '<p class="lead">A claim.' in doc


def test_links_between_markdown_files_become_page_urls(make_project):
    project = make_project("""
        -- sites/acme/content/about.md --
        ---
        title: About
        ---
        See [the post](blog/post.md#part), [the blog](blog/_index.md) and
        ![logo](../assets/logo.svg) and [a file](files/menu.txt).
        -- sites/acme/content/blog/_index.md --
        ---
        title: Blog
        ---
        -- sites/acme/content/blog/post.md --
        ---
        title: Post
        ---
        Back [to about](../about.md).
        -- sites/acme/content/files/menu.txt --
        menu
        -- sites/acme/assets/logo.svg --
        <svg xmlns="http://www.w3.org/2000/svg"/>
    """)
    project.build("--release", "--quiet")
    about = project.out("about/index.html", mode="release")
    assert 'href="/blog/post/#part"' in about
    assert 'href="/blog/"' in about
    assert 'src="/assets/logo.svg"' in about
    assert 'href="/files/menu.txt"' in about
    assert 'href="/about/"' in project.out("blog/post/index.html", mode="release")
    assert project.out("files/menu.txt", mode="release") == "menu\n"
    assert "assets/logo.svg" in project.out_files(mode="release")


def test_not_found_page_default_and_custom(make_project):
    project = make_project()
    project.build()
    assert "Page not found" in project.out("404.html")
    project.write("""
        -- sites/acme/content/404.md --
        ---
        title: Lost?
        ---
        Try the home page.
    """)
    project.build()
    assert "Try the home page." in project.out("404.html")


def test_release_build_uses_client_domain_and_base_path(make_project):
    project = make_project("""
        -- sites/acme/site.toml --
        [client]
        name = "Acme"
        email = "acme@example.com"
        [site]
        title = "Acme Site"
        base_path = "/shop/"
        [demo]
        password = "correct-horse-battery"
        [release]
        domain = "www.acme.example"
        -- sites/acme/content/about.md --
        [Home](_index.md)
        -- sites/acme/content/_index.md --
        Hi.
    """)
    project.build("--release")
    release = project.out("about/index.html", mode="release")
    assert 'href="/shop/"' in release
    assert 'href="/shop/theme/css/style.css"' in release
    demo = project.out("about/index.html")
    assert 'href="/theme/css/style.css"' in demo
    sitemap = project.out("sitemap.xml", mode="release")
    assert "<loc>https://www.acme.example/shop/about/</loc>" in sitemap
    assert "404" not in sitemap
    assert "Sitemap: https://www.acme.example/shop/sitemap.xml" in project.out(
        "robots.txt", mode="release"
    )
    assert not {"sitemap.xml", "robots.txt"} & project.out_files(), "a demo is not listed"


def test_arabic_site_is_right_to_left_with_arabic_labels(make_project):
    project = make_project("""
        -- sites/acme/site.toml --
        [client]
        name = "دار الورد"
        email = "info@example.com"
        [site]
        title = "دار الورد"
        language = "ar"
        [demo]
        password = "correct-horse-battery"
        -- sites/acme/content/about.md --
        ---
        title: من نحن
        ---
        ## قصتنا

        نص عربي.
    """)
    project.build()
    about = project.out("about/index.html")
    assert '<html lang="ar" dir="rtl">' in about
    arabic = tomllib.loads((REPO / "themes/base/i18n/ar.toml").read_text("utf-8"))
    assert arabic["skip_to_content"] in about
    assert "Skip to content" not in about
    assert "من نحن" in about


def test_folders_without_index_still_get_a_home_and_section_page(make_project):
    project = make_project("""
        -- sites/acme/content/work/bridge.md --
        ---
        title: The bridge
        ---
        A bridge.
    """)
    project.build()
    assert {"index.html", "work/index.html", "work/bridge/index.html"} <= project.out_files()
    assert 'href="/work/bridge/"' in project.out("work/index.html")
    assert "<title>Preview · Acme Site</title>" in project.out("index.html")
