"""The pure three-way merge (wiki.merge) and the diff it shares with the diff page (wiki.diff)."""

import random
import time

import pytest

from wiki.content import TermData
from wiki.diff import diff_body, diff_snapshots, matching_blocks, opcodes, split_lines
from wiki.merge import merge_set, merge_term, merge_text, merge_value

BASE = "Intro line.\n\nFirst paragraph.\n\nSecond paragraph.\n\nThird paragraph.\n"


# -- Body ----------------------------------------------------------------------------------


def test_edits_to_different_paragraphs_merge_cleanly():
    mine = BASE.replace("First paragraph.", "First paragraph, improved.")
    theirs = BASE.replace("Third paragraph.", "Third paragraph, extended.")
    merge = merge_text(BASE, mine, theirs)
    assert merge.clean
    assert merge.text() == (
        "Intro line.\n\nFirst paragraph, improved.\n\nSecond paragraph.\n\n"
        "Third paragraph, extended.\n"
    )


def test_same_line_changed_differently_is_a_conflict():
    mine = BASE.replace("Second paragraph.", "Second, as I see it.")
    theirs = BASE.replace("Second paragraph.", "Second, as they see it.")
    merge = merge_text(BASE, mine, theirs)
    assert not merge.clean
    [region] = merge.conflict_regions()
    assert region.mine == ("Second, as I see it.",)
    assert region.theirs == ("Second, as they see it.",)
    assert region.base == ("Second paragraph.",)
    assert region.mine_line == 5
    assert region.before == ("First paragraph.", "")
    assert region.after == ("", "Third paragraph.")
    with pytest.raises(ValueError):
        merge.text()
    assert "Second, as I see it." in merge.text(prefer_mine=True)


def test_identical_change_on_both_sides_is_taken_once():
    both = BASE.replace("Second paragraph.", "Same fix.")
    merge = merge_text(BASE, both, both)
    assert merge.clean and merge.text() == both


def test_one_side_unchanged_takes_the_other():
    theirs = BASE + "\nAppended.\n"
    assert merge_text(BASE, BASE, theirs).text() == theirs
    assert merge_text(BASE, theirs, BASE).text() == theirs


def test_delete_against_edit_conflicts_but_delete_against_nothing_merges():
    mine = BASE.replace("Second paragraph.\n\n", "")
    theirs = BASE.replace("Second paragraph.", "Second, edited.")
    assert not merge_text(BASE, mine, theirs).clean
    other = BASE.replace("Intro line.", "Intro, edited.")
    merge = merge_text(BASE, mine, other)
    assert merge.clean and "Second paragraph" not in merge.text()
    assert merge.text().startswith("Intro, edited.")


def test_inserts_at_the_same_place_conflict():
    mine = BASE + "Mine at the end.\n"
    theirs = BASE + "Theirs at the end.\n"
    assert not merge_text(BASE, mine, theirs).clean


def test_edits_on_neighbouring_lines_conflict():
    base = "a\nb\nc\n"
    assert not merge_text(base, "A\nb\nc\n", "a\nB\nc\n").clean
    assert merge_text(base, "A\nb\nc\n", "a\nb\nC\n").text() == "A\nb\nC\n"


def test_missing_final_newline_survives_a_merge():
    base = "one\n\ntwo"
    merge = merge_text(base, "ONE\n\ntwo", "one\n\ntwo\nthree")
    assert merge.text() == "ONE\n\ntwo\nthree"


# -- Fields --------------------------------------------------------------------------------


def test_scalar_values_merge_like_lines():
    assert merge_value("a", "a", "b") == ("b", False)
    assert merge_value("a", "b", "a") == ("b", False)
    assert merge_value("a", "b", "b") == ("b", False)
    assert merge_value("a", "b", "c") == ("b", True)


def test_sets_apply_my_additions_and_removals_onto_theirs():
    base = ("python", "django", "web")
    mine = ("python", "web", "orm")  # removed django, added orm
    theirs = ("Python", "django", "web", "testing")  # added testing
    assert merge_set(base, mine, theirs) == ("Python", "web", "testing", "orm")


def test_merge_term_fieldwise():
    base = TermData(title="Alpha", category="Cat", difficulty="beginner", tags=("a",), body=BASE)
    mine = TermData(
        title="Alpha",
        category="New cat",
        difficulty="beginner",
        tags=("a", "b"),
        related=("Beta",),
        body=BASE.replace("First", "1st"),
    )
    theirs = TermData(
        title="Alpha",
        category="Cat",
        difficulty="advanced",
        tags=("a", "c"),
        body=BASE.replace("Third", "3rd"),
    )
    merge = merge_term(base=base, mine=mine, theirs=theirs)
    assert merge.clean
    data = merge.data()
    assert (data.category, data.difficulty) == ("New cat", "advanced")
    assert data.tags == ("a", "c", "b")
    assert data.related == ("beta",)
    assert "1st" in data.body and "3rd" in data.body


