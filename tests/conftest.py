import pytest
from django.test import override_settings

IMMEDIATE_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}


@pytest.fixture(autouse=True, scope="session")
def _immediate_tasks():
    """Tests run background tasks at once, in the test (a test that needs a real queue
    overrides ``TASKS`` again)."""
    with override_settings(TASKS=IMMEDIATE_TASKS):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache: rate-limit counters (moderation.ratelimit) and
    cached previews from one test must not refuse or answer another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A response in another language leaves that language active in the test's thread
    (LocaleMiddleware does not reset it); every test starts in English."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def member(db):
    from tests.factories import make_user

    return make_user("alice")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client
