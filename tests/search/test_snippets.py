"""Snippets come from a bounded excerpt of the body, so a search costs the same whatever the
bodies hold (issue 14); matching still reads the whole indexed body. On both engines."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from search.indexing import EXCERPT_CHARS, MAX_INDEXED_BODY_CHARS
from search.models import SearchEntry
from search.results import search
from tests.factories import make_term

pytestmark = pytest.mark.django_db

FILLER = "Members share stories about their practice and the habits of the group. "


def body_with(word: str, *, at: int) -> str:
    """Ordinary prose with ``word`` once, about ``at`` characters in."""
    head = FILLER * (at // len(FILLER) + 1)
    return head[:at].rsplit(" ", 1)[0] + f" {word} " + FILLER * 20


def hits(q: str):
    return search(q)[0:20]


def test_the_excerpt_is_the_start_of_the_indexed_body():
    term = make_term("Long", body=FILLER * 2000)
    entry = SearchEntry.objects.get(term=term)
    assert len(entry.body) > EXCERPT_CHARS
    assert entry.excerpt == entry.body[:EXCERPT_CHARS]


def test_a_word_in_the_excerpt_is_marked():
    make_term("Early", body=body_with("zanzibar", at=300))
    (hit,) = hits("zanzibar")
    assert "<mark>zanzibar</mark>" in hit.snippet_html


def test_a_word_past_the_excerpt_still_finds_the_term_and_the_snippet_is_its_start():
    at = EXCERPT_CHARS + 5_000
    assert at < MAX_INDEXED_BODY_CHARS
    make_term("Deep", body=body_with("quokka", at=at))
    (hit,) = hits("quokka")
    assert hit.term.slug == "deep"
    assert "<mark>" not in hit.snippet_html
    assert hit.snippet_html.startswith("Members share stories")


def test_a_title_match_shows_the_words_its_excerpt_has():
    make_term("Stories", body="Practice and habits.\n\n" + FILLER * 5)
    make_term("Other", body="Stories of practice, " + FILLER)
    found = {hit.term.slug: hit for hit in hits("stories practice")}
    assert set(found) == {"stories", "other"}
    assert "<mark>" in found["stories"].snippet_html  # "practice" and "stories" in its body


def test_the_exact_title_hit_falls_back_to_the_start_of_its_excerpt():
    make_term("Quiet", body=body_with("hidden", at=EXCERPT_CHARS + 100))
    first = hits("quiet")[0]
    assert first.term.slug == "quiet"
    assert first.snippet_html.startswith("Members share stories")


def test_rebuild_writes_the_excerpts_again():
    make_term("Long", body=FILLER * 500)
    SearchEntry.objects.update(excerpt="")
    call_command("rebuild_search_index", verbosity=0)
    entry = SearchEntry.objects.get()
    assert entry.excerpt == entry.body[:EXCERPT_CHARS] != ""
    (hit,) = hits("habits")
    assert "<mark>habits</mark>" in hit.snippet_html
