"""Bounded time: the caps and the step meter that keep every render short.

Any body up to ``MAX_BODY_BYTES`` renders in under 3 s on a 2-core machine or is refused
with a ``RenderError`` that says why (its ``reason`` names the limit: ``"budget"`` and
``"clock"`` below, ``"size"``, ``"nesting"``, ``"table"``, ``"links"``). The design is a
deterministic *step budget*, with a clock only as a backstop:

* markdown-it-py 4.x is linear on the classic shapes (runs of ``[``, ``*``, backticks,
  entities, ``<``), but its constant is large: 1 MB of dense markup takes 5-30 s here
  (``[`` * 1M: 18 s; 333k empty paragraphs: 7 s). Per-construct caps cannot fix that,
  because the cost is simply "how much markup", so we meter it. A step is roughly the work
  of one position the inline parser tries (~4 us here). Two rules sit first in
  markdown-it's chains and charge ``MAX_PARSE_STEPS``: the inline one for every position
  the inline parser tries (including look-ahead inside link labels), ``INLINE_STEPS`` where
  a markup rule may start (``[ ![ < & * _``, backtick, backslash) and ``PLAIN_STEPS`` for
  a line break or a character no costly rule starts with (``: - # = ! ...``); the block
  one ``BLOCK_STEPS`` for every block and ``CONTINUATION_STEPS`` for every continued line
  of a paragraph, list, quote or table (a paragraph's lines are checked twice: setext
  heading, then paragraph), plus the block tokens made since its last call (table cells)
  and, inside containers, the line's length (markdown-it rescans a line once per nesting
  level). Emphasis runs are charged per marker before they are tokenised; ``![``,
  autolinks, bare URLs and wiki links, which cost more than other positions, are charged
  more. Every markup charge is four times what it was when the budget was 100,000, so a
  markup shape is refused at the same size as before.
* Plain text is charged what it costs (a line of text, ~20 us, is five steps, not
  sixteen), so ordinary text renders up to ``MAX_BODY_BYTES``: the 30,000 short lines of
  the 709 KB body that was refused use ~48% of the budget, 1 MB of such 23-byte lines
  ~68%, 1 MB of seed-like prose ~33%; only bodies of a million bytes in lines shorter than
  ~16 bytes are refused. Only real markup density is refused. The costliest shapes just
  under the budget take 0.7-1.7 s on an idle 2-core machine, refusing at the budget about
  as long; ``tests/bench/bench_render.py`` prints the figures (under load, the clock
  refuses first, with its own reason).
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
* Our own parts are linear: wiki links look at most ``MAX_WIKILINK_CHARS`` (in
  ``wikilinks``) ahead for ``]]`` on the same line; bare URLs (``bare_url``) look at most
  ``MAX_BARE_URL_CHARS`` ahead and only at the scheme just before ``://`` (markdown-it-py's
  linkify rule slices the rest of the body and searches all pending text at every ``://``,
  quadratic on a body full of them); heading ids come from a dict counter
  (the anchors plugin is quadratic on duplicate headings); at most ``MAX_WIKILINK_TARGETS``
  distinct link targets, which also bounds the caller's lookup query.

* Glossary auto-links (``glossary``) run after parsing, with a budget of their own,
  ``MAX_AUTOLINK_STEPS``: each text token costs ``AUTOLINK_TOKEN_STEPS`` plus one step per
  ``AUTOLINK_CHARS_PER_STEP`` characters (the automaton's scan is C, ~1 ms per 100 KB), each
  title occurrence the automaton reports ``AUTOLINK_MATCH_STEPS`` (a Python-level check of its
  word boundaries), each link made ``AUTOLINK_LINK_STEPS``, and at most ``MAX_AUTOLINKS`` links.
  A step here is ~1-1.5 us on a 2-core machine, so the whole budget is well under 0.1 s; a
  100 KB body that mentions a title every few words uses about a sixth of it
  (``tests/bench/bench_glossary.py`` prints the share). When it is
  spent the rest of the body is simply not auto-linked: the budget never refuses a body,
  because the titles change without the body changing, and a body that saved yesterday must
  not fail today. It counts steps, not time, so the same text and titles give the same links.

Other modules read these caps as ``limits.NAME`` when they run, not as copies, so a test
that patches ``markup.limits.NAME`` changes what the renderer does; the exception is
``MAX_NESTING``, read once when the parsers are built at import.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from typing import Any

from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline, autolink, emphasis, image
from markdown_it.token import Token
from markdown_it.utils import EnvType
from mdit_py_plugins.footnote.index import footnote_ref

from .wikilinks import wikilink

MAX_BODY_BYTES = 1_000_000

# In markdown-it's token levels, where a list level is two (list and item) and a quote level
# one: 16 levels of lists or 32 of quotes. markdown-it's own maxNesting, which silently drops
# the rest of the document, is set well above it so our guard always speaks first.
MAX_BLOCK_LEVEL = 32
MAX_NESTING = MAX_BLOCK_LEVEL + 8
# The step budget (see "Bounded time" above) and what each thing costs.
MAX_PARSE_STEPS = 400_000
INLINE_STEPS = 4  # a position where a markup rule may start
PLAIN_STEPS = 1  # a line break, or a character no costly inline rule starts with
BLOCK_STEPS = 4
CONTINUATION_STEPS = 2
LINE_CHARS_PER_STEP = 16
TOKEN_STEPS = 4 / 3
EMPHASIS_MARKER_STEPS = 4
AUTOLINK_STEPS = 12
IMAGE_ATTEMPT_STEPS = 8
WIKILINK_STEPS = 8
BARE_URL_STEPS = 8
MAX_BARE_URL_CHARS = 2_000
# Backstop only: bodies within the budget finish far sooner.
MAX_PARSE_SECONDS = 2.5
MAX_TABLE_COLUMNS = 64
MAX_WIKILINK_TARGETS = 2_000
MAX_LABEL_CHARS = 200
# Glossary auto-links: their own budget (see above), which stops auto-linking, never a body.
MAX_AUTOLINK_STEPS = 60_000
MAX_AUTOLINKS = 1_000
AUTOLINK_TOKEN_STEPS = 2
AUTOLINK_CHARS_PER_STEP = 64
AUTOLINK_MATCH_STEPS = 1
AUTOLINK_LINK_STEPS = 8

_EMPHASIS_RUN_RE = re.compile(r"\*+|_+")
_TABLE_DELIMITER_RE = re.compile(r"[|:\- \t]+")
# Where an inline rule that costs more than a glance may start; any other position the
# inline parser stops at (a line break, ":", "-", "#" ...) costs PLAIN_STEPS.
_COSTLY_INLINE_CHARS = frozenset("[<&*_`\\")  # and "![": an exclamation mark is text
_SCHEME_CHAR_RE = re.compile(r"[a-z0-9.+-]", re.IGNORECASE)
_SPACE_RE = re.compile(r"\s")


def gettext_noop(message: str) -> str:
    """Marks a refusal's words for translation (``makemessages`` finds them by this name).
    The renderer knows nothing of Django: its caller translates ``RenderError.template``
    and fills in ``RenderError.params`` (``wiki.services.rendering.refusal``)."""
    return message


class RenderError(ValueError):
    """The text cannot be rendered; the message says why, in words for the author.

    ``reason`` names the limit, for code and tests: ``"budget"`` (too much markup),
    ``"clock"`` (the backstop), ``"size"``, ``"nesting"``, ``"table"``, ``"links"``, or
    ``"other"`` when raised elsewhere. The message is ``template % params`` (in English);
    the template is what a caller translates.
    """

    def __init__(
        self, template: str, *, reason: str = "other", params: dict[str, Any] | None = None
    ) -> None:
        self.template = template
        self.params = params or {}
        super().__init__(template % self.params if self.params else template)
        self.reason = reason


def check_body_size(text: str) -> None:
    """Refuse a body over ``MAX_BODY_BYTES``, counted as stored (lone surrogates included)."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BODY_BYTES:
        shown = f"{size / 1_000_000:.1f}"
        if shown == "1.0":  # "1.0 MB" would read as within the limit
            template = gettext_noop("Body is %(size)s bytes; the limit is 1 MB.")
            shown = f"{size:,}"
        else:
            template = gettext_noop("Body is %(size)s MB; the limit is 1 MB.")
        raise RenderError(template, reason="size", params={"size": shown})