def test_merge_term_field_conflict_keeps_mine_when_preferred():
    base = TermData(title="Alpha", difficulty="beginner")
    merge = merge_term(
        base=base,
        mine=TermData(title="Alpha", difficulty="advanced"),
        theirs=TermData(title="Alpha", difficulty="intermediate"),
    )
    assert not merge.clean
    [conflict] = merge.field_conflicts
    assert (conflict.name, conflict.label, conflict.mine, conflict.theirs) == (
        "difficulty",
        "Difficulty",
        "advanced",
        "intermediate",
    )
    with pytest.raises(ValueError):
        merge.data()
    assert merge.data(prefer_mine=True).difficulty == "advanced"


# -- Diff ----------------------------------------------------------------------------------


def test_split_lines_is_lossless():
    for text in ("", "a", "a\n", "a\n\nb", "\n\n", "x\r\ny"):
        assert "".join(split_lines(text)) == text


def test_matching_blocks_are_valid_alignments():
    rng = random.Random(7)
    for _ in range(500):
        a = [rng.choice("abcde") for _ in range(rng.randint(0, 25))]
        b = [rng.choice("abcde") for _ in range(rng.randint(0, 25))]
        blocks = matching_blocks(a, b)
        assert blocks[-1] == (len(a), len(b), 0)
        for i, j, n in blocks:
            assert a[i : i + n] == b[j : j + n]
        rebuilt = [x for tag, _, _, j1, j2 in opcodes(a, b) if tag != "delete" for x in b[j1:j2]]
        assert rebuilt == b
        if a == b[: len(a)] or not a:
            assert sum(n for _, _, n in blocks) == len(a)


def test_diff_body_hunks_and_word_highlights():
    old = "\n".join(f"line {i}" for i in range(1, 21)) + "\n"
    new = old.replace("line 3", "line three").replace("line 18", "")
    hunks, truncated = diff_body(old, new)
    assert not truncated and len(hunks) == 2
    first = hunks[0]
    kinds = [line.kind for line in first.lines]
    assert kinds == ["context", "context", "delete", "insert", "context", "context", "context"]
    deleted, inserted = first.lines[2], first.lines[3]
    assert deleted.old_number == 3 and inserted.new_number == 3
    assert [s for s in inserted.segments if s.changed] == [("three", True)]
    assert [s for s in deleted.segments if s.changed] == [("3", True)]


def test_diff_snapshots_lists_changed_fields():
    old = TermData(title="Alpha", category="A", tags=("x", "y"), related=("beta",), body="b")
    new = TermData(title="Alpha Prime", category="A", tags=("y", "z"), related=(), body="b")
    diff = diff_snapshots(old, new)
    assert [f.name for f in diff.fields] == ["title", "tags", "related"]
    tags = diff.fields[1]
    assert tags.added == ("z",) and tags.removed == ("x",)
    assert not diff.hunks and not diff.unchanged
    assert diff_snapshots(old, old).unchanged


def _hostile_doc(seed: int, pieces: int) -> str:
    """Many blocks of a few repeated short lines: quadratic for a plain difflib diff."""
    rng = random.Random(seed)
    lines = []
    for piece in range(pieces):
        lines.append(f"anchor {piece}")
        lines += [rng.choice(["x", "y", ""]) for _ in range(490)]
    return "\n".join(lines)


def test_diff_and_merge_of_hostile_megabyte_bodies_stay_bounded():
    a, b, c = (_hostile_doc(seed, 1000) for seed in (1, 2, 3))
    assert len(a) > 800_000
    start = time.perf_counter()
    hunks, truncated = diff_body(a, b)
    merge_text(a, b, c)
    assert time.perf_counter() - start < 10  # typically ~1 s; bounded by fixed budgets
    assert truncated and sum(len(h.lines) for h in hunks) <= 5_000


def test_small_edit_to_a_megabyte_body_is_fast_and_exact():
    body = "\n\n".join(f"Paragraph {i} with some words in it." for i in range(20_000))
    edited = body.replace("Paragraph 10000 with", "Paragraph 10000, edited, with")
    other = body.replace("Paragraph 5 with", "Paragraph five with")
    start = time.perf_counter()
    merge = merge_text(body, edited, other)
    hunks, _ = diff_body(body, edited)
    assert time.perf_counter() - start < 2
    assert merge.clean and "10000, edited" in merge.text() and "Paragraph five" in merge.text()
    assert len(hunks) == 1
