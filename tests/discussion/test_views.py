"""The discussion's pages without JavaScript (form POST, then a redirect to the comment's
anchor) and with htmx (fragments), and who may do what. Every state change is a POST with
CSRF: the client here checks tokens as the real server does."""

import pytest
from django.urls import reverse

from discussion import services
from discussion.models import Comment, CommentVersion, Follow, Notification, Promotion, Report
from tests.factories import make_comment, make_term, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def term():
    return make_term("Tacit knowledge", body="What we know but cannot say.")


@pytest.fixture
def alice(browser_client):
    user = make_user("alice")
    browser_client.force_login(user)
    return user


def _html(response) -> str:
    return response.content.decode()


# -- Reading ------------------------------------------------------------------------------


def test_anonymous_readers_read_the_discussion_but_get_no_forms(client, term):
    make_comment(term, author=make_user("bob"), body="Hello **there**")
    html = _html(client.get(term.get_absolute_url()))
    assert "<strong>there</strong>" in html
    assert 'id="comment-form"' not in html and "to join the discussion" in html
    assert "1 comment" in html
    assert 'rel="alternate" type="application/atom+xml"' in html


def test_anonymous_cannot_post(browser_client, term):
    response = browser_client.post(
        reverse("discussion:comment_create", args=[term.slug]), {"body": "Drive-by"}
    )
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Comment.objects.exists()
    for name in ("comment_edit", "comment_delete", "comment_reply", "comment_report"):
        comment = make_comment(term)
        response = browser_client.get(reverse(f"discussion:{name}", args=[comment.pk]))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_replies_nest_three_levels_and_say_whom_they_answer(client, term):
    bob, carol = make_user("bob"), make_user("carol")
    top = make_comment(term, author=bob, body="one")
    second = make_comment(term, author=carol, body="two", parent=top)
    third = make_comment(term, author=bob, body="three", parent=second)
    fourth = make_comment(term, author=carol, body="four", parent=third)
    html = _html(client.get(term.get_absolute_url()))
    assert f'id="replies-{top.pk}"' in html and f'id="replies-{second.pk}"' in html
    assert f'id="replies-{third.pk}"' not in html  # the third level has no nested list
    assert f'class="comment comment-level-2" id="comment-{fourth.pk}"' in html
    assert f'in reply to <a href="#comment-{third.pk}">bob</a>' in html


# -- Without JavaScript ---------------------------------------------------------------------


def test_post_reply_edit_delete_without_javascript(browser_client, alice, term):
    url = reverse("discussion:comment_create", args=[term.slug])
    response = browser_client.post(url, {"body": "First!"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/terms/tacit-knowledge/#comment-{comment.pk}"

    response = browser_client.get(reverse("discussion:comment_reply", args=[comment.pk]))
    assert response.status_code == 200 and 'name="parent"' in _html(response)
    response = browser_client.post(url, {"body": "Replying to myself", "parent": comment.pk})
    reply = Comment.objects.get(parent=comment)
    assert response["Location"].endswith(f"#comment-{reply.pk}")

    edit = reverse("discussion:comment_edit", args=[comment.pk])
    assert "First!" in _html(browser_client.get(edit))
    response = browser_client.post(edit, {"body": "First, edited."})
    assert response.status_code == 302 and response["Location"].endswith(comment.anchor)
    comment.refresh_from_db()
    assert comment.body == "First, edited." and comment.edited_at
    assert CommentVersion.objects.get().body == "First!"

    delete = reverse("discussion:comment_delete", args=[comment.pk])
    assert "Delete this comment?" in _html(browser_client.get(delete))
    assert not Comment.objects.get(pk=comment.pk).is_deleted  # GET only confirms
    response = browser_client.post(delete)
    assert response.status_code == 302
    html = _html(browser_client.get(response["Location"]))
    assert "deleted by its author" in html and "Replying to myself" in html


def test_the_edited_mark_links_to_earlier_versions(client, term):
    comment = make_comment(term, body="Old words")
    services.comment_edit(comment=comment, body="New words")
    html = _html(client.get(term.get_absolute_url()))
    versions = reverse("discussion:comment_versions", args=[comment.pk])
    assert f'href="{versions}">edited' in html
    assert "Old words" in _html(client.get(versions))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "The comment is empty"),
        ("   ", "The comment is empty"),
        ("y" * 20_001, "the limit is 20,000"),
    ],
)
def test_bad_comments_get_a_clear_error_and_nothing_is_saved(
    browser_client, alice, term, body, message
):
    url = reverse("discussion:comment_create", args=[term.slug])
    response = browser_client.post(url, {"body": body})
    assert response.status_code == 422
    assert message in _html(response)
    assert not Comment.objects.exists()


