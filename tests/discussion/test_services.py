"""The discussion's write path: comments, follows, reports, promotions and the ranking."""

import pytest

from discussion import services
from discussion.exceptions import DiscussionError
from discussion.models import (
    Comment,
    CommentVersion,
    Contributor,
    Follow,
    MemberSettings,
    Notification,
    NotificationKind,
    Promotion,
    Report,
)
from discussion.services.experts import score, text_shares
from tests.factories import edit_term, make_comment, make_term, make_user
from wiki.content import TermData
from wiki.models import Revision

pytestmark = pytest.mark.django_db(transaction=True)  # tasks run after real commits


@pytest.fixture
def term():
    return make_term("Tacit knowledge", body="What we know but cannot say.")


def test_comment_is_rendered_and_stored_at_save_time(term):
    comment = make_comment(term, body="See [[Tacit knowledge]] and *this*.")
    assert "<em>this</em>" in comment.body_html
    assert 'class="wikilink"' in comment.body_html
    assert comment.renderer_version > 0
    assert comment.depth == 0 and comment.root_id is None


def test_comment_html_is_sanitised(term):
    comment = make_comment(term, body="<script>alert(1)</script> [x](javascript:alert(1))")
    assert "<script" not in comment.body_html
    assert 'href="javascript' not in comment.body_html


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "empty"), ("   \n\n ", "empty"), ("x" * 20_001, "20,000")],
)
def test_bad_bodies_are_refused_and_nothing_is_saved(term, body, message):
    with pytest.raises(DiscussionError, match=message) as error:
        make_comment(term, body=body)
    assert error.value.field == "body"
    assert not Comment.objects.exists()


def test_a_comment_of_exactly_the_limit_is_accepted(term):
    assert make_comment(term, body="x" * 20_000).pk


def test_reply_to_a_comment_on_another_term_is_refused(term):
    other = make_comment(make_term("Other"))
    with pytest.raises(DiscussionError, match="this term") as error:
        make_comment(term, parent=other)
    assert error.value.field == "parent"
    assert Comment.objects.count() == 1


def test_replies_nest_three_levels_then_stay_beside_their_parent(term):
    top = make_comment(term)
    second = make_comment(term, parent=top)
    third = make_comment(term, parent=second)
    fourth = make_comment(term, parent=third)
    fifth = make_comment(term, parent=fourth)
    assert [c.depth for c in (top, second, third, fourth, fifth)] == [0, 1, 2, 3, 4]
    assert [c.level for c in (top, second, third, fourth, fifth)] == [0, 1, 2, 2, 2]
    assert third.display_parent_id == second.pk
    assert fourth.display_parent_id == second.pk and fourth.beyond_last_level
    assert fifth.display_parent_id == second.pk
    assert {c.root_id for c in (second, third, fourth, fifth)} == {top.pk}


def test_edit_keeps_the_earlier_version_and_marks_it_edited(term):
    comment = make_comment(term, body="First thought.")
    services.comment_edit(comment=comment, body="Second thought.")
    comment.refresh_from_db()
    assert comment.body == "Second thought." and "Second" in comment.body_html
    assert comment.edited_at is not None
    [version] = CommentVersion.objects.filter(comment=comment)
    assert version.body == "First thought." and version.written_at == comment.created_at


def test_edit_with_the_same_text_writes_no_version(term):
    comment = make_comment(term, body="Same.")
    services.comment_edit(comment=comment, body="Same.")
    assert not CommentVersion.objects.exists()
    comment.refresh_from_db()
    assert comment.edited_at is None


def test_edit_to_an_empty_text_is_refused(term):
    comment = make_comment(term, body="Keep me.")
    with pytest.raises(DiscussionError):
        services.comment_edit(comment=comment, body="  ")
    comment.refresh_from_db()
    assert comment.body == "Keep me." and not CommentVersion.objects.exists()


def test_delete_keeps_the_row_and_the_replies(term):
    comment = make_comment(term, body="Regrettable.")
    reply = make_comment(term, parent=comment)
    services.comment_delete(comment=comment)
    comment.refresh_from_db()
    assert comment.is_deleted and comment.body == "" and comment.body_html == ""
    assert Comment.objects.filter(pk=reply.pk).exists()
    assert CommentVersion.objects.get(comment=comment).body == "Regrettable."
    with pytest.raises(DiscussionError):
        services.comment_edit(comment=comment, body="Back again")


