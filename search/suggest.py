"""Titles for the header box as it is typed, and "did you mean" for a search that found nothing."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.urls import reverse

from .backends import engine
from .models import SearchEntry
from .query import parse_query, split_words, title_key


@dataclass(frozen=True)
class TitleMatch:
    title: str
    slug: str

    @property
    def url(self) -> str:
        return reverse("wiki:term_detail", kwargs={"slug": self.slug})


def suggest(prefix: str, limit: int = 8) -> list[TitleMatch]:
    """Titles that start with ``prefix``, then titles with a word that does (by rank)."""
    key = title_key(prefix)
    if not key or limit < 1:
        return []
    rows = (
        SearchEntry.objects.filter(title_key__gte=key, title_key__lt=key + "\U0010ffff")
        .order_by("title_key", "term_id")
        .values_list("term__title", "term__slug")[:limit]
    )
    found = [TitleMatch(title, slug) for title, slug in rows]
    parsed = parse_query(prefix)
    if len(found) < limit and parsed:
        seen = {match.slug for match in found}
        more = engine().title_matches(parsed, limit + len(found))
        found += [TitleMatch(t, s) for t, s in more if s not in seen][: limit - len(found)]
    return found


def similar_titles(query: str, limit: int = 5) -> list[TitleMatch]:
    """Titles close to ``query``, for a search that found nothing ("did you mean")."""
    key = " ".join(split_words(title_key(query)))[:60]
    if len(key) < 3:
        return []
    scored = sorted(
        (
            (_similarity(key, title_key(title)), title, slug)
            for title, slug in engine().similar_candidates(key, 50)
        ),
        key=lambda row: (-row[0], row[1]),
    )
    return [TitleMatch(title, slug) for score, title, slug in scored if score >= 0.6][:limit]


def _similarity(key: str, title: str) -> float:
    """How close ``key`` is to ``title``, or to a run of as many words of it."""
    width = key.count(" ") + 1
    words = title.split()
    runs = {" ".join(words[i : i + width]) for i in range(max(len(words) - width + 1, 1))}
    return max(difflib.SequenceMatcher(None, key, run).ratio() for run in runs | {title})
