"""Three-way merge of two edits of a term that started from the same revision. Pure.

*base* is the revision both edits started from, *mine* the edit being saved, *theirs* the
revision someone else saved in the meantime.

* The body is merged line by line with the classic diff3 rule: find the stretches where mine
  and theirs both still match base (using ``wiki.diff.matching_blocks``, the same alignment
  the diff page shows); between them, a stretch changed on one side only takes that side's
  lines, one changed identically on both takes it once, and one changed differently on both
  is a conflict. Edits on neighbouring lines with no unchanged line between them conflict,
  as in git: without a line both sides agree on, the order of the two changes is a guess.
* Title, category and difficulty are merged as single values with the same rule.
* Tags and related terms are sets: what mine added or removed relative to base is applied
  onto theirs, so they never conflict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from django.utils.translation import gettext

from .content import FIELD_LABELS, FLAG_FIELDS, SCALAR_FIELDS, SET_FIELDS, TermData
from .diff import matching_blocks, split_lines

T = TypeVar("T")


@dataclass(frozen=True)
class Chunk:
    """A stretch of the merge: clean lines, or a conflict with each side's lines.

    ``mine_start`` is the 0-based line in *mine* where the stretch begins, so a conflict can
    be pointed out in the text the user typed.
    """

    lines: tuple[str, ...] = ()
    conflict: bool = False
    base: tuple[str, ...] = ()
    mine: tuple[str, ...] = ()
    theirs: tuple[str, ...] = ()
    mine_start: int = 0


@dataclass(frozen=True)
class ConflictRegion:
    """A conflict with a little clean text around it, for the conflict page."""

    before: tuple[str, ...]
    base: tuple[str, ...]
    mine: tuple[str, ...]
    theirs: tuple[str, ...]
    after: tuple[str, ...]
    mine_line: int  # 1-based line in the user's text where the conflict starts


@dataclass(frozen=True)
class TextMerge:
    chunks: tuple[Chunk, ...]

    @property
    def clean(self) -> bool:
        return not any(chunk.conflict for chunk in self.chunks)

    def text(self, *, prefer_mine: bool = False) -> str:
        """The merged text; in conflicts, mine's lines when ``prefer_mine`` (else an error)."""
        out: list[str] = []
        for chunk in self.chunks:
            if not chunk.conflict:
                out.extend(chunk.lines)
            elif prefer_mine:
                out.extend(chunk.mine)
            else:
                raise ValueError("The merge has conflicts; resolve them first.")
        return "".join(out)

    def conflict_regions(self, context: int = 2) -> list[ConflictRegion]:
        regions = []
        for index, chunk in enumerate(self.chunks):
            if not chunk.conflict:
                continue
            previous = self.chunks[index - 1] if index else None
            following = self.chunks[index + 1] if index + 1 < len(self.chunks) else None
            before = previous.lines[-context:] if previous and not previous.conflict else ()
            after = following.lines[:context] if following and not following.conflict else ()
            regions.append(
                ConflictRegion(
                    before=_strip_newlines(before),
                    base=_strip_newlines(chunk.base),
                    mine=_strip_newlines(chunk.mine),
                    theirs=_strip_newlines(chunk.theirs),
                    after=_strip_newlines(after),
                    mine_line=chunk.mine_start + 1,
                )
            )
        return regions


@dataclass(frozen=True)
class FieldConflict:
    name: str
    base: str
    mine: str
    theirs: str

    @property
    def label(self) -> str:
        return gettext(FIELD_LABELS[self.name])


@dataclass(frozen=True)
class TermMerge:
    base: TermData
    mine: TermData
    theirs: TermData
    values: dict[str, Any]
    field_conflicts: tuple[FieldConflict, ...]
    body: TextMerge

    @property
    def clean(self) -> bool:
        return not self.field_conflicts and self.body.clean

    def data(self, *, prefer_mine: bool = False) -> TermData:
        """The merged term; where both changed the same thing, mine when ``prefer_mine``."""
        if not self.clean and not prefer_mine:
            raise ValueError("The merge has conflicts; resolve them first.")
        values = dict(self.values)
        for conflict in self.field_conflicts:
            values[conflict.name] = getattr(self.mine, conflict.name)
        return replace(self.theirs, **values, body=self.body.text(prefer_mine=prefer_mine))


