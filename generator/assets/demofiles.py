"""Files that are not pages: content files, site assets and theme static files.

A release publishes them as they are. A demo lets a client's file through only on an
allow-list, since a file type nobody thought of must not reach the client before payment:
an image (told by its content, whatever its name) becomes a preview, made once per original
and settings and kept in the cache; a design file (PDF, AI, PSD, SVG) becomes a proof, each
of its pages a preview, cached the same way; site code the pages need (`SITE_CODE_SUFFIXES`) and
HTML pages are encrypted as they are; files listed in `[demo] public` ship unencrypted.
Everything else, and a design file that cannot be rendered, is withheld until the handover.
Touches nothing but the preview cache."""

from __future__ import annotations

import datetime as dt
import enum
import fnmatch
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sitegen import processes
from sitegen.assets import proofs
from sitegen.assets.previews import PreviewError, PreviewSettings, make_preview
from sitegen.cache import store
from sitegen.cache.folders import CacheFolders
from sitegen.errors import ContentError
from sitegen.files import replace_file
from sitegen.model import DemoSettings, Diagnostic, Output, StaticFile

# What pages need to work and a client gains nothing from taking: styles, scripts and their
# data. Text files (.txt) are not on it: they are as often a client's document as a robots.txt.
SITE_CODE_SUFFIXES = frozenset({".css", ".js", ".mjs", ".json", ".webmanifest", ".map"})
PAGE_SUFFIXES = frozenset({".html", ".htm"})  # locked behind the gate like the other pages
DIGEST_BYTES = 32  # SHA-256 of a cached preview, stored before it


class Kind(enum.Enum):
    """How a client's file goes into a demo."""

    IMAGE = "a preview"  # public too when listed in [demo] public
    PROOF = "a proof"  # every page a preview, never the original
    CODE = "encrypted as it is"
    PAGE = "locked as a page"
    PUBLIC = "published as it is"
    WITHHELD = "withheld until the handover"

    @property
    def ships_original(self) -> bool:
        """Whether the demo may hold the original's bytes (encrypted or not)."""
        return self in (Kind.CODE, Kind.PAGE, Kind.PUBLIC)


def kind_of(source: Path, origin: str, settings: DemoSettings) -> Kind:
    """The allow-list: a file is an image by its content, site code or a page by its name
    unless its content is an image, public if the studio says so, else withheld."""
    from sitegen.assets import pixels  # Pillow: imported only when a site has files to sort

    suffix = PurePosixPath(origin).suffix.lower()
    if _matches(origin, settings.downloads):
        return Kind.WITHHELD
    if suffix in proofs.PROOF_SUFFIXES and not _matches(origin, settings.public):
        return Kind.PROOF  # a PSD too: a design file, shown and approved as the others are
    if pixels.image_size(source) is not None:
        return Kind.IMAGE
    if _matches(origin, settings.public):
        return Kind.PUBLIC
    if suffix in PAGE_SUFFIXES | SITE_CODE_SUFFIXES and is_text(source, suffix):
        return Kind.PAGE if suffix in PAGE_SUFFIXES else Kind.CODE
    return Kind.WITHHELD


# Formats that are never site code, whatever the file is called: documents, archives, media.
_BINARY_STARTS = (b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"8BPS", b"\x1f\x8b", b"7z\xbc\xaf")
_JSON_SUFFIXES = frozenset({".json", ".map", ".webmanifest"})


def is_text(source: Path, suffix: str) -> bool:
    """Whether a file named as a page or site code really is one: UTF-8 text with no NUL and
    no binary signature, and JSON where the name says JSON. A PDF renamed `brochure.pdf.json`
    is not site code: it is withheld like any original."""
    data = source.read_bytes()
    if data.startswith(_BINARY_STARTS) or b"\0" in data:
        return False
    try:
        text = data.decode("utf-8")
        if suffix in _JSON_SUFFIXES:
            json.loads(text)
    except ValueError:
        return False
    return True


# What a theme's static folder ships in a demo, unencrypted: styles, scripts, fonts and the
# theme's own images. Anything else there (a PDF, an archive) is kept out: it is public.
THEME_SUFFIXES = SITE_CODE_SUFFIXES | frozenset(
    {".woff", ".woff2", ".ttf", ".otf", ".eot", ".svg", ".ico", ".png", ".gif", ".webp"}
    | {".jpg", ".jpeg", ".avif"}
)


def demo_theme_files(static: Iterable[StaticFile]) -> tuple[list[StaticFile], list[Diagnostic]]:
    """The theme's static files a demo may publish, and a warning for each one it may not."""
    kept, warnings = [], []
    for file in static:
        if file.source.suffix.lower() in THEME_SUFFIXES:
            kept.append(file)
        else:
            warnings.append(
                Diagnostic(
                    file.source,
                    "kept out of the demo: a theme's files are published unencrypted, and "
                    "this is not a style, script, font or image",
                    hint="put a client's file in the client's content/ or assets/",
                )
            )
    return kept, warnings


