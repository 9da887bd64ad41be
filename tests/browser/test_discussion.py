"""Two members talk about a term in Chromium: one follows it, the other comments, the first
sees the unread count, opens the notification and replies without a reload, the second sees
the reply, and a comment is promoted into the term's text. The same flow with JavaScript off.
"""

import re

import pytest

from discussion.models import Comment, Promotion
from tests.browser.conftest import screenshot
from tests.factories import make_comment, make_term, make_user

pytestmark = pytest.mark.browser

PASSWORD = "correct horse 42"


def _member(browser, live_server, username: str, *, javascript: bool = True, width: int = 1280):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": 900},
        java_script_enabled=javascript,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    page.errors = errors
    return page


def _mark(page) -> None:
    """Something only this very document has: gone if the page reloads."""
    page.evaluate("document.documentElement.dataset.marked = 'yes'")


def _still_marked(page) -> bool:
    return page.evaluate("document.documentElement.dataset.marked") == "yes"


@pytest.fixture
def members(transactional_db):
    make_user("alice", display_name="Alice")
    make_user("bob", display_name="Bob")
    return make_term("Tacit knowledge", body="What we know but cannot say.", category="Practice")


def test_follow_comment_notify_reply_promote(browser, live_server, members):
    alice = _member(browser, live_server, "alice")
    bob = _member(browser, live_server, "bob")

    # 1. Alice follows the term (htmx swaps the button; the page stays).
    alice.goto("/terms/tacit-knowledge/")
    _mark(alice)
    alice.get_by_role("button", name="Follow").click()
    alice.get_by_role("button", name="Unfollow").wait_for()
    assert _still_marked(alice)

    # 2. Bob comments, without a reload.
    bob.goto("/terms/tacit-knowledge/")
    _mark(bob)
    bob.get_by_label("Add a comment").fill("It is learned by **doing**, not by reading.")
    bob.get_by_role("button", name="Post comment").click()
    bob.locator(".comment-body strong", has_text="doing").wait_for()
    assert _still_marked(bob)
    assert bob.get_by_label("Add a comment").input_value() == ""
    assert bob.locator("#comment-count").inner_text() == "1 comment"

    # 3. Alice sees the unread count, opens the notification, replies without a reload.
    alice.goto("/")
    link = alice.locator(".notifications-link")
    assert link.locator(".badge").inner_text() == "1"
    link.click()
    alice.get_by_role("button", name=re.compile("Bob commented on")).click()
    alice.wait_for_url(re.compile(r"/terms/tacit-knowledge/#comment-\d+$"))
    assert alice.locator(".notifications-link .badge").count() == 0
    _mark(alice)
    comment = Comment.objects.get()
    box = alice.locator(f"#comment-{comment.pk}-box")
    box.get_by_role("link", name="Reply").click()
    reply_box = alice.get_by_label("Your reply to Bob")
    reply_box.wait_for()
    assert reply_box.evaluate("el => el === document.activeElement")
    reply_box.fill("And by watching someone who knows.")
    alice.get_by_role("button", name="Post reply").click()
    alice.locator(f"#replies-{comment.pk} .comment-body", has_text="watching").wait_for()
    assert _still_marked(alice)
    assert alice.get_by_label("Your reply to Bob").count() == 0
    screenshot(alice, "discussion-thread")

    # 4. Bob sees the reply, and hears of it.
    bob.reload()
    assert bob.locator(f"#replies-{comment.pk}", has_text="watching").is_visible()
    assert bob.locator(".notifications-link .badge").inner_text() == "1"

    # 5. Alice adds Bob's comment to the term; the comment shows the revision.
    box.get_by_role("link", name="Add to the term").click()
    alice.wait_for_url(f"**/comments/{comment.pk}/promote/")
    body = alice.locator("textarea[name=body]").input_value()
    assert "> It is learned by **doing**, not by reading." in body and "— [Bob]" in body
    assert alice.get_by_label("Edit summary").input_value() == (
        "From the discussion: comment by Bob"
    )
    alice.get_by_role("button", name="Save changes").click()
    alice.wait_for_url(re.compile(r"/terms/tacit-knowledge/#comment-\d+$"))
    promoted = alice.locator(f"#comment-{comment.pk}-box .comment-promoted")
    assert promoted.inner_text() == "Added to the term in revision 2"
    assert alice.locator(".prose blockquote", has_text="learned by doing").is_visible()
    assert Promotion.objects.get().revision.number == 2
    assert alice.locator(".experts", has_text="Bob").is_visible()
    screenshot(alice, "discussion-promoted")
    assert not alice.errors and not bob.errors


