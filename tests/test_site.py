"""Site-wide promises: no pending migrations, settings that hold for real use."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_pending_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


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


# -- Defect 3: the site's own 404 page under DEBUG -----------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/no-such-page/", "/terms/no-such-term/history/"])
def test_debug_shows_the_sites_own_404_page_which_the_csp_allows(client, settings, url):
    settings.DEBUG = True
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert "Using the URLconf" not in html and "<style" not in html  # not the technical page
    assert "style-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_debug_keeps_a_views_own_404_and_the_slash_redirect(client, settings):
    settings.DEBUG = True
    missing = client.get("/terms/not-written-yet/")
    assert missing.status_code == 404
    assert "has not been written yet" in missing.content.decode()
    assert client.get("/terms").status_code == 301


# -- Defect 10: each log line once, no traceback for a 4xx ---------------------------------


@pytest.fixture
def console_log(settings):
    """What the console handler of ``settings.LOGGING`` prints, with DEBUG on (where
    Django's own "django" handler used to print every line a second time)."""
    import logging

    settings.DEBUG = True
    stream = StringIO()
    consoles = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    assert len(consoles) == 1
    old = consoles[0].setStream(stream)
    try:
        yield stream
    finally:
        consoles[0].setStream(old)


@pytest.mark.django_db
def test_a_403_and_a_404_are_logged_once_without_a_traceback(client, console_log):
    from tests.factories import make_user

    make_user("bob")
    client.force_login(make_user("carol"))
    assert client.get("/members/bob/edit/").status_code == 403
    assert client.get("/no-such-page/").status_code == 404
    lines = console_log.getvalue().splitlines()
    assert lines == [
        "Forbidden (Permission denied): /members/bob/edit/",
        "Not Found: /no-such-page/",
    ]


def test_a_server_error_keeps_its_traceback(console_log):
    import logging

    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        logging.getLogger("django.request").error(
            "Internal Server Error: /x/", exc_info=error, extra={"status_code": 500}
        )
    text = console_log.getvalue()
    assert text.count("Internal Server Error: /x/") == 1
    assert "Traceback" in text and "RuntimeError: boom" in text


def test_the_benchmarks_still_import():
    """``make bench`` is not part of ``make test``; this keeps it from rotting when code moves."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/bench", "--collect-only", "-q", "-p", "no:xdist"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
