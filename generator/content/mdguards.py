"""Python-Markdown's regular expressions, skipped where their text cannot match.

Python-Markdown runs every inline pattern over every run of text, and tests every block
against each kind of block. Most texts hold none of the characters an expression needs, yet
several expressions begin with a lookbehind or an alternation, so the engine still tries them
at every position: a third of converting a typical page. A guarded expression first asks
whether its text holds a substring that every match must contain, and only then searches.
A guard is put only on an expression listed below exactly, so a Python-Markdown release
that changes one leaves it unguarded; the HTML is the same either way (tests compare it
with unguarded conversion).

The inline loop asks the same question before it even calls a pattern: looking each one up
and calling it cost a quarter of converting a page once the searches were guarded. That loop
is replaced only while Python-Markdown's own is the one known here, word for word."""

from __future__ import annotations

import hashlib
import inspect
import re
from collections.abc import Iterator

import markdown
from markdown import util
from markdown.treeprocessors import InlineProcessor

_RAW_HTML = (  # raw inline HTML
    r"""(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+"""
    r"""(?:"[^"]*+"|'[^']*+'|[^\s"'=<>]++))?+)*+\s*+/?|!--(?:(?!<!--|"""
    r"""-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]|!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)"""
)
# An expression of Python-Markdown 3.x, and substrings of which every match holds at least one.
INLINE_NEEDS: dict[str, tuple[str, ...]] = {
    r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)": ("`",),  # backtick
    r"\\(.)": ("\\",),  # escape
    r"\[\^([^\]]*)\]": ("[^",),  # footnote reference
    r"(?<!\!)\[": ("[",),  # link, reference, short reference
    r"\!\[": ("![",),  # image link, image reference, short image reference
    r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>": ("<",),  # autolink
    r"<([^<> !]+@[^@<> ]+)>": ("<",),  # automail
    r"  \n": ("  \n",),  # line break
    r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)": ("&",),  # entity
    _RAW_HTML: ("<",),
    r"\*|_": ("*", "_"),  # emphasis and strong
    r"\*": ("*",),
    r"_": ("_",),
}
BLOCK_NEEDS: dict[str, tuple[str, ...]] = {  # the expressions kinds of block are tested with
    r"(?:^|\n)(?P<level>#{1,6})(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)": ("#",),
    r"(^|\n)[ ]{0,3}>[ ]?(.*)": (">",),  # block quote
    r"^.*?\n(?:=+|-+)[ ]*(\n|$)": ("\n=", "\n-"),  # setext heading
    r"^[ ]{0,3}(?=(?P<atomicgroup>(-+[ ]{0,2}){3,}|(_+[ ]{0,2}){3,}|(\*+[ ]{0,2}){3,}))"
    r"(?P=atomicgroup)[ ]*$": ("-", "_", "*"),  # horizontal rule
}
_BLOCK_ATTRIBUTES = ("RE", "SEARCH_RE")  # where block processors keep those expressions


class GuardedPattern:
    """A compiled expression that answers "no match" at once when its text cannot hold one."""

    __slots__ = ("compiled", "needs")

    def __init__(self, compiled: re.Pattern[str], needs: tuple[str, ...]):
        self.compiled = compiled
        self.needs = needs

    def _possible(self, text: str) -> bool:
        for needed in self.needs:  # noqa: SIM110 (any() and its generator cost more here)
            if needed in text:
                return True
        return False

    def finditer(self, text: str, *bounds: int) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text, *bounds) if self._possible(text) else iter(())

    def search(self, text: str, *bounds: int) -> re.Match[str] | None:
        return self.compiled.search(text, *bounds) if self._possible(text) else None

    def match(self, text: str, *bounds: int) -> re.Match[str] | None:
        return self.compiled.match(text, *bounds) if self._possible(text) else None

    def __getattr__(self, name: str):
        return getattr(self.compiled, name)


def guard(md: markdown.Markdown) -> int:
    """Guard every known expression of `md`'s inline patterns and block processors, and
    its inline loop where it is the known one; how many expressions were guarded."""
    guarded = 0
    for pattern in md.inlinePatterns:
        if isinstance(pattern, markdown.inlinepatterns.InlineProcessor):
            guarded += _guard(pattern, "compiled_re", INLINE_NEEDS)
    for processor in md.parser.blockprocessors:
        guarded += sum(_guard(processor, name, BLOCK_NEEDS) for name in _BLOCK_ATTRIBUTES)
    _guard_inline_loop(md)
    return guarded


def _guard(owner: object, attribute: str, table: dict[str, tuple[str, ...]]) -> int:
    compiled = getattr(owner, attribute, None)
    if not isinstance(compiled, re.Pattern) or compiled.flags & (re.IGNORECASE | re.VERBOSE):
        return 0
    needs = table.get(compiled.pattern)
    if needs is None:
        return 0
    setattr(owner, attribute, GuardedPattern(compiled, needs))
    return 1


# Digests of the source of Python-Markdown's inline loop and of the call it makes for each
# pattern (3.x, as of 3.11): `GuardedInlineProcessor` stands in for the first and relies on
# the second answering (data, False, 0) when a pattern's expression finds nothing.
_KNOWN_INLINE_LOOP = ("fe27babc114aed0a", "8862b35197c0e614")


def _guard_inline_loop(md: markdown.Markdown) -> None:
    processors = md.treeprocessors
    if "inline" not in processors or type(processors["inline"]) is not InlineProcessor:
        return
    if _known_inline_loop():
        priority = next(item.priority for item in processors._priority if item.name == "inline")
        processors.register(GuardedInlineProcessor(md), "inline", priority)


def _known_inline_loop() -> bool:
    try:
        sources = (
            inspect.getsource(InlineProcessor._InlineProcessor__handleInline),  # type: ignore[attr-defined]
            inspect.getsource(InlineProcessor._InlineProcessor__applyPattern),  # type: ignore[attr-defined]
        )
    except (AttributeError, OSError, TypeError):
        return False
    found = tuple(hashlib.sha256(source.encode()).hexdigest()[:16] for source in sources)
    return found == _KNOWN_INLINE_LOOP


class GuardedInlineProcessor(InlineProcessor):
    """Python-Markdown's inline processor, passing over a pattern whose guard says its text
    cannot match, as the pattern itself would answer, without looking it up or calling it."""

    def run(self, tree, ancestors=None):  # noqa: ANN001, ANN201 (Python-Markdown's signature)
        self._guarded = [
            (pattern, getattr(getattr(pattern, "compiled_re", None), "needs", None))
            for pattern in self.inlinePatterns
        ]
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        if isinstance(data, util.AtomicString):
            return data
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        guarded = self._guarded
        start = 0
        while patternIndex < len(guarded):
            pattern, needs = guarded[patternIndex]
            if needs is not None and not _holds_any(data, needs):
                patternIndex, start = patternIndex + 1, 0  # what the pattern answers: no match
                continue
            data, matched, start = apply(pattern, data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


def _holds_any(text: str, needs: tuple[str, ...]) -> bool:
    for needed in needs:  # noqa: SIM110 (any() and its generator cost more here)
        if needed in text:
            return True
    return False
