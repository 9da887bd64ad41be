"""The one Markdown renderer: text in, sanitised HTML plus what it links to out.

Pure: no ORM. The caller passes ``resolve_existing`` to learn which wiki-link targets exist,
and stores ``RENDERER_VERSION`` beside the HTML so stale renderings can be found.

Pipeline: normalise (size check, lone surrogates and NUL -> U+FFFD, CRLF/CR -> LF);
markdown-it-py's CommonMark preset with raw HTML off, plus tables, footnotes and our
``[[wiki link]]`` inline rule; one final core rule that assigns heading ids, collects the
table of contents and the wiki-link targets in the same pass; render; nh3 with the
``ALLOWED_*`` constants below.

Bounded time
------------
Any body up to ``MAX_BODY_BYTES`` renders in under 3 s on a 2-core machine or is refused
with a ``RenderError`` that says why. The design is a deterministic *step budget*, with a
clock only as a backstop:

* markdown-it-py 4.x is linear on the classic shapes (runs of ``[``, ``*``, backticks,
  entities, ``<``), but its constant is large: 1 MB of dense markup takes 5-30 s here
  (``[`` * 1M: 18 s; 333k empty paragraphs: 7 s). Per-construct caps cannot fix that,
  because the cost is simply "how much markup", so we meter it. Two rules sit first in
  markdown-it's chains and charge ``MAX_PARSE_STEPS``: the inline one for every position
  the inline parser tries (including look-ahead inside link labels); the block one for
  every block and every continued line of a paragraph, list, quote or table, plus the block
  tokens made since its last call (table cells) and, inside containers, the line's length
  (markdown-it rescans a line once per nesting level). Emphasis runs are charged per marker
  before they are tokenised; ``![``, autolinks and wiki links, which cost more than other
  positions, are charged a little more. 1 MB of prose like the seed terms uses ~93% of
  the budget and renders in ~0.5 s; a generated realistic body with more links ~40%
  (0.3 s). The costliest shapes just under the budget take 0.7-1.7 s here, the spread
  being mostly load from other processes; refusing at the budget takes about as long.
* Why not a worker process with a deadline: a budget gives the same answer for the same
  text (a body that saved yesterday does not fail today because the server is busy), needs
  no process per request, and its cost per step is measured by ``tests/bench``. The clock
  (``MAX_PARSE_SECONDS``) only guards against shapes the benchmark has not met.
* Things markdown-it would do badly whatever the budget: block nesting past its
  ``maxNesting`` silently drops the rest of the document, so we refuse beyond
  ``MAX_BLOCK_LEVEL`` (16 levels of lists, 32 of quotes) with a message, which also keeps
  recursion far from Python's limit; a table header is built in one go, so tables wider
  than ``MAX_TABLE_COLUMNS`` are refused before it is; inline footnotes (``^[...]``) are
  off, because each starts a fresh parser at nesting level 0 and ``^[`` runs recurse
  without bound; footnote references ``[^x]`` look at most ``MAX_LABEL_CHARS`` ahead (the
  plugin scans to the end of the paragraph on every ``[^``).
* Our own parts are linear: wiki links look at most ``MAX_WIKILINK_CHARS`` ahead for ``]]``
  on the same line; heading ids come from a dict counter (the anchors plugin is quadratic
  on duplicate headings); at most ``MAX_WIKILINK_TARGETS`` distinct link targets, which
  also bounds the caller's lookup query.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlencode

import nh3
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.common.utils import unescapeAll
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline, autolink, emphasis, image
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.footnote.index import footnote_ref

RENDERER_VERSION = 2
MAX_BODY_BYTES = 1_000_000

# In markdown-it's token levels, where a list level is two (list and item) and a quote level
# one: 16 levels of lists or 32 of quotes. markdown-it's own maxNesting, which silently drops
# the rest of the document, is set well above it so our guard always speaks first.
MAX_BLOCK_LEVEL = 32
MAX_NESTING = MAX_BLOCK_LEVEL + 8
# The step budget (see "Bounded time" above) and what costs a step beyond the basic one.
MAX_PARSE_STEPS = 100_000
LINE_CHARS_PER_STEP = 64
TOKENS_PER_STEP = 3
AUTOLINK_STEPS = 3
IMAGE_ATTEMPT_STEPS = 2
WIKILINK_STEPS = 2
# Backstop only: bodies within the budget finish far sooner.
MAX_PARSE_SECONDS = 2.5
MAX_TABLE_COLUMNS = 64
MAX_WIKILINK_CHARS = 200
MAX_WIKILINK_TARGETS = 2_000
MAX_LABEL_CHARS = 200
MAX_ID_CHARS = 80

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
    "a": frozenset({"wikilink", "wikilink-missing", "wikilink-unknown", "footnote-backref"}),
    "th": frozenset({"align-left", "align-center", "align-right"}),
    "td": frozenset({"align-left", "align-center", "align-right"}),
    "hr": frozenset({"footnotes-sep"}),
    "section": frozenset({"footnotes"}),
    "ol": frozenset({"footnotes-list"}),
    "li": frozenset({"footnote-item"}),
    "sup": frozenset({"footnote-ref"}),
}

# Footnotes render ids fn1, fnref1, fnref1:2 ...; a heading must not take one of them.
_FOOTNOTE_ID_RE = re.compile(r"fn(?:ref)?\d+")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_SCHEME_RE = re.compile(r"([a-z][a-z0-9+.-]*):")
# Browsers drop tabs and newlines anywhere in a URL and trim C0 controls and spaces.
_URL_IGNORED_RE = re.compile(r"[\x00-\x20\x7f]+")
_EMPHASIS_RUN_RE = re.compile(r"\*+|_+")
_TABLE_DELIMITER_RE = re.compile(r"[|:\- \t]+")
_FENCE_LANG_RE = re.compile(r"[^\w+#.-]")

_WIKILINK_MISSING_TITLE = "Not written yet"


class RenderError(ValueError):
    """The text cannot be rendered; the message says why, in words for the author."""


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[Heading, ...]
    wikilinks: tuple[str, ...]


MAX_SLUG_CHARS = 200  # Term.slug and Link.target_slug columns


def slugify_title(title: str) -> str:
    """The one slug rule for term titles and wiki-link targets.

    Cut to the column width: NFKD normalisation can make a slug longer than its title.
    """
    return slugify(title)[:MAX_SLUG_CHARS].strip("-_")


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


def markdownify_preview(text: str) -> str:
    """The editor's live preview (MARKDOWNX_MARKDOWNIFY_FUNCTION); never raises.

    There is no database here, so wiki links are drawn as links to the term page marked
    ``wikilink-unknown`` rather than guessed to exist or not.
    """
    try:
        env = _parse(_BODY_MD, text)
    except RenderError as error:
        return f'<p class="render-error">{escape(str(error))}</p>'
    env["wikilink_status"] = lambda slug: "unknown"
    return _to_html(_BODY_MD, env)


# -- Pipeline ----------------------------------------------------------------------------


def _parse(md: MarkdownIt, text: str) -> dict[str, Any]:
    text = _normalise(text)
    env: dict[str, Any] = {
        "steps_left": MAX_PARSE_STEPS,
        "deadline": time.monotonic() + MAX_PARSE_SECONDS,
        "block_tokens": 0,
    }
    env["tokens"] = md.parse(text, env)
    return env


def _to_html(md: MarkdownIt, env: dict[str, Any]) -> str:
    html = md.renderer.render(env.pop("tokens"), md.options, env)
    return _CLEANER.clean(html)


def _normalise(text: str) -> str:
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BODY_BYTES:
        raise RenderError(f"Body is {_megabytes(size)}; the limit is 1 MB.")
    text = _SURROGATE_RE.sub("\ufffd", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")


def _megabytes(size: int) -> str:
    shown = f"{size / 1_000_000:.1f}"
    return f"{size:,} bytes" if shown == "1.0" else f"{shown} MB"


# -- Link policy -------------------------------------------------------------------------


def _is_safe_url(url: str) -> bool:
    """Allow http, https, mailto and the site's own paths; nothing protocol-relative."""
    candidate = _URL_IGNORED_RE.sub("", unquote(url)).lower()
    if candidate[:2] in {"//", "\\\\", "/\\", "\\/"}:
        return False
    scheme = _SCHEME_RE.match(candidate)
    return scheme is None or scheme.group(1) in ALLOWED_URL_SCHEMES