def start_meter() -> dict[str, Any]:
    """A fresh parser env holding the budget the rules below charge; the clock starts now."""
    return {
        "steps_left": MAX_PARSE_STEPS,
        "deadline": time.monotonic() + MAX_PARSE_SECONDS,
        "block_tokens": 0,
    }


def _charge(env: EnvType, steps: int) -> None:
    env["steps_left"] -= steps
    if env["steps_left"] < 0:
        raise RenderError(
            gettext_noop(
                "Body has too much markup to render as one page (paragraphs, list items, "
                "links, emphasis marks, table cells and so on). Split it into several terms."
            ),
            reason="budget",
        )
    if time.monotonic() > env["deadline"]:
        raise RenderError(
            gettext_noop(
                "Body took more than %(seconds)s seconds to render. "
                "Split it into several terms or simplify its formatting."
            ),
            reason="clock",
            params={"seconds": MAX_PARSE_SECONDS},
        )


# -- Inline rules ------------------------------------------------------------------------


def inline_step(state: StateInline, silent: bool) -> bool:
    """First inline rule: charges every position the parser tries, by what may start there."""
    src, pos = state.src, state.pos
    costly = src[pos] in _COSTLY_INLINE_CHARS or src.startswith("![", pos)
    _charge(state.env, INLINE_STEPS if costly else PLAIN_STEPS)
    return False