def file_outputs(files: Iterable[StaticFile]) -> list[Output]:
    """One output per file, copied from its source when written: the release's way."""
    return [Output(f.output, source=f.source, origin=f.origin) for f in files]


@dataclass(frozen=True)
class DemoFiles:
    """The client's files sorted for a demo."""

    protected: tuple[Output, ...]  # previews, site code and pages, to be encrypted
    public: tuple[Output, ...]  # marked public in site.toml: published unencrypted
    withheld: tuple[StaticFile, ...]  # a page says they come with the handover
    warnings: tuple[Diagnostic, ...]
    proofs: tuple[ProofFile, ...] = ()  # their pages' previews are among `protected`


PROOF_FOLDER = "_proofs"
PROOF_COVER = "1.jpg"  # a proof's first page, in its folder: what an embedded design file shows


@dataclass(frozen=True)
class ProofFile:
    """A design file shown as a proof: where its pages' previews are, and what its page says."""

    file: StaticFile
    pages: tuple[str, ...]  # output paths of the pages' previews, in order
    sizes: tuple[proofs.PaperSize, ...]
    page_count: int  # of the original; more than `pages` when over [demo] proof_pages
    version: str  # the start of the original's SHA-256: what the client approves
    modified: dt.date  # the original's modification date, shown as the version's date


def proof_folder(file: StaticFile) -> str:
    """Where a proof's page and its pages' previews go, beside no file of the client's."""
    return f"{PROOF_FOLDER}/{file.output}/"


def demo_files(
    files: Sequence[StaticFile],
    settings: DemoSettings,
    preview: PreviewSettings,
    cache_dir: Path,
    workers: int = 1,
    use_cache: bool = True,
) -> DemoFiles:
    """The client's files sorted by `kind_of`, with previews made for the images (from the
    preview cache where it holds a sound entry, unless `use_cache` is off)."""
    protected, public, withheld, warnings, images, designs = [], [], [], [], [], []
    for file in files:
        kind = kind_of(file.source, file.origin, settings)
        if kind is Kind.IMAGE:
            images.append(file)
        elif kind is Kind.PROOF:
            designs.append(file)
        elif kind is Kind.WITHHELD:
            withheld.append(file)
            warnings += _why_withheld(file, settings)
        else:
            if file.source.stat().st_size == 0:
                warnings.append(Diagnostic(file.source, "file is empty"))
            output = Output(file.output, source=file.source, origin=file.origin)
            (public if kind is Kind.PUBLIC else protected).append(output)
            warnings += [_public_warning(file.source)] if kind is Kind.PUBLIC else []
    previews = _previews(images, preview, CacheFolders(cache_dir).previews, workers, use_cache)
    for image, output in zip(images, previews, strict=True):
        if _matches(image.origin, settings.public):
            public.append(output)
            warnings.append(_public_warning(image.source))
        else:
            protected.append(output)
    shown, pages, unshown, notes = _proofs(
        designs, settings, preview, cache_dir, workers, use_cache
    )
    protected += pages
    withheld += unshown
    warnings += notes
    return DemoFiles(
        tuple(protected), tuple(public), tuple(withheld), tuple(warnings), tuple(shown)
    )


def _proofs(
    designs: list[StaticFile],
    settings: DemoSettings,
    preview: PreviewSettings,
    cache_dir: Path,
    workers: int,
    use_cache: bool,
) -> tuple[list[ProofFile], list[Output], list[StaticFile], list[Diagnostic]]:
    """Each design file rendered (from the cache where a sound entry is kept): its proof and
    the previews of its pages, or, when it cannot be rendered, withheld with a warning."""
    cache = CacheFolders(cache_dir).previews
    originals = [file.source.read_bytes() for file in designs]
    entries = [cache / proofs.cache_key(o, preview, settings.proof_pages) for o in originals]
    rendered: dict[int, proofs.Rendered | proofs.ProofError] = {}
    for index, entry in enumerate(entries):
        kept = _read_entry(entry) if use_cache else None
        if kept is not None:
            rendered[index] = proofs.Rendered.from_bytes(kept)
    missing = [i for i in range(len(designs)) if i not in rendered]
    jobs = [
        (originals[i], designs[i].source.suffix.lower(), preview, settings.proof_pages)
        for i in missing
    ]
    for index, result in zip(missing, _run(jobs, workers, _render_proof), strict=True):
        if isinstance(result, proofs.Rendered):
            _write_entry(entries[index], result.to_bytes())
        rendered[index] = result
    shown, pages, unshown, notes = [], [], [], []
    for index, file in enumerate(designs):
        result = rendered[index]
        if isinstance(result, proofs.ProofError):
            unshown.append(file)
            notes.append(
                Diagnostic(
                    file.source,
                    f"withheld: it cannot be shown as a proof, {result}",
                    hint="export it again (PDF without a password, or PNG), or leave it for "
                    "the handover",
                )
            )
            continue
        notes += [Diagnostic(file.source, note) for note in result.notes]
        folder = proof_folder(file)
        paths = tuple(f"{folder}{n}.jpg" for n in range(1, len(result.pages) + 1))
        assert paths[0] == folder + PROOF_COVER
        origin = f"{file.origin} (proof)"
        pages += [
            Output(p, data=d, origin=origin) for p, d in zip(paths, result.pages, strict=True)
        ]
        modified = dt.date.fromtimestamp(file.source.stat().st_mtime)
        version = hashlib.sha256(originals[index]).hexdigest()[:12]
        shown.append(ProofFile(file, paths, result.sizes, result.page_count, version, modified))
    return shown, pages, unshown, notes


