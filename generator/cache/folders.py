"""Where each cache lives under `build/.cache`: the one module that names them, so no two rooms
pick the same name, and moving or clearing a cache is a change in one place. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sitegen.model import BuildOptions, Mode, Studio

ROOT = ".cache"  # in the studio's build folder: never a client's build, never published


@dataclass(frozen=True)
class CacheFolders:
    """Every cache's path under one root; each may be deleted at any time (it costs time)."""

    root: Path

    @property
    def fragments(self) -> Path:
        """Converted Markdown and parsed front matter: one SQLite store (`store.DiskCache`)."""
        return self.root / "fragments.sqlite"

    @property
    def templates(self) -> Path:
        """The theme's templates compiled, one file per template (`render.compiled`)."""
        return self.root / "templates"

    @property
    def previews(self) -> Path:
        """Image previews of the demo, one file per original and preview settings."""
        return self.root / "previews"

    @property
    def tls(self) -> Path:
        """The self-signed certificate of `sitegen serve --https`."""
        return self.root / "tls"

    def render_record(self, client: str, mode: Mode) -> Path:
        """What each page of the last build read (`pagerecords`)."""
        return self.root / "renders" / f"{client}.{mode.value}.bin"

    def build_record(self, client: str, mode: Mode) -> Path:
        """The inputs and outputs of the last build on disk (`uptodate`)."""
        return self.root / "builds" / f"{client}.{mode.value}.json"

    def legacy_salt(self, client: str) -> Path:
        """Where earlier versions kept a demo's salt: still read, so it moves beside the site."""
        return self.root / "keys" / f"{client}.json"

    def demo_with_policy(self, client: str) -> Path:
        """The demo as a publish sends it when it adds the feedback upload policy: links to the
        build's files, beside the one file only a publish writes."""
        return self.root / "feedback" / client

    def audit_record(self, client: str) -> Path:
        """The outputs of a client's demo the last audit found clean (`auditrecord`)."""
        return self.root / "audits" / f"{client}.json"

    def sync_record(self, name: str) -> Path:
        """The checksums a sync learned from one target."""
        return self.root / "deploy" / f"{name}.json"


def of(studio: Studio, options: BuildOptions | None = None) -> CacheFolders:
    """The studio's caches: in `build/.cache` unless the build options name another root."""
    if options is not None and options.cache_dir is not None:
        return CacheFolders(options.cache_dir)
    return CacheFolders(studio.build_dir / ROOT)