def charged_emphasis(state: StateInline, silent: bool) -> bool:
    """markdown-it's emphasis rule makes one token per marker: charge the run up front."""
    run = _EMPHASIS_RUN_RE.match(state.src, state.pos, state.posMax)
    if run is None or silent:
        return False
    _charge(state.env, (run.end() - run.start()) * EMPHASIS_MARKER_STEPS)
    return emphasis.tokenize(state, silent)


def charged_autolink(state: StateInline, silent: bool) -> bool:
    """``<scheme:...>`` normalises its URL twice: a few steps' worth of work."""
    if not autolink(state, silent):
        return False
    if not silent:
        _charge(state.env, AUTOLINK_STEPS - INLINE_STEPS)
    return True


def charged_image(state: StateInline, silent: bool) -> bool:
    """Every ``![`` scans for its label: twice the work of other positions."""
    if state.src.startswith("![", state.pos):
        _charge(state.env, IMAGE_ATTEMPT_STEPS - INLINE_STEPS)
    return image(state, silent)


def charged_wikilink(state: StateInline, silent: bool) -> bool:
    """A wiki link slugifies its target and makes three tokens and a URL: a few steps."""
    if not wikilink(state, silent):
        return False
    if not silent:
        _charge(state.env, WIKILINK_STEPS - INLINE_STEPS)
    return True


