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


# -- Through the editor ----------------------------------------------------------------------


def form_data(term, **changes) -> dict:
    from wiki.content import TermData

    term.refresh_from_db()
    data = TermData.of(term.current_revision)
    fields = {
        "title": data.title,
        "category": data.category,
        "difficulty": data.difficulty,
        "tags": ", ".join(data.tags),
        "related": ", ".join(data.related),
        "body": data.body,
        "summary": "",
        "base_number": term.revision_number,
    }
    return {**fields, **changes}


def test_a_protected_term_refuses_a_member_below_the_level_and_says_why(
    client, moderator, settings
):
    from moderation import services
    from tests.factories import make_user

    from .conftest import make_trusted

    settings.MODERATION_TRUSTED_MIN_EDITS = 2
    term = make_term("Alpha", body="Original.")
    services.term_protect(
        term=term, moderator=moderator, level=Level.TRUSTED, reason="Target of an edit war"
    )
    client.force_login(make_user("newbie"))
    page = client.get("/terms/alpha/edit/")
    html = page.content.decode()
    assert page.status_code == 403
    assert "only trusted members" in html and "Target of an edit war" in html
    response = client.post("/terms/alpha/edit/", form_data(term, body="Newbie text."))
    assert response.status_code == 403
    term.refresh_from_db()
    assert term.body == "Original." and term.revision_number == 1
    # The term page tells readers too.
    assert "Target of an edit war" in client.get("/terms/alpha/").content.decode()
    # A trusted member and a moderator may edit.
    client.force_login(make_trusted("tina", edits=2))
    editor = client.get("/terms/alpha/edit/").content.decode()
    assert "This term is protected" in editor and "You may edit it" in editor
    client.post("/terms/alpha/edit/", form_data(term, body="Trusted text."))
    client.force_login(moderator)
    response = client.post("/terms/alpha/edit/", form_data(term, body="Moderator text."))
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.body == "Moderator text." and term.revision_number == 3


def test_moderators_only_refuses_trusted_members_too(client, moderator, settings):
    from moderation import services

    from .conftest import make_trusted

    settings.MODERATION_TRUSTED_MIN_EDITS = 1
    term = make_term("Alpha", body="Original.")
    services.term_protect(term=term, moderator=moderator, level=Level.MODERATORS, reason="Legal")
    client.force_login(make_trusted("tina", edits=1))
    response = client.post("/terms/alpha/edit/", form_data(term, body="x"))
    assert response.status_code == 403 and "only moderators may edit" in response.content.decode()
    assert client.post("/terms/alpha/revisions/1/revert/").status_code == 403


def test_under_review_the_editor_says_the_change_waits_and_readers_see_the_old_text(
    client, moderator
):
    from moderation import services
    from moderation.models import PendingChange
    from tests.factories import make_user

    term = make_term("Alpha", body="Original.")
    services.term_protect(
        term=term, moderator=moderator, level=Level.TRUSTED, review=True, reason="New topic"
    )
    client.force_login(make_user("newbie"))
    editor = client.get("/terms/alpha/edit/").content.decode()
    assert "Your change will wait for review" in editor
    response = client.post(
        "/terms/alpha/edit/", form_data(term, body="Newbie text.", summary="clarify"), follow=True
    )
    html = response.content.decode()
    assert "Your change waits for review" in html and "Newbie text." not in html
    change = PendingChange.objects.get()
    assert change.body == "Newbie text." and change.base_number == 1 and change.summary == "clarify"
    editor = client.get("/terms/alpha/edit/").content.decode()
    assert "You have 1 change to this term waiting for review" in editor
    assert f"/moderation/pending/{change.pk}/" in editor
    client.logout()
    assert "Newbie text." not in client.get("/terms/alpha/").content.decode()
    client.force_login(moderator)
    client.post(f"/moderation/pending/{change.pk}/", {"decision": "accept", "note": "ok"})
    assert "Newbie text." in client.get("/terms/alpha/").content.decode()