def test_reply_to_a_comment_on_another_term_is_a_form_error(browser_client, alice, term):
    elsewhere = make_comment(make_term("Elsewhere"))
    url = reverse("discussion:comment_create", args=[term.slug])
    response = browser_client.post(url, {"body": "Hi", "parent": elsewhere.pk})
    assert response.status_code == 422
    assert "only reply to a comment on this term" in _html(response)
    response = browser_client.post(url, {"body": "Hi", "parent": 10**12})
    assert response.status_code == 422 and "no longer exists" in _html(response)
    response = browser_client.post(url, {"body": "Hi", "parent": "x"})
    assert response.status_code == 422
    assert Comment.objects.count() == 1


# -- With htmx ------------------------------------------------------------------------------


def test_htmx_post_answers_the_new_comment_and_a_fresh_form(browser_client, alice, term, htmx):
    url = reverse("discussion:comment_create", args=[term.slug])
    response = browser_client.post(url, {"body": "Via htmx"}, **htmx)
    comment = Comment.objects.get()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#comment-list" and response["HX-Reswap"] == "beforeend"
    html = _html(response)
    assert f'<li class="comment comment-level-0" id="comment-{comment.pk}">' in html
    assert 'id="comment-form" hx-post' in html and 'hx-swap-oob="true"' in html
    assert ">1 comment<" in html

    response = browser_client.post(url, {"body": "Reply", "parent": comment.pk}, **htmx)
    assert response["HX-Retarget"] == f"#replies-{comment.pk}"
    assert f'id="comment-{comment.pk}-slot" hx-swap-oob="true"' in _html(response)


def test_htmx_errors_come_back_as_the_form(browser_client, alice, term, htmx):
    url = reverse("discussion:comment_create", args=[term.slug])
    response = browser_client.post(url, {"body": " "}, **htmx)
    assert response.status_code == 422
    html = _html(response)
    assert html.lstrip().startswith("<form") and "The comment is empty" in html
    assert "<html" not in html


def test_htmx_edit_and_delete_swap_the_comment_box(browser_client, alice, term, htmx):
    comment = make_comment(term, author=alice, body="Before")
    edit = reverse("discussion:comment_edit", args=[comment.pk])
    fragment = _html(browser_client.get(edit, **htmx))
    assert fragment.lstrip().startswith("<form") and "autofocus" in fragment
    response = browser_client.post(edit, {"body": "After"}, **htmx)
    assert response["HX-Retarget"] == f"#comment-{comment.pk}-box"
    assert "After" in _html(response) and "edited" in _html(response)
    delete = reverse("discussion:comment_delete", args=[comment.pk])
    response = browser_client.post(delete, **htmx)
    assert "deleted by its author" in _html(response)


# -- Permissions and CSRF -------------------------------------------------------------------


def test_only_the_author_edits_or_deletes(browser_client, alice, term):
    theirs = make_comment(term, author=make_user("bob"), body="Bob's")
    for name in ("comment_edit", "comment_delete"):
        url = reverse(f"discussion:{name}", args=[theirs.pk])
        assert browser_client.get(url).status_code == 403
        assert browser_client.post(url, {"body": "Hijacked"}).status_code == 403
    theirs.refresh_from_db()
    assert theirs.body == "Bob's" and not theirs.is_deleted
    html = _html(browser_client.get(term.get_absolute_url()))
    assert reverse("discussion:comment_edit", args=[theirs.pk]) not in html
    mine = make_comment(term, author=alice)
    html = _html(browser_client.get(term.get_absolute_url()))
    assert reverse("discussion:comment_edit", args=[mine.pk]) in html


