"""What may reach the page: nh3's allowlist and the URL policy.

markdown-it runs with raw HTML off, so nh3 is a second guard rather than the only one:
whatever a rule or plugin emits, only what the constants below name reaches the page.
The one URL rule, ``is_safe_url``, is both markdown-it's ``validateLink`` and nh3's filter
for relative URLs, so parser and sanitiser judge a site path the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

import nh3
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
EXTERNAL_LINK_REL = "nofollow noopener"

ALLOWED_TAGS = frozenset(
    {
        "a", "blockquote", "br", "code", "em", "hr", "img", "li", "ol", "p", "pre",
        "strong", "ul", "h1", "h2", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td",
        "section", "sup",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title", "id", "rel"}),
    "img": frozenset({"src", "alt", "title"}),
    "ol": frozenset({"start"}),
    "li": frozenset({"id"}),
    # Fence languages are reduced to [\w+#.-] by the renderer before they get here.
    "code": frozenset({"class"}),
    **{f"h{level}": frozenset({"id"}) for level in range(1, 7)},
}
ALLOWED_CLASSES: dict[str, frozenset[str]] = {
    "a": frozenset(
        {"wikilink", "wikilink-missing", "wikilink-unknown", "wikilink-auto", "footnote-backref"}
    ),
    "th": frozenset({"align-left", "align-center", "align-right"}),
    "td": frozenset({"align-left", "align-center", "align-right"}),
    "hr": frozenset({"footnotes-sep"}),
    "section": frozenset({"footnotes"}),
    "ol": frozenset({"footnotes-list"}),
    "li": frozenset({"footnote-item"}),
    "sup": frozenset({"footnote-ref"}),
}

_SCHEME_RE = re.compile(r"([a-z][a-z0-9+.-]*):")
# Browsers drop tabs and newlines anywhere in a URL and trim C0 controls and spaces.
_URL_IGNORED_RE = re.compile(r"[\x00-\x20\x7f]+")


def is_safe_url(url: str) -> bool:
    """Allow http, https, mailto and the site's own paths; nothing protocol-relative."""
    candidate = _URL_IGNORED_RE.sub("", unquote(url)).lower()
    if candidate[:2] in {"//", "\\\\", "/\\", "\\/"}:
        return False
    scheme = _SCHEME_RE.match(candidate)
    return scheme is None or scheme.group(1) in ALLOWED_URL_SCHEMES


def _is_external(url: str) -> bool:
    return url.lower().startswith(("http:", "https:"))


def _filter_relative_url(url: str) -> str | None:
    return url if is_safe_url(url) else None


def render_link_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    if _is_external(str(token.attrGet("href") or "")):
        token.attrSet("rel", EXTERNAL_LINK_REL)
    return self.renderToken(tokens, idx, options, env)


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    allowed_classes={tag: set(classes) for tag, classes in ALLOWED_CLASSES.items()},
    url_schemes=set(ALLOWED_URL_SCHEMES),
    url_relative=_filter_relative_url,
    link_rel=None,  # rel is set per link by render_link_open: external links only
    strip_comments=True,
)


def clean(html: str) -> str:
    """The rendered HTML with everything outside the allowlist removed."""
    return _CLEANER.clean(html)
