"""A member with a personal API token, and a client that sends it."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.services import api_token_create


def token_client(user) -> Client:
    _token, raw = api_token_create(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", raise_request_exception=False)


@pytest.fixture
def api_client(member) -> Client:
    return token_client(member)
