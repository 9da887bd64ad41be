"""Glossary auto-links: the first plain mention of another term's title links to that term.

The renderer stays pure: the caller builds a ``Glossary`` from every title (the wiki keeps one
per process while the titles do not change, ``wiki.glossary``) and passes it in
``Resolver.glossary``; a page that opts out gets none. The rules:

* **Whole words, any case.** Text and titles are lower-cased alike; a title that starts (ends)
  with a letter or digit must not have one just before (after) it, so "art" is not found in
  "party", while "C++" is found in "C++11".
* **Plain text only.** Not in code (inline, fenced, indented), not inside a link of any kind
  (Markdown, ``[[wiki]]``, bare URL, autolink), not in headings or image descriptions.
* **First mention only**, once per term for the whole body, and never for a term the body
  already links with ``[[...]]`` or for the term itself (``Resolver.own_slug``).
* **Overlaps:** the mention that starts first wins, then the longer one, so "community of
  practice" is one mention, not "community" plus "practice".
* **One mention's escape:** ``[[!text]]`` shows ``text`` as it is and is never linked
  (``wikilinks``); the page's escape is the caller's (no glossary).

Bounded: one pass over each text token with an Aho-Corasick automaton over all titles
(pyahocorasick, C), not one regular expression per title; what the pass may do is metered by
its own budget (``limits``, "Glossary auto-links"), which stops the auto-linking rather than
refusing the body, so a body that saved yesterday never fails because a title appeared today.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

import ahocorasick
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from . import limits
from .wikilinks import cached_url

# A title shorter than this is never auto-linked ("a", "it", "Go" would link half the prose).
MIN_TITLE_CHARS = 3
AUTO_CLASS = "wikilink wikilink-auto"

_LINK_OPEN = frozenset({"link_open", "wikilink_open"})
_LINK_CLOSE = frozenset({"link_close", "wikilink_close"})


def fold(text: str) -> str:
    """Lower case, one character for one, so positions in the folded text are positions in
    ``text``. ``str.lower`` never shortens; the few characters it lengthens ("İ") are kept."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def _is_word_char(ch: str) -> bool:
    """A letter, digit, underscore or combining mark (part of a letter in many scripts)."""
    if ch.isalnum() or ch == "_":
        return True
    return ch > "\x7f" and unicodedata.category(ch).startswith("M")


class Glossary:
    """Every title, for finding mentions in one pass (leftmost, then longest).

    Built from ``(title, slug)`` pairs; titles that fold to the same text keep the first slug.
    Building 10,000 titles takes a few milliseconds; a ``Glossary`` is read-only afterwards, so
    one can be shared by every render in a process (and by forked workers).
    """

    __slots__ = ("_automaton", "size")

    def __init__(self, titles: Iterable[tuple[str, str]]) -> None:
        automaton = ahocorasick.Automaton()
        for title, slug in titles:
            key = fold(" ".join(str(title).split()))
            if len(key) < MIN_TITLE_CHARS or not slug or key in automaton:
                continue
            automaton.add_word(key, (len(key), slug, _is_word_char(key[0]), _is_word_char(key[-1])))
        self.size = len(automaton)
        if self.size:
            automaton.make_automaton()
        self._automaton = automaton

    def __len__(self) -> int:
        return self.size

    def mentions(self, text: str, meter: AutolinkMeter) -> list[tuple[int, int, str]]:
        """``(start, end, slug)`` of the mentions in ``text``: whole words, not overlapping,
        the leftmost and then the longest where titles overlap. Charges ``meter``.

        The automaton's own leftmost-longest scan (``iter_long``, in C) finds the candidates;
        only when one is not a whole word ("tree house" in "tree houses") are the shorter
        titles starting at the same place looked at ("tree"), in that span alone.
        """
        if not self.size or not meter.charge_text(len(text)):
            return []
        folded = fold(text)
        automaton = self._automaton
        found = []
        allowed = meter.matches_allowed()
        seen = 0
        for end, (length, slug, left, right) in automaton.iter_long(folded):
            seen += 1
            if seen > allowed:
                break
            start = end - length + 1
            if _fits(folded, start, end, left, right):
                found.append((start, end + 1, slug))
                continue
            shorter = None
            for inner_end, (inner_length, inner_slug, inner_left, inner_right) in automaton.iter(
                folded, start, end
            ):
                if not meter.charge_match():
                    break
                if inner_end - inner_length + 1 == start and _fits(
                    folded, start, inner_end, inner_left, inner_right
                ):
                    shorter = (start, inner_end + 1, inner_slug)  # a longer one comes later
            if shorter is not None:
                found.append(shorter)
        meter.charge_matches(min(seen, allowed + 1))
        return found


