"""Wiki links, ``[[target]]`` or ``[[target|label]]``, and the one slug rule behind them.

Parsing only records the target's slug. Whether the term exists is asked once per body by
the caller and answered at render time through ``env["wikilink_status"]``, so the parser
needs no database and a body with many links costs one lookup, not one per link. The step
cost of a link is charged by ``limits.charged_wikilink``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from html import escape
from typing import Any

from markdown_it.common.utils import unescapeAll
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

MAX_SLUG_CHARS = 200  # Term.slug and Link.target_slug columns
# How far the rule looks for ``]]``: keeps it linear on runs of ``[[``.
MAX_WIKILINK_CHARS = 200

_MISSING_TITLE = "Not written yet"


_NOT_SLUG_RE = re.compile(r"[^\w\s-]")
_SEPARATORS_RE = re.compile(r"[-\s]+")


def slugify_title(title: str) -> str:
    """The one slug rule for term titles, wiki-link targets, categories and headings.

    Unicode slugs, so a community may write in any script ("Сообщество" -> "сообщество",
    "日本語" -> "日本語"), with diacritics folded away ("Café" -> "cafe"): a Latin title keeps the
    ASCII slug it always had, and "café"/"cafe" are one term, as a glossary wants. NFKD also
    splits ligatures and compatibility forms ("ﬃ" -> "ffi"); the result is cut to the column
    width afterwards, since normalisation can make a slug longer than its title.
    """
    decomposed = unicodedata.normalize("NFKD", str(title))
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = unicodedata.normalize("NFKC", folded).casefold()
    slug = _SEPARATORS_RE.sub("-", _NOT_SLUG_RE.sub("", folded)).strip("-_")
    return slug[:MAX_SLUG_CHARS].strip("-_")


def wikilink(state: StateInline, silent: bool) -> bool:
    """``[[target]]`` or ``[[target|label]]``, target up to MAX_WIKILINK_CHARS, one line;
    ``[[!text]]`` is the glossary's escape: plain text that is never auto-linked."""
    src, start = state.src, state.pos
    if not src.startswith("[[", start):
        return False
    inner_start = start + 2
    end = src.find("]]", inner_start, min(state.posMax, inner_start + MAX_WIKILINK_CHARS + 2))
    if end < 0:
        return False
    inner = src[inner_start:end]
    if "\n" in inner or "[" in inner or "]" in inner:
        return False
    if inner.startswith("!"):
        # ``[[!text]]``: the text as it is, never auto-linked (``glossary``).
        text = unescapeAll(inner[1:]).strip()
        if not text:
            return False
        if not silent:
            state.push("glossary_escape", "", 0).content = text
        state.pos = end + 2
        return True
    target, _, label = (unescapeAll(part).strip() for part in inner.partition("|"))
    slug = slugify_title(target)
    if not slug:
        return False
    if not silent:
        token = state.push("wikilink_open", "a", 1)
        token.meta = {"slug": slug, "target": target}
        token = state.push("text", "", 0)
        token.content = label or target
        state.push("wikilink_close", "a", -1)
    state.pos = end + 2
    return True


def render_wikilink_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    slug, target = tokens[idx].meta["slug"], tokens[idx].meta["target"]
    status = env["wikilink_status"](slug)
    resolver = env["resolver"]
    if status == "missing":
        href = cached_url(env, resolver.new_term_url, target)
        return (
            f'<a href="{escape(href)}" class="wikilink wikilink-missing" title="{_MISSING_TITLE}">'
        )
    href = cached_url(env, resolver.term_url, slug)
    css = "wikilink wikilink-unknown" if status == "unknown" else "wikilink"
    return f'<a href="{escape(href)}" class="{css}">'


def cached_url(env: EnvType, make: Any, arg: str) -> str:
    """The caller's URL callback may cost ~20 us (reverse); a body may repeat one link
    thousands of times."""
    cache = env.setdefault("urls", {})
    key = (make, arg)
    if key not in cache:
        cache[key] = make(arg)
    return cache[key]


def render_wikilink_close(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "</a>"
