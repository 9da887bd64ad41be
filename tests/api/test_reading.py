"""Reading through the API: anonymous, JSON, cursor-paginated, conditional, fixed queries."""

from __future__ import annotations

import pytest
from django.test import Client

from search.results import search
from tests.factories import edit_term, make_comment, make_term
from wiki.content import TermData
from wiki.seeds import parse_seed_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def wiki(member):
    alpha = make_term(
        "Alpha",
        body="# Alpha\n\nWaves and [[Beta]] and [[Nowhere]].\n",
        category="Physics",
        difficulty="beginner",
        tags=("waves", "Light"),
        related=("Beta", "Unwritten"),
        author=member,
        summary="First",
    )
    make_term("Beta", body="Back to [[Alpha]].", category="Physics", difficulty="advanced")
    make_term("Gamma", body="Nothing.", category="Maths", tags=("waves",))
    make_comment(alpha, body="Nice.")
    return alpha


def test_a_term_has_every_field_the_issue_names(client, wiki):
    body = client.get("/api/v1/terms/alpha/").json()
    assert body["title"] == "Alpha" and body["slug"] == "alpha"
    assert body["category"] == {"name": "Physics", "slug": "physics"}
    assert body["difficulty"] == "beginner" and body["tags"] == ["Light", "waves"]
    assert body["body"] == wiki.body and body["html"] == wiki.body_html
    assert body["revision"] == 1 and body["comment_count"] == 1
    assert body["related"] == [
        {"slug": "beta", "title": "Beta", "exists": True},
        {"slug": "unwritten", "title": None, "exists": False},
    ]
    assert body["backlinks"] == [{"slug": "beta", "title": "Beta"}]
    assert body["author"] == {"username": "alice", "display_name": ""}
    assert body["summary"] == "First" and body["url"] == "/terms/alpha/"