def _fits(folded: str, start: int, end: int, left: bool, right: bool) -> bool:
    """Whether ``folded[start:end + 1]`` is whole words (see ``Glossary``)."""
    if left and start > 0 and _is_word_char(folded[start - 1]):
        return False
    return not (right and end + 1 < len(folded) and _is_word_char(folded[end + 1]))


class AutolinkMeter:
    """The auto-link pass's own budget (``limits.MAX_AUTOLINK_STEPS``); once spent, the rest
    of the body is left as it is. Deterministic: the same text and titles, the same links."""

    __slots__ = ("links_left", "steps_left")

    def __init__(self) -> None:
        self.steps_left = limits.MAX_AUTOLINK_STEPS
        self.links_left = limits.MAX_AUTOLINKS

    @property
    def spent(self) -> bool:
        return self.steps_left <= 0 or self.links_left <= 0

    def charge_text(self, chars: int) -> bool:
        self.steps_left -= limits.AUTOLINK_TOKEN_STEPS + chars // limits.AUTOLINK_CHARS_PER_STEP
        return self.steps_left > 0

    def charge_match(self) -> bool:
        self.steps_left -= limits.AUTOLINK_MATCH_STEPS
        return self.steps_left > 0

    def matches_allowed(self) -> int:
        """How many more matches the budget pays for (charged afterwards, in one go)."""
        return max(0, self.steps_left // limits.AUTOLINK_MATCH_STEPS)

    def charge_matches(self, count: int) -> None:
        self.steps_left -= count * limits.AUTOLINK_MATCH_STEPS

    def charge_link(self) -> bool:
        """The mentions already found are linked (at most ``MAX_AUTOLINKS``) even when the
        scan that found them spent the budget: it only stops the next text from being read."""
        self.steps_left -= limits.AUTOLINK_LINK_STEPS
        self.links_left -= 1
        return self.links_left >= 0


def autolink(state: StateCore) -> None:
    """Core rule, after ``parser.finish``: turn first mentions into auto-link tokens and
    record their targets in ``env["autolinks"]`` (in order of appearance)."""
    env = state.env
    linked: dict[str, None] = {}
    env["autolinks"] = linked
    resolver = env["resolver"]
    glossary: Glossary | None = resolver.glossary
    if not glossary:
        return
    skip = set(env["wikilinks"]) | {resolver.own_slug}
    meter = AutolinkMeter()
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "inline" or not token.children:
            continue
        if index and tokens[index - 1].type == "heading_open":
            continue
        token.children = _link_mentions(token.children, glossary, skip, linked, meter)
        if meter.spent:
            break


def _link_mentions(
    children: list[Token],
    glossary: Glossary,
    skip: set[str],
    linked: dict[str, None],
    meter: AutolinkMeter,
) -> list[Token]:
    out: list[Token] = []
    depth = 0  # inside a link of any kind
    for child in children:
        if child.type in _LINK_OPEN:
            depth += 1
        elif child.type in _LINK_CLOSE:
            depth = max(0, depth - 1)
        if child.type != "text" or depth or meter.spent:
            out.append(child)
            continue
        text = child.content
        pos = 0
        for start, end, slug in glossary.mentions(text, meter):
            if slug in linked or slug in skip:
                continue
            if not meter.charge_link():
                break
            linked[slug] = None
            if start > pos:
                out.append(_text(text[pos:start], child))
            out.extend(_auto_link(text[start:end], slug, child))
            pos = end
        if pos == 0:
            out.append(child)
        elif pos < len(text):
            out.append(_text(text[pos:], child))
    return out


def _text(content: str, like: Token) -> Token:
    token = Token("text", "", 0, level=like.level)
    token.content = content
    return token


def _auto_link(content: str, slug: str, like: Token) -> Sequence[Token]:
    opening = Token("glossary_link_open", "a", 1, level=like.level, meta={"slug": slug})
    closing = Token("glossary_link_close", "a", -1, level=like.level)
    return (opening, _text(content, like), closing)


def render_glossary_link_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    href = cached_url(env, env["resolver"].term_url, tokens[idx].meta["slug"])
    return f'<a href="{escape(href)}" class="{AUTO_CLASS}">'


def render_glossary_link_close(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "</a>"


def render_escape(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """``[[!text]]``: the text as it is."""
    return escape(tokens[idx].content, quote=False)
