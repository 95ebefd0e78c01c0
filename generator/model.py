"""Frozen values passed between pipeline stages. This module does no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sitegen.cache.pagerecords import PageRecord
    from sitegen.cache.spill import Spilled

EMPTY: MappingProxyType[str, Any] = MappingProxyType({})


class Mode(StrEnum):
    """Which build of a client's site: the protected demo or the handed-over release."""

    DEMO = "demo"
    RELEASE = "release"


@dataclass(frozen=True)
class Diagnostic:
    """One problem in one input file, precise enough to jump to."""

    path: Path | None
    message: str
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    show_line: bool = True  # False where the line holds a secret, such as a password


@dataclass(frozen=True)
class FeedbackSettings:
    """`[feedback]` of sitegen.toml: change requests the client sends from the demo."""

    enabled: bool = False
    days: int = 30  # how long the upload policy a publish writes stays valid
    profile: str | None = None  # AWS profile signing the policy and reading the notes


@dataclass(frozen=True)
class Studio:
    """The studio running sitegen, from `sitegen.toml`."""

    root: Path
    name: str
    email: str
    demo_domain: str
    theme: str = "default"
    language: str = "en"
    phone: str | None = None
    payment: str | None = None  # how to pay: a payment link, or bank details shown as text
    demo_days: int | None = None  # a demo ends this many days after its first publish
    demo_target: str = "file:build/_published/demo/{client}/"
    bundle_target: str = "file:build/_published/bundles/"
    feedback: FeedbackSettings = FeedbackSettings()

    @property
    def sites_dir(self) -> Path:
        return self.root / "sites"

    @property
    def themes_dir(self) -> Path:
        return self.root / "themes"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"


@dataclass(frozen=True)
class Milestone:
    """A stage of the project and its payment: the paid flag is what gates the handover."""

    id: str
    title: str
    share: Decimal
    amount: Decimal
    currency: str
    due: dt.date
    state: str
    paid: bool = False
    paid_on: dt.date | None = None
    ref: str | None = None
    invoice_url: str | None = None
    pay_url: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class ClientTask:
    """Something the studio needs from the client: a signature, a brief, texts, an approval."""

    title: str
    kind: str = "other"
    link: str | None = None
    due: dt.date | None = None
    done: bool = False


@dataclass(frozen=True)
class DemoSettings:
    subdomain: str
    base_path: str = "/"
    password: str | None = field(default=None, repr=False)
    password_env: str | None = None
    preview_size: int = 1200
    preview_quality: int = 60
    proof_pages: int = 40  # pages of a PDF rendered as a proof; the rest are left out
    public: tuple[str, ...] = ()
    downloads: tuple[str, ...] = ()
    expires: dt.date | None = None  # the last day the demo opens


DEFAULT_RELEASE_TARGET = "file:build/_published/release/{client}/"
# Beside the site, where `publish` notes the target it last sent the demo to, so that a
# handover retires the demo there, and the proof versions it sent: of it, the build reads
# only those (`config.published`), to mark proofs new.
DEMO_PUBLISHED_FILE = "demo-published.json"
# Beside the site, the studio's list of the client's change requests (`feedback.notes`): a
# demo shows it, a release never reads it.
FEEDBACK_FILE = "feedback.toml"


@dataclass(frozen=True)
class ReleaseSettings:
    domain: str | None = None
    target: str | None = None  # None: DEFAULT_RELEASE_TARGET, until a real one is configured
    base_path: str = "/"


DEFAULT_PER_PAGE = 50  # `[site] per_page`: entries on each page of a home or section list