def _is_external(url: str) -> bool:
    return url.lower().startswith(("http:", "https:"))


def _filter_relative_url(url: str) -> str | None:
    return url if _is_safe_url(url) else None


# -- Parser rules ------------------------------------------------------------------------


def _charge(env: EnvType, steps: int) -> None:
    env["steps_left"] -= steps
    if env["steps_left"] < 0:
        raise RenderError(
            "Body has too much markup to render as one page (paragraphs, list items, links, "
            "emphasis marks, table cells and so on). Split it into several terms."
        )
    if time.monotonic() > env["deadline"]:
        raise RenderError(
            f"Body took more than {MAX_PARSE_SECONDS} seconds to render. "
            "Split it into several terms or simplify its formatting."
        )


def _inline_step(state: StateInline, silent: bool) -> bool:
    """First inline rule: charges one step for every position the parser tries."""
    _charge(state.env, 1)
    return False


def _charged_emphasis(state: StateInline, silent: bool) -> bool:
    """markdown-it's emphasis rule makes one token per marker: charge the run up front."""
    run = _EMPHASIS_RUN_RE.match(state.src, state.pos, state.posMax)
    if run is None or silent:
        return False
    _charge(state.env, run.end() - run.start())
    return emphasis.tokenize(state, silent)


def _charged_autolink(state: StateInline, silent: bool) -> bool:
    """``<scheme:...>`` normalises its URL twice: a few steps' worth of work."""
    if not autolink(state, silent):
        return False
    if not silent:
        _charge(state.env, AUTOLINK_STEPS - 1)
    return True


