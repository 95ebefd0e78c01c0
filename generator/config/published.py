"""What the last `sitegen publish` recorded beside the site (`demo-published.json`) that a
build shows: the version of each proof the client was sent, so the demo can mark the proofs
changed since. Reads only that file; `publish` writes it."""

from __future__ import annotations

import json
from types import MappingProxyType

from sitegen.errors import ConfigError
from sitegen.model import DEMO_PUBLISHED_FILE, Diagnostic, Site

PROOFS = "proofs"  # the record's key: {output path of the design file: its proof's version}


def published_proofs(site: Site) -> MappingProxyType[str, str] | None:
    """The proof versions of the last publish, by the design file's output path; None before
    the first publish (or one made before sitegen recorded them): with nothing to compare
    with, no proof can be called new, and calling all of them new would tell the client
    nothing."""
    path = site.path / DEMO_PUBLISHED_FILE
    try:
        recorded = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise _unreadable(site, str(exc)) from None
    if not isinstance(recorded, dict):
        raise _unreadable(site, "it is not a JSON object")
    proofs = recorded.get(PROOFS)
    if proofs is None:
        return None
    if not isinstance(proofs, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in proofs.items()
    ):
        raise _unreadable(site, f"'{PROOFS}' is not a table of file paths and versions")
    return MappingProxyType(dict(proofs))


def _unreadable(site: Site, why: str) -> ConfigError:
    return ConfigError(
        Diagnostic(
            site.path / DEMO_PUBLISHED_FILE,
            f"cannot read what the last publish sent: {why}",
            hint="mend it from version control, or delete it: the next publish writes it anew, "
            "and until then no proof is marked new (a demo_days end counts from that publish)",
        )
    )
