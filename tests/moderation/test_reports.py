"""The report queue with the content inline; resolving, dismissing; hiding and unhiding."""

from types import SimpleNamespace

import pytest

from discussion import services as discussion
from discussion.models import Comment, ReportStatus
from moderation.models import Action, LogEntry
from moderation.services import comments as hiding
from tests.factories import edit_term, make_term, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(db):
    term = make_term("Alpha", body="One.\n", author=make_user("writer"))
    troll = make_user("troll")
    edit_term(term, author=troll, body="One.\nNonsense line.\n")
    comment = discussion.comment_create(
        term=term, author=troll, body="You are all **wrong**", parent=None
    )
    reporter = make_user("rita")
    by_comment = discussion.report_create(reporter=reporter, reason="Insulting", comment=comment)
    by_revision = discussion.report_create(
        reporter=reporter, reason="Vandalism", revision=term.revisions.get(number=2)
    )
    return SimpleNamespace(
        term=term, comment=comment, by_comment=by_comment, by_revision=by_revision
    )


def test_the_queue_shows_reported_content_inline(
    moderator_client, reported, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        page = moderator_client.get("/moderation/reports/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "You are all <strong>wrong</strong>" in html  # the comment, as rendered
    assert "Nonsense line." in html  # the revision's diff
    assert "Insulting" in html and "Vandalism" in html


def test_resolving_and_dismissing_need_a_note_and_are_logged(moderator_client, moderator, reported):
    by_comment, by_revision = reported.by_comment, reported.by_revision
    response = moderator_client.post(
        f"/moderation/reports/{by_comment.pk}/close/", {"outcome": "resolve"}
    )
    assert response.status_code == 302
    by_comment.refresh_from_db()
    assert by_comment.status == ReportStatus.OPEN
    moderator_client.post(
        f"/moderation/reports/{by_comment.pk}/close/", {"outcome": "resolve", "note": "Hid it"}
    )
    moderator_client.post(
        f"/moderation/reports/{by_revision.pk}/close/", {"outcome": "dismiss", "note": "Fine"}
    )
    by_comment.refresh_from_db(), by_revision.refresh_from_db()
    assert by_comment.status == ReportStatus.RESOLVED and by_comment.resolved_by == moderator
    assert by_revision.status == ReportStatus.DISMISSED and by_revision.resolution_note == "Fine"
    assert list(LogEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        Action.RESOLVE,
        Action.DISMISS,
    ]
    closed = moderator_client.get("/moderation/reports/?status=resolved").content.decode()
    assert "Hid it" in closed
    assert "No open reports" in moderator_client.get("/moderation/reports/").content.decode()


def test_hiding_a_comment_hides_it_from_the_public_only(client, moderator, reported):
    comment = reported.comment
    hiding.comment_hide(comment=comment, moderator=moderator, reason="Personal attack")
    public = client.get("/terms/alpha/").content.decode()
    assert "You are all" not in public and "hidden by a moderator" in public
    client.force_login(make_user("reader"))
    assert "You are all" not in client.get("/terms/alpha/").content.decode()
    client.force_login(moderator)
    html = client.get("/terms/alpha/").content.decode()
    assert "You are all" in html and "Personal attack" in html
    comment.refresh_from_db()
    assert comment.hidden_by == moderator and comment.hidden_reason == "Personal attack"
    entry = LogEntry.objects.get(action=Action.HIDE)
    assert entry.before["hidden"] is False and entry.after["reason"] == "Personal attack"


def test_hide_and_unhide_on_the_site(moderator_client, reported):
    comment = reported.comment
    page = moderator_client.get(f"/moderation/comments/{comment.pk}/hide/")
    assert page.status_code == 200 and "Hide this comment?" in page.content.decode()
    response = moderator_client.post(f"/moderation/comments/{comment.pk}/hide/", {"reason": "Rude"})
    assert response.status_code == 302
    assert Comment.objects.get(pk=comment.pk).hidden_at is not None
    response = moderator_client.post(
        f"/moderation/comments/{comment.pk}/unhide/", {"reason": "Reconsidered"}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.hidden_at is None and comment.hidden_reason == ""
    assert list(LogEntry.objects.order_by("pk").values_list("action", "reason")) == [
        (Action.HIDE, "Rude"),
        (Action.UNHIDE, "Reconsidered"),
    ]


def test_hiding_needs_a_reason_and_a_moderator(client, moderator, reported):
    comment = reported.comment
    client.force_login(make_user("bob"))
    response = client.post(f"/moderation/comments/{comment.pk}/hide/", {"reason": "x"})
    assert response.status_code == 403
    client.force_login(moderator)
    response = client.post(f"/moderation/comments/{comment.pk}/hide/", {"reason": " "})
    assert response.status_code == 200
    assert Comment.objects.get(pk=comment.pk).hidden_at is None


@pytest.mark.parametrize("n", [1, 12])
def test_the_queue_query_count_does_not_grow(moderator_client, n, django_assert_num_queries):
    term = make_term("Alpha", body="One.\n", author=make_user("writer"))
    for i in range(n):
        author = make_user(f"author{i}")
        edit_term(term, author=author, body=f"One.\nLine {i}.\n")
        comment = discussion.comment_create(term=term, author=author, body=f"c{i}", parent=None)
        reporter = make_user(f"reporter{i}")
        discussion.report_create(reporter=reporter, reason="x", comment=comment)
        discussion.report_create(
            reporter=reporter, reason="y", revision=term.revisions.get(number=i + 2)
        )
    moderator_client.get("/moderation/reports/")  # warm the session and the user
    with django_assert_num_queries(QUEUE_QUERIES):
        page = moderator_client.get("/moderation/reports/")
    assert page.content.decode().count('class="card mod-report"') == min(2 * n, 20)


QUEUE_QUERIES = 7