def test_gets_carry_an_etag_and_answer_304(client, wiki):
    first = client.get("/api/v1/terms/alpha/")
    assert first["ETag"].startswith('"r1-')
    again = client.get("/api/v1/terms/alpha/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"] and not again.content
    weak = client.get("/api/v1/terms/alpha/", HTTP_IF_NONE_MATCH=f'"x", W/{first["ETag"]}')
    assert weak.status_code == 304
    make_comment(wiki, body="More.")  # the answer changed, so the tag does
    assert client.get("/api/v1/terms/alpha/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    for url in ("/api/v1/terms/", "/api/v1/tags/", "/api/v1/search/?q=waves"):
        etag = client.get(url)["ETag"]
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304, url


def test_the_list_filters_and_pages_with_a_cursor(client, wiki):
    def slugs(query):
        return [t["slug"] for t in client.get(f"/api/v1/terms/{query}").json()["items"]]

    assert slugs("") == ["alpha", "beta", "gamma"]
    assert slugs("?category=physics") == ["alpha", "beta"]
    assert slugs("?tag=waves") == ["alpha", "gamma"]
    assert slugs("?difficulty=advanced&category=physics") == ["beta"]
    assert slugs("?updated_since=2999-01-01T00:00:00") == []
    assert slugs("?updated_since=2000-01-01T00:00:00Z") == ["alpha", "beta", "gamma"]
    seen, cursor = [], ""
    while True:
        page = client.get(f"/api/v1/terms/?limit=2{cursor}").json()
        seen += [t["slug"] for t in page["items"]]
        if page["next_cursor"] is None:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert seen == ["alpha", "beta", "gamma"]


def test_bad_parameters_are_json_errors_with_a_code(client, wiki):
    cases = {
        "/api/v1/terms/?cursor=bm9wZQ": (400, "invalid_cursor"),
        "/api/v1/terms/?limit=0": (422, "invalid"),
        "/api/v1/terms/?difficulty=expert": (422, "invalid"),
        "/api/v1/terms/nowhere/": (404, "not_found"),
        "/api/v1/terms/alpha/revisions/9/": (404, "not_found"),
        "/api/v1/no/such/thing/": (404, "not_found"),
    }
    for url, (status, code) in cases.items():
        response = client.get(url)
        assert (response.status_code, response.json()["code"]) == (status, code), url
        assert response.json()["message"]
    invalid = client.get("/api/v1/terms/?limit=1000").json()
    assert invalid["errors"][0]["field"] == "limit"
    wrong = client.put("/api/v1/terms/alpha/")
    assert wrong.status_code == 405 and wrong.json()["code"] == "method_not_allowed"
    assert set(wrong["Allow"].split(", ")) == {"GET", "PATCH"}


def test_an_old_slug_answers_301_to_the_term(client, wiki):
    edit_term(wiki, title="Alpha Wave")
    response = client.get("/api/v1/terms/alpha/revisions/1/")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/terms/alpha-wave/revisions/1/"
    assert response.json()["code"] == "moved"


def test_markdown_download_round_trips(client, wiki):
    response = client.get("/api/v1/terms/alpha/markdown/")
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert 'filename="alpha.md"' in response["Content-Disposition"]
    assert parse_seed_text(response.content.decode()) == TermData.of(wiki.current_revision)
    site = Client().get("/terms/alpha/markdown/")
    assert site.content == response.content


def test_revisions_newest_first_and_one_revision(client, wiki):
    edit_term(wiki, body="Second.", summary="Two")
    listed = client.get("/api/v1/terms/alpha/revisions/?limit=1").json()
    assert [r["number"] for r in listed["items"]] == [2]
    rest = client.get(f"/api/v1/terms/alpha/revisions/?cursor={listed['next_cursor']}").json()
    assert [r["number"] for r in rest["items"]] == [1] and rest["next_cursor"] is None
    one = client.get("/api/v1/terms/alpha/revisions/1/").json()
    assert one["body"] == "# Alpha\n\nWaves and [[Beta]] and [[Nowhere]].\n"
    assert one["related"] == ["beta", "unwritten"] and one["summary"] == "First"


def test_categories_tags_and_recent_changes(client, wiki):
    categories = client.get("/api/v1/categories/").json()["items"]
    assert [(c["slug"], c["term_count"]) for c in categories] == [("maths", 1), ("physics", 2)]
    tags = client.get("/api/v1/tags/").json()["items"]
    assert [(t["name"], t["term_count"]) for t in tags] == [("Light", 1), ("waves", 2)]
    edit_term(wiki, body="Changed.", summary="Edit")
    changes = client.get("/api/v1/recent/").json()["items"]
    assert [(c["kind"], c["term"]["slug"], c["revision"]) for c in changes][:2] == [
        ("edit", "alpha", 2),
        ("new", "gamma", 1),
    ]
    assert [c["kind"] for c in client.get("/api/v1/recent/?kind=edit").json()["items"]] == ["edit"]


def test_search_uses_the_sites_engine_and_ranking(client, wiki):
    body = client.get("/api/v1/search/?q=waves").json()
    expected = [hit.term.slug for hit in search("waves")[0:20]]
    assert [hit["term"]["slug"] for hit in body["items"]] == expected
    assert body["count"] == len(expected) and body["query"] == "waves"
    assert any("<mark>waves" in hit["snippet_html"].lower() for hit in body["items"])
    assert client.get("/api/v1/search/?q=zzzz").json()["items"] == []


@pytest.mark.parametrize("count", [3, 40])
def test_query_counts_do_not_grow(client, django_assert_max_num_queries, count):
    for n in range(count):
        make_term(f"Term {n}", body="[[Term 0]]", tags=("a", f"t{n}"), category=f"C{n % 3}")
    urls = {
        "/api/v1/terms/?limit=100": 3,
        "/api/v1/terms/term-0/": 7,
        "/api/v1/terms/term-0/revisions/": 3,
        "/api/v1/categories/": 2,
        "/api/v1/tags/": 2,
        "/api/v1/recent/": 2,
        "/api/v1/search/?q=term": 8,
    }
    for url, queries in urls.items():
        with django_assert_max_num_queries(queries):
            assert client.get(url).status_code == 200, url


def test_reading_needs_no_account_and_ignores_a_session(client, member, wiki):
    client.force_login(member)
    assert client.get("/api/v1/terms/alpha/").status_code == 200


def test_the_schema_and_docs_are_conditional_gets_and_json_for_other_methods(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200 and schema["ETag"]
    assert client.get("/api/v1/openapi.json", HTTP_IF_NONE_MATCH=schema["ETag"]).status_code == 304
    for url in ("/api/v1/openapi.json", "/api/v1/docs/", "/api/v1/"):
        response = client.post(url)
        assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"
        assert response["Allow"] == "GET"
    assert client.post("/api/v1/nothing/").json()["code"] == "not_found"