def test_every_state_change_needs_post_and_csrf(browser_client, alice, term):
    comment = make_comment(term, author=alice)
    other = make_comment(term, author=make_user("bob"))
    Notification.objects.all().delete()
    notification = Notification.objects.create(
        recipient=alice, term=term, kind="comment", comment=other
    )
    posts = [
        (reverse("discussion:comment_create", args=[term.slug]), {"body": "x"}),
        (reverse("discussion:comment_edit", args=[comment.pk]), {"body": "y"}),
        (reverse("discussion:comment_delete", args=[comment.pk]), {}),
        (reverse("discussion:comment_report", args=[other.pk]), {"reason": "spam"}),
        (reverse("discussion:revision_report", args=[term.slug, 1]), {"reason": "spam"}),
        (reverse("discussion:term_follow", args=[term.slug]), {}),
        (reverse("discussion:term_unfollow", args=[term.slug]), {}),
        (reverse("discussion:notifications_read"), {}),
        (reverse("discussion:notification_open", args=[notification.pk]), {}),
        (reverse("discussion:notification_settings"), {"email_notifications": "on"}),
        (reverse("discussion:comment_promote", args=[other.pk]), {"title": "x"}),
    ]
    follows = Follow.objects.count()
    for url, data in posts:
        assert browser_client.post_without_token(url, data).status_code == 403, url
    assert Comment.objects.count() == 2 and not Report.objects.exists()
    assert Follow.objects.count() == follows
    assert Notification.objects.get().read_at is None
    for name in ("term_follow", "term_unfollow", "comment_create"):
        url = reverse(f"discussion:{name}", args=[term.slug])
        assert browser_client.get(url).status_code == 405
    assert browser_client.get(reverse("discussion:notifications_read")).status_code == 405


# -- Following and notifications ---------------------------------------------------------------


def test_follow_button_with_and_without_htmx(browser_client, alice, term, htmx):
    assert "Follow</button>" in _html(browser_client.get(term.get_absolute_url()))
    response = browser_client.post(reverse("discussion:term_follow", args=[term.slug]))
    assert response.status_code == 302 and Follow.objects.filter(user=alice).exists()
    assert "Unfollow</button>" in _html(browser_client.get(term.get_absolute_url()))
    response = browser_client.post(reverse("discussion:term_unfollow", args=[term.slug]), **htmx)
    assert "Follow</button>" in _html(response) and "<html" not in _html(response)
    assert not Follow.objects.filter(user=alice).exists()


