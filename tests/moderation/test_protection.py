"""Protecting terms on the site: the form, the notice, unprotecting; all logged."""

import pytest

from moderation import policy
from moderation.models import Action, Level, LogEntry, Protection
from tests.factories import make_term

pytestmark = pytest.mark.django_db


def test_a_moderator_protects_and_unprotects_a_term_on_the_site(moderator_client):
    term = make_term("Alpha")
    page = moderator_client.get("/moderation/terms/alpha/protect/")
    assert page.status_code == 200 and "Protect “Alpha”" in page.content.decode()
    response = moderator_client.post(
        "/moderation/terms/alpha/protect/",
        {"level": "moderators", "reason": "Edit war", "duration": "1w"},
    )
    assert response.status_code == 302 and response["Location"] == "/terms/alpha/"
    protection = Protection.objects.get(term=term)
    assert protection.level == Level.MODERATORS and protection.expires_at is not None
    entry = LogEntry.objects.get(action=Action.PROTECT)
    assert entry.before == {"protected": False}
    assert entry.after["level"] == "moderators" and entry.reason == "Edit war"
    response = moderator_client.post("/moderation/terms/alpha/unprotect/", {"reason": "Calm now"})
    assert response.status_code == 302 and not Protection.objects.exists()
    entry = LogEntry.objects.get(action=Action.UNPROTECT)
    assert entry.before["level"] == "moderators" and entry.after == {"protected": False}


def test_protecting_needs_a_reason_and_a_level(moderator_client):
    make_term("Alpha")
    response = moderator_client.post("/moderation/terms/alpha/protect/", {"level": "trusted"})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    response = moderator_client.post(
        "/moderation/terms/alpha/protect/", {"level": "everyone", "reason": "x"}
    )
    assert response.status_code == 200 and not Protection.objects.exists()


def test_members_cannot_protect(member_client, client):
    make_term("Alpha")
    assert member_client.get("/moderation/terms/alpha/protect/").status_code == 403
    response = member_client.post(
        "/moderation/terms/alpha/protect/", {"level": "trusted", "reason": "mine"}
    )
    assert response.status_code == 403 and not Protection.objects.exists()
    client.logout()
    assert client.get("/moderation/terms/alpha/protect/").status_code == 302


def test_changing_a_protection_logs_before_and_after(moderator_client, moderator):
    term = make_term("Alpha")
    for level in ("trusted", "moderators"):
        moderator_client.post(
            "/moderation/terms/alpha/protect/", {"level": level, "reason": f"{level} only"}
        )
    assert Protection.objects.count() == 1
    last = LogEntry.objects.filter(action=Action.PROTECT).first()
    assert last.before["level"] == "trusted" and last.after["level"] == "moderators"
    assert policy.protection_for(type(term).objects.get(pk=term.pk)).level == "moderators"
