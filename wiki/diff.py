"""Readable differences between two snapshots of a term. Pure: no database, no HTML.

Why difflib (with two guards) rather than diff-match-patch
-----------------------------------------------------------
``difflib.SequenceMatcher`` is in the standard library, gives the human-friendly "longest
matching block" alignment, and is what the three-way merge (``wiki.merge``) needs too, so the
diff page and the merge agree on what changed. Its weakness is time: with ``autojunk`` off
(on, it treats frequent lines such as blank lines as unmatchable and shows them as changed)
it is quadratic when a long text repeats lines. diff-match-patch bounds that with a wall-clock
deadline, so the same two revisions could diff differently on a busy server; we bound it with
fixed limits instead, the way the renderer does (the same input always gets the same answer):

1. common leading and trailing lines are matched first (most edits touch a small part);
2. a large middle is split at *anchors*, lines that occur exactly once on each side, taken in
   order (the longest increasing run, as in patience diff), and each piece is matched alone;
3. difflib only ever sees pieces up to ``MAX_DIFFLIB_CELLS`` (len(a) x len(b)), and all of
   them together at most ``DIFFLIB_BUDGET`` cells; a piece past either limit is shown as
   replaced, and a ``work`` budget on the anchor search stops pathological nesting. Those
   limits are far above what real edits need: they only shape the answer for hostile input.

Word-level highlights (``<ins>``/``<del>`` inside a changed line) pair the removed and added
lines of a change in order and diff their words, within ``MAX_WORD_CELLS`` per pair and
``WORD_BUDGET`` per page; past that a line is marked as changed as a whole. At most
``MAX_DIFF_LINES`` lines are shown; the page says when the rest is left out.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal, NamedTuple

from django.utils.translation import gettext

from .content import FIELD_LABELS, FLAG_FIELDS, SCALAR_FIELDS, SET_FIELDS, Snapshot

MAX_DIFFLIB_CELLS = 250_000
DIFFLIB_BUDGET = 4_000_000
MAX_WORD_CELLS = 40_000
WORD_BUDGET = 2_000_000
WORD_PAIR_COST = 200
MAX_DIFF_LINES = 5_000
MIN_WORD_SIMILARITY = 0.35
CONTEXT_LINES = 3

Block = tuple[int, int, int]  # (start in a, start in b, length), as difflib's matching blocks
Opcode = tuple[str, int, int, int, int]  # as difflib's get_opcodes()

_WORD_RE = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


# -- Matching ----------------------------------------------------------------------------


def split_lines(text: str) -> list[str]:
    """Lines with their ``\\n`` kept, so that ``"".join(split_lines(t)) == t``."""
    lines = text.split("\n")
    kept = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        kept.append(lines[-1])
    return kept


def matching_blocks(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Block]:
    """Like ``SequenceMatcher(None, a, b).get_matching_blocks()``, in bounded time.

    Blocks are increasing in both sequences and end with the sentinel ``(len(a), len(b), 0)``.
    """
    found: list[Block] = []
    work = 0
    budget = 20 * (len(a) + len(b)) + MAX_DIFFLIB_CELLS
    cells_left = DIFFLIB_BUDGET
    pending = [(0, len(a), 0, len(b))]
    while pending:
        alo, ahi, blo, bhi = pending.pop()
        start_a, start_b = alo, blo
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            alo, blo = alo + 1, blo + 1
        if alo > start_a:
            found.append((start_a, start_b, alo - start_a))
        end_a = ahi
        while ahi > alo and bhi > blo and a[ahi - 1] == b[bhi - 1]:
            ahi, bhi = ahi - 1, bhi - 1
        if ahi < end_a:
            found.append((ahi, bhi, end_a - ahi))
        if alo == ahi or blo == bhi:
            continue
        cells = (ahi - alo) * (bhi - blo)
        if cells <= MAX_DIFFLIB_CELLS:
            if cells > cells_left:
                continue  # shown as replaced
            cells_left -= cells
            matcher = SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
            found.extend((alo + i, blo + j, n) for i, j, n in matcher.get_matching_blocks() if n)
            continue
        work += (ahi - alo) + (bhi - blo)
        if work > budget:
            continue  # shown as replaced: see the module docstring
        previous_a, previous_b = alo, blo
        for i, j in _anchors(a, alo, ahi, b, blo, bhi):
            pending.append((previous_a, i, previous_b, j))
            found.append((i, j, 1))
            previous_a, previous_b = i + 1, j + 1
        pending.append((previous_a, ahi, previous_b, bhi))
    return _coalesce(sorted(found), len(a), len(b))


def _anchors(
    a: Sequence[Hashable], alo: int, ahi: int, b: Sequence[Hashable], blo: int, bhi: int
) -> list[tuple[int, int]]:
    """Lines unique on both sides, the longest run that is in order on both (patience)."""
    count_a = Counter(a[alo:ahi])
    count_b = Counter(b[blo:bhi])
    where_b = {b[j]: j for j in range(blo, bhi) if count_b[b[j]] == 1}
    pairs = [(i, where_b[a[i]]) for i in range(alo, ahi) if count_a[a[i]] == 1 and a[i] in where_b]
    if not pairs:
        return []
    # Longest increasing subsequence of the b positions, O(k log k).
    tails: list[int] = []
    tail_index: list[int] = []
    back: list[int] = []
    for index, (_, j) in enumerate(pairs):
        at = bisect_left(tails, j)
        if at == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[at] = j
            tail_index[at] = index
        back.append(tail_index[at - 1] if at else -1)
    chain = []
    index = tail_index[-1]
    while index >= 0:
        chain.append(pairs[index])
        index = back[index]
    return chain[::-1]


def _coalesce(blocks: list[Block], len_a: int, len_b: int) -> list[Block]:
    merged: list[Block] = []
    for i, j, n in blocks:
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            last = merged.pop()
            merged.append((last[0], last[1], last[2] + n))
        else:
            merged.append((i, j, n))
    merged.append((len_a, len_b, 0))
    return merged


def opcodes(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Opcode]:
    """Like ``SequenceMatcher.get_opcodes()``, from ``matching_blocks``."""
    codes: list[Opcode] = []
    i = j = 0
    for ai, bj, size in matching_blocks(a, b):
        if i < ai and j < bj:
            codes.append(("replace", i, ai, j, bj))
        elif i < ai:
            codes.append(("delete", i, ai, j, bj))
        elif j < bj:
            codes.append(("insert", i, ai, j, bj))
        if size:
            codes.append(("equal", ai, ai + size, bj, bj + size))
        i, j = ai + size, bj + size
    return codes


# -- The page's view of a diff -------------------------------------------------------------


# Named tuples rather than dataclasses: a long diff makes hundreds of thousands of them.
class Segment(NamedTuple):
    text: str
    changed: bool


class DiffLine(NamedTuple):
    kind: Literal["context", "delete", "insert"]
    old_number: int | None
    new_number: int | None
    segments: tuple[Segment, ...]


class Hunk(NamedTuple):
    old_start: int
    old_end: int
    new_start: int
    new_end: int
    lines: tuple[DiffLine, ...]


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: str = ""
    new: str = ""
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    # Tags and related terms: every item, marked when it was removed (old) or added (new).
    old_items: tuple[Segment, ...] = ()
    new_items: tuple[Segment, ...] = ()

    @property
    def is_list(self) -> bool:
        return self.name in SET_FIELDS


@dataclass(frozen=True)
class SnapshotDiff:
    fields: tuple[FieldChange, ...]
    hunks: tuple[Hunk, ...]
    truncated: bool = False

    @property
    def unchanged(self) -> bool:
        return not self.fields and not self.hunks

    @property
    def lines_added(self) -> int:
        return sum(1 for h in self.hunks for line in h.lines if line.kind == "insert")

    @property
    def lines_removed(self) -> int:
        return sum(1 for h in self.hunks for line in h.lines if line.kind == "delete")


def diff_snapshots(
    old: Snapshot,
    new: Snapshot,
    *,
    context: int = CONTEXT_LINES,
    max_lines: int = MAX_DIFF_LINES,
) -> SnapshotDiff:
    """Changed front-matter fields, then the body as hunks of lines with word highlights."""
    hunks, truncated = diff_body(old.body, new.body, context=context, max_lines=max_lines)
    return SnapshotDiff(fields=tuple(diff_fields(old, new)), hunks=hunks, truncated=truncated)


def diff_fields(old: Snapshot, new: Snapshot) -> Iterator[FieldChange]:
    for name in SCALAR_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            yield FieldChange(name=name, label=gettext(FIELD_LABELS[name]), old=before, new=after)
    for name in FLAG_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            yield FieldChange(
                name=name,
                label=gettext(FIELD_LABELS[name]),
                old=_flag_text(before),
                new=_flag_text(after),
            )
    for name in SET_FIELDS:
        before, after = list(getattr(old, name)), list(getattr(new, name))
        before_keys = {item.casefold() for item in before}
        after_keys = {item.casefold() for item in after}
        added = tuple(item for item in after if item.casefold() not in before_keys)
        removed = tuple(item for item in before if item.casefold() not in after_keys)
        if added or removed:
            yield FieldChange(
                name=name,
                label=gettext(FIELD_LABELS[name]),
                old=", ".join(before),
                new=", ".join(after),
                added=added,
                removed=removed,
                old_items=tuple(Segment(i, i.casefold() not in after_keys) for i in before),
                new_items=tuple(Segment(i, i.casefold() not in before_keys) for i in after),
            )


def diff_body(
    old: str, new: str, *, context: int = CONTEXT_LINES, max_lines: int = MAX_DIFF_LINES
) -> tuple[tuple[Hunk, ...], bool]:
    """A line diff grouped into hunks with ``context`` unchanged lines around each change.

    Returns ``(hunks, truncated)``: past ``max_lines`` shown lines the rest is left out, so
    a page never has to draw a million-line diff.
    """
    a, b = _display_lines(old), _display_lines(new)
    budget = [WORD_BUDGET]
    hunks: list[Hunk] = []
    shown = 0
    for group in _grouped(opcodes(a, b), context):
        lines: list[DiffLine] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(
                    DiffLine("context", i + 1, j + 1, (Segment(a[i], False),))
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                )
            else:
                room = max_lines - shown - len(lines) + 1
                i2, j2 = min(i2, i1 + room), min(j2, j1 + room)
                lines.extend(_changed_lines(a, i1, i2, b, j1, j2, budget))
        first, last = group[0], group[-1]
        truncated = shown + len(lines) > max_lines
        lines = lines[: max_lines - shown]
        shown += len(lines)
        hunks.append(Hunk(first[1] + 1, last[2], first[3] + 1, last[4], tuple(lines)))
        if truncated:
            return tuple(hunks), True
    return tuple(hunks), False


def _display_lines(text: str) -> list[str]:
    """Lines without their ``\n``; the final newline is not shown as an empty line."""
    return text.removesuffix("\n").split("\n") if text else []


def _grouped(codes: list[Opcode], context: int) -> Iterator[list[Opcode]]:
    """Hunks as in ``SequenceMatcher.get_grouped_opcodes``; nothing when nothing changed."""
    if not any(code[0] != "equal" for code in codes):
        return
    codes = list(codes)
    if codes[0][0] == "equal":
        tag, i1, i2, j1, j2 = codes[0]
        codes[0] = (tag, max(i1, i2 - context), i2, max(j1, j2 - context), j2)
    if codes[-1][0] == "equal":
        tag, i1, i2, j1, j2 = codes[-1]
        codes[-1] = (tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context))
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > 2 * context:
            group.append((tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)))
            yield group
            group = []
            i1, j1 = max(i1, i2 - context), max(j1, j2 - context)
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        yield group


def _changed_lines(
    a: list[str], i1: int, i2: int, b: list[str], j1: int, j2: int, budget: list[int]
) -> list[DiffLine]:
    """Removed lines, then added ones; the k-th removed and k-th added share word highlights."""
    removed: list[tuple[Segment, ...]] = [(Segment(a[i], True),) for i in range(i1, i2)]
    added: list[tuple[Segment, ...]] = [(Segment(b[j], True),) for j in range(j1, j2)]
    for k in range(min(len(removed), len(added))):
        words = _word_segments(a[i1 + k], b[j1 + k], budget)
        if words is not None:
            removed[k], added[k] = words
    return [
        DiffLine("delete", i1 + k + 1, None, segments) for k, segments in enumerate(removed)
    ] + [DiffLine("insert", None, j1 + k + 1, segments) for k, segments in enumerate(added)]


def _word_segments(
    old: str, new: str, budget: list[int]
) -> tuple[tuple[Segment, ...], tuple[Segment, ...]] | None:
    """Word-level segments for a changed pair of lines, or None to mark the lines whole."""
    if budget[0] < WORD_PAIR_COST:
        return None
    ta, tb = _WORD_RE.findall(old), _WORD_RE.findall(new)
    cells = max(len(ta) * len(tb), WORD_PAIR_COST)
    if not ta or not tb or cells > MAX_WORD_CELLS or cells > budget[0]:
        return None
    budget[0] -= cells
    matcher = SequenceMatcher(None, ta, tb, autojunk=False)
    if matcher.ratio() < MIN_WORD_SIMILARITY:
        return None
    old_parts: list[tuple[str, bool]] = []
    new_parts: list[tuple[str, bool]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        same = tag == "equal"
        if i2 > i1:
            old_parts.append(("".join(ta[i1:i2]), not same))
        if j2 > j1:
            new_parts.append(("".join(tb[j1:j2]), not same))
    return _segments(old_parts), _segments(new_parts)


def _segments(parts: list[tuple[str, bool]]) -> tuple[Segment, ...]:
    """Join neighbours of the same kind; a bare space between two changes joins the change."""
    for k in range(1, len(parts) - 1):
        text, changed = parts[k]
        if not changed and text.isspace() and parts[k - 1][1] and parts[k + 1][1]:
            parts[k] = (text, True)
    merged: list[Segment] = []
    for text, changed in parts:
        if merged and merged[-1].changed == changed:
            merged[-1] = Segment(merged[-1].text + text, changed)
        else:
            merged.append(Segment(text, changed))
    return tuple(merged)


def _flag_text(value: bool) -> str:
    return gettext("on") if value else gettext("off")
