"""Files that are not pages: content files, site assets and theme static files.

A release publishes them as they are. A demo gets previews of images (made once per original
and settings, kept in the cache), keeps deliverables out, and leaves SVGs out unless the site
marks them public. Touches nothing but the preview cache."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sitegen import atomic, processes
from sitegen.errors import ContentError
from sitegen.model import DemoSettings, Diagnostic, Output, StaticFile
from sitegen.previews import PreviewError, PreviewSettings, is_raster, make_preview

# Files a client pays for: they come with the handover, never with the demo.
DELIVERABLE_SUFFIXES = frozenset(
    {
        *(".pdf", ".zip", ".rar", ".7z", ".tar", ".gz", ".tgz"),
        *(".psd", ".ai", ".eps", ".indd", ".sketch", ".fig", ".xd", ".afdesign", ".afphoto"),
        *(".xcf", ".raw", ".cr2", ".nef", ".dng", ".mp4", ".mov"),
        *(".ttf", ".otf", ".woff", ".woff2"),
        *(".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".key", ".numbers", ".pages"),
    }
)
VECTOR_SUFFIXES = frozenset({".svg", ".svgz"})


def file_outputs(files: Iterable[StaticFile]) -> list[Output]:
    """One output per file, copied from its source when written: the release's way."""
    return [Output(f.output, source=f.source, origin=f.origin) for f in files]


@dataclass(frozen=True)
class DemoFiles:
    """The client's files sorted for a demo."""

    protected: tuple[Output, ...]  # previews and other files, to be encrypted
    public: tuple[Output, ...]  # marked public in site.toml: published as they are
    withheld: tuple[StaticFile, ...]  # deliverables: a page says they come with the handover
    warnings: tuple[Diagnostic, ...]


def demo_files(
    files: Sequence[StaticFile],
    settings: DemoSettings,
    preview: PreviewSettings,
    cache_dir: Path,
    workers: int = 1,
) -> DemoFiles:
    protected, public, withheld, warnings, images = [], [], [], [], []
    for file in files:
        suffix = PurePosixPath(file.source.name).suffix.lower()
        if _matches(file.origin, settings.downloads) or suffix in DELIVERABLE_SUFFIXES:
            withheld.append(file)
        elif is_raster(suffix):
            images.append(file)
        elif _matches(file.origin, settings.public):
            public.append(Output(file.output, source=file.source, origin=file.origin))
        elif suffix in VECTOR_SUFFIXES:
            warnings.append(
                Diagnostic(
                    file.source,
                    "kept out of the demo: a vector image is its own original",
                    hint=f'to show it anyway, add "{file.origin}" to public in [demo]',
                )
            )
        else:
            if file.source.stat().st_size == 0:
                warnings.append(Diagnostic(file.source, "file is empty"))
            protected.append(Output(file.output, source=file.source, origin=file.origin))
    previews = _previews(images, preview, cache_dir / "previews", workers)
    return DemoFiles(tuple(previews + protected), tuple(public), tuple(withheld), tuple(warnings))


def _matches(origin: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(origin, pattern) for pattern in patterns)


def _previews(
    images: list[StaticFile], settings: PreviewSettings, cache: Path, workers: int
) -> list[Output]:
    """A preview output per image, from the cache where it is fresh, else made (in parallel)."""
    outputs, missing = [], []
    for image in images:
        original = image.source.read_bytes()
        cached = cache / (settings.cache_key(original) + image.source.suffix.lower())
        outputs.append(Output(image.output, source=cached, origin=f"{image.origin} (preview)"))
        if not cached.is_file():
            missing.append((image, original, cached))
    problems = []
    jobs = [(original, image.source.suffix, settings) for image, original, _ in missing]
    for (image, _, cached), result in zip(missing, _run(jobs, workers), strict=True):
        if isinstance(result, PreviewError):
            problems.append(Diagnostic(image.source, f"cannot make a preview: {result}"))
        else:
            _store(cached, result)
    if problems:
        raise ContentError(problems)
    return outputs


def _run(jobs: list[tuple], workers: int) -> list[bytes | PreviewError]:
    """Results in the order of the jobs; in the pool the largest originals go first, one at a
    time, so no process is left with a long tail of work while the other idles."""
    if len(jobs) > 1 and workers > 1:
        order = sorted(range(len(jobs)), key=lambda i: len(jobs[i][0]), reverse=True)
        with processes.pool(min(workers, len(jobs))) as pool:
            results = dict(zip(order, pool.map(_make, [jobs[i] for i in order]), strict=True))
        return [results[i] for i in range(len(jobs))]
    return [_make(job) for job in jobs]


def _make(job: tuple) -> bytes | PreviewError:
    try:
        return make_preview(*job)
    except PreviewError as exc:
        return exc


def _store(path: Path, data: bytes) -> None:
    """Write a cache entry whole or not at all, so a reader never sees half a preview."""
    atomic.replace_file(path, data)
