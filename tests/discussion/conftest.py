import pytest
from django.core.cache import cache
from django.test import Client


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


class CsrfClient(Client):
    """A client that checks CSRF like a browser's server would, and can post with the token
    a page gave it (``post``) or without one (``post_without_token``)."""

    def __init__(self, **kwargs):
        super().__init__(enforce_csrf_checks=True, **kwargs)

    def token(self) -> str:
        if "csrftoken" not in self.cookies:
            self.get("/login/")  # a page with a form sets the cookie for anyone
            if "csrftoken" not in self.cookies:
                self.get("/notifications/settings/")
        return self.cookies["csrftoken"].value

    def post(self, path, data=None, **extra):
        data = {**(data or {}), "csrfmiddlewaretoken": self.token()}
        return super().post(path, data, **extra)

    def post_without_token(self, path, data=None, **extra):
        return super().post(path, data or {}, **extra)


@pytest.fixture
def browser_client():
    return CsrfClient()


@pytest.fixture
def htmx():
    """Headers that make a request look like htmx's."""
    return {"HTTP_HX_REQUEST": "true"}