def test_reply_to_a_deleted_comment_is_refused(term):
    comment = make_comment(term)
    services.comment_delete(comment=comment)
    with pytest.raises(DiscussionError, match="removed"):
        make_comment(term, parent=Comment.objects.get(pk=comment.pk))


def test_commenting_and_editing_follow_by_default(term):
    commenter, editor = make_user(), make_user()
    make_comment(term, author=commenter)
    edit_term(term, author=editor, body="Changed.")
    assert set(Follow.objects.values_list("user", flat=True)) == {commenter.pk, editor.pk}


def test_settings_turn_automatic_following_off(term):
    member = make_user()
    services.member_settings_update(
        user=member, follow_on_edit=False, follow_on_comment=False, email_notifications=False
    )
    make_comment(term, author=member)
    edit_term(term, author=member, body="Changed.")
    assert not Follow.objects.exists()


def test_follow_and_unfollow_are_idempotent(term):
    member = make_user()
    assert services.follow_term(user=member, term=term)
    assert not services.follow_term(user=member, term=term)
    assert services.unfollow_term(user=member, term=term)
    assert not services.unfollow_term(user=member, term=term)


def test_report_needs_a_reason_and_one_open_report_per_member(term):
    comment = make_comment(term)
    reporter = make_user()
    with pytest.raises(DiscussionError, match="reason is required"):
        services.report_create(reporter=reporter, reason="  ", comment=comment)
    report = services.report_create(reporter=reporter, reason="Spam.", comment=comment)
    assert (report.reporter, report.comment, report.status) == (reporter, comment, "open")
    with pytest.raises(DiscussionError, match="already reported"):
        services.report_create(reporter=reporter, reason="Again", comment=comment)
    revision = term.current_revision
    assert services.report_create(reporter=reporter, reason="Vandalism", revision=revision)
    assert Report.objects.count() == 2


def _promote(term, comment, promoter, extra="\n\nPromoted text."):
    term.refresh_from_db()
    data = TermData.of(term.current_revision).replace(body=term.body + extra)
    return services.comment_promote(
        comment=comment,
        author=promoter,
        data=data,
        summary="From the discussion",
        base_number=term.revision_number,
    )


def test_promote_saves_a_revision_and_records_it(term):
    author, promoter = make_user("writer"), make_user("gardener")
    comment = make_comment(term, author=author, body="Promoted text.")
    result = _promote(term, comment, promoter, extra="\n\n> Promoted text.")
    promotion = Promotion.objects.get(comment=comment)
    assert promotion.revision == result.revision and promotion.revision.number == 2
    assert promotion.revision.author == promoter
    # The comment's author gets credit for the lines that came from the comment.
    assert text_shares(term.pk)[author.pk] > 0
    with pytest.raises(DiscussionError, match="already"):
        _promote(term, comment, promoter, extra="\n\nMore.")


def test_promote_without_a_change_saves_nothing(term):
    comment = make_comment(term)
    with pytest.raises(DiscussionError, match="Nothing changed"):
        _promote(term, comment, make_user(), extra="")
    assert not Promotion.objects.exists()
    assert Revision.objects.filter(term=term).count() == 1


def test_notifications_go_to_followers_other_than_the_actor(term):
    follower, commenter, replier = make_user(), make_user(), make_user()
    services.follow_term(user=follower, term=term)
    comment = make_comment(term, author=commenter)
    assert list(Notification.objects.values_list("recipient", "kind")) == [
        (follower.pk, NotificationKind.COMMENT)
    ]
    make_comment(term, author=replier, parent=comment)
    kinds = dict(Notification.objects.filter(actor=replier).values_list("recipient", "kind"))
    assert kinds == {follower.pk: NotificationKind.COMMENT, commenter.pk: NotificationKind.REPLY}


