"""Bounded time: the caps and the step meter that keep every render short.

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
* Our own parts are linear: wiki links look at most ``MAX_WIKILINK_CHARS`` (in
  ``wikilinks``) ahead for ``]]`` on the same line; heading ids come from a dict counter
  (the anchors plugin is quadratic on duplicate headings); at most ``MAX_WIKILINK_TARGETS``
  distinct link targets, which also bounds the caller's lookup query.

Other modules read these caps as ``limits.NAME`` when they run, not as copies, so a test
that patches ``wiki.markdown.limits.NAME`` changes what the renderer does; the exception is
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
MAX_WIKILINK_TARGETS = 2_000
MAX_LABEL_CHARS = 200

_EMPHASIS_RUN_RE = re.compile(r"\*+|_+")
_TABLE_DELIMITER_RE = re.compile(r"[|:\- \t]+")


class RenderError(ValueError):
    """The text cannot be rendered; the message says why, in words for the author."""


def check_body_size(text: str) -> None:
    """Refuse a body over ``MAX_BODY_BYTES``, counted as stored (lone surrogates included)."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BODY_BYTES:
        raise RenderError(f"Body is {_megabytes(size)}; the limit is 1 MB.")


def _megabytes(size: int) -> str:
    shown = f"{size / 1_000_000:.1f}"
    return f"{size:,} bytes" if shown == "1.0" else f"{shown} MB"


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
            "Body has too much markup to render as one page (paragraphs, list items, links, "
            "emphasis marks, table cells and so on). Split it into several terms."
        )
    if time.monotonic() > env["deadline"]:
        raise RenderError(
            f"Body took more than {MAX_PARSE_SECONDS} seconds to render. "
            "Split it into several terms or simplify its formatting."
        )


# -- Inline rules ------------------------------------------------------------------------


def inline_step(state: StateInline, silent: bool) -> bool:
    """First inline rule: charges one step for every position the parser tries."""
    _charge(state.env, 1)
    return False


def charged_emphasis(state: StateInline, silent: bool) -> bool:
    """markdown-it's emphasis rule makes one token per marker: charge the run up front."""
    run = _EMPHASIS_RUN_RE.match(state.src, state.pos, state.posMax)
    if run is None or silent:
        return False
    _charge(state.env, run.end() - run.start())
    return emphasis.tokenize(state, silent)


def charged_autolink(state: StateInline, silent: bool) -> bool:
    """``<scheme:...>`` normalises its URL twice: a few steps' worth of work."""
    if not autolink(state, silent):
        return False
    if not silent:
        _charge(state.env, AUTOLINK_STEPS - 1)
    return True


def charged_image(state: StateInline, silent: bool) -> bool:
    """Every ``![`` scans for its label: twice the work of other positions."""
    if state.src.startswith("![", state.pos):
        _charge(state.env, IMAGE_ATTEMPT_STEPS - 1)
    return image(state, silent)


def charged_wikilink(state: StateInline, silent: bool) -> bool:
    """A wiki link slugifies its target and makes three tokens and a URL: a few steps."""
    if not wikilink(state, silent):
        return False
    if not silent:
        _charge(state.env, WIKILINK_STEPS - 1)
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
