"""Who is writing: a member's personal API token (``Authorization: Bearer cp_...``).

Only the token counts. The session cookie never authenticates an API call, so a page on
another site cannot make a logged-in member's browser write through the API, and the API's
writes need no CSRF token.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        member = api_token_authenticate(token.strip())
        if member is not None:
            request.user = member  # what the policy and the rate limits ask about
        return member
