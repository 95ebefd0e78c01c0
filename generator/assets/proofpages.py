"""The pages a demo shows for design files: a proof page each, the gallery of the client's
`content/proofs/` folder, and what the status page lists to approve. Does no I/O."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence

from sitegen.assets import demofiles
from sitegen.content import sitepages
from sitegen.model import Site, SourcePage, StaticFile


def proof_page(
    site: Site, proof: demofiles.ProofFile, published: Mapping[str, str] | None = None
) -> SourcePage:
    """A proof's page: its pages' previews in order, with their paper sizes, and whether it
    is new since the last publish (`published`: the versions it sent, see `is_new`)."""
    pages = [
        {"image": posixpath.basename(path), "mm": size.millimetres, "inches": size.inches}
        for path, size in zip(proof.pages, proof.sizes, strict=True)
    ]
    name = posixpath.basename(proof.file.output)
    params = {
        "file": name,
        "pages": pages,
        "page_count": proof.page_count,
        "version": proof.version,
        "modified": proof.modified,
        "new": is_new(proof, published),
    }
    return sitepages.proof_page(site, demofiles.proof_folder(proof.file), name, params)


def is_new(proof: demofiles.ProofFile, published: Mapping[str, str] | None) -> bool:
    """Whether the client has not been sent this version: a changed or added file. Before
    the first publish (`published` is None) there is nothing to compare with: none is new."""
    return published is not None and published.get(proof.file.output) != proof.version


PROOFS_FOLDER = "content/proofs/"  # a client's folder of proofs gets a gallery page


def gallery(
    site: Site,
    title: str,
    found: Sequence[demofiles.ProofFile],
    pages: dict[StaticFile, SourcePage],
) -> SourcePage | None:
    listed = [pages[p.file] for p in found if p.file.origin.startswith(PROOFS_FOLDER)]
    if not listed:
        return None
    return sitepages.proof_gallery(site, title, {"proofs": _entries(site, listed)})


def status_params(
    site: Site, proofs: dict[StaticFile, SourcePage], gallery: SourcePage | None
) -> dict:
    """What the status page shows of the proofs: each, to approve, and the gallery."""
    gallery_url = site.demo.base_path + gallery.url_path[1:] if gallery else ""
    return {"proofs": _entries(site, list(proofs.values())), "gallery": gallery_url}


def _entries(site: Site, pages: list[SourcePage]) -> list[dict]:
    return [
        {
            "name": p.params["file"],
            "url": site.demo.base_path + p.url_path[1:],
            "cover": site.demo.base_path + p.url_path[1:] + demofiles.PROOF_COVER,
            "version": p.params["version"],
            "modified": p.params["modified"],
            "pages": p.params["page_count"],
            "new": p.params["new"],
        }
        for p in sorted(pages, key=lambda page: page.rel)
    ]