def test_notifications_list_open_and_mark_read(browser_client, alice, term):
    services.follow_term(user=alice, term=term)
    other_term = make_term("Other")
    services.follow_term(user=alice, term=other_term)
    bob = make_user("bob")
    comment = make_comment(term, author=bob, body="Hi Alice")
    make_comment(other_term, author=bob)
    header = _html(browser_client.get("/"))
    assert '<span class="badge">2</span><span class="visually-hidden"> unread</span>' in header

    html = _html(browser_client.get(reverse("discussion:notification_list")))
    assert "bob commented on “Tacit knowledge”" in html
    assert html.count('class="notification-group"') == 2

    first = Notification.objects.get(comment=comment)
    response = browser_client.post(reverse("discussion:notification_open", args=[first.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("discussion:comment_detail", args=[comment.pk])
    assert browser_client.get(response["Location"])["Location"].endswith(comment.anchor)
    first.refresh_from_db()
    assert first.read_at is not None
    browser_client.post(reverse("discussion:notifications_read"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert 'class="badge"' not in _html(browser_client.get("/"))


def test_someone_elses_notification_cannot_be_opened(browser_client, alice, term):
    bob = make_user("bob")
    theirs = Notification.objects.create(recipient=bob, term=term, kind="edit")
    response = browser_client.post(reverse("discussion:notification_open", args=[theirs.pk]))
    assert response.status_code == 404


def test_settings_page_saves_choices(browser_client, alice):
    url = reverse("discussion:notification_settings")
    assert "Follow terms I comment on" in _html(browser_client.get(url))
    browser_client.post(url, {"follow_on_edit": "on"})
    settings = services.settings_for(alice)
    assert settings.follow_on_edit and not settings.follow_on_comment
    assert not settings.email_notifications


# -- Reports --------------------------------------------------------------------------------


def test_report_a_comment_and_a_revision(browser_client, alice, term, htmx):
    comment = make_comment(term, author=make_user("bob"))
    url = reverse("discussion:comment_report", args=[comment.pk])
    response = browser_client.post(url, {"reason": ""})
    assert response.status_code == 422 and "a reason is required" in _html(response)
    response = browser_client.post(url, {"reason": "Off topic"}, **htmx)
    assert "moderators will look" in _html(response)
    report = Report.objects.get()
    assert (report.reporter, report.comment, report.reason) == (alice, comment, "Off topic")

    url = reverse("discussion:revision_report", args=[term.slug, 1])
    assert "Report revision 1" in _html(browser_client.get(url))
    response = browser_client.post(url, {"reason": "Vandalism"})
    assert response.status_code == 302
    assert Report.objects.filter(revision=term.current_revision).exists()
    assert (
        browser_client.get(reverse("discussion:revision_report", args=[term.slug, 99])).status_code
        == 404
    )


# -- Promote ------------------------------------------------------------------------------------


def test_promote_opens_the_editor_with_the_comment_quoted(browser_client, alice, term):
    bob = make_user("bob", display_name="Bob B.")
    comment = make_comment(term, author=bob, body="It is *learned* by doing.\nAnd by watching.")
    url = reverse("discussion:comment_promote", args=[comment.pk])
    response = browser_client.get(url)
    form = response.context["form"]
    body = form.initial["body"]
    assert body.startswith("What we know but cannot say.\n\n> It is *learned* by doing.\n")
    assert "> And by watching.\n>\n> — [Bob B.](/members/bob/)" in body
    assert form.initial["summary"] == "From the discussion: comment by Bob B."
    assert f'action="{url}"' in _html(response)

    data = {**form.initial, "tags": "", "related": "", "body": body + "\nReshaped."}
    response = browser_client.post(url, {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 302, _html(response)
    promotion = Promotion.objects.get()
    assert promotion.revision.number == 2 and promotion.promoted_by == alice
    assert promotion.revision.summary == "From the discussion: comment by Bob B."
    html = _html(browser_client.get(term.get_absolute_url()))
    diff = reverse("wiki:term_diff", args=[term.slug]) + "?from=1&amp;to=2"
    assert f'Added to the term in <a href="{diff}">revision 2</a>' in html
    assert "Add to the term</a>" not in html.split(comment.anchor)[1].split("</article>")[0]
    assert Notification.objects.filter(recipient=bob, kind="promoted").exists()


def test_anonymous_cannot_promote(client, term):
    comment = make_comment(term)
    response = client.get(reverse("discussion:comment_promote", args=[comment.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


# -- Pages around it ----------------------------------------------------------------------------


def test_profile_shows_expertise_and_comments(client, term):
    bob = make_user("bob")
    tagged = make_term("Craft", category="Practice", tags=("learning",), author=bob)
    make_comment(tagged, author=bob, body="My *own* note")
    html = _html(client.get(bob.get_absolute_url()))
    assert "Knows about" in html and "Practice" in html and "#learning" in html
    assert "My <em>own</em> note" in html


def test_listings_show_comment_counts(client, term):
    make_comment(term)
    make_comment(term)
    assert "2 comments</a>" in _html(client.get(reverse("wiki:term_list")))


def test_odd_addresses_get_a_4xx_never_a_500(browser_client, alice, term):
    huge = 10**20
    for url in (
        f"/comments/{huge}/",
        f"/comments/{huge}/reply/",
        f"/comments/{huge}/edit/",
        "/terms/no-such-term/discussion/feed/",
        f"/terms/{term.slug}/revisions/{huge}/report/",
    ):
        assert browser_client.get(url).status_code == 404, url
    assert browser_client.post(f"/notifications/{huge}/open/").status_code == 404
    assert browser_client.post("/terms/no-such-term/comments/", {"body": "x"}).status_code == 404
    for query in ("?comments=abc", "?comments=-1", "?comments=99999999999999999999"):
        assert browser_client.get(term.get_absolute_url() + query).status_code == 200
    for query in ("?page=abc", "?kind=%00", "?category=" + "x" * 500):
        assert browser_client.get("/recent/" + query).status_code == 200
    response = browser_client.post("/notifications/read/", {"term": "9" * 30})
    assert response.status_code == 302


def test_an_htmx_request_after_the_session_ended_goes_to_the_login_page(client, term, htmx):
    comment = make_comment(term)
    response = client.get(
        reverse("discussion:comment_reply", args=[comment.pk]),
        HTTP_HX_CURRENT_URL=f"http://testserver{term.get_absolute_url()}",
        **htmx,
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/login/?next=/terms/tacit-knowledge/"


def test_commenting_is_rate_limited_and_the_text_is_kept(browser_client, alice, term, settings):
    settings.MODERATION_RATE_LIMITS = {"comment": (2, 10)}
    url = reverse("discussion:comment_create", args=[term.slug])
    for i in range(2):
        assert browser_client.post(url, {"body": f"Quick {i}"}).status_code == 302
    response = browser_client.post(url, {"body": "One too many"})
    assert response.status_code == 429 and "One too many" in _html(response)
    assert Comment.objects.count() == 2
