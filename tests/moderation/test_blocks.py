"""Blocks: a blocked member reads and logs in, and is refused every write, with the reason."""

from datetime import timedelta

import pytest
from django.utils import timezone

from discussion import services as discussion
from discussion.models import Comment, Report
from moderation import services
from moderation.models import Action, Block, LogEntry
from tests.factories import make_term, make_user
from wiki.models import Term

pytestmark = pytest.mark.django_db


@pytest.fixture
def term(db):
    return make_term("Alpha", body="Text.", author=make_user("alice"))


def test_a_blocked_member_still_reads_and_logs_in(client, blocked, term):
    response = client.post("/login/", {"username": "blocky", "password": "correct horse 42"})
    assert response.status_code == 302
    assert client.get("/terms/alpha/").status_code == 200
    assert client.get("/terms/alpha/history/").status_code == 200


def test_a_blocked_member_is_refused_everywhere_the_block_applies(blocked_client, blocked, term):
    comment = discussion.comment_create(term=term, author=make_user("carl"), body="Hi", parent=None)
    refused = {
        "create": blocked_client.post("/terms/new/", {"title": "Spam", "body": "spam"}),
        "create page": blocked_client.get("/terms/new/"),
        "edit page": blocked_client.get("/terms/alpha/edit/"),
        "edit": blocked_client.post(
            "/terms/alpha/edit/", {"title": "Alpha", "body": "spam", "base_number": 1}
        ),
        "revert": blocked_client.post("/terms/alpha/revisions/1/revert/"),
        "preview": blocked_client.post("/markdownx/markdownify/", {"content": "*x*"}),
        "profile": blocked_client.post(
            "/members/blocky/edit/", {"display_name": "Spammer", "bio": ""}
        ),
        "comment": blocked_client.post("/terms/alpha/comments/", {"body": "spam"}),
        "reply": blocked_client.post(f"/comments/{comment.pk}/reply/", {"body": "spam"}),
        "report": blocked_client.post(f"/comments/{comment.pk}/report/", {"reason": "x"}),
        "report revision": blocked_client.post("/terms/alpha/revisions/1/report/", {"reason": "x"}),
        "promote": blocked_client.post(f"/comments/{comment.pk}/promote/"),
    }
    for what, response in refused.items():
        assert response.status_code == 403, what
    assert not Term.objects.filter(slug="spam").exists()
    assert Term.objects.get(pk=term.pk).revision_number == 1
    assert Comment.objects.count() == 1 and not Report.objects.exists()
    blocked.refresh_from_db()
    assert blocked.display_name == ""


def test_the_blocked_member_sees_why_and_until_when(client, moderator, term):
    bob = make_user("bob")
    until = timezone.now() + timedelta(days=2)
    services.member_block(member=bob, moderator=moderator, reason="Link spam", expires_at=until)
    client.force_login(bob)
    for url in ("/terms/alpha/edit/", "/members/bob/edit/"):
        html = client.get(url).content.decode()
        assert "Your account is blocked until" in html and "Link spam" in html, url
        assert until.strftime("%Y") in html


def test_a_block_expires_on_time(client, moderator, term):
    bob = make_user("bob")
    services.member_block(
        member=bob,
        moderator=moderator,
        reason="Cool off",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    client.force_login(bob)
    assert client.get("/terms/alpha/edit/").status_code == 403
    Block.objects.filter(user=bob).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/terms/alpha/edit/").status_code == 200


def test_blocking_and_unblocking_on_the_site_are_logged(moderator_client, term):
    bob = make_user("bob")
    page = moderator_client.get("/moderation/blocks/new/?member=bob")
    assert page.status_code == 200 and 'value="bob"' in page.content.decode()
    response = moderator_client.post(
        "/moderation/blocks/new/", {"member": "bob", "reason": "Spam", "duration": "1d"}
    )
    assert response.status_code == 302
    block = Block.objects.get(user=bob)
    assert block.expires_at is not None
    listing = moderator_client.get("/moderation/blocks/").content.decode()
    assert "bob" in listing and "Spam" in listing
    moderator_client.post(f"/moderation/blocks/{block.pk}/lift/", {"reason": "Apologised"})
    block.refresh_from_db()
    assert block.lifted_at is not None and not block.is_active
    actions = list(LogEntry.objects.order_by("pk").values_list("action", "reason"))
    assert actions == [(Action.BLOCK, "Spam"), (Action.UNBLOCK, "Apologised")]


def test_block_form_needs_exactly_one_target_and_a_known_member(moderator_client):
    for data, message in (
        ({"reason": "x"}, "either a member or an IP range"),
        ({"member": "nobody", "reason": "x"}, "no member called"),
        ({"ip_range": "not-an-ip", "reason": "x"}, "not an IP address"),
        ({"ip_range": "10.0.0.0/8", "reason": "x"}, "too wide"),
    ):
        response = moderator_client.post("/moderation/blocks/new/", data)
        assert response.status_code == 200 and message in response.content.decode(), data
    assert not Block.objects.exists()


def test_an_ip_range_block_stops_sign_ups_from_it_but_not_logging_in(client, moderator):
    services.ip_block(ip_range="203.0.113.0/24", moderator=moderator, reason="Spam farm")
    make_user("alice")
    signup = {
        "username": "newbie",
        "email": "n@example.org",
        "password1": "a long enough passphrase",
        "password2": "a long enough passphrase",
    }
    response = client.post("/signup/", signup, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403 and "Spam farm" in response.content.decode()
    response = client.post(
        "/password/reset/", {"email": "alice@example.org"}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 403
    response = client.post(
        "/login/", {"username": "alice", "password": "correct horse 42"}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 302
    client.logout()
    assert client.post("/signup/", signup, REMOTE_ADDR="198.51.100.1").status_code == 302


def test_moderators_cannot_be_blocked_by_moderators(moderator_client):
    from .conftest import make_moderator

    make_moderator("other")
    response = moderator_client.post("/moderation/blocks/new/", {"member": "other", "reason": "x"})
    assert response.status_code == 200 and "cannot block" in response.content.decode()
    assert not Block.objects.exists()
