"""Every rate limit answers 429, says when to retry, keeps what was typed, and lets the member
in again once its window has passed. Moderators are exempt."""

import pytest
from django.core import mail

from discussion import services as discussion
from moderation import ratelimit
from tests.factories import make_term, make_user
from wiki.models import Revision

from .conftest import make_moderator

pytestmark = pytest.mark.django_db


class Clock:
    """Moves ``moderation.ratelimit.now`` by hand."""

    def __init__(self, monkeypatch, start: float = 1_800_000_000.0):
        self.t = start
        monkeypatch.setattr(ratelimit, "now", lambda: self.t)

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def tight(settings):
    settings.MODERATION_RATE_LIMITS = {
        action: (2, 5)
        for action in ("signup", "password_reset", "edit", "comment", "report", "preview")
    }


def edit(client, term, n):
    term.refresh_from_db()
    return client.post(
        "/terms/alpha/edit/",
        {
            "title": "Alpha",
            "body": f"Version {n}",
            "summary": "",
            "base_number": term.revision_number,
        },
    )


def test_edits_per_minute_answer_429_keep_the_text_and_recover(member_client, clock, tight):
    term = make_term("Alpha")
    assert edit(member_client, term, 1).status_code == 302
    assert edit(member_client, term, 2).status_code == 302
    refused = edit(member_client, term, 3)
    html = refused.content.decode()
    assert refused.status_code == 429
    assert "at most 2 per minute" in html and "Try again in" in html
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "Version 3" in html and 'name="body"' in html  # the member's text, to send again
    assert 'name="base_number"' in html and 'action="/terms/alpha/edit/"' in html
    assert Revision.objects.filter(term=term).count() == 3
    clock.advance(61)
    assert edit(member_client, term, 3).status_code == 302


def test_edits_per_hour(member_client, clock, tight):
    term = make_term("Alpha")
    for n in range(5):
        assert edit(member_client, term, n).status_code == 302
        clock.advance(61)
    refused = edit(member_client, term, 99)
    assert refused.status_code == 429 and "per hour" in refused.content.decode()
    clock.advance(3600)
    assert edit(member_client, term, 99).status_code == 302


def test_moderators_are_exempt(client, clock, tight):
    term = make_term("Alpha")
    client.force_login(make_moderator())
    for n in range(6):
        assert edit(client, term, n).status_code == 302


def test_comments_per_member(member_client, clock, tight):
    make_term("Alpha")
    for n in range(2):
        assert member_client.post("/terms/alpha/comments/", {"body": f"c{n}"}).status_code == 302
    refused = member_client.post("/terms/alpha/comments/", {"body": "my third comment"})
    assert refused.status_code == 429 and "my third comment" in refused.content.decode()
    clock.advance(60)
    assert member_client.post("/terms/alpha/comments/", {"body": "c3"}).status_code == 302


def test_reports_per_member(member_client, clock, tight):
    term = make_term("Alpha", author=make_user("bob"))
    comments = [
        discussion.comment_create(term=term, author=make_user(f"u{n}"), body=f"x{n}", parent=None)
        for n in range(3)
    ]
    for comment in comments[:2]:
        response = member_client.post(f"/comments/{comment.pk}/report/", {"reason": "rude"})
        assert response.status_code == 302
    refused = member_client.post(f"/comments/{comments[2].pk}/report/", {"reason": "rude"})
    assert refused.status_code == 429
    clock.advance(60)
    response = member_client.post(f"/comments/{comments[2].pk}/report/", {"reason": "rude"})
    assert response.status_code == 302


def test_previews_per_member_and_a_repeated_preview_is_free(member_client, clock, tight):
    for n in range(2):
        response = member_client.post("/markdownx/markdownify/", {"content": f"*p{n}*"})
        assert response.status_code == 200 and f"<em>p{n}</em>" in response.content.decode()
    # The same text again comes from the cache: no render, no count.
    for _ in range(5):
        assert member_client.post("/markdownx/markdownify/", {"content": "*p0*"}).status_code == 200
    refused = member_client.post("/markdownx/markdownify/", {"content": "*new*"})
    assert refused.status_code == 429 and "Too many previews" in refused.content.decode()
    clock.advance(60)
    assert member_client.post("/markdownx/markdownify/", {"content": "*new*"}).status_code == 200


def test_a_cached_preview_is_not_rendered_again(member_client, monkeypatch):
    calls = []
    real = ratelimit.preview_response

    def counting_render(request, content, render):
        return real(request, content, lambda text: calls.append(text) or render(text))

    monkeypatch.setattr("moderation.ratelimit.preview_response", counting_render)
    for _ in range(3):
        member_client.post("/markdownx/markdownify/", {"content": "# Same"})
    assert calls == ["# Same"]


def signup(client, n, ip="198.51.100.7"):
    data = {
        "username": f"new{n}",
        "email": f"new{n}@example.org",
        "password1": "a long enough passphrase",
        "password2": "a long enough passphrase",
    }
    response = client.post("/signup/", data, REMOTE_ADDR=ip)
    client.logout()
    return response


def test_signups_per_ip(client, clock, tight):
    assert signup(client, 1).status_code == 302
    assert signup(client, 2).status_code == 302
    refused = signup(client, 3)
    assert refused.status_code == 429 and "sign-ups from your network" in refused.content.decode()
    assert "passphrase" not in refused.content.decode()  # passwords are never echoed
    assert signup(client, 3, ip="198.51.100.8").status_code == 302  # another address
    clock.advance(60)
    assert signup(client, 4).status_code == 302


def test_password_reset_mail_per_address_and_per_ip(
    client, clock, tight, django_capture_on_commit_callbacks
):
    make_user("alice", email="alice@example.org")

    def reset(email, ip):
        with django_capture_on_commit_callbacks(execute=True):  # the mail is sent by a task
            return client.post("/password/reset/", {"email": email}, REMOTE_ADDR=ip)

    for n in range(2):
        assert reset("alice@example.org", f"192.0.2.{n}").status_code == 302
    # A third request for that address, from yet another network: refused all the same.
    assert reset("ALICE@example.org", "192.0.2.9").status_code == 429
    assert len(mail.outbox) == 2
    # Per network, whatever the address.
    for n in range(2):
        reset(f"x{n}@example.org", "192.0.2.50")
    assert reset("y@example.org", "192.0.2.50").status_code == 429
    clock.advance(60)
    assert reset("alice@example.org", "192.0.2.9").status_code == 302
    assert len(mail.outbox) == 3


# -- Logins (django-axes) --------------------------------------------------------------------


def login(client, password, username="alice", ip="203.0.113.5"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_failed_logins_lock_out_and_the_right_password_then_does_not_get_in(client, settings):
    from axes.models import AccessAttempt

    make_user("alice")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "wrong").status_code == 200
    locked = login(client, "wrong")
    assert locked.status_code == 429 and "Too many failed log-ins" in locked.content.decode()
    # The correct password is refused too while locked out, from this and any other address.
    assert login(client, "correct horse 42").status_code == 429
    assert login(client, "correct horse 42", ip="198.51.100.99").status_code == 429
    assert "_auth_user_id" not in client.session
    # After the cool-off the member gets in.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time - settings.AXES_COOLOFF_TIME
    )
    assert login(client, "correct horse 42", ip="198.51.100.99").status_code == 302


def test_failed_logins_are_counted_per_ip_across_usernames(client, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, "wrong", username=f"guess{n}")
    make_user("alice")
    assert login(client, "correct horse 42").status_code == 429
    assert login(client, "correct horse 42", ip="198.51.100.1").status_code == 302