def merge_term(*, base: TermData, mine: TermData, theirs: TermData) -> TermMerge:
    values: dict[str, Any] = {}
    conflicts = []
    # A flag merges as a single value; two sides that both changed it agree, so it never
    # conflicts.
    for name in (*SCALAR_FIELDS, *FLAG_FIELDS):
        b, m, t = getattr(base, name), getattr(mine, name), getattr(theirs, name)
        value, conflicted = merge_value(b, m, t)
        if conflicted:
            conflicts.append(FieldConflict(name=name, base=b, mine=m, theirs=t))
        else:
            values[name] = value
    for name in SET_FIELDS:
        values[name] = merge_set(getattr(base, name), getattr(mine, name), getattr(theirs, name))
    return TermMerge(
        base=base,
        mine=mine,
        theirs=theirs,
        values=values,
        field_conflicts=tuple(conflicts),
        body=merge_text(base.body, mine.body, theirs.body),
    )


def merge_value(base: T, mine: T, theirs: T) -> tuple[T, bool]:
    """``(merged, conflicted)``; when conflicted the value is mine's."""
    if mine == theirs or theirs == base:
        return mine, False
    if mine == base:
        return theirs, False
    return mine, True


def merge_set(base: Sequence[str], mine: Sequence[str], theirs: Sequence[str]) -> tuple[str, ...]:
    """Apply mine's additions and removals (relative to base) onto theirs, keeping order.

    Items compare case-insensitively, as tags do (``TAGGIT_CASE_INSENSITIVE``).
    """
    base_keys = {item.casefold() for item in base}
    mine_keys = {item.casefold() for item in mine}
    removed = base_keys - mine_keys
    kept = [item for item in theirs if item.casefold() not in removed]
    kept_keys = {item.casefold() for item in kept}
    added = [
        item
        for item in mine
        if item.casefold() not in base_keys and item.casefold() not in kept_keys
    ]
    return tuple(kept + added)


def merge_text(base: str, mine: str, theirs: str) -> TextMerge:
    if mine == theirs or theirs == base:
        return TextMerge(chunks=(Chunk(lines=tuple(split_lines(mine))),))
    if mine == base:
        return TextMerge(chunks=(Chunk(lines=tuple(split_lines(theirs))),))
    return TextMerge(
        chunks=tuple(merge_lines(split_lines(base), split_lines(mine), split_lines(theirs)))
    )


def merge_lines(base: list[str], mine: list[str], theirs: list[str]) -> list[Chunk]:
    """diff3 over lists of lines (see the module docstring)."""
    chunks: list[Chunk] = []
    z = m = t = 0  # where the previous stable stretch ended in base, mine and theirs
    for zs, ze, ms, me, ts, te in _stable_regions(base, mine, theirs):
        changed_base, changed_mine, changed_theirs = base[z:zs], mine[m:ms], theirs[t:ts]
        if changed_mine or changed_theirs:
            if changed_mine == changed_theirs or changed_theirs == changed_base:
                _add_clean(chunks, changed_mine, m)
            elif changed_mine == changed_base:
                _add_clean(chunks, changed_theirs, m)
            else:
                chunks.append(
                    Chunk(
                        conflict=True,
                        base=tuple(changed_base),
                        mine=tuple(changed_mine),
                        theirs=tuple(changed_theirs),
                        mine_start=m,
                    )
                )
        if ze > zs:
            _add_clean(chunks, base[zs:ze], ms)
        z, m, t = ze, me, te
    return chunks


def _add_clean(chunks: list[Chunk], lines: list[str], mine_start: int) -> None:
    if not lines:
        return
    if chunks and not chunks[-1].conflict:
        last = chunks.pop()
        chunks.append(Chunk(lines=last.lines + tuple(lines), mine_start=last.mine_start))
    else:
        chunks.append(Chunk(lines=tuple(lines), mine_start=mine_start))


def _stable_regions(
    base: list[str], mine: list[str], theirs: list[str]
) -> list[tuple[int, int, int, int, int, int]]:
    """Stretches of base that both mine and theirs kept, with where they are on each side.

    Each is ``(base_start, base_end, mine_start, mine_end, theirs_start, theirs_end)``; the
    last is the empty stretch at the very end of all three.
    """
    regions = []
    with_mine, with_theirs = matching_blocks(base, mine), matching_blocks(base, theirs)
    i = j = 0
    while i < len(with_mine) and j < len(with_theirs):
        base_m, mine_start, size_m = with_mine[i]
        base_t, theirs_start, size_t = with_theirs[j]
        start = max(base_m, base_t)
        end = min(base_m + size_m, base_t + size_t)
        if start < end:
            in_mine = mine_start + (start - base_m)
            in_theirs = theirs_start + (start - base_t)
            regions.append(
                (start, end, in_mine, in_mine + end - start, in_theirs, in_theirs + end - start)
            )
        if base_m + size_m < base_t + size_t:
            i += 1
        else:
            j += 1
    regions.append((len(base), len(base), len(mine), len(mine), len(theirs), len(theirs)))
    return regions


def _strip_newlines(lines: Sequence[str]) -> tuple[str, ...]:
    return tuple(line.removesuffix("\n") for line in lines)
