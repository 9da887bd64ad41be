"""Writing through the API: token auth, the three-way merge, 409/428/412, the moderation
policy with its reasons, rate limits, comments, and text PostgreSQL would refuse."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.services import api_token_create, api_token_revoke
from discussion.models import Comment
from moderation import services as moderation
from moderation.models import Level, PendingChange
from tests.api.conftest import token_client
from tests.factories import edit_term, make_comment, make_term, make_user
from tests.moderation.conftest import make_moderator
from wiki.models import Revision, Term

pytestmark = pytest.mark.django_db


def send(client, method, url, payload, **headers):
    return getattr(client, method)(
        url, json.dumps(payload), content_type="application/json", **headers
    )


@pytest.fixture
def alpha(member):
    return make_term(
        "Alpha",
        body="line one\nline two\nline three\n",
        tags=("waves",),
        category="Physics",
        author=member,
    )


def test_writes_need_a_live_token_of_an_active_member(member, alpha):
    payload = {"title": "Fresh"}
    anonymous = send(Client(), "post", "/api/v1/terms/", payload)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthorized"
    assert anonymous["WWW-Authenticate"] == "Bearer"
    session = Client()
    session.force_login(member)  # a logged-in browser is not enough: no CSRF needed, ever
    assert send(session, "post", "/api/v1/terms/", payload).status_code == 401
    wrong = Client(HTTP_AUTHORIZATION="Bearer cp_not-a-token")
    assert send(wrong, "post", "/api/v1/terms/", payload).status_code == 401
    token, raw = api_token_create(user=member)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert send(client, "post", "/api/v1/terms/", payload).status_code == 201
    api_token_revoke(token=token)
    assert send(client, "post", "/api/v1/terms/", {"title": "Other"}).status_code == 401
    assert not Term.objects.filter(slug="other").exists()


def test_a_deactivated_members_token_stops_working(member):
    client = token_client(member)
    member.is_active = False
    member.save()
    assert send(client, "post", "/api/v1/terms/", {"title": "Fresh"}).status_code == 401


def test_create_a_term(api_client, member):
    payload = {
        "title": "Wave",
        "category": "Physics",
        "difficulty": "advanced",
        "tags": ["waves", "sea, shore"],
        "related": ["Tide"],
        "body": "A [[Tide]] thing.",
        "summary": "New",
    }
    response = send(api_client, "post", "/api/v1/terms/", payload)
    assert response.status_code == 201, response.content
    assert response["Location"] == "/api/v1/terms/wave/"
    assert response["ETag"].startswith('"r1-')
    body = response.json()
    assert body["changed"] is True and body["revision"] == 1
    assert body["tags"] == ["sea, shore", "waves"] and body["related"][0]["slug"] == "tide"
    revision = Revision.objects.get(term__slug="wave")
    assert revision.author == member and revision.summary == "New"


def test_invalid_input_is_a_422_naming_the_field(api_client, alpha):
    cases = [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "!!!"}, "title"),
        ({"title": "Alpha"}, "title"),  # taken
        ({"title": "Fresh", "difficulty": "expert"}, "difficulty"),
        ({"title": "Fresh", "tags": ["t"] * 51}, "tags"),
        ({"title": "Fresh", "body": ">" * 100_000}, "body"),  # refused by the renderer
        ({"title": 12}, "title"),
    ]
    for payload, field in cases:
        response = send(api_client, "post", "/api/v1/terms/", payload)
        assert response.status_code == 422, (payload, response.content)
        body = response.json()
        assert body["code"] == "invalid" and body["errors"][0]["field"].startswith(field)
    broken = api_client.post("/api/v1/terms/", "{not json", content_type="application/json")
    assert broken.status_code in (400, 422) and broken.json()["code"]


def test_an_update_must_say_its_base_revision(api_client, alpha):
    response = send(api_client, "patch", "/api/v1/terms/alpha/", {"body": "x"})
    assert response.status_code == 428 and response.json()["code"] == "precondition_required"
    for header in ('"nonsense"', "*"):
        response = send(
            api_client, "patch", "/api/v1/terms/alpha/", {"body": "x"}, HTTP_IF_MATCH=header
        )
        assert response.status_code in (412, 428), header
    unknown = send(api_client, "patch", "/api/v1/terms/alpha/", {"base_revision": 7})
    assert unknown.status_code == 412 and unknown.json()["code"] == "unknown_base_revision"
    both = send(
        api_client, "patch", "/api/v1/terms/alpha/", {"base_revision": 1}, HTTP_IF_MATCH='"r2-x"'
    )
    assert both.status_code == 400
    assert Term.objects.get(slug="alpha").revision_number == 1


def test_update_with_the_etag_in_if_match_keeps_fields_left_out(api_client, alpha):
    etag = api_client.get("/api/v1/terms/alpha/")["ETag"]
    response = send(
        api_client, "patch", "/api/v1/terms/alpha/", {"difficulty": "beginner"}, HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["revision"] == 2 and body["merged"] is False
    assert body["difficulty"] == "beginner" and body["tags"] == ["waves"]
    assert body["body"] == alpha.body and response["ETag"].startswith('"r2-')
    same = send(api_client, "patch", "/api/v1/terms/alpha/", {"base_revision": 2})
    assert same.status_code == 200 and same.json()["changed"] is False


def test_a_stale_update_is_merged_when_it_does_not_overlap(api_client, alpha, member):
    edit_term(alpha, author=make_user("carl"), body="line ONE\nline two\nline three\n")
    payload = {"base_revision": 1, "body": "line one\nline two\nline THREE\n"}
    response = send(api_client, "patch", "/api/v1/terms/alpha/", payload)
    assert response.status_code == 200, response.content
    assert response.json()["merged"] is True and response.json()["revision"] == 3
    assert Term.objects.get(slug="alpha").body == "line ONE\nline two\nline THREE\n"


def test_an_overlapping_update_is_a_409_with_both_versions(api_client, alpha):
    edit_term(alpha, author=make_user("carl"), body="line one\nTHEIRS\nline three\n", category="X")
    payload = {"base_revision": 1, "body": "line one\nMINE\nline three\n", "category": "Y"}
    response = send(api_client, "patch", "/api/v1/terms/alpha/", payload)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "edit_conflict" and body["conflicting_fields"] == ["category", "body"]
    assert (body["base_revision"], body["current_revision"]) == (1, 2)
    assert "THEIRS" in body["theirs"]["body"] and "MINE" in body["mine"]["body"]
    assert Term.objects.get(slug="alpha").revision_number == 2
    resolved = {**payload, "base_revision": 2, "body": "line one\nBOTH\nline three\n"}
    assert send(api_client, "patch", "/api/v1/terms/alpha/", resolved).status_code == 200


def test_writes_obey_blocks_and_protection_with_the_reason(api_client, member, alpha):
    moderator = make_moderator()
    moderation.term_protect(
        term=alpha, moderator=moderator, level=Level.MODERATORS, reason="Edit war"
    )
    response = send(api_client, "patch", "/api/v1/terms/alpha/", {"base_revision": 1, "body": "x"})
    assert response.status_code == 403 and "Edit war" in response.json()["message"]
    moderation.member_block(member=member, moderator=moderator, reason="Spam links")
    for url, payload in [
        ("/api/v1/terms/", {"title": "Fresh"}),
        ("/api/v1/terms/alpha/comments/", {"body": "Hi"}),
    ]:
        response = send(api_client, "post", url, payload)
        assert response.status_code == 403 and "Spam links" in response.json()["message"], url


def test_an_edit_of_a_term_under_review_waits_for_a_moderator(api_client, member, alpha):
    moderation.term_protect(
        term=alpha, moderator=make_moderator(), level=Level.TRUSTED, review=True, reason="Busy"
    )
    response = send(api_client, "patch", "/api/v1/terms/alpha/", {"base_revision": 1, "body": "Y"})
    assert response.status_code == 202 and response.json()["code"] == "pending_review"
    change = PendingChange.objects.get(pk=response.json()["pending_id"])
    assert change.body == "Y" and change.author == member
    assert Term.objects.get(slug="alpha").revision_number == 1


def test_writes_are_rate_limited(api_client, alpha, settings):
    settings.MODERATION_RATE_LIMITS = {"edit": (2, 100), "comment": (1, 100)}
    answers = [
        send(api_client, "post", "/api/v1/terms/", {"title": f"T{n}"}).status_code for n in range(3)
    ]
    assert answers == [201, 201, 429]
    first = send(api_client, "post", "/api/v1/terms/alpha/comments/", {"body": "one"})
    second = send(api_client, "post", "/api/v1/terms/alpha/comments/", {"body": "two"})
    assert (first.status_code, second.status_code) == (201, 429)
    assert second.json()["code"] == "rate_limited" and int(second["Retry-After"]) > 0


def test_comment_and_reply(api_client, member, alpha):
    other = make_comment(make_term("Beta"), body="elsewhere")
    top = send(api_client, "post", "/api/v1/terms/alpha/comments/", {"body": "Hello **there**"})
    assert top.status_code == 201, top.content
    assert top.json()["html"].strip() == "<p>Hello <strong>there</strong></p>"
    reply = send(
        api_client,
        "post",
        "/api/v1/terms/alpha/comments/",
        {"body": "Re", "parent": top.json()["id"]},
    )
    assert reply.status_code == 201 and reply.json()["parent"] == top.json()["id"]
    stray = send(
        api_client, "post", "/api/v1/terms/alpha/comments/", {"body": "x", "parent": other.pk}
    )
    assert stray.status_code == 422 and stray.json()["errors"][0]["field"] == "parent"
    empty = send(api_client, "post", "/api/v1/terms/alpha/comments/", {"body": "   "})
    assert empty.status_code == 422
    assert Comment.objects.filter(term=alpha).count() == 2


def test_text_postgresql_refuses_is_cleaned_not_a_500(api_client):
    payload = {
        "title": "Nu\u0000ll \ud800",
        "tags": ["t\u0000ag"],
        "body": "Bo\u0000dy \udfff",
        "summary": "s\u0000",
    }
    raw = json.dumps(payload)  # keeps \u0000 and lone surrogates as JSON escapes
    response = api_client.post("/api/v1/terms/", raw, content_type="application/json")
    assert response.status_code == 201, response.content
    term = Term.objects.get()
    assert term.title == "Null \ufffd" and term.body == "Body \ufffd"
    assert list(term.tags.names()) == ["tag"]
