import pytest


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
