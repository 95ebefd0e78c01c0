"""Python-Markdown's inline patterns, skipped where their text cannot match.

Python-Markdown runs every inline pattern's regular expression over every run of text. Most
runs hold none of the characters a pattern needs, yet several patterns begin with a
lookbehind, so the engine still tries them at every position: a quarter of converting a
typical page. A guarded pattern first asks whether its text holds a substring that every
match must contain, and only then searches. A guard is put only on a pattern whose exact
expression is listed below, so a Python-Markdown release that changes one is simply left
unguarded; the HTML is the same either way (tests compare it with unguarded conversion)."""

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
NEEDS: dict[str, tuple[str, ...]] = {
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


class GuardedPattern:
    """A compiled expression that answers "no match" at once when its text cannot hold one."""

    __slots__ = ("compiled", "needs")

    def __init__(self, compiled: re.Pattern[str], needs: tuple[str, ...]):
        self.compiled = compiled
        self.needs = needs

    def finditer(self, text: str, pos: int = 0) -> Iterator[re.Match[str]]:
        if any(needed in text for needed in self.needs):
            return self.compiled.finditer(text, pos)
        return iter(())

    def __getattr__(self, name: str):
        return getattr(self.compiled, name)


def guard(md: markdown.Markdown) -> int:
    """Guard every known inline pattern of `md`; how many were guarded."""
    guarded = 0
    for name in [item.name for item in md.inlinePatterns._priority]:
        pattern = md.inlinePatterns[name]
        compiled = getattr(pattern, "compiled_re", None)
        needs = _needs(compiled) if isinstance(compiled, re.Pattern) else None
        if needs and isinstance(pattern, markdown.inlinepatterns.InlineProcessor):
            pattern.compiled_re = GuardedPattern(compiled, needs)  # type: ignore[assignment]
            guarded += 1
    return guarded


def _needs(compiled: re.Pattern[str]) -> tuple[str, ...] | None:
    if compiled.flags & re.IGNORECASE:
        return None
    return NEEDS.get(compiled.pattern)
