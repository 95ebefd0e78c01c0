"""Files that are not pages: content files, site assets and theme static files.

This module does no I/O. In this version every file is published as it is; demo previews of
images are made here when the demo protection stage arrives."""

from __future__ import annotations

from collections.abc import Iterable

from sitegen.model import Output, StaticFile


def file_outputs(files: Iterable[StaticFile]) -> list[Output]:
    """One output per file, copied from its source when written."""
    return [Output(f.output, source=f.source, origin=f.origin) for f in files]
