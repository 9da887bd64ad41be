"""A moderator hides a comment on the site, in Chromium: the public no longer sees it, and the
moderator still does, with the reason."""

import re

import pytest

from discussion import services as discussion
from discussion.models import Comment
from moderation.models import Action, LogEntry
from tests.browser.conftest import screenshot
from tests.factories import make_term, make_user
from tests.moderation.conftest import make_moderator

pytestmark = pytest.mark.browser


def _log_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct horse 42")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))


def test_a_moderator_hides_a_comment_and_the_public_no_longer_sees_it(page, browser):
    term = make_term("Alpha", body="A term worth discussing.", author=make_user("writer"))
    troll = make_user("troll")
    discussion.comment_create(
        term=term, author=troll, body="Everyone here is an idiot.", parent=None
    )
    discussion.comment_create(
        term=term, author=make_user("kind"), body="A helpful remark.", parent=None
    )
    make_moderator("mod")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    _log_in(page, "mod")
    page.goto("/terms/alpha/")
    rude = page.locator(".comment-box", has_text="Everyone here is an idiot.")
    rude.get_by_role("link", name="Hide").click()
    page.wait_for_url("**/moderation/comments/*/hide/")
    page.get_by_label("Reason").fill("Personal attack on other members")
    screenshot(page, "moderation-hide-confirm")
    page.get_by_role("button", name="Hide").click()
    page.wait_for_url(re.compile(r"/terms/alpha/"))

    # The moderator still sees it, marked hidden, with the reason; and can unhide it.
    page.locator(".comment-hidden-notice", has_text="Personal attack on other members").wait_for()
    assert page.get_by_text("Everyone here is an idiot.").is_visible()
    assert page.locator(".comment-hidden-notice").get_by_role("button", name="Unhide").is_visible()
    screenshot(page, "moderation-hidden-as-moderator")

    # A reader (another browser context, not logged in) no longer sees it; the rest stays.
    reader = browser.new_context(base_url=page.base_url)
    public = reader.new_page()
    public.goto("/terms/alpha/")
    assert public.get_by_text("A helpful remark.").is_visible()
    assert public.get_by_text("Everyone here is an idiot.").count() == 0
    assert public.get_by_text("Personal attack").count() == 0
    assert public.get_by_text("hidden by a moderator").is_visible()
    screenshot(public, "moderation-hidden-as-reader")
    reader.close()

    comment = Comment.objects.get(body="Everyone here is an idiot.")
    assert comment.hidden_at is not None and comment.hidden_reason.startswith("Personal attack")
    assert LogEntry.objects.filter(action=Action.HIDE, target_id=str(comment.pk)).exists()
    assert errors == []
