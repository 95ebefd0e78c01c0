"""Python-Markdown's regular expressions, skipped where their text cannot match.

Python-Markdown runs every inline pattern over every run of text, and tests every block
against each kind of block. Most texts hold none of the characters an expression needs, yet
several expressions begin with a lookbehind or an alternation, so the engine still tries them
at every position: a third of converting a typical page. A guarded expression first asks
whether its text holds a substring that every match must contain, and only then searches.
A guard is put only on an expression listed below exactly, so a Python-Markdown release
that changes one leaves it unguarded; the HTML is the same either way (tests compare it
with unguarded conversion)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import markdown

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
    """Guard every known expression of `md`'s inline patterns and block processors; how
    many were guarded."""
    guarded = 0
    for pattern in md.inlinePatterns:
        if isinstance(pattern, markdown.inlinepatterns.InlineProcessor):
            guarded += _guard(pattern, "compiled_re", INLINE_NEEDS)
    for processor in md.parser.blockprocessors:
        guarded += sum(_guard(processor, name, BLOCK_NEEDS) for name in _BLOCK_ATTRIBUTES)
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
