"""Lock a demo: every page and every client file encrypted, so any static host can serve it.

AES-256-GCM under a key derived once per build from the demo password (PBKDF2-HMAC-SHA256,
600,000 iterations, random 128-bit salt, kept while the password stays the same); a 96-bit
nonce for every page and file, synthesized from its content (see `synthetic_nonce`). Every
ciphertext is bound to its site and URL path as associated data, so bytes copied over another
path do not open. Pages are deflated first: ciphertext does not compress on the wire. The
browser derives the same key with WebCrypto and decrypts. This module does no I/O, except
reading the bytes of files it encrypts.

Format 2 is documented in the README ("Encryption format"), precisely enough to write a
decryptor from; `tests/conftest.py` holds one written from it. In short: a file ships as
b"SGE2" + iv + AES-GCM(flag + body), bound to SITE + "\n" + URL path; a page ships as a small
locked page whose JSON payload holds AES-GCM of its raw-deflated HTML, which continues the
demo's shared start (`chrome`), bound to its path, that start and whether it opens anywhere."""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import os
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from urllib.parse import quote

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from sitegen.assets.demofiles import PROOF_COVER
from sitegen.demo import chrome
from sitegen.model import Output
from sitegen.render.htmlpatch import insert_before_body_end

PBKDF2_ITERATIONS = 600_000
SALT_BYTES = 16
NONCE_BYTES = 12
FILE_MAGIC = b"SGE2"
FORMAT_VERSION = 2
PAGE_SUFFIXES = (".html", ".htm")
NOT_FOUND = "404.html"  # the site's not-found page: a host shows it at any missing address
DEMO_RUNTIME = "theme/sitegen/"  # the gate's script and styles: published in demos only
GATE_FORM = "_sitegen/gate.html"  # the gate's form, fetched by locked pages (see locked.html)
# A transparent pixel stands in for an encrypted image until the page has decrypted it.
BLANK_IMAGE = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEAAAAALAAAAAABAAEAAAIBAAA="
_ATTRIBUTE = re.compile(r"""\b(src|href|poster)=(["'])([^"'<>]*)\2""", re.I)
_PAYLOAD = re.compile(rb'<script type="application/json" id="sitegen-payload">(.*?)</script>', re.S)
# Formats compressed already: deflating them again costs time and saves nothing.
_COMPRESSED = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"RIFF")


@dataclass(frozen=True)
class DemoKey:
    """The AES key of one build, with the salt and iterations the browser needs to derive it."""

    key: bytes = field(repr=False)
    salt: bytes
    iterations: int

    @classmethod
    def derive(
        cls, password: str, salt: bytes | None = None, iterations: int = PBKDF2_ITERATIONS
    ) -> DemoKey:
        salt = os.urandom(SALT_BYTES) if salt is None else salt
        kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations)
        return cls(kdf.derive(password.encode("utf-8")), salt, iterations)


def associated_data(site_id: str, url_path: str) -> bytes:
    """What binds a file's ciphertext to its place: the browser rebuilds it from the address
    it asked for, so bytes copied to another path, or another client's demo, do not open."""
    return f"{site_id}\n{url_path}".encode()


def page_associated_data(site_id: str, url_path: str, start_url: str, anywhere: bool) -> bytes:
    """A page's: its place, the shared start its stream continues (so that reference cannot
    be swapped), and whether it may open at any address (the not-found page alone)."""
    where = "anywhere" if anywhere else "here"
    return f"{site_id}\n{url_path}\n{start_url}\n{where}".encode()


def synthetic_nonce(key: DemoKey, associated: bytes, data: bytes) -> bytes:
    """A nonce made from exactly what is encrypted, as SIV modes do: the same bytes encrypt to
    the same ciphertext (so an unchanged page is not uploaded again), and any two different
    plaintexts get different nonces, which AES-GCM needs (`data` must be the very bytes given
    to AES-GCM, after deflating). The nonce key is separate from the AES key."""
    nonce_key = hmac.new(key.key, b"sitegen nonce key", hashlib.sha256).digest()
    mac = hmac.new(nonce_key, associated + b"\0", hashlib.sha256)
    mac.update(data)
    return mac.digest()[:NONCE_BYTES]


def encrypt_file(key: DemoKey, site_id: str, url_path: str, data: bytes) -> bytes:
    associated = associated_data(site_id, url_path)
    packed = None if data.startswith(_COMPRESSED) else _deflate(data)
    if packed is not None and len(packed) < len(data) * 0.9:
        plain = b"\x01" + packed
    else:
        plain = b"\x00" + data
    nonce = synthetic_nonce(key, associated, plain)
    return FILE_MAGIC + nonce + AESGCM(key.key).encrypt(nonce, plain, associated)


