"""Deployment: production settings fail closed, and ``check --deploy`` is clean with the
README's production environment (each run in a subprocess, as a server would start)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import make_term

ROOT = Path(__file__).resolve().parents[2]

# The README's production environment (section "Deploying").
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-key-" + "x7Q2" * 12,
    "ALLOWED_HOSTS": "wiki.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://wiki.example.org",
    "SECURE_SSL": "1",
    "TRUST_PROXY": "1",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "0",
    "DATABASE_URL": "postgres://commonplace@127.0.0.1:5432/commonplace",
    "MODERATION_PROXY_COUNT": "1",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "TASKS_BACKEND": "rq",
}
# What a server's environment would not have: ours, and the test run's own (the browser
# tests allow Django's async-unsafe calls, which check --deploy rightly refuses).
OURS = {
    "DEBUG",
    "SECRET_KEY",
    "REQUIRE_SECRET_KEY",
    "TRUST_PROXY",
    "SECURE_SSL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    """A fresh interpreter on ``config.settings`` with ``env`` over a clean environment."""
    base = {k: v for k, v in os.environ.items() if k not in OURS and not k.startswith("SECURE_")}
    base |= {"DJANGO_SETTINGS_MODULE": "config.settings", "TASKS_BACKEND": "immediate"}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRINT_SETTING = "import django; django.setup(); from django.conf import settings; print({})"


def test_the_app_refuses_to_start_on_the_development_key_with_debug_off():
    for entry in ("import config.wsgi", "import config.asgi"):
        done = run(["-c", entry], DEBUG="0")
        assert done.returncode != 0, entry
        assert "SECRET_KEY is not set" in done.stderr
    done = run(["manage.py", "check"])  # DEBUG unset means off
    assert done.returncode != 0 and "SECRET_KEY is not set" in done.stderr


def test_local_development_and_a_real_key_still_start():
    assert run(["-c", "import config.wsgi"], DEBUG="1").returncode == 0
    assert run(["-c", "import config.wsgi"], DEBUG="0", SECRET_KEY="k" * 60).returncode == 0


def test_check_deploy_reports_nothing_with_the_readme_production_environment():
    done = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_check_deploy_warns_until_the_hsts_choices_are_made():
    undecided = {k: v for k, v in PRODUCTION.items() if not k.startswith("SECURE_HSTS_")}
    done = run(["manage.py", "check", "--deploy"], **undecided)
    assert "security.W005" in done.stderr + done.stdout
    assert "security.W021" in done.stderr + done.stdout


def test_forwarded_proto_is_trusted_only_when_trust_proxy_says_so():
    setting = PRINT_SETTING.format("settings.SECURE_PROXY_SSL_HEADER")
    assert run(["-c", setting], **(PRODUCTION | {"TRUST_PROXY": "0"})).stdout.strip() == "None"
    trusted = run(["-c", setting], **PRODUCTION).stdout.strip()
    assert trusted == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_a_client_saying_https_is_not_believed_by_default(client, db):
    assert getattr(settings, "SECURE_PROXY_SSL_HEADER", None) is None
    response = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert response.wsgi_request.is_secure() is False


@pytest.mark.django_db
def test_the_admin_has_the_content_security_policy(client):
    csp = client.get("/admin/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "'unsafe-inline'" not in csp


@pytest.mark.django_db
def test_the_editor_is_never_kept_by_a_shared_cache(member_client):
    make_term("Alpha")
    for url in ("/terms/alpha/edit/", "/terms/new/"):
        response = member_client.get(url)
        assert response.status_code == 200
        assert "private" in response["Cache-Control"], url
