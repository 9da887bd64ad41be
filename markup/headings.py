"""Heading ids and the table of contents.

An id must be unique on the page, not just in the body, so a heading never takes one the
caller reserves (``Resolver.reserved_ids``: the ids of the page around the body) or one the
footnotes render. Suffixes come from a counter
per base, amortised O(1) per heading, where the anchors plugin is quadratic on duplicates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from .wikilinks import slugify_title

MAX_ID_CHARS = 80

# Footnotes render ids fn1, fnref1, fnref1:2 ...; a heading must not take one of them.
_FOOTNOTE_ID_RE = re.compile(r"fn(?:ref)?\d+")


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


def plain_text(children: Sequence[Token]) -> str:
    return "".join(
        child.content for child in children if child.type in {"text", "code_inline"}
    ).strip()


def id_base(text: str) -> str:
    base = slugify_title(text)[:MAX_ID_CHARS].strip("-_")
    return base or "section"


def unique_id(base: str, used: set[str], next_suffix: dict[str, int]) -> str:
    """``base``, then ``base-2``, ``base-3`` ...; amortised O(1) per heading."""
    candidate = base
    suffix = next_suffix.get(base, 1)
    while candidate in used or _FOOTNOTE_ID_RE.fullmatch(candidate):
        suffix += 1
        candidate = f"{base}-{suffix}"
    next_suffix[base] = suffix
    used.add(candidate)
    return candidate
