"""Site-wide promises: no pending migrations, settings that hold for real use."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db
def test_no_pending_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


def test_custom_user_model():
    from django.conf import settings

    assert settings.AUTH_USER_MODEL == "accounts.User"


@pytest.mark.django_db
def test_sqlite_runs_in_wal_with_immediate_transactions(settings):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only setting")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]


@pytest.mark.django_db
def test_nul_in_query_parameters_is_dropped_not_a_500(client):
    from tests.factories import make_term

    make_term("Alpha", category="Cat", tags=("t",))
    for url in ("/terms/?category=%00", "/terms/?tag=c%00at&difficulty=%00"):
        assert client.get(url).status_code == 200, url
    assert client.get("/members/%00/").status_code == 400
    assert client.get("/terms/?category=c%00at").content.decode().count("Alpha") >= 1


def test_pages_carry_a_content_security_policy(client, db):
    csp = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