def test_the_same_flow_without_javascript(browser, live_server, members):
    alice = _member(browser, live_server, "alice", javascript=False)
    bob = _member(browser, live_server, "bob", javascript=False)
    alice.goto("/terms/tacit-knowledge/")
    alice.get_by_role("button", name="Follow").click()
    alice.get_by_role("button", name="Unfollow").wait_for()

    bob.goto("/terms/tacit-knowledge/")
    bob.get_by_label("Add a comment").fill("Without scripts.")
    bob.get_by_role("button", name="Post comment").click()
    bob.wait_for_url(re.compile(r"#comment-\d+$"))
    assert "Your comment is posted." in bob.locator(".messages").inner_text()

    alice.goto("/notifications/")
    alice.get_by_role("button", name=re.compile("Bob commented on")).click()
    alice.wait_for_url(re.compile(r"#comment-\d+$"))
    alice.get_by_role("link", name="Reply").click()
    alice.wait_for_url("**/reply/")
    alice.get_by_label("Your reply to Bob").fill("A reply, posted the old way.")
    alice.get_by_role("button", name="Post reply").click()
    alice.wait_for_url(re.compile(r"/terms/tacit-knowledge/#comment-\d+$"))
    assert alice.locator(".comment-replies", has_text="the old way").is_visible()

    bob.reload()
    assert bob.locator(".comment-replies", has_text="the old way").is_visible()
    comment = Comment.objects.get(parent=None)
    bob.locator(f"#comment-{comment.pk}-box").get_by_role("link", name="Add to the term").click()
    bob.get_by_role("button", name="Save changes").click()
    bob.wait_for_url(re.compile(r"#comment-\d+$"))
    assert bob.locator(".comment-promoted").inner_text() == "Added to the term in revision 2"


def test_term_page_on_a_phone(browser, live_server, members):
    term = members
    carol = make_user("carol", display_name="Carol with a rather long display name")
    top = make_comment(term, author=carol, body="A first thought, with a [[Link]].")
    reply = make_comment(term, body="A reply.", parent=top)
    deeper = make_comment(term, body="Deeper.", parent=reply)
    make_comment(term, body="Deeper still: listed beside its parent.", parent=deeper)
    phone = _member(browser, live_server, "alice", width=375)
    phone.goto("/terms/tacit-knowledge/#discussion")
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    assert not overflow
    screenshot(phone, "discussion-phone")


def test_edit_delete_and_report_without_a_reload(browser, live_server, members):
    term = members
    alice_comment = make_comment(term, author=make_user("carol"), body="Carol's point.")
    page = _member(browser, live_server, "alice")
    page.goto("/terms/tacit-knowledge/")
    page.get_by_label("Add a comment").fill("My first wording.")
    page.get_by_role("button", name="Post comment").click()
    mine = page.locator(".comment-box", has_text="My first wording.")
    mine.wait_for()
    _mark(page)

    mine.get_by_role("link", name="Edit").click()
    page.get_by_label("Edit your comment").fill("My second wording.")
    page.get_by_role("button", name="Save").click()
    edited = page.locator(".comment-box", has_text="My second wording.")
    edited.wait_for()
    assert edited.locator(".comment-edited").is_visible()

    edited.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete").click()
    page.locator(".comment-placeholder", has_text="deleted by its author").wait_for()

    carol = page.locator(f"#comment-{alice_comment.pk}-box")
    carol.get_by_role("link", name="Report").click()
    page.get_by_label("What is wrong with it?").fill("Off topic.")
    page.get_by_role("button", name="Send report").click()
    carol.get_by_text("the moderators will look at it").wait_for()
    assert _still_marked(page)
    assert not page.errors