def decrypt_file(key: bytes, site_id: str, url_path: str, data: bytes) -> bytes:
    if not data.startswith(FILE_MAGIC):
        raise ValueError("not a sitegen-encrypted file")
    nonce = data[len(FILE_MAGIC) : len(FILE_MAGIC) + NONCE_BYTES]
    ciphertext = data[len(FILE_MAGIC) + NONCE_BYTES :]
    plain = AESGCM(key).decrypt(nonce, ciphertext, associated_data(site_id, url_path))
    return _inflate(plain[1:]) if plain[:1] == b"\x01" else plain[1:]


def page_payload(
    key: DemoKey,
    site_id: str,
    url_path: str,
    page_html: bytes,
    start: bytes = b"",
    start_url: str = "",
    anywhere: bool = False,
) -> dict:
    """A page's payload; with a shared `start` (see `chrome`), published at `start_url`, the
    page's deflate stream continues the start's. `anywhere`: the not-found page, which a host
    shows at any missing address."""
    associated = page_associated_data(site_id, url_path, start_url if start else "", anywhere)
    deflated = chrome.deflate_after(start, page_html) if start else _deflate(page_html)
    nonce = synthetic_nonce(key, associated, deflated)
    payload = {
        "v": FORMAT_VERSION,
        "site": site_id,
        "path": url_path,
        "iterations": key.iterations,
        "salt": _b64(key.salt),
        "iv": _b64(nonce),
        "ct": _b64(AESGCM(key.key).encrypt(nonce, deflated, associated)),
    }
    if start:
        payload["chrome"] = start_url
    if anywhere:
        payload["anywhere"] = True
    return payload


def unlock_output(
    key: bytes,
    site_id: str,
    base_path: str,
    rel_path: str,
    data: bytes,
    read: Callable[[str], bytes] | None = None,
) -> bytes | None:
    """The plaintext of one output of a built demo (a gate page's HTML or an encrypted file's
    bytes), or None when the output is not encrypted: what an audit reads, as a client would.
    `rel_path` is the output's path inside the demo folder; `read` gives another output's
    bytes by such a path (a page's shared start). Raises ValueError when an encrypted output
    does not open where it stands."""
    url_path = base_path + rel_path
    try:
        if data.startswith(FILE_MAGIC):
            return decrypt_file(key, site_id, url_path, data)
        match = _PAYLOAD.search(data) if is_page(rel_path) else None
        if match is None:
            return None
        payload = json.loads(match[1])
        if payload.get("path") != url_path:
            raise ValueError(f"it holds the page of {payload.get('path')}")
        nonce, ciphertext = base64.b64decode(payload["iv"]), base64.b64decode(payload["ct"])
        start_url = payload.get("chrome", "")
        associated = page_associated_data(
            site_id, url_path, start_url, payload.get("anywhere") is True
        )
        deflated = AESGCM(key).decrypt(nonce, ciphertext, associated)
        if not start_url:
            return _inflate(deflated)
        if read is None or not start_url.startswith(base_path):
            raise ValueError(f"its shared start {start_url} cannot be read")
        start = read(start_url.removeprefix(base_path))
        return chrome.inflate_after(decrypt_file(key, site_id, start_url, start), deflated)
    except (OSError, ValueError, KeyError, TypeError, zlib.error, InvalidTag) as exc:
        raise ValueError(f"{rel_path} does not decrypt ({exc or type(exc).__name__})") from None


def is_page(path: str) -> bool:
    """Whether an output is locked as a page: HTML, whatever the case of its suffix."""
    return path.lower().endswith(PAGE_SUFFIXES)


def payload_json(payload: dict) -> str:
    """JSON safe to embed in a <script> element: no '<' can close it early."""
    return json.dumps(payload, separators=(",", ":")).replace("<", "\\u003c")


def _deflate(data: bytes) -> bytes:
    """Raw deflate (no zlib header), as the browser's DecompressionStream("deflate-raw") reads."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def _inflate(data: bytes) -> bytes:
    return zlib.decompress(data, -15)


@dataclass(frozen=True)
class Protection:
    """What a demo build needs to lock itself."""

    key: DemoKey
    site_id: str
    base_path: str
    unlock_script_url: str
    gate: Callable[[str, str], bytes]  # (output path, payload JSON) -> gate page bytes
    chrome: bytes = b""  # what every page's deflate stream continues (see `chrome`)


def with_chrome(
    protection: Protection, page: Output, protected: set[str], withheld: dict[str, str]
) -> Protection:
    """`protection` with `page`'s plaintext, as locked, as the start every page continues."""
    return replace(protection, chrome=_plaintext(page, protected, withheld, protection))


