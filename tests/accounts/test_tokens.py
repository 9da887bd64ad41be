"""Personal API tokens on the profile page: made (shown once, stored hashed), listed, revoked;
only by the member themselves."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client

from accounts.models import ApiToken
from accounts.services import MAX_LIVE_TOKENS, api_token_authenticate, api_token_create
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_token_is_shown_once_and_stored_only_as_a_hash(member_client, member):
    response = member_client.post("/members/alice/tokens/", {"name": "sync script"})
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    raw = response.context["new_token"]
    assert raw.startswith("cp_") and raw in response.content.decode()
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {token.key_hash, token.prefix, token.name} and raw.startswith(token.prefix)
    page = member_client.get("/members/alice/edit/").content.decode()
    assert "sync script" in page and token.prefix in page and raw not in page
    assert api_token_authenticate(raw) == member


def test_revoking_stops_the_token_at_once(member_client, member):
    token, raw = api_token_create(user=member)
    response = member_client.post(f"/members/alice/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert api_token_authenticate(raw) is None
    page = member_client.get("/members/alice/edit/").content.decode()  # says it is revoked
    assert "You have no tokens." in member_client.get("/members/alice/edit/").content.decode()
    assert f"The token {token.prefix}… is revoked." in page


def test_only_the_member_makes_or_revokes_their_tokens(member):
    token, raw = api_token_create(user=member)
    other = Client()
    other.force_login(make_user("carl"))
    assert other.post("/members/alice/tokens/", {"name": "x"}).status_code == 403
    assert other.post(f"/members/alice/tokens/{token.pk}/revoke/").status_code == 404
    assert other.post(f"/members/carl/tokens/{token.pk}/revoke/").status_code == 404
    assert Client().post("/members/alice/tokens/").status_code == 302  # to log in
    assert api_token_authenticate(raw) == member
    assert ApiToken.objects.count() == 1


def test_token_urls_take_no_get(member_client, member):
    token, _raw = api_token_create(user=member)
    assert member_client.get("/members/alice/tokens/").status_code == 405
    assert member_client.get(f"/members/alice/tokens/{token.pk}/revoke/").status_code == 405


def test_a_member_holds_a_bounded_number_of_live_tokens(member_client, member):
    for _ in range(MAX_LIVE_TOKENS):
        api_token_create(user=member)
    response = member_client.post("/members/alice/tokens/", {"name": "one more"})
    assert response.status_code == 409
    assert "revoke one" in response.content.decode()
    assert ApiToken.objects.count() == MAX_LIVE_TOKENS


def test_last_use_is_recorded_coarsely(member):
    token, raw = api_token_create(user=member)
    assert api_token_authenticate(raw) == member
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    api_token_authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at == first  # not a write per call
    assert api_token_authenticate("cp_" + "x" * 300) is None
    assert api_token_authenticate("no-prefix") is None
