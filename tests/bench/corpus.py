"""The benchmark's wiki: N seed files made from the shipped seed's body.

Each file keeps the seed's body (2 KB of ordinary Markdown: headings, lists, emphasis) and adds
a paragraph of its own with five wiki links (to terms before and after it in the batch, and to
terms no file writes), four related terms, one of twelve categories and two or three tags of a
vocabulary of forty in varying case, so rendering, links, tags and categories all do real work.
"""

from __future__ import annotations

import random
from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_ae0286098d7fbb3b.txt"
WORDS = [
    "community", "practice", "knowledge", "tacit", "learning", "emergence", "governance",
    "trust", "craft", "memory", "ritual", "apprenticeship", "commons", "stewardship",
    "boundary", "identity", "narrative", "artefact", "routine", "mentoring",
]  # fmt: skip
TAGS = [w for w in WORDS] + [w.capitalize() + " notes" for w in WORDS]


def seed_body() -> str:
    text = SEED.read_text(encoding="utf-8")
    return text.split("---", 2)[2].strip("\n")


def title(i: int) -> str:
    return f"{WORDS[i % len(WORDS)].capitalize()} {i}"


def document(i: int, n: int, rng: random.Random, body: str) -> str:
    links = [title(rng.randrange(n)) for _ in range(4)] + [f"Unwritten {rng.randrange(n)}"]
    related = ", ".join(f'"{title(rng.randrange(n))}"' for _ in range(4))
    tags = rng.sample(TAGS, rng.randint(2, 3))
    tags = [t.upper() if rng.random() < 0.1 else t for t in tags]
    paragraph = (
        f"{title(i)} is one of the ideas this community keeps returning to; see "
        + ", ".join(f"[[{link}]]" for link in links)
        + "."
    )
    return (
        "---\n"
        f'term: "{title(i)}"\n'
        f'category: "{WORDS[i % 12]}"\n'
        f'difficulty: "{rng.choice(["beginner", "intermediate", "advanced"])}"\n'
        f"relatedTerms: [{related}]\n"
        f"tags: [{', '.join(repr(t) for t in tags)}]\n"
        "---\n\n"
        f"{paragraph}\n\n{body}\n"
    )


def write_corpus(directory: Path, n: int, *, seed: int = 7) -> list[Path]:
    """``n`` seed files in ``directory`` (made once; the same files every run)."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    body = seed_body()
    paths = []
    for i in range(n):
        path = directory / f"{i:06d}.md"
        text = document(i, n, rng, body)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