def chrome_outputs(protection: Protection) -> list[Output]:
    """The shared start, encrypted: the one file every page needs, fetched once per demo."""
    if not protection.chrome:
        return []
    path = chrome.output_path(protection.chrome)
    data = chrome.file_body(protection.chrome)
    url_path = protection.base_path + path
    return [Output(path, encrypt_file(protection.key, protection.site_id, url_path, data))]


def protect(
    pages: Iterable[Output],
    files: Iterable[Output],
    withheld: dict[str, str],
    protection: Protection,
) -> list[Output]:
    """Encrypted files, and a gate page for every page whose plaintext is encrypted inside.

    `withheld` maps URLs of deliverables to the page saying they come with the handover.
    HTML files among the client's files are locked as pages, behind the gate."""
    files = list(files)
    pages = [*pages, *(f for f in files if is_page(f.path))]
    files = [f for f in files if not is_page(f.path)]
    urls = protected_urls(files, protection)
    return lock_files(files, protection) + lock_pages(pages, urls, withheld, protection)


def protected_urls(files: Iterable[Output], protection: Protection) -> set[str]:
    """The URLs of the client's files that are encrypted: pages referring to them are
    rewritten so the unlocked page decrypts them."""
    return {_url_of(f, protection) for f in files if not is_page(f.path)}


def lock_files(files: Iterable[Output], protection: Protection) -> list[Output]:
    key, site_id = protection.key, protection.site_id
    return [
        Output(
            f.path, encrypt_file(key, site_id, _url_path(f, protection), _bytes(f)), origin=f.origin
        )
        for f in files
    ]


def lock_pages(
    pages: Iterable[Output], protected: set[str], withheld: dict[str, str], protection: Protection
) -> list[Output]:
    """A gate page for each page, its plaintext encrypted inside."""
    outputs = []
    start = protection.chrome
    start_url = protection.base_path + chrome.output_path(start) if start else ""
    for page in pages:
        plain = _plaintext(page, protected, withheld, protection)
        url_path = _url_path(page, protection)
        anywhere = page.path == NOT_FOUND
        payload = page_payload(
            protection.key, protection.site_id, url_path, plain, start, start_url, anywhere
        )
        gate_page = protection.gate(page.path, payload_json(payload))
        outputs.append(Output(page.path, gate_page, origin=page.origin))
    return outputs


def _plaintext(
    page: Output, protected: set[str], withheld: dict[str, str], protection: Protection
) -> bytes:
    """A page as the client gets it once unlocked: references to encrypted files rewritten,
    the script that decrypts them added."""
    text = rewrite_references(_bytes(page).decode("utf-8"), protected, withheld)
    return insert_before_body_end(text.encode("utf-8"), _unlock_script(protection))


def rewrite_references(text: str, protected: set[str], withheld: dict[str, str]) -> str:
    """Point references to encrypted files at the decrypting script, and to deliverables at
    their handover page, matching only exact URLs sitegen itself produced."""

    if not any(url in text for url in (*protected, *withheld)):
        return text

    def replace(match: re.Match[str]) -> str:
        attribute, mark, value = match[1], match[2], match[3]
        url = html.unescape(value).split("#", 1)[0].split("?", 1)[0]
        if url in withheld and attribute.lower() == "href":
            return f"{attribute}={mark}{html.escape(withheld[url])}{mark}"
        if url in withheld and withheld[url] + PROOF_COVER in protected:
            value = html.escape(withheld[url] + PROOF_COVER)  # a design file shows its proof
        elif url not in protected:
            return match[0]
        if attribute.lower() == "href":
            return f'{match[0]} data-sitegen-href=""'
        return f"{attribute}={mark}{BLANK_IMAGE}{mark} data-sitegen-src={mark}{value}{mark}"

    return _ATTRIBUTE.sub(replace, text)


def _unlock_script(protection: Protection) -> bytes:
    """The tag that loads the script decrypting an unlocked page's images and files."""
    return (
        f'<script src="{html.escape(protection.unlock_script_url)}" '
        f'data-site="{html.escape(protection.site_id)}" '
        f'data-salt="{_b64(protection.key.salt)}"></script>\n'
    ).encode()


def _url_of(output: Output, protection: Protection) -> str:
    return protection.base_path + quote(output.path)


def _url_path(output: Output, protection: Protection) -> str:
    """Where the browser finds an output, unquoted: the associated data of its ciphertext."""
    return protection.base_path + output.path


def _bytes(output: Output) -> bytes:
    if output.data is not None:
        return output.data
    assert output.source is not None
    return output.source.read_bytes()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
