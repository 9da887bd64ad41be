"""Glossary auto-links: a 100 KB body against 10,000 titles (issue 16's bound: under 50 ms).

    make bench            (or: python tests/bench/bench_glossary.py)

The titles are words and two- and three-word phrases of an English vocabulary, the kind a
glossary holds, so the body (prose made of the same vocabulary, with some Markdown: headings,
lists, emphasis, code, links) mentions hundreds of them, many times each. Timed: building the
automaton, the whole render without and with the glossary (what the auto-linking adds), and
a glossary of which only 200 two-word titles can occur in the body (most of a wiki is about
other things), and the worst shape for the matcher, a body that is nothing but titles. The variants
run in turn, several rounds, and the fastest round of each is shown (the machine is shared:
the fastest is the one least disturbed); nothing is asserted on time, only that links are made.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

if __name__ == "__main__":  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

from markup import Glossary, Resolver, limits, render
from markup.glossary import AutolinkMeter

N_TITLES = int(os.environ.get("BENCH_TITLES", "10000"))
BODY_BYTES = int(os.environ.get("BENCH_BODY_BYTES", "100000"))
REPEATS = int(os.environ.get("BENCH_GLOSSARY_REPEATS", "7"))
TYPICAL_MENTIONED = 200  # titles of the typical glossary the body's vocabulary can mention

_WORDS = """
community practice knowledge tacit learning emergence governance trust craft memory ritual
apprenticeship commons stewardship boundary identity narrative artefact routine mentoring
garden soil compost seed root branch forest river stone bridge market harbour archive
library lantern compass ledger loom kiln forge orchard meadow estuary glacier canyon theory
method model signal pattern network feedback system structure process habit skill tool story
song dance festival council assembly workshop studio school guild
"""
VOCABULARY = _WORDS.split()


def titles(n: int, rng: random.Random, *, mentioned: int | None = None) -> list[tuple[str, str]]:
    """``n`` distinct titles: every word, then word pairs and triples, then numbered ones;
    with ``mentioned``, only that many two-word phrases of the body's vocabulary and the rest
    titles the body never mentions (a glossary most of which is about other things)."""
    if mentioned is not None:
        pairs: dict[str, str] = {}
        while len(pairs) < mentioned:
            words = rng.sample(VOCABULARY, 2)
            pairs.setdefault(" ".join(words).capitalize(), "-".join(words))
        some = list(pairs.items())
        return some + [(f"Elsewhere {i}", f"elsewhere-{i}") for i in range(n - len(some))]
    out: dict[str, str] = {}
    for word in VOCABULARY:
        out.setdefault(word.capitalize(), word)
    while len(out) < n:
        size = rng.choice((2, 2, 3))
        words = rng.sample(VOCABULARY, size)
        title = " ".join(words).capitalize()
        if len(out) > n * 0.9:
            title = f"{title} {len(out)}"
        out.setdefault(title, "-".join(words) + f"-{len(out)}")
    return list(out.items())[:n]


def prose(size: int, rng: random.Random) -> str:
    """Paragraphs, headings, lists, emphasis, code and links of the vocabulary, ~``size`` B."""
    parts: list[str] = []
    total = 0
    while total < size:
        kind = rng.random()
        words = [rng.choice(VOCABULARY) for _ in range(rng.randint(8, 40))]
        if kind < 0.08:
            part = "## " + " ".join(words[:4]).capitalize()
        elif kind < 0.2:
            part = "\n".join(f"- {' '.join(words[i : i + 5])}" for i in range(0, len(words), 5))
        elif kind < 0.25:
            part = "```\n" + " ".join(words) + "\n```"
        else:
            words[1] = f"*{words[1]}*"
            words[3] = f"`{words[3]}`"
            words[5] = f"[[{words[5]}]]"
            part = " ".join(words).capitalize() + "."
        parts.append(part)
        total += len(part) + 2
    return "\n\n".join(parts)[:size]


def resolver(glossary: Glossary | None) -> Resolver:
    return Resolver(
        term_url=lambda slug: f"/terms/{slug}/",
        new_term_url=lambda title: "/terms/new/",
        existing=lambda slugs: slugs,
        glossary=glossary,
        own_slug="",
    )


def fastest(variants: dict[str, object], repeats: int = REPEATS) -> dict[str, tuple[float, object]]:
    """Each variant (a callable) run in turn, ``repeats`` rounds: its fastest time in ms, and
    its last result."""
    best: dict[str, float] = {name: float("inf") for name in variants}
    results: dict[str, object] = {}
    for _ in range(repeats):
        for name, func in variants.items():
            started = time.perf_counter()
            results[name] = func()
            best[name] = min(best[name], time.perf_counter() - started)
    return {name: (best[name] * 1000, results[name]) for name in variants}


def run() -> dict[str, float]:
    rng = random.Random(16)
    entries = titles(N_TITLES, rng)
    body = prose(BODY_BYTES, rng)
    typical_entries = titles(N_TITLES, random.Random(17), mentioned=TYPICAL_MENTIONED)
    built = fastest({"build": lambda: Glossary(entries)}, repeats=3)
    build_ms, glossary = built["build"]
    typical = Glossary(typical_entries)
    dense = " ".join(title for title, _ in entries)
    dense = (dense * (BODY_BYTES // max(1, len(dense)) + 1))[:BODY_BYTES]
    times = fastest(
        {
            "plain": lambda: render(body, resolve=resolver(None)),
            "linked": lambda: render(body, resolve=resolver(glossary)),
            "typical": lambda: render(body, resolve=resolver(typical)),
            # The matcher alone over the whole body, as one text: the automaton's scan and
            # the whole-word checks, without markdown-it.
            "scan": lambda: glossary.mentions(body, AutolinkMeter()),
            # The worst shape for the matcher: nothing but titles, one after another.
            "dense": lambda: render(dense, resolve=resolver(glossary)),
        }
    )
    plain_ms, plain = times["plain"]
    linked_ms, linked = times["linked"]
    typical_ms, typical_out = times["typical"]
    scan_ms, mentions = times["scan"]
    dense_ms, dense_out = times["dense"]
    meter = AutolinkMeter()
    glossary.mentions(dense, meter)
    body_meter = AutolinkMeter()
    glossary.mentions(body, body_meter)
    figures = {
        "titles": len(entries),
        "body_bytes": len(body.encode()),
        "build_ms": build_ms,
        "render_plain_ms": plain_ms,
        "render_linked_ms": linked_ms,
        "autolink_added_ms": linked_ms - plain_ms,
        "matcher_scan_ms": scan_ms,
        "mentions_found": len(mentions),
        "links_made": len(linked.autolinks),
        "typical_render_ms": typical_ms,
        "typical_added_ms": typical_ms - plain_ms,
        "typical_links": len(typical_out.autolinks),
        "dense_render_ms": dense_ms,
        "dense_links": len(dense_out.autolinks),
        "dense_budget_used": 1 - max(meter.steps_left, 0) / limits.MAX_AUTOLINK_STEPS,
        "body_budget_used": 1 - max(body_meter.steps_left, 0) / limits.MAX_AUTOLINK_STEPS,
    }
    assert plain.autolinks == () and figures["links_made"] > 100
    return figures


def report(figures: dict[str, float]) -> None:
    print()
    print(
        f"Glossary auto-links: {figures['titles']:,} titles, "
        f"{figures['body_bytes']:,}-byte body (fastest of {REPEATS} rounds)"
    )
    print(f"  automaton built                   {figures['build_ms']:8.1f} ms")
    print(f"  render without the glossary       {figures['render_plain_ms']:8.1f} ms")
    print(
        f"  render with it                    {figures['render_linked_ms']:8.1f} ms"
        f"  ({figures['links_made']} terms linked)"
    )
    print(f"  what auto-linking adds            {figures['autolink_added_ms']:8.1f} ms")
    print(
        f"  typical glossary (200 two-word titles can occur in the body):\n"
        f"    render with it                  {figures['typical_render_ms']:8.1f} ms"
        f"  ({figures['typical_links']} linked, "
        f"{figures['typical_added_ms']:+.1f} ms over none)"
    )
    print(
        f"  matcher alone over the body       {figures['matcher_scan_ms']:8.1f} ms"
        f"  ({figures['mentions_found']:,} mentions, "
        f"{figures['body_budget_used']:.0%} of the budget)"
    )
    print(
        f"  a body of nothing but titles      {figures['dense_render_ms']:8.1f} ms"
        f"  ({figures['dense_links']} linked, {figures['dense_budget_used']:.0%} of the budget)"
    )


def test_glossary_benchmark():
    report(run())


if __name__ == "__main__":
    report(run())
