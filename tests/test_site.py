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