def test_edit_and_promotion_notifications(term):
    follower, author, promoter = make_user(), make_user(), make_user()
    services.follow_term(user=follower, term=term)
    comment = make_comment(term, author=author, body="Good point.")
    Notification.objects.all().delete()
    _promote(term, comment, promoter)
    rows = set(Notification.objects.values_list("recipient", "kind"))
    # The comment's author hears "added your comment", not also "edited".
    assert rows == {
        (follower.pk, NotificationKind.EDIT),
        (author.pk, NotificationKind.PROMOTED),
    }


def test_a_retried_notification_task_writes_nothing_twice(term):
    follower = make_user()
    services.follow_term(user=follower, term=term)
    comment = make_comment(term)
    assert services.notify_comment(comment_id=comment.pk) == []
    assert Notification.objects.count() == 1


def test_mark_read_by_term_and_all(term):
    member = make_user()
    services.follow_term(user=member, term=term)
    other = make_term("Other")
    services.follow_term(user=member, term=other)
    make_comment(term)
    make_comment(other)
    assert services.notifications_mark_read(user=member, term_id=term.pk) == 1
    assert services.notifications_mark_read(user=member) == 1
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_email_goes_only_to_members_who_asked(term, mailoutbox):
    quiet, keen = make_user(), make_user(email="keen@example.org")
    MemberSettings.objects.create(user=keen, email_notifications=True)
    for member in (quiet, keen):
        services.follow_term(user=member, term=term)
    make_comment(term, body="Hello")
    assert [m.to for m in mailoutbox] == [["keen@example.org"]]
    assert "Tacit knowledge" in mailoutbox[0].body


def test_who_knows_this_ranks_writers_above_commenters(term):
    writer, talker = make_user("writer"), make_user("talker")
    edit_term(term, author=writer, body="A long text.\n\nWith two paragraphs.")
    for _ in range(3):
        make_comment(term, author=talker)
    ranking = list(Contributor.objects.filter(term=term).order_by("-score"))
    assert [c.user for c in ranking] == [writer, talker]
    assert ranking[0].text_share == pytest.approx(1.0)
    assert ranking[0].score == score(text_share=1.0, edits=1, promoted=0, comments=0)
    assert ranking[1].score == 3.0


def test_text_share_follows_the_lines_each_member_wrote(term):
    first, second = make_user(), make_user()
    edit_term(term, author=first, body="one\ntwo\nthree\nfour")
    edit_term(term, author=second, body="one\ntwo\nTHREE\nfour")
    shares = text_shares(term.pk)
    assert shares[first.pk] == pytest.approx(0.75)
    assert shares[second.pk] == pytest.approx(0.25)


def test_a_promoted_comments_author_outranks_the_member_who_pressed_the_button(term):
    author, promoter = make_user("writer"), make_user("gardener")
    comment = make_comment(term, author=author, body="Learned by doing.\nAnd by watching.")
    quote = (
        "\n\n> Learned by doing.\n> And by watching.\n>\n"
        f"> — [writer](/members/writer/), [in the discussion](/comments/{comment.pk}/)"
    )
    _promote(term, comment, promoter, extra=quote)
    ranking = list(Contributor.objects.filter(term=term).order_by("-score"))
    assert [c.user for c in ranking] == [author, promoter]
    assert ranking[0].text_share == pytest.approx(0.75)  # 3 of 4 lines; 1 is the seed's
    assert ranking[0].promoted == 1 and ranking[1].edits == 1


def test_a_bulk_import_queues_one_re_ranking_task_for_all_its_terms(
    monkeypatch, django_capture_on_commit_callbacks
):
    from discussion import tasks
    from wiki.services.imports import SeedDoc, term_import_batch

    queued = []
    monkeypatch.setattr(tasks, "enqueue_on_commit", lambda task, *args: queued.append((task, args)))
    docs = [SeedDoc(name=f"{n}.md", data=TermData(title=f"Term {n}", body="Text.")) for n in "abc"]
    with django_capture_on_commit_callbacks(execute=True):
        term_import_batch(docs=docs)
    ids = sorted(Revision.objects.values_list("term_id", flat=True))
    assert [(task.func.__name__, args) for task, args in queued] == [
        ("contributors_refresh_many", (ids, True))
    ]
