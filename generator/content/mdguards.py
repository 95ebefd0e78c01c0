"""Python-Markdown made faster without changing its HTML: its regular expressions skipped
where their text cannot match, and three loops it runs for every block or text spared work.

Python-Markdown runs every inline pattern over every run of text, and tests every block
against each kind of block. Most texts hold none of the characters an expression needs, yet
several expressions begin with a lookbehind or an alternation, so the engine still tries them
at every position: a third of converting a typical page. A guarded expression first asks
whether its text holds a substring that every match must contain, and only then searches.
A guard is put only on an expression listed below exactly, so a Python-Markdown release
that changes one leaves it unguarded; the HTML is the same either way (tests compare it
with unguarded conversion).

The inline loop asks the same question before it even calls a pattern: looking each one up
and calling it cost a quarter of converting a page once the searches were guarded. The block
parser's list of block processors is made once, not for every block, and the block-level
tags are looked up in a set, not a list. Each stand-in is put only while the code of
Python-Markdown it replaces or relies on is the one known here, word for word."""

from __future__ import annotations

import hashlib
import inspect
import re
from collections.abc import Iterator

import markdown
from markdown import util
from markdown.preprocessors import Preprocessor
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
    _list_block_processors_once(md)
    _look_up_block_tags_in_a_set(md)
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


# Python-Markdown's code that a stand-in below replaces or relies on, by a digest of its
# source (3.11). The inline loop relies on the call it makes for each pattern answering
# (data, False, 0) when the pattern's expression finds nothing.
KNOWN_SOURCES = {
    "InlineProcessor.__handleInline": "fe27babc114aed0a",
    "InlineProcessor.__applyPattern": "8862b35197c0e614",
    "Registry.__iter__": "6411f676557ba5ba",
    "Registry.register": "83cec5b1ed54f0b9",
    "Registry.deregister": "6ac20ffabe272ea3",
    "Markdown.is_block_level": "dc551fffd52a0eee",
}


def _known(*names: str) -> bool:
    """Whether Python-Markdown's code of these names is word for word the one known."""
    code = {
        "InlineProcessor.__handleInline": "_InlineProcessor__handleInline",
        "InlineProcessor.__applyPattern": "_InlineProcessor__applyPattern",
    }
    owners = {
        "InlineProcessor": InlineProcessor,
        "Registry": util.Registry,
        "Markdown": markdown.Markdown,
    }
    for name in names:
        owner, _, attribute = name.partition(".")
        try:
            source = inspect.getsource(getattr(owners[owner], code.get(name, attribute)))
        except (AttributeError, OSError, TypeError):
            return False
        if hashlib.sha256(source.encode()).hexdigest()[:16] != KNOWN_SOURCES[name]:
            return False
    return True


def _guard_inline_loop(md: markdown.Markdown) -> None:
    processors = md.treeprocessors
    if "inline" not in processors or type(processors["inline"]) is not InlineProcessor:
        return
    if _known("InlineProcessor.__handleInline", "InlineProcessor.__applyPattern"):
        priority = next(item.priority for item in processors._priority if item.name == "inline")
        processors.register(GuardedInlineProcessor(md), "inline", priority)


def _list_block_processors_once(md: markdown.Markdown) -> None:
    registry = md.parser.blockprocessors
    if type(registry) is util.Registry and _known(
        "Registry.__iter__", "Registry.register", "Registry.deregister"
    ):
        registry.__class__ = ListedOnceRegistry


def _look_up_block_tags_in_a_set(md: markdown.Markdown) -> None:
    if "is_block_level" in vars(md) or not _known("Markdown.is_block_level"):
        return
    tags = BlockTags(md)
    md.is_block_level = tags.holds  # type: ignore[method-assign]
    md.preprocessors.register(tags, "sitegen_block_tags", 1000)  # before any other


class ListedOnceRegistry(util.Registry):
    """A registry whose items are listed in order once until one is added or removed: the
    block parser lists its processors for every block of every page."""

    _listed: list | None = None

    def __iter__(self) -> Iterator:
        if self._listed is None:
            self._sort()
            self._listed = [self._data[name] for name, _ in self._priority]
        return iter(self._listed)

    def register(self, item, name: str, priority: float) -> None:  # noqa: ANN001
        self._listed = None
        super().register(item, name, priority)

    def deregister(self, name: str, strict: bool = True) -> None:
        self._listed = None
        super().deregister(name, strict)


class BlockTags(Preprocessor):
    """`Markdown.is_block_level`, its tags in a set taken from `md.block_level_elements` as
    each conversion starts (this runs first), so an extension may still add to that list."""

    def __init__(self, md: markdown.Markdown):
        super().__init__(md)
        self.tags: frozenset[str] | None = None

    def run(self, lines: list[str]) -> list[str]:
        self.tags = frozenset(self.md.block_level_elements)
        return lines

    def holds(self, tag: object) -> bool:
        if not isinstance(tag, str):
            return False  # some ElementTree tags are not strings
        tags = self.tags if self.tags is not None else self.md.block_level_elements
        return tag.lower().rstrip("/") in tags


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