def _charged_image(state: StateInline, silent: bool) -> bool:
    """Every ``![`` scans for its label: twice the work of other positions."""
    if state.src.startswith("![", state.pos):
        _charge(state.env, IMAGE_ATTEMPT_STEPS - 1)
    return image(state, silent)


def _block_step(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """First block rule, and first terminator check of every multi-line block.

    Charges one step per block or continued line, plus the length of the line (some rules
    scan it once per nesting level) and the block tokens made since the last call (a table
    row makes several per cell). Refuses deep nesting, where markdown-it would silently drop
    the rest of the document, and very wide tables before they are built.
    """
    env = state.env
    tokens = len(state.tokens)
    steps = 1 + max(0, tokens - env["block_tokens"]) // TOKENS_PER_STEP
    if state.level:
        line = state.eMarks[start_line] - state.bMarks[start_line] - state.tShift[start_line]
        steps += line // LINE_CHARS_PER_STEP
    _charge(env, steps)
    env["block_tokens"] = tokens
    if state.level > MAX_BLOCK_LEVEL:
        raise RenderError(_nesting_message(state.tokens, start_line))
    if not silent and start_line + 1 < end_line:
        _check_table_width(state, start_line + 1)
    return False


def _check_table_width(state: StateBlock, line: int) -> None:
    """Refuse a table whose delimiter row (the line after a block's first) is too wide."""
    start = state.bMarks[line] + state.tShift[line]
    end = state.eMarks[line]
    if start >= end or state.src[start] not in "|:-":
        return
    pipes = state.src.count("|", start, end)
    if pipes < MAX_TABLE_COLUMNS or not _TABLE_DELIMITER_RE.fullmatch(state.src, start, end):
        return
    row = state.src[start:end].strip()
    columns = pipes + 1 - row.startswith("|") - row.endswith("|")
    if columns > MAX_TABLE_COLUMNS:
        raise RenderError(
            f"Tables may have at most {MAX_TABLE_COLUMNS} columns; the one at line {line} "
            f"has {columns}."
        )


def _nesting_message(tokens: Sequence[Token], line: int) -> str:
    lists = quotes = 0
    for token in tokens:
        if token.type in {"bullet_list_open", "ordered_list_open"}:
            lists += 1
        elif token.type in {"bullet_list_close", "ordered_list_close"}:
            lists -= 1
        elif token.type == "blockquote_open":
            quotes += 1
        elif token.type == "blockquote_close":
            quotes -= 1
    where = f"(line {line + 1})"
    if lists and not quotes:
        return f"Lists nested more than {lists - 1} levels deep are not allowed {where}."
    if quotes and not lists:
        return f"Block quotes nested more than {quotes - 1} levels deep are not allowed {where}."
    return f"Lists, quotes and footnotes are nested too deeply {where}."


def _wikilink(state: StateInline, silent: bool) -> bool:
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
        _charge(state.env, WIKILINK_STEPS - 1)  # slugify, three tokens, a URL
        token = state.push("wikilink_open", "a", 1)
        token.meta = {"slug": slug, "target": target}
        token = state.push("text", "", 0)
        token.content = label or target
        state.push("wikilink_close", "a", -1)
    state.pos = end + 2
    return True


def _bounded_footnote_ref(state: StateInline, silent: bool) -> bool:
    """The plugin's ``[^label]`` rule, but only when ``]`` is near."""
    start = state.pos
    if not state.src.startswith("[^", start):
        return False
    if state.src.find("]", start + 2, min(state.posMax, start + 2 + MAX_LABEL_CHARS)) < 0:
        return False
    return footnote_ref(state, silent)


def _finish(state: StateCore) -> None:
    """One pass over the final tokens: heading ids, toc, wiki-link targets, table alignment."""
    env = state.env
    toc: list[Heading] = []
    wikilinks: dict[str, None] = {}
    used_ids: set[str] = set(PAGE_IDS)
    next_suffix: dict[str, int] = {}
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type == "inline":
            for child in token.children or ():
                if child.type == "wikilink_open":
                    wikilinks[child.meta["slug"]] = None
            if len(wikilinks) > MAX_WIKILINK_TARGETS:
                raise RenderError(
                    f"Body links to more than {MAX_WIKILINK_TARGETS:,} different terms; "
                    "split it into several terms."
                )
        elif token.type == "heading_open":
            if token.tag == "h1":
                # The page's own title is its only <h1>; a body's top level starts at <h2>.
                token.tag = tokens[index + 2].tag = "h2"
            text = _plain_text(tokens[index + 1].children or ())
            level = int(token.tag[1])
            heading_id = _unique_id(_id_base(text), used_ids, next_suffix)
            token.attrSet("id", heading_id)
            if 2 <= level <= 4:
                toc.append(Heading(level=level, id=heading_id, text=text))
        elif token.type in {"th_open", "td_open"}:
            style = str(token.attrs.pop("style", ""))
            if style.startswith("text-align:"):
                token.attrSet("class", "align-" + style.removeprefix("text-align:"))
        elif token.type == "fence" and token.info:
            lang = unescapeAll(token.info).split(maxsplit=1)
            token.info = _FENCE_LANG_RE.sub("", lang[0]) if lang else ""
    env["toc"] = toc
    env["wikilinks"] = wikilinks


# Ids the page templates use around a rendered body; a heading never takes one of them.
PAGE_IDS = frozenset(
    {
        "main",
        "content",
        "term-title",
        "toc-title",
        "related-title",
        "backlinks-title",
        "header-q",
        "search-q",
        "preview",
    }
)


def _plain_text(children: Sequence[Token]) -> str:
    return "".join(
        child.content for child in children if child.type in {"text", "code_inline"}
    ).strip()


def _id_base(text: str) -> str:
    base = slugify_title(text)[:MAX_ID_CHARS].strip("-_")
    return base or "section"


def _unique_id(base: str, used: set[str], next_suffix: dict[str, int]) -> str:
    """``base``, then ``base-2``, ``base-3`` ...; amortised O(1) per heading."""
    candidate = base
    suffix = next_suffix.get(base, 1)
    while candidate in used or _FOOTNOTE_ID_RE.fullmatch(candidate):
        suffix += 1
        candidate = f"{base}-{suffix}"
    next_suffix[base] = suffix
    used.add(candidate)
    return candidate


# -- Render rules ------------------------------------------------------------------------


def _render_link_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    if _is_external(str(token.attrGet("href") or "")):
        token.attrSet("rel", EXTERNAL_LINK_REL)
    return self.renderToken(tokens, idx, options, env)


def _render_wikilink_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    slug, target = tokens[idx].meta["slug"], tokens[idx].meta["target"]
    status = env["wikilink_status"](slug)
    if status == "missing":
        href = _cached_reverse(env, "wiki:term_create") + "?" + urlencode({"title": target})
        return (
            f'<a href="{escape(href)}" class="wikilink wikilink-missing" '
            f'title="{_WIKILINK_MISSING_TITLE}">'
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


def _render_wikilink_close(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "</a>"


def _build_parser(*, headings: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "maxNesting": MAX_NESTING})
    md.enable("table")
    if not headings:
        md.disable(["heading", "lheading"])
    md.use(footnote_plugin, inline=False)
    md.inline.ruler.at("footnote_ref", _bounded_footnote_ref)
    md.inline.ruler.before("link", "wikilink", _wikilink)
    # Also in the terminator chains, so it runs once per line of every paragraph, list,
    # quote and table row: multi-line blocks are charged for their lines.
    md.block.ruler.before(
        "table", "step", _block_step, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    md.inline.ruler.before("text", "step", _inline_step)
    md.inline.ruler.at("emphasis", _charged_emphasis)
    md.inline.ruler.at("autolink", _charged_autolink)
    md.inline.ruler.at("image", _charged_image)
    md.core.ruler.push("finish", _finish)
    md.validateLink = _is_safe_url  # type: ignore[method-assign]
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("wikilink_open", _render_wikilink_open)
    md.add_render_rule("wikilink_close", _render_wikilink_close)
    return md


_BODY_MD = _build_parser(headings=True)
_COMMENT_MD = _build_parser(headings=False)

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    allowed_classes={tag: set(classes) for tag, classes in ALLOWED_CLASSES.items()},
    url_schemes=set(ALLOWED_URL_SCHEMES),
    url_relative=_filter_relative_url,
    link_rel=None,  # rel is set per link by _render_link_open: external links only
    strip_comments=True,
)
