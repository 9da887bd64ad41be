"""Query parsing and text cleaning: pure functions, no database, shared by both engines.

Queries. A user's query never reaches an engine as syntax: ``parse_query`` reduces it to terms
of letters and digits only (a word, or a phrase of words), and each engine builds its own query
from those (quoted strings for FTS5, quoted lexemes for ``to_tsquery``). So ``"``, ``*``,
``-``, ``AND``, ``NEAR``, ``(``, ``:`` and the like are plain text, never operators.

The same cleaning is applied to what is indexed (``clean_text``, ``html_to_text``) and to what
is searched, and ``snippet_html`` is the only way an engine's snippet reaches a page.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 12
MAX_WORD_CHARS = 64
MIN_PREFIX_CHARS = 3  # a shorter last word is matched whole: "a*" would match half the wiki

# Private-use characters mark highlights in engine snippets. They are removed from everything
# indexed, so the only ones in a snippet are the engine's; they become <mark> after escaping.
MARK_START, MARK_END = "\ue000", "\ue001"
_UNSAFE_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff]")
_WORD = re.compile(r"[^\W_]+")
_ENDS_IN_WORD = re.compile(r"[^\W_]\Z")
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|pre|blockquote|table|thead|tbody|tr|td|th"
    r"|section|aside|figure|figcaption|details|summary)\b[^>]*>",
    re.IGNORECASE,
)
_ANY_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class QueryTerm:
    """A word, or a phrase of adjacent words; ``prefix``: its last word is matched as a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[QueryTerm, ...]

    def __bool__(self) -> bool:
        return bool(self.terms)


def clean_text(text: str) -> str:
    """NFC text without control, surrogate or private-use characters, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", _UNSAFE_CHARS.sub(" ", text)).split())


def title_key(title: str) -> str:
    """What titles that are "the same title" share: case, width and spacing set aside."""
    return unicodedata.normalize("NFKC", clean_text(title)).casefold()[:MAX_QUERY_CHARS]


def split_words(text: str) -> list[str]:
    """The runs of letters and digits in ``text``: the words a query term is made of."""
    return _WORD.findall(text)


def parse_query(raw: str) -> ParsedQuery:
    """Words, "quoted phrases" (a missing closing quote ends the query), last word as prefix.

    Hyphenated or otherwise punctuated words (``e-mail``, ``don't``) become phrases of their
    parts, which is how both tokenizers indexed them. The last word is a prefix when the query
    ends in it (no trailing space or closing quote) and it is long enough to be selective.
    """
    text = unicodedata.normalize("NFC", _UNSAFE_CHARS.sub(" ", raw[: MAX_QUERY_CHARS * 2]))
    text = text[:MAX_QUERY_CHARS]
    pieces: list[tuple[str, ...]] = []
    for index, chunk in enumerate(text.split('"')):
        for group in [chunk] if index % 2 else chunk.split():
            words = tuple(w.lower()[:MAX_WORD_CHARS] for w in _WORD.findall(group))
            if words:
                pieces.append(words)
    terms = [QueryTerm(words) for words in list(dict.fromkeys(pieces))[:MAX_QUERY_TERMS]]
    if terms and _ENDS_IN_WORD.search(text) and len(terms[-1].words[-1]) >= MIN_PREFIX_CHARS:
        terms[-1] = QueryTerm(terms[-1].words, prefix=True)
    return ParsedQuery(tuple(terms))


def html_to_text(body_html: str) -> str:
    """The text of a rendered body, for indexing: block tags become spaces, entities text."""
    return clean_text(html.unescape(_ANY_TAG.sub("", _BLOCK_TAG.sub(" ", body_html))))


def snippet_html(raw: str) -> SafeString:
    """Escape an engine snippet, then turn its markers into balanced <mark> elements."""
    out: list[str] = []
    open_mark = False
    for part in re.split(f"([{MARK_START}{MARK_END}])", raw):
        if part == MARK_START and not open_mark:
            out.append("<mark>")
            open_mark = True
        elif part == MARK_END and open_mark:
            out.append("</mark>")
            open_mark = False
        elif part not in (MARK_START, MARK_END):
            out.append(html.escape(part, quote=False))
    if open_mark:
        out.append("</mark>")
    return mark_safe("".join(out))  # every piece of text was escaped above