@dataclass(frozen=True)
class MenuEntry:
    """One item of `[site] menu`: a page or folder under content/, its label, and its line in
    site.toml, to point at when the page is not there."""

    page: str
    label: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Site:
    """One client's site, from `sites/CLIENT/site.toml`."""

    name: str
    path: Path
    client_name: str
    client_email: str
    title: str
    theme: str
    language: str
    direction: str
    demo: DemoSettings
    release: ReleaseSettings
    milestones: tuple[Milestone, ...] = ()
    client_tasks: tuple[ClientTask, ...] = ()
    client_contact: str | None = None
    params: MappingProxyType[str, Any] = field(default_factory=lambda: EMPTY)
    menu: tuple[MenuEntry, ...] | None = None  # None: the bounded default menu
    per_page: int = DEFAULT_PER_PAGE  # entries on each page of the home and section lists

    @property
    def content_dir(self) -> Path:
        return self.path / "content"

    @property
    def assets_dir(self) -> Path:
        return self.path / "assets"

    @property
    def templates_dir(self) -> Path:
        return self.path / "templates"

    @property
    def config_path(self) -> Path:
        return self.path / "site.toml"

    @property
    def updates_dir(self) -> Path:
        return self.path / "updates"


@dataclass(frozen=True)
class SourcePage:
    """A Markdown file, its front matter read and its place in the output decided."""

    source: Path
    rel: str
    kind: str
    url_path: str
    output: str
    body: str
    body_line: int
    title: str | None
    date: dt.date | dt.datetime | None
    draft: bool
    weight: int
    template: str | None
    description: str
    params: MappingProxyType[str, Any]
    section: str | None
    menu: bool | None = None  # front matter `menu`: true asks for the main menu, false stays out


@dataclass(frozen=True)
class StaticFile:
    """A file copied as it is: content files that are not Markdown, site assets, theme static."""

    source: Path
    output: str
    origin: str  # where it comes from, relative to the site or project: content/logo.png


@dataclass(frozen=True)
class Page:
    """A page ready for its template: routing, front matter and converted Markdown."""

    source: SourcePage
    title: str
    url: str
    content: str
    toc: str
    number: int = 1  # which page of its list a home or section page is: 2 for /page/2/
    spilled: Spilled | None = None  # content and toc kept in a file, not here (then both "")

    @property
    def kind(self) -> str:
        return self.source.kind

    @property
    def output(self) -> str:
        return self.source.output


@dataclass(frozen=True)
class Output:
    """One file of a build: bytes made here, or a file copied from `source`."""

    path: str
    data: bytes | None = None
    source: Path | None = None
    origin: str = ""


@dataclass(frozen=True)
class KeptPage:
    """A page of a build in memory and the record of what it read: the next build takes it as
    it is while the record holds."""

    record: PageRecord
    output: Output


@dataclass(frozen=True)
class BuildResult:
    site: Site
    mode: Mode
    outputs: tuple[Output, ...]
    page_count: int
    warnings: tuple[Diagnostic, ...] = ()
    rendered: frozenset[str] = frozenset()  # pages made again, by output path; the others
    # were taken from the previous build
    converted: int = 0  # pages whose Markdown was converted, not found converted
    reusable: LastBuild = field(default_factory=lambda: LastBuild())  # for the next build


@dataclass(frozen=True)
class LastBuild:
    """A build in memory as the next one may take from it, as a build on disk takes from
    build/ and the cache: its pages with the records of what they read, the site's content as
    read, and what it used of the content store (converted Markdown, front matter)."""

    pages: MappingProxyType[str, KeptPage] = field(default_factory=lambda: EMPTY)
    content: Any = None  # `contentmemo.KeptContent`
    fragments: dict[str, Any] | MappingProxyType[str, Any] = field(
        default_factory=lambda: EMPTY
    )  # store entries by digest; a build from this one adds what it makes (`store.Layered`)
    digests: MappingProxyType[Any, Any] = field(default_factory=lambda: EMPTY)  # `tracking`'s
    shape: Any = None  # `recordcheck.Shape`: its pages as objects and how they are linked


@dataclass(frozen=True)
class BuildOptions:
    """How to build: kept here, apart from `stages`, so that a build found up to date
    never imports the stages (Markdown, templates, images)."""

    include_drafts: bool = False
    cache_dir: Path | None = None  # default: the studio's (`cache.folders`)
    workers: int = 1  # processes for Markdown and image previews
    use_cache: bool = True  # False: convert every page again (`sitegen build --no-cache`)
    today: dt.date | None = None  # for "overdue" on the status page; default: the real today
    inject_html: str = ""  # `sitegen serve` only: put before </body> of every page, pre-lock
