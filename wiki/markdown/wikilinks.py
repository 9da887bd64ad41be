"""Wiki links, ``[[target]]`` or ``[[target|label]]``, and the one slug rule behind them.

Parsing only records the target's slug. Whether the term exists is asked once per body by
the caller and answered at render time through ``env["wikilink_status"]``, so the parser
needs no database and a body with many links costs one lookup, not one per link. The step
cost of a link is charged by ``limits.charged_wikilink``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import escape
from django.utils.text import slugify
from markdown_it.common.utils import unescapeAll
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

MAX_SLUG_CHARS = 200  # Term.slug and Link.target_slug columns
# How far the rule looks for ``]]``: keeps it linear on runs of ``[[``.
MAX_WIKILINK_CHARS = 200

_MISSING_TITLE = "Not written yet"


def slugify_title(title: str) -> str:
    """The one slug rule for term titles and wiki-link targets.

    Cut to the column width: NFKD normalisation can make a slug longer than its title.
    """
    return slugify(title)[:MAX_SLUG_CHARS].strip("-_")


def wikilink(state: StateInline, silent: bool) -> bool:
    """``[[target]]`` or ``[[target|label]]``, target up to MAX_WIKILINK_CHARS, one line."""
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
    if status == "missing":
        href = _cached_reverse(env, "wiki:term_create") + "?" + urlencode({"title": target})
        return (
            f'<a href="{escape(href)}" class="wikilink wikilink-missing" title="{_MISSING_TITLE}">'
        )
    href = _cached_reverse(env, "wiki:term_detail", slug)
    css = "wikilink wikilink-unknown" if status == "unknown" else "wikilink"
    return f'<a href="{escape(href)}" class="{css}">'


def _cached_reverse(env: EnvType, name: str, slug: str | None = None) -> str:
    """reverse() costs ~20 us; a body may repeat one link thousands of times."""
    cache = env.setdefault("urls", {})
    key = (name, slug)
    if key not in cache:
        cache[key] = reverse(name, kwargs={"slug": slug} if slug else None)
    return cache[key]


def render_wikilink_close(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "</a>"
