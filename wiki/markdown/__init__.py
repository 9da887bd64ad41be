"""The one Markdown renderer: text in, sanitised HTML plus what it links to out.

Pure: no ORM. The caller passes ``resolve_existing`` to learn which wiki-link targets exist,
and stores ``RENDERER_VERSION`` beside the HTML so stale renderings can be found.

Pipeline: normalise (size check, lone surrogates and NUL -> U+FFFD, CRLF/CR -> LF);
markdown-it-py's CommonMark preset with raw HTML off, plus tables, footnotes and our
``[[wiki link]]`` inline rule; one final core rule that assigns heading ids, collects the
table of contents and the wiki-link targets in the same pass; render; nh3 with the
``ALLOWED_*`` constants.

Any body up to ``MAX_BODY_BYTES`` renders in under 3 s or is refused with a ``RenderError``
that says why; ``limits`` explains how ("Bounded time"). The other parts: ``parser`` (the
markdown-it set-up and the final pass), ``wikilinks`` (the ``[[...]]`` rule and the slug
rule), ``headings`` (heading ids and the toc) and ``sanitise`` (the nh3 allowlist and the
URL policy). This module is the interface; the constants re-exported here are for reading,
and a test that patches one patches the module that defines it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from markdown_it import MarkdownIt

from .headings import PAGE_IDS, Heading
from .limits import MAX_BODY_BYTES, MAX_PARSE_STEPS, RenderError, check_body_size, start_meter
from .parser import build_parser
from .sanitise import ALLOWED_ATTRIBUTES, ALLOWED_CLASSES, ALLOWED_TAGS, ALLOWED_URL_SCHEMES, clean
from .wikilinks import MAX_SLUG_CHARS, MAX_WIKILINK_CHARS, slugify_title

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_CLASSES",
    "ALLOWED_TAGS",
    "ALLOWED_URL_SCHEMES",
    "MAX_BODY_BYTES",
    "MAX_PARSE_STEPS",
    "MAX_SLUG_CHARS",
    "MAX_WIKILINK_CHARS",
    "PAGE_IDS",
    "RENDERER_VERSION",
    "Heading",
    "RenderError",
    "Rendered",
    "markdownify_preview",
    "render",
    "render_comment",
    "slugify_title",
]

RENDERER_VERSION = 2

_SURROGATE_RE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[Heading, ...]
    wikilinks: tuple[str, ...]


def render(
    text: str,
    *,
    resolve_existing: Callable[[frozenset[str]], AbstractSet[str]] = lambda slugs: frozenset(),
) -> Rendered:
    """Render a term body.

    ``resolve_existing`` is called exactly once with every wiki-link target slug in the text
    and returns those that exist; the others become "not written yet" links.
    """
    env = _parse(_BODY_MD, text)
    slugs = env["wikilinks"]
    existing = frozenset(resolve_existing(frozenset(slugs))) & slugs.keys()
    env["wikilink_status"] = lambda slug: "existing" if slug in existing else "missing"
    return Rendered(
        html=_to_html(_BODY_MD, env),
        toc=tuple(env["toc"]),
        wikilinks=tuple(slugs),
    )


def render_comment(text: str) -> str:
    """Render short user text (comments, bios).

    Headings are not recognised (a comment has no business adding an ``<h1>`` to the page)
    and wiki links point at the term page without a lookup.
    """
    env = _parse(_COMMENT_MD, text)
    env["wikilink_status"] = lambda slug: "existing"
    return _to_html(_COMMENT_MD, env)


def markdownify_preview(
    text: str,
    *,
    resolve_existing: Callable[[frozenset[str]], AbstractSet[str]] | None = None,
) -> str:
    """The editor's live preview (MARKDOWNX_MARKDOWNIFY_FUNCTION); never raises.

    The preview view passes ``resolve_existing`` so wiki links are coloured as on the term
    page; without it (no database at hand) they are marked ``wikilink-unknown``.
    """
    try:
        if resolve_existing is not None:
            return render(text, resolve_existing=resolve_existing).html
        env = _parse(_BODY_MD, text)
    except RenderError as error:
        return f'<p class="render-error">{escape(str(error))}</p>'
    env["wikilink_status"] = lambda slug: "unknown"
    return _to_html(_BODY_MD, env)


# -- Pipeline ----------------------------------------------------------------------------


def _parse(md: MarkdownIt, text: str) -> dict[str, Any]:
    text = _normalise(text)
    env = start_meter()
    env["tokens"] = md.parse(text, env)
    return env


def _to_html(md: MarkdownIt, env: dict[str, Any]) -> str:
    html = md.renderer.render(env.pop("tokens"), md.options, env)
    return clean(html)


def _normalise(text: str) -> str:
    check_body_size(text)
    text = _SURROGATE_RE.sub("\ufffd", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")


_BODY_MD = build_parser(headings=True)
_COMMENT_MD = build_parser(headings=False)
