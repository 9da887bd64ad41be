"""Search on both engines: ranking, stemming, prefix, phrase, filters, snippets, suggestions,
hostile queries, and the index following every write (edit, delete, rollback, rebuild).

The suite runs on SQLite by default and on PostgreSQL with DATABASE_URL set; every test here
runs on both, except where a database's behaviour truly differs (marked as such).
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from search import indexing, query
from search import results as search_results
from search import suggest as suggestions
from search.backends import engine_name
from search.query import QueryTerm, parse_query, snippet_html
from tests.factories import edit_term, make_term
from wiki.models import Term

pytestmark = pytest.mark.django_db

HOSTILE_QUERIES = [
    '"',
    '""',
    '"*"',
    "*",
    "-",
    "--",
    "-community",
    "community*",
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "NEAR(community practice, 2)",
    "community AND",
    "AND community OR NOT",
    "(",
    ")",
    "((community)",
    ":",
    "title:community",
    "{title}: community",
    "^community",
    "'",
    "''",
    "' OR 1=1 --",
    "\\",
    "%",
    "_",
    "a & b | !c",
    "'comm':*",
    "<->",
    "community <-> practice",
    '"community practice',
    'community "',
    "x" * 5000,
    "community " * 300,
    "\x00",
    "comm\x00unity",
    "🙂",
    "🙂 community",
    "\ue000community\ue001",
    "<script>alert(1)</script>",
    "&amp;",
    "ǅungla",
    "   ",
    "😀" * 400,
]


def titles(query: str, **filters: str) -> list[str]:
    return [hit.term.title for hit in search_results.search(query, **filters)[:100]]


def h1_count(html: str) -> int:
    return len(re.findall(r"<h1[\s>]", html))


def fillers(n: int = 6) -> None:
    """Unrelated terms, so that words under test are rare enough to carry weight in bm25."""
    for i in range(n):
        make_term(f"Filler {i}", body="Nothing to see here, move along.")


# Parsing (pure).


def test_parse_words_phrases_and_last_word_prefix():
    parsed = parse_query('Tacit "communities of practice" knowl')
    assert parsed.terms == (
        QueryTerm(("tacit",)),
        QueryTerm(("communities", "of", "practice")),
        QueryTerm(("knowl",), prefix=True),
    )


def test_parse_prefix_only_when_the_query_ends_in_a_long_enough_word():
    assert parse_query("knowl ").terms == (QueryTerm(("knowl",)),)
    assert parse_query('"knowl"').terms == (QueryTerm(("knowl",)),)
    assert parse_query("knowl.").terms == (QueryTerm(("knowl",)),)
    assert parse_query("kn").terms == (QueryTerm(("kn",)),)
    assert parse_query('"tacit know').terms == (QueryTerm(("tacit", "know"), prefix=True),)


def test_parse_punctuated_words_become_phrases_and_operators_become_words():
    assert parse_query("e-mail AND (NEAR) -x").terms == (
        QueryTerm(("e", "mail")),
        QueryTerm(("and",)),
        QueryTerm(("near",)),
        QueryTerm(("x",)),
    )


@pytest.mark.parametrize("raw", [*HOSTILE_QUERIES, "\ud800lone surrogate"])
def test_parse_hostile_queries_yield_only_letters_and_digits(raw):
    parsed = parse_query(raw)
    assert len(parsed.terms) <= query.MAX_QUERY_TERMS
    for term in parsed.terms:
        for word in term.words:
            assert re.fullmatch(r"[^\W_]+", word)
            assert len(word) <= query.MAX_WORD_CHARS


def test_snippet_is_escaped_before_marks_are_added_and_marks_balance():
    raw = "a \ue000<b>\ue001 & \ue001 \ue000x"
    assert snippet_html(raw) == "a <mark>&lt;b&gt;</mark> &amp;  <mark>x</mark>"


# Ranking and matching.


def test_title_match_ranks_above_tag_above_category_above_body():
    fillers()
    make_term("Savanna", body="Home of the zebra and the lion.")
    make_term("Stripes", category="Zebra", body="Patterns.")
    make_term("Horse", tags=("zebra",), body="A relative with no stripes.")
    make_term("Zebra crossing", body="A road marking.")
    assert titles("zebra") == ["Zebra crossing", "Horse", "Stripes", "Savanna"]


def test_exact_title_comes_first():
    fillers()
    make_term(
        "Knowledge sharing",
        tags=("knowledge",),
        body="Knowledge, knowledge and more knowledge.",
    )
    make_term("Knowledge", body="What we know.")
    assert titles("knowledge") == ["Knowledge", "Knowledge sharing"]
    assert titles("KNOWLEDGE ")[0] == "Knowledge"


def test_exact_title_first_even_when_the_engine_does_not_match_it():
    # PostgreSQL drops "the" as a stop word, so only the exact-title lookup finds this term.
    make_term("The", body="An article.")
    results = search_results.search("the")
    assert results.count() >= 1
    assert results[:20][0].term.title == "The"


def test_stemming_finds_other_forms_of_a_word():
    fillers()
    make_term("Gathering", body="The community meets every week.")
    make_term("Networks", body="Many communities grew online.")
    assert set(titles("communities")) == {"Gathering", "Networks"}
    assert set(titles("community")) == {"Gathering", "Networks"}


def test_last_word_is_a_prefix_while_typing():
    fillers()
    make_term("Community", body="People.")
    make_term("Tacit knowledge", body="Hard to write down.")
    assert titles("commu") == ["Community"]
    assert titles("tacit knowl") == ["Tacit knowledge"]
    assert titles("commu ") == []  # a finished word is matched whole


@pytest.mark.parametrize("typed", ["commun", "communi", "communit", "community", "open communit"])
def test_a_prefix_finds_a_word_the_stemmer_shortened(typed):
    # SQLite's porter stemmer indexes "community" as "commun", so "communit"* alone found
    # nothing there; PostgreSQL's indexes "communiti". Both engines now find it.
    fillers()
    make_term("Open community", body="People who meet.")
    make_term("Gardening", body="Plants and soil.")
    assert titles(typed) == ["Open community"]


def test_sqlite_prefix_adds_only_the_stems_a_typed_word_can_have():
    from search.backends.sqlite import SQLiteEngine, typed_stems

    assert typed_stems("communit") == ["commun"]
    assert typed_stems("communi") == ["commun"]
    assert typed_stems("gard") == []  # no ending starts with "d": no "gar"
    assert typed_stems("com") == []  # never shorter than a searched prefix
    match = SQLiteEngine().match(parse_query("open communit"))
    assert match == '"open" AND ("communit"* OR "commun")'


def test_quoted_phrase_matches_adjacent_words_in_order():
    fillers()
    make_term("Alpha", body="A community practice takes time.")
    make_term("Beta", body="Practice in a community takes time.")
    assert set(titles("community practice")) == {"Alpha", "Beta"}
    assert titles('"community practice"') == ["Alpha"]
    assert titles('"community pract') == ["Alpha"]


def test_filters_combine_with_the_query():
    make_term("Zebra one", category="Animals", difficulty="beginner", tags=("africa",))
    make_term("Zebra two", category="Animals", difficulty="advanced", tags=("zoo",))
    make_term("Zebra three", category="Roads", difficulty="beginner", tags=("africa",))
    make_term("Lion", category="Animals", difficulty="beginner", tags=("africa",))
    assert set(titles("zebra", category="animals")) == {"Zebra one", "Zebra two"}
    assert set(titles("zebra", tag="africa")) == {"Zebra one", "Zebra three"}
    assert set(titles("zebra", difficulty="beginner")) == {"Zebra one", "Zebra three"}
    assert titles("zebra", category="animals", tag="africa", difficulty="beginner") == ["Zebra one"]
    assert titles("zebra", category="nope") == []
    assert search_results.search("zebra", category="animals").count() == 2


def test_a_tier_too_big_to_rank_is_listed_newest_first(monkeypatch, client):
    monkeypatch.setattr(search_results, "MAX_RESULTS", 6)
    fillers()
    make_term("Zebra", body="The animal.")
    make_term("Zebra crossing", body="Stripes on a road.")
    make_term("Horse", tags=("zebra",), body="A relative.")
    for i in range(7):
        make_term(f"Savanna {i}", body="zebra " * (7 - i) + "and the lion.")
    results = search_results.search("zebra")
    assert results.tier_sizes() == [1, 1, 0, 7]  # the exact title is counted apart
    assert results.count() == 6 and results.capped
    hits = results[:6]
    assert [hit.term.title for hit in hits] == [
        "Zebra",
        "Zebra crossing",
        "Horse",
        "Savanna 6",
        "Savanna 5",
        "Savanna 4",
    ]
    assert [hit.rank is None for hit in hits] == [True, False, False, True, True, True]
    assert all("<mark>" in hit.snippet_html for hit in hits[3:])
    html = client.get("/search/", {"q": "zebra"}).content.decode()
    assert "More than 6 terms found" in html


def test_results_carry_term_category_difficulty_and_highlighted_snippet():
    fillers()
    make_term("Herd", category="Animals", difficulty="beginner", body="A herd of zebras drinks.")
    [hit] = search_results.search("zebra")[:20]
    assert hit.term.category.name == "Animals"
    assert hit.term.difficulty == "beginner"
    assert re.search(r"<mark>zebras?</mark>", hit.snippet_html, re.IGNORECASE)
    assert hit.rank is not None


# The search page.


def test_search_page_shows_results_with_snippets_chips_and_one_h1(client):
    fillers()
    make_term("Herd", category="Animals", difficulty="beginner", body="A herd of **zebras**.")
    response = client.get("/search/", {"q": "zebra"})
    html = response.content.decode()
    assert response.status_code == 200
    assert h1_count(html) == 1
    assert 'href="/terms/herd/"' in html
    assert 'class="chip chip-category"' in html and "Animals" in html
    assert 'class="chip chip-beginner"' in html
    assert re.search(r"<mark>zebras</mark>", html)
    assert "1 term found" in html


def test_snippets_are_sanitised(client):
    fillers()
    make_term(
        "Hostile",
        body="Zebra <script>alert(1)</script> <b>bold</b> <img src=x onerror=alert(2)> "
        "and \ue000 fake mark \ue001 zebra.",
    )
    html = client.get("/search/", {"q": "zebra"}).content.decode()
    snippet = re.search(r'<p class="search-snippet">(.*?)</p>', html, re.S).group(1)
    assert "<script" not in snippet and "<b>" not in snippet and "<img" not in snippet
    assert "\ue000" not in snippet and "\ue001" not in snippet
    assert re.sub(r"</?mark>", "", snippet).count("<") == 0
    assert snippet.count("<mark>") == snippet.count("</mark>") >= 1
    assert "<mark> fake" not in snippet


@pytest.mark.parametrize("q", HOSTILE_QUERIES)
def test_hostile_queries_return_200(client, q):
    make_term("Community", tags=("practice",), body="People who practise together.")
    for params in ({"q": q}, {"q": q, "category": "x", "tag": q[:50]}):
        assert client.get("/search/", params).status_code == 200
    assert client.get("/search/", {"q": q, "go": "1"}).status_code in (200, 302)
    response = client.get("/search/suggest/", {"q": q})
    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)


def test_hostile_page_and_filter_parameters_return_200(client):
    make_term("Community")
    for params in (
        {"q": "community", "page": "-1"},
        {"q": "community", "page": "99999"},
        {"q": "community", "page": "x"},
        {"q": "community", "difficulty": "\x00"},
        {"q": "community", "category": "a" * 1000},
    ):
        assert client.get("/search/", params).status_code == 200


def test_empty_query_shows_the_form(client):
    response = client.get("/search/")
    assert response.status_code == 200
    assert 'id="search-q"' in response.content.decode()


def test_go_jumps_to_an_exact_title_match(client):
    term = make_term("Communities of Practice")
    response = client.get("/search/", {"q": "communities of  PRACTICE", "go": "1"})
    assert response.status_code == 302
    assert response["Location"] == term.get_absolute_url()
    response = client.get("/search/", {"q": "communities of", "go": "1"})
    assert response.status_code == 200
    assert "Communities of Practice" in response.content.decode()
    assert client.get("/search/", {"q": "communities of practice"}).status_code == 200


def test_results_are_paginated_and_keep_query_and_filters(client):
    for i in range(25):
        make_term(f"Zebra {i:02}", category="Animals", body="Stripes.")
    make_term("Zebra elsewhere", category="Roads", body="Stripes.")
    response = client.get("/search/", {"q": "zebra", "category": "animals"})
    html = response.content.decode()
    assert html.count('class="search-hit"') == 20
    assert "25 terms found" in html
    assert 'href="?q=zebra&amp;category=animals&amp;page=2"' in html
    html = client.get("/search/", {"q": "zebra", "category": "animals", "page": 2}).content
    assert html.decode().count('class="search-hit"') == 5


def test_search_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    for i in range(30):
        make_term(f"Zebra {i}", category=f"Cat {i % 3}", tags=(f"t{i % 4}",), body="Stripes.")
    make_term("Zebra", body="The animal.")
    for params in (
        {"q": "zebra"},
        {"q": "zebra", "page": "2"},
        {"q": "zebra", "tag": "t1", "category": "cat-1", "difficulty": ""},
        {"q": "zebar"},
        {"q": "zebra", "go": "1"},
    ):
        with django_assert_max_num_queries(8):
            assert client.get("/search/", params).status_code in (200, 302)


def test_no_results_suggests_close_titles_and_offers_to_write_the_term(client):
    fillers()
    make_term("Community", body="People.")
    make_term("Tacit knowledge", body="Hard to write down.")
    response = client.get("/search/", {"q": "comunity"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "No terms match" in html
    assert 'href="/terms/community/">Community</a>' in html
    assert "Tacit knowledge" not in html
    assert f'href="{reverse("wiki:term_create")}?title=comunity"' in html
    assert [m.title for m in suggestions.similar_titles("tacit knowlege")] == ["Tacit knowledge"]
    assert suggestions.similar_titles("zz") == []


@pytest.mark.postgres_only
def test_similar_titles_without_pg_trgm_fall_back_to_prefix_candidates():
    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm is a PostgreSQL extension")
    make_term("Community", body="People.")
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute("DROP INDEX IF EXISTS wiki_search_entry_title_trgm")
    assert [m.title for m in suggestions.similar_titles("comunity")] == ["Community"]


# Suggestions.


def test_suggest_returns_titles_by_prefix_case_insensitively(client):
    for title in ("Community", "Communities of Practice", "Common ground", "Tacit knowledge"):
        make_term(title)
    data = client.get("/search/suggest/", {"q": "COMM"}).json()
    assert [r["title"] for r in data["results"]] == [
        "Common ground",
        "Communities of Practice",
        "Community",
    ]
    assert data["results"][0]["url"] == "/terms/common-ground/"
    words = client.get("/search/suggest/", {"q": "knowl"}).json()["results"]
    assert [r["title"] for r in words] == ["Tacit knowledge"]


def test_suggest_returns_at_most_eight_and_nothing_for_a_blank_query(client):
    for i in range(12):
        make_term(f"Practice {i:02}")
    make_term("Communities of Practice")
    data = client.get("/search/suggest/", {"q": "pract"}).json()
    assert len(data["results"]) == 8
    assert data["results"][0]["title"] == "Practice 00"
    assert client.get("/search/suggest/", {"q": "  "}).json() == {"results": []}
    assert client.get("/search/suggest/").json() == {"results": []}


# The index follows every write.


def test_index_follows_an_edit():
    fillers()
    term = make_term("Aardvark", tags=("mammal",), body="It eats ants.")
    assert titles("ants") == ["Aardvark"]
    edit_term(term, body="It eats termites.", tags=("insectivore",), title="Earth pig")
    assert titles("ants") == []
    assert titles("mammal") == []
    assert titles("termites") == ["Earth pig"]
    assert titles("insectivore") == ["Earth pig"]
    assert search_results.exact_title("earth pig").pk == term.pk
    assert search_results.exact_title("aardvark") is None
    assert [m.title for m in suggestions.suggest("earth")] == ["Earth pig"]


def _delete_term(term: Term, *, unindex: bool = True) -> None:
    """What ``TermAdmin.delete_model`` does. (Deleting through the admin views is blocked today
    by ``Term.current_revision``'s PROTECT and the read-only revision admin; reported.)"""
    with transaction.atomic():
        if unindex:
            indexing.remove_term(term.pk)
        Term.objects.filter(pk=term.pk).update(current_revision=None)
        term.delete()


def test_index_follows_a_delete():
    fillers()
    term = make_term("Aardvark", body="It eats ants.")
    _delete_term(term)
    assert titles("ants") == []
    assert suggestions.suggest("aard") == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM wiki_search_entry WHERE term_id = %s", [term.pk])
        assert cursor.fetchone()[0] == 0


def test_a_term_deleted_without_unindexing_never_shows():
    fillers()
    make_term("Aardvark", body="It eats ants.")
    _delete_term(Term.objects.get(title="Aardvark"), unindex=False)
    assert titles("ants") == []  # counted until the next rebuild, never listed
    assert suggestions.suggest("aard") == []
    assert suggestions.similar_titles("aardvarc") == []


def test_index_write_rolls_back_with_the_save():
    fillers()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_term("Aardvark", body="It eats ants.")
        assert titles("ants") == ["Aardvark"]
        raise RuntimeError("the save failed after indexing")
    assert titles("ants") == []


def test_rebuild_command_indexes_every_term_from_scratch():
    fillers(3)
    make_term("Aardvark", tags=("mammal",), category="Animals", body="It eats ants.")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM wiki_search_entry")
        cursor.execute(
            "INSERT INTO wiki_search_entry (term_id, title_key, title) VALUES (999999, 'x', 'x')"
        )
    assert titles("ants") == []
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Indexed 4 terms" in out.getvalue()
    assert titles("ants") == ["Aardvark"]
    assert titles("mammal") == ["Aardvark"]
    assert titles("animals") == ["Aardvark"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM wiki_search_entry")
        assert cursor.fetchone()[0] == 4


def test_a_huge_body_is_indexed_and_searchable():
    words = " ".join(f"w{i}x{i * 7919 % 104729}" for i in range(30_000))
    make_term("Huge", body=words)
    assert titles("w2x15838") == ["Huge"]


def test_engine_follows_the_database():
    expected = {"sqlite": "sqlite-fts5", "postgresql": "postgresql-fts"}[connection.vendor]
    assert engine_name() == expected
