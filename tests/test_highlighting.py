"""Code blocks are highlighted exactly as Python-Markdown and Pygments highlight them, with
each language's lexer looked up once."""

import markdown
import pygments.lexers
import pytest
from markdown.extensions import codehilite

from sitegen.content import markup

LANGUAGES = ["python", "Python", "py", "js", "bash", "sh", "html", "css", "json", "yaml",
             "toml", "text", "", "no-such-language", "PYTHON3", "c++", "rust", "sql"]  # fmt: skip
CODE = 'def f(x):\n    return {"a": x}  # note\n\n<p class="x">&amp;</p>\n'


def _document(language: str) -> str:
    fenced = f"```{language}\n{CODE}```\n\n    :::{language or 'text'}\n    indented = 1\n"
    return f"# Code\n\n{fenced}\n"


def _convert(text: str) -> str:
    md = markdown.Markdown(extensions=markup.EXTENSIONS, extension_configs=markup.EXTENSION_CONFIGS)
    return md.convert(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_highlighted_html_equals_pygments_own_lookup(monkeypatch, language):
    ours = _convert(_document(language))
    monkeypatch.setattr(codehilite, "get_lexer_by_name", pygments.lexers.get_lexer_by_name)
    assert ours == _convert(_document(language))
    assert '<div class="highlight">' in ours


def test_a_language_is_looked_up_once_and_an_unknown_one_every_time():
    markup._lexer_class.cache_clear()
    for _ in range(5):
        _convert(_document("python") + _document("no-such-language"))
    info = markup._lexer_class.cache_info()
    assert info.currsize == 2  # python, and text where a name is unknown
    assert info.misses == 2 + 5 * 2  # those two once; the unknown name in both blocks, each time
