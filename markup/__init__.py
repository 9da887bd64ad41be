"""The one Markdown renderer: text in, sanitised HTML plus what it links to out.

A plain package: no models, no ORM, no URL names. The caller passes a ``Resolver``: which
wiki-link targets exist (asked once per body), the URL of a term and of the page that writes a
missing one, and the element ids the page around the body already uses. The caller stores
``RENDERER_VERSION`` beside the HTML so stale renderings can be found.

Pipeline: normalise (size check, lone surrogates and NUL -> U+FFFD, CRLF/CR -> LF);
markdown-it-py's CommonMark preset with raw HTML off, plus tables, footnotes, bare
``http(s)://`` URLs as links and our ``[[wiki link]]`` inline rule; one final core rule
that assigns heading ids, collects the table of contents and the wiki-link targets in the
same pass; the glossary's auto-links (the first mention of another term's title, when the
caller passes a ``Glossary``); render (a line break inside a paragraph as ``<br>``); nh3
with the ``ALLOWED_*`` constants.

Any body up to ``MAX_BODY_BYTES`` renders in bounded time or is refused with a
``RenderError`` that says why; ``limits`` explains how ("Bounded time"). The other parts:
``parser`` (the markdown-it set-up and the final pass), ``wikilinks`` (the ``[[...]]`` rule and
the slug rule), ``glossary`` (auto-links), ``headings`` (heading ids and the toc) and
``sanitise`` (the nh3 allowlist and the URL policy). This module is the interface; the
constants re-exported here are for reading, and a test that patches one patches the module
that defines it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from html import escape
from typing import Any

from markdown_it import MarkdownIt

from .glossary import Glossary
from .headings import Heading
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
    "RENDERER_VERSION",
    "Glossary",
    "Heading",
    "RenderError",
    "Rendered",
    "Resolver",
    "preview",
    "render",
    "render_comment",
    "slugify_title",
]

RENDERER_VERSION = 4

# 3: a line break inside a paragraph renders as <br> (``breaks``), bare http(s) URLs are
# links. Version 2 renderings are found by it and re-rendered (``rerender_terms``).
# 4: glossary auto-links, and ``[[!text]]`` as their escape.
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _none_exist(slugs: frozenset[str]) -> AbstractSet[str]:
    return frozenset()


@dataclass(frozen=True)
class Resolver:
    """What the renderer asks of the page it renders for.

    ``existing`` gets every wiki-link target slug of a body at once and returns those that
    lead to a term; ``term_url`` and ``new_term_url`` make the hrefs of existing and missing
    targets (from a slug and from the title as written); a heading never takes one of
    ``reserved_ids``. With a ``glossary`` (every title), the first plain mention of each
    title links to its term (``glossary``), except ``own_slug``, the term being rendered;
    without one, nothing is auto-linked (a page that opts out, comments).
    """

    term_url: Callable[[str], str]
    new_term_url: Callable[[str], str]
    existing: Callable[[frozenset[str]], AbstractSet[str]] = _none_exist
    reserved_ids: frozenset[str] = frozenset()
    glossary: Glossary | None = None
    own_slug: str = ""


@dataclass(frozen=True)
class Rendered:
    """``wikilinks``: the targets of the body's ``[[links]]``; ``autolinks``: the terms the
    glossary linked (each once), in order of appearance."""

    html: str
    toc: tuple[Heading, ...]
    wikilinks: tuple[str, ...]
    autolinks: tuple[str, ...] = ()


def render(text: str, *, resolve: Resolver) -> Rendered:
    """Render a term body; raises ``RenderError`` (with the reason) for a body it refuses."""
    env = _parse(_BODY_MD, text, resolve)
    slugs = env["wikilinks"]
    existing = frozenset(resolve.existing(frozenset(slugs))) & slugs.keys()
    env["wikilink_status"] = lambda slug: "existing" if slug in existing else "missing"
    return Rendered(
        html=_to_html(_BODY_MD, env),
        toc=tuple(env["toc"]),
        wikilinks=tuple(slugs),
        autolinks=tuple(env["autolinks"]),
    )


def render_comment(text: str, *, resolve: Resolver) -> Rendered:
    """Render short user text (comments, bios).

    Headings are not recognised (a comment has no business adding an ``<h1>`` to the page);
    wiki links are coloured like a body's, and ``wikilinks`` says where they point. Nothing
    is auto-linked.
    """
    env = _parse(_COMMENT_MD, text, replace(resolve, glossary=None))
    slugs = env["wikilinks"]
    existing = frozenset(resolve.existing(frozenset(slugs))) & slugs.keys()
    env["wikilink_status"] = lambda slug: "existing" if slug in existing else "missing"
    return Rendered(html=_to_html(_COMMENT_MD, env), toc=(), wikilinks=tuple(slugs))


def preview(text: str, *, resolve: Resolver) -> str:
    """The editor's live preview: the term page's rendering, or the refusal; never raises."""
    try:
        return render(text, resolve=resolve).html
    except RenderError as error:
        return f'<p class="render-error">{escape(str(error))}</p>'


# -- Pipeline ----------------------------------------------------------------------------


def _parse(md: MarkdownIt, text: str, resolve: Resolver) -> dict[str, Any]:
    text = _normalise(text)
    env = start_meter()
    env["resolver"] = resolve
    env["reserved_ids"] = resolve.reserved_ids
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
