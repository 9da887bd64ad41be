"""Timing of markup.render on pathological and realistic bodies.

Run by ``make bench`` (``tests/bench/conftest.py`` collects ``bench_*.py`` only when
``tests/bench`` is named), never by ``make test``; also ``python tests/bench/bench_render.py``.

Each shape is timed twice: at ~1 MB (``MAX_BODY_BYTES``), which is usually refused early,
and at the largest size the renderer still accepts (found by search), which is the real
worst case: everything is rendered, sanitised and returned. Both must stay under 3 s.

The shape generators are also imported by ``tests/markup/test_render.py``, which runs each one at
a small size to check that it renders or raises ``RenderError`` and nothing else.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

SIZE = 1_000_000
LIMIT_SECONDS = 3.0


def byte_size(text: str) -> int:
    """Size as the renderer counts it (lone surrogates included)."""
    return len(text.encode("utf-8", "surrogatepass"))


def _repeat(unit: str, size: int) -> str:
    return unit * max(1, size // byte_size(unit))


def _lines(make: Callable[[int], str], size: int) -> str:
    out: list[str] = []
    total = 0
    for i in range(size):
        line = make(i)
        total += byte_size(line)
        if total > size:
            break
        out.append(line)
    return "".join(out)


def _table_wide(size: int) -> str:
    columns = max(1, (size - 10) // 6)
    return "|" + "a|" * columns + "\n|" + "-|" * columns + "\n|" + "b|" * columns + "\n"


def _table_narrow_many_cells(size: int) -> str:
    header = "|" + "a|" * 64 + "\n|" + "-|" * 64 + "\n"
    return header + _repeat("|" * 65 + "\n", size - len(header))


# Each generator takes a size in UTF-8 bytes and returns a body of at most that size.
SHAPES: dict[str, Callable[[int], str]] = {
    "list: '- ' run": lambda n: _repeat("- ", n - 1) + "x",
    "list: '1. ' run": lambda n: _repeat("1. ", n - 1) + "x",
    "list: indented levels": lambda n: _lines(lambda i: "  " * i + "- x\n", n),
    "list: 15 deep, many items": lambda n: _lines(lambda i: "  " * (i % 15) + "- x\n", n),
    "list: alternating markers": lambda n: _repeat("- a\n1. b\n* c\n", n),
    "quote: '>' run": lambda n: _repeat(">", n - 2) + " x",
    "quote: 30 deep lines": lambda n: _repeat(">" * 30 + " x\n", n),
    "quote: '> - ' run": lambda n: _repeat("> - ", n - 1) + "x",
    "quote: lazy lines": lambda n: _repeat("> a\nb\n", n),
    "emphasis: nested *": lambda n: "*" * (n // 2 - 1) + "a" + "*" * (n // 2 - 1),
    "emphasis: '*a **b ' run": lambda n: _repeat("*a **b ", n),
    "emphasis: '_a __b ' run": lambda n: _repeat("_a __b ", n),
    "emphasis: '*' run": lambda n: _repeat("*", n),
    "emphasis: '_' run": lambda n: _repeat("_", n),
    "emphasis: 'a*' run": lambda n: _repeat("a*", n),
    "emphasis: '**a' run": lambda n: _repeat("**a", n),
    "emphasis: '*[a*](b)' run": lambda n: _repeat("*[a*](b)", n),
    "brackets: '[' run": lambda n: _repeat("[", n),
    "brackets: '[[' run": lambda n: _repeat("[[", n),
    "brackets: '![' run": lambda n: _repeat("![", n),
    "brackets: '<![' run": lambda n: _repeat("<![", n),
    "brackets: '](' run": lambda n: _repeat("](", n),
    "brackets: '[a](' run": lambda n: _repeat("[a](", n),
    "brackets: '[^' run + definition": lambda n: _repeat("[^", n - 20) + "\n\n[^a]: x\n",
    "brackets: '^[' run": lambda n: _repeat("^[", n // 2) + _repeat("]", n // 2),
    "brackets: nested links": lambda n: "[" * (n // 5) + "a" + "](b)" * (n // 5),
    "brackets: nested images": lambda n: "![" * (n // 6) + "a" + "](b)" * (n // 6),
    "brackets: '[a]' run + reference": lambda n: _repeat("[a]", n - 20) + "\n\n[a]: /x\n",
    "brackets: '[' run before a long link": lambda n: "[" * 1000 + "[a](/" + "b" * (n - 1010) + ")",
    "backticks: '`' run": lambda n: _repeat("`", n),
    "backticks: ladder": lambda n: _lines(lambda i: "`" * (i % 2000 + 1) + " ", n),
    "backticks: '`a' run": lambda n: _repeat("`a", n),
    "entities: '&amp;' run": lambda n: _repeat("&amp;", n),
    "entities: '&#x1F600;' run": lambda n: _repeat("&#x1F600;", n),
    "entities: '&#' run": lambda n: _repeat("&#", n),
    "entities: invalid '&#xFFFFFF;' run": lambda n: _repeat("&#xFFFFFF;", n),
    "entities: '&' run": lambda n: _repeat("&", n),
    "headings: 20,000 identical '# a'": lambda n: "# a\n" * min(20_000, n // 4),
    "headings: '# a' to size": lambda n: _repeat("# a\n", n),
    "headings: '## a' to size": lambda n: _repeat("## a\n", n),
    "headings: setext": lambda n: _repeat("a\n=\n", n),
    "headings: one huge heading": lambda n: "## " + _repeat("ab ", n - 4),
    "headings: 'a-N' then 'a' traps": lambda n: _lines(lambda i: f"## a-{i + 2}\n## a\n", n),
    "headings: trailing '#' run": lambda n: "# a " + _repeat("#", n - 6) + " b",
    "links: inline": lambda n: _repeat("[a](/b) ", n),
    "links: external": lambda n: _repeat("[a](https://example.com/x) ", n),
    "links: reference definitions + uses": lambda n: (
        _lines(lambda i: f"[r{i}]: /u{i}\n", n // 2 - 1)
        + "\n"
        + _lines(lambda i: f"[r{i}] ", n // 2)
    ),
    "links: one long destination": lambda n: "[a](/" + "b" * (n - 10) + ")",
    "links: javascript: run": lambda n: _repeat("[x](javascript:alert(1)) ", n),
    "autolinks: '<http://' run": lambda n: _repeat("<http://", n),
    "autolinks: closed": lambda n: _repeat("<http://a.example/> ", n),
    "autolinks: '<a@' run": lambda n: _repeat("<a@", n),
    "footnotes: many definitions + refs": lambda n: (
        _lines(lambda i: f"[^{i}]: note\n", n // 2 - 1)
        + "\n"
        + _lines(lambda i: f"[^{i}] ", n // 2)
    ),
    "footnotes: one ref repeated": lambda n: _repeat("[^1]", n - 20) + "\n\n[^1]: x\n",
    "tables: long": lambda n: "| a | b |\n|---|---|\n" + _repeat("| 1 | 2 |\n", n - 20),
    "tables: wide": _table_wide,
    "tables: 64 columns, empty cells": _table_narrow_many_cells,
    "tables: autocompleted cells": lambda n: (
        "|" + "a|" * 60 + "\n|" + "-|" * 60 + "\n" + _repeat("|\n", n - 250)
    ),
    "text: one long line": lambda n: _repeat("a", n),
    "text: long line of words": lambda n: _repeat("abc ", n),
    "text: NUL bytes": lambda n: _repeat("\x00", n),
    "text: control characters": lambda n: _repeat("".join(map(chr, range(1, 32))) + "\x7f", n),
    "text: CRLF lines": lambda n: _repeat("a\r\n", n),
    "text: lone CRs": lambda n: _repeat("a\r", n),
    "text: backslashes": lambda n: _repeat("\\", n),
    "text: hard breaks": lambda n: _repeat("a  \n", n),
    "text: empty paragraphs": lambda n: _repeat("a\n\n", n),
    "text: astral characters": lambda n: _repeat("\U0001f600", n),
    "text: lone surrogates": lambda n: _repeat("\ud800a", n // 2),
    "text: raw HTML": lambda n: _repeat("<script>alert(1)</script>", n),
    "text: '<a href=' run": lambda n: _repeat("<a href='", n),
    "text: '<!--' run": lambda n: _repeat("<!--", n),
    "text: tabs": lambda n: _repeat("\t", n - 1) + "x",
    "wikilinks: same target": lambda n: _repeat("[[x]] ", n),
    "wikilinks: 2,000 targets repeated": lambda n: _lines(lambda i: f"[[t{i % 2000}]] ", n),
    "wikilinks: distinct targets": lambda n: _lines(lambda i: f"[[t{i}]] ", n),
    "wikilinks: long unclosed targets": lambda n: _repeat("[[" + "a" * 199, n),
    "wikilinks: '[[a|' run": lambda n: _repeat("[[a|", n),
    "wikilinks: '[[<script>]]' run": lambda n: _repeat("[[<script>]] ", n),
    "fences: unclosed": lambda n: "```\n" + _repeat("a\n", n - 4),
    "fences: '```' lines": lambda n: _repeat("```\n", n),
    "fences: many closed": lambda n: _repeat("```py\na\n```\n", n),
    "code: indented": lambda n: _repeat("    a\n", n),
    "hr: lines": lambda n: _repeat("***\n", n),
    "hr: '- - -' line ending in text": lambda n: _repeat("- ", n - 2) + "x",
}

_WORDS = [
    "community", "garden", "shared", "vocabulary", "meeting", "agreement", "neighbour",
    "volunteer", "consensus", "proposal", "season", "harvest", "compost", "rota", "budget",
    "members", "steward", "newsletter", "workshop", "tool", "library", "allotment",
    "seedling", "watering", "rainwater", "orchard", "bench", "signage",
]  # fmt: skip


def realistic_body(size: int, seed: int = 1) -> str:
    """Prose with the markup a term body really has: sections, links, lists, tables, code."""
    rng = random.Random(seed)

    def sentence() -> str:
        words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 18))]
        i = rng.randrange(len(words))
        kind = rng.random()
        if kind < 0.15:
            words[i] = f"[[{words[i].title()}]]"
        elif kind < 0.22:
            words[i] = f"[{words[i]}](https://example.org/{words[i]})"
        elif kind < 0.32:
            words[i] = f"*{words[i]}*"
        elif kind < 0.38:
            words[i] = f"**{words[i]}**"
        elif kind < 0.42:
            words[i] = f"`{words[i]}`"
        return " ".join(words).capitalize() + rng.choice(".....?;,")

    def paragraph() -> str:
        return " ".join(sentence() for _ in range(rng.randint(2, 6))) + "\n\n"

    parts: list[str] = []
    total = section = 0
    while total < size:
        section += 1
        block = [f"## {rng.choice(_WORDS).title()} {section}\n\n"]
        block += [paragraph() for _ in range(rng.randint(1, 3))]
        choice = rng.random()
        if choice < 0.3:
            block.append("".join(f"- {sentence()}\n" for _ in range(rng.randint(2, 6))) + "\n")
        elif choice < 0.4:
            rows = "".join(
                f"| {rng.choice(_WORDS)} | {rng.choice(_WORDS)} | {sentence()} |\n"
                for _ in range(5)
            )
            block.append("| Item | Owner | Notes |\n|---|:-:|--:|\n" + rows + "\n")
        elif choice < 0.5:
            block.append("```python\nfor bed in garden.beds:\n    water(bed)\n```\n\n")
        elif choice < 0.6:
            block.append(f"> {sentence()} {sentence()}\n\n")
        elif choice < 0.7:
            block.append(f"### {rng.choice(_WORDS).title()}\n\n{paragraph()}")
        elif choice < 0.75:
            block.append(f"A note.[^n{section}]\n\n[^n{section}]: {sentence()}\n\n")
        chunk = "".join(block)
        parts.append(chunk)
        total += len(chunk.encode())
    return "".join(parts).encode()[:size].decode("utf-8", "ignore")


# -- Timing ------------------------------------------------------------------------------


@dataclass
class Timing:
    shape: str
    size: int
    seconds: float
    outcome: str


def _resolver(existing: bool = True):
    """Every wiki link exists (the costlier rendering) unless ``existing`` is False."""
    from markup import Resolver

    return Resolver(
        term_url=lambda slug: f"/terms/{slug}/",
        new_term_url=lambda title: f"/terms/new/?title={title}",
        existing=(lambda slugs: slugs) if existing else (lambda slugs: frozenset()),
    )


def time_render(shape: str, text: str) -> Timing:
    from markup import RenderError, render

    start = time.perf_counter()
    try:
        render(text, resolve=_resolver())
        outcome = "rendered"
    except RenderError as error:
        outcome = f"refused ({error.reason}): {str(error)[:50]}"
    return Timing(shape, byte_size(text), time.perf_counter() - start, outcome)


def _steps_used(text: str) -> int | None:
    """Parser steps the body costs, or None if refused (reads the renderer's private state)."""
    from markup import _BODY_MD, MAX_PARSE_STEPS, RenderError, _parse

    try:
        return MAX_PARSE_STEPS - _parse(_BODY_MD, text, _resolver(False))["steps_left"]
    except RenderError:
        return None


def _accepted(text: str) -> bool:
    from markup import RenderError, render

    try:
        render(text, resolve=_resolver(False))
    except RenderError:
        return False
    return True


def largest_accepted(make: Callable[[int], str]) -> str | None:
    """The largest body of this shape the renderer accepts (within 5%), or None.

    Steps grow linearly with the size of these shapes, so a small probe predicts where the
    budget runs out; a bisection between the probe and that guess settles the rest.
    """
    from markup import MAX_PARSE_STEPS

    if _accepted(make(SIZE)):
        return make(SIZE)
    probe = 20_000
    while (steps := _steps_used(make(probe))) is None:
        probe //= 2
        if probe < 64:
            return None
    low, high = probe, min(SIZE, probe * MAX_PARSE_STEPS // max(steps, 1))
    if _accepted(make(high)):
        return make(high)
    while high - low > max(256, high // 20):
        middle = (low + high) // 2
        if _accepted(make(middle)):
            low = middle
        else:
            high = middle
    return make(low)


def print_table(title: str, timings: list[Timing]) -> None:
    print(f"\n{title}")
    print(f"{'shape':44} {'bytes':>9} {'seconds':>8}  outcome")
    for t in sorted(timings, key=lambda t: -t.seconds):
        print(f"{t.shape:44} {t.size:>9,} {t.seconds:>8.2f}  {t.outcome}")


def _assert_fast(timings: list[Timing]) -> None:
    slow = [t for t in timings if t.seconds >= LIMIT_SECONDS]
    assert not slow, f"slower than {LIMIT_SECONDS} s: {slow}"


def bench_full_size() -> list[Timing]:
    return [time_render(shape, make(SIZE)) for shape, make in SHAPES.items()]


def bench_largest_accepted() -> list[Timing]:
    timings = []
    for shape, make in SHAPES.items():
        text = largest_accepted(make)
        if text is None:
            timings.append(Timing(shape, 0, 0.0, "refused at every size"))
        else:
            timings.append(time_render(shape, text))
    return timings


def bench_realistic() -> list[Timing]:
    return [
        time_render(f"realistic body, {size // 1000} KB", realistic_body(size))
        for size in (20_000, 200_000, SIZE)
    ]


# -- pytest entry points (pytest tests/bench/bench_render.py) ----------------------------


def test_pathological_shapes_at_full_size(capsys) -> None:
    timings = bench_full_size()
    with capsys.disabled():
        print_table(f"Pathological shapes at ~{SIZE:,} bytes", timings)
    _assert_fast(timings)


def test_pathological_shapes_at_largest_accepted_size(capsys) -> None:
    timings = bench_largest_accepted()
    with capsys.disabled():
        print_table("Pathological shapes at the largest size still rendered", timings)
    _assert_fast(timings)


def test_realistic_bodies(capsys) -> None:
    timings = bench_realistic()
    with capsys.disabled():
        print_table("Realistic term bodies", timings)
    assert all(t.outcome == "rendered" for t in timings)
    assert timings[0].seconds < 0.25
    _assert_fast(timings)


if __name__ == "__main__":
    import os
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print_table("Realistic term bodies", bench_realistic())
    print_table(f"Pathological shapes at ~{SIZE:,} bytes", bench_full_size())
    print_table("Pathological shapes at the largest size still rendered", bench_largest_accepted())