def _render_proof(job: tuple) -> proofs.Rendered | proofs.ProofError:
    try:
        return proofs.render(*job)
    except proofs.ProofError as exc:
        return exc
    except Exception as exc:  # a renderer's surprise on a client's file must not stop the build
        return proofs.ProofError(f"the renderer failed ({type(exc).__name__}: {exc})")


def _why_withheld(file: StaticFile, settings: DemoSettings) -> list[Diagnostic]:
    """A word where withholding may surprise the studio: a file named like an image that is
    none (a design file that cannot be rendered gets its own). Other files are only counted
    in the build's summary."""
    from sitegen.assets import pixels

    suffix = file.source.suffix.lower()
    if _matches(file.origin, settings.downloads):
        return []
    if suffix in PAGE_SUFFIXES | SITE_CODE_SUFFIXES:
        message = "kept out of the demo: named like a page or site code, but it is not " + (
            "UTF-8 text" if suffix not in _JSON_SUFFIXES else "UTF-8 JSON"
        )
        hint = "save it as UTF-8 (valid JSON for .json), or give it a name that says what it is"
    elif suffix in pixels.IMAGE_SUFFIXES:
        empty = file.source.stat().st_size == 0
        message = "kept out of the demo: " + (
            "the file is empty" if empty else "named like an image, but its content is not one"
        )
        hint = "replace it with the real image, or give it a name that says what it is"
    else:
        return []
    return [Diagnostic(file.source, message, hint=hint)]


def _public_warning(source: Path) -> Diagnostic:
    return Diagnostic(
        source,
        "published unencrypted in the demo (listed in public in [demo]): "
        "anyone who finds its address can fetch it without the password",
    )


def _matches(origin: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(origin, pattern) for pattern in patterns)


def _previews(
    images: list[StaticFile],
    settings: PreviewSettings,
    cache: Path,
    workers: int,
    use_cache: bool,
) -> list[Output]:
    """A preview output per image, from the cache where a sound entry is kept, else made (in
    parallel) and kept; then entries unused for a month are pruned, never one used here."""
    made: dict[int, bytes] = {}
    missing = []
    used = set()
    for index, image in enumerate(images):
        original = image.source.read_bytes()
        entry = cache / settings.cache_key(original)
        used.add(entry)
        kept = _read_entry(entry) if use_cache else None
        if kept is None:
            missing.append((index, original, entry))
        else:
            store.note_use(entry)
            made[index] = kept
    problems = []
    jobs = [(original, settings) for _, original, _ in missing]
    for (index, _, entry), result in zip(missing, _run(jobs, workers, _make), strict=True):
        if isinstance(result, PreviewError):
            problems.append(Diagnostic(images[index].source, f"cannot make a preview: {result}"))
        else:
            _write_entry(entry, result)
            made[index] = result
    if problems:
        raise ContentError(problems)
    store.prune_folder(cache, used)
    return [
        Output(image.output, data=made[index], origin=f"{image.origin} (preview)")
        for index, image in enumerate(images)
    ]


def _run(jobs: list[tuple], workers: int, work) -> list:
    """Results in the order of the jobs; in the pool the largest originals go first, one at a
    time, so no process is left with a long tail of work while the other idles."""
    if len(jobs) > 1 and workers > 1:
        order = sorted(range(len(jobs)), key=lambda i: len(jobs[i][0]), reverse=True)
        with processes.pool(min(workers, len(jobs))) as pool:
            results = dict(zip(order, pool.map(work, [jobs[i] for i in order]), strict=True))
        return [results[i] for i in range(len(jobs))]
    return [work(job) for job in jobs]


def _make(job: tuple) -> bytes | PreviewError:
    try:
        return make_preview(*job)
    except PreviewError as exc:
        return exc


def _read_entry(path: Path) -> bytes | None:
    """A cached preview, or None when there is none or it is not what was stored: each entry
    begins with its preview's SHA-256, so a damaged entry is made again, never shipped."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    digest, preview = data[:DIGEST_BYTES], data[DIGEST_BYTES:]
    return preview if preview and hashlib.sha256(preview).digest() == digest else None


def _write_entry(path: Path, preview: bytes) -> None:
    """Write a cache entry whole or not at all, so a reader never sees half a preview."""
    replace_file(path, hashlib.sha256(preview).digest() + preview)