def bare_url(state: StateInline, silent: bool) -> bool:
    """``http://...`` or ``https://...`` in text becomes a link (markdown-it's linkify rule,
    bounded; see "Bounded time").

    Only those two schemes: the others linkify-it knows are refused by the URL policy
    anyway. A URL longer than ``MAX_BARE_URL_CHARS`` stays text rather than being cut.
    The link is checked by ``validateLink`` (``sanitise.is_safe_url``) like any other, and
    gets ``rel`` from ``sanitise.render_link_open``.
    """
    src, pos = state.src, state.pos
    if state.linkLevel > 0 or not src.startswith("://", pos) or state.md.linkify is None:
        return False
    pending = state.pending
    scheme = next((s for s in ("https", "http") if pending[-len(s) :].lower() == s), "")
    before = pending[-len(scheme) - 1 : -len(scheme)] if scheme else ""
    if not scheme or (before and _SCHEME_CHAR_RE.match(before)):
        return False  # no scheme, or the end of a longer one ("xhttp")
    start = pos - len(scheme)
    # A URL ends at a space: linkify-it's regexes only ever see up to there, and what they
    # see is charged by length.
    limit = min(state.posMax, pos + MAX_BARE_URL_CHARS)
    space = _SPACE_RE.search(src, pos, limit)
    end = space.start() if space else limit
    _charge(state.env, BARE_URL_STEPS - PLAIN_STEPS + (end - start) // LINE_CHARS_PER_STEP)
    if space is None and limit < state.posMax:
        return False  # too long to be sure where it ends
    link = state.md.linkify.match_at_start(src[start:end])
    if link is None:
        return False
    url = link.url.rstrip("*")  # a closing emphasis marker is not part of it
    full_url = state.md.normalizeLink(url)
    if not state.md.validateLink(full_url):
        return False
    if not silent:
        state.pending = pending[: -len(scheme)]
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": full_url}
        token.markup, token.info = "linkify", "auto"
        token = state.push("text", "", 0)
        token.content = state.md.normalizeLinkText(url)
        token = state.push("link_close", "a", -1)
        token.markup, token.info = "linkify", "auto"
    state.pos += len(url) - len(scheme)
    return True


def bounded_footnote_ref(state: StateInline, silent: bool) -> bool:
    """The plugin's ``[^label]`` rule, but only when ``]`` is near."""
    start = state.pos
    if not state.src.startswith("[^", start):
        return False
    if state.src.find("]", start + 2, min(state.posMax, start + 2 + MAX_LABEL_CHARS)) < 0:
        return False
    return footnote_ref(state, silent)


# -- Block rule --------------------------------------------------------------------------


def block_step(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """First block rule, and first terminator check of every multi-line block.

    Charges each block, and less each continued line (a terminator check, called with
    ``silent``), plus the length of the line (some rules scan it once per nesting level) and
    the block tokens made since the last call (a table row makes several per cell). Refuses
    deep nesting, where markdown-it would silently drop the rest of the document, and very
    wide tables before they are built.
    """
    env = state.env
    tokens = len(state.tokens)
    steps = CONTINUATION_STEPS if silent else BLOCK_STEPS
    steps += int(max(0, tokens - env["block_tokens"]) * TOKEN_STEPS)
    if state.level:
        line = state.eMarks[start_line] - state.bMarks[start_line] - state.tShift[start_line]
        steps += line // LINE_CHARS_PER_STEP
    _charge(env, steps)
    env["block_tokens"] = tokens
    if state.level > MAX_BLOCK_LEVEL:
        template, params = _nesting_message(state.tokens, start_line)
        raise RenderError(template, reason="nesting", params=params)
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
            gettext_noop(
                "Tables may have at most %(most)s columns; the one at line %(line)s has "
                "%(columns)s."
            ),
            reason="table",
            params={"most": MAX_TABLE_COLUMNS, "line": line, "columns": columns},
        )


def _nesting_message(tokens: Sequence[Token], line: int) -> tuple[str, dict[str, Any]]:
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
    if lists and not quotes:
        template = gettext_noop(
            "Lists nested more than %(depth)s levels deep are not allowed (line %(line)s)."
        )
        return template, {"depth": lists - 1, "line": line + 1}
    if quotes and not lists:
        template = gettext_noop(
            "Block quotes nested more than %(depth)s levels deep are not allowed (line %(line)s)."
        )
        return template, {"depth": quotes - 1, "line": line + 1}
    template = gettext_noop("Lists, quotes and footnotes are nested too deeply (line %(line)s).")
    return template, {"line": line + 1}
