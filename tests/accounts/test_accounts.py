"""Sign-up, log in and out, passwords, profiles and who may change them."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from moderation.policy import can_edit_profile, can_edit_term, can_edit_terms
from tests.factories import edit_term, make_term, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()


def h1_count(html: str) -> int:
    return len(re.findall(r"<h1[\s>]", html))


def signup(client, **overrides):
    data = {
        "username": "newbie",
        "email": "newbie@example.org",
        "password1": "a long enough passphrase",
        "password2": "a long enough passphrase",
    }
    data.update(overrides)
    return client.post("/signup/", data)


# -- Sign up -------------------------------------------------------------------------------


def test_signup_creates_member_logs_in_and_follows_next(client):
    response = signup(client, next="/terms/new/?title=Foam")
    assert response.status_code == 302 and response["Location"] == "/terms/new/?title=Foam"
    user = User.objects.get(username="newbie")
    assert user.email == "newbie@example.org" and user.check_password("a long enough passphrase")
    assert client.get("/terms/new/").status_code == 200  # logged in


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password1": "12345678", "password2": "12345678"}, "too common"),
        ({"password2": "something else"}, "match"),
        ({"username": "bad name!"}, "Enter a valid username"),
        ({"username": "ALICE"}, "already exists"),
        ({"email": "not-an-email"}, "valid email"),
    ],
)
def test_signup_refuses_bad_input_and_keeps_it(client, member, overrides, message):
    response = signup(client, **overrides)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'aria-invalid="true"' in html
    assert not User.objects.filter(username="newbie").exists()


@pytest.mark.parametrize(
    "evil", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_next_never_leaves_the_site(client, evil):
    response = signup(client, next=evil)
    assert response["Location"] == "/"
    client.logout()
    make_user("bob")
    response = client.post(
        "/login/", {"username": "bob", "password": "correct horse 42", "next": evil}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_signup_and_login_pages_have_one_h1_and_labels(client):
    for url in ("/signup/", "/login/", "/password/reset/"):
        html = client.get(url).content.decode()
        assert h1_count(html) == 1, url
        for field_id in re.findall(r'<input[^>]+id="(id_[a-z0-9_]+)"', html):
            assert f'for="{field_id}"' in html, (url, field_id)


# -- Log in, log out, passwords ------------------------------------------------------------


def test_login_follows_safe_next(client, member):
    response = client.post(
        "/login/",
        {"username": "alice", "password": "correct horse 42", "next": "/terms/x/edit/"},
    )
    assert response["Location"] == "/terms/x/edit/"


def test_wrong_password_is_refused(client, member):
    response = client.post("/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_logout_is_post_only(member_client):
    response = member_client.get("/logout/")
    assert response.status_code == 200 and "Log out?" in response.content.decode()
    assert member_client.get("/terms/new/").status_code == 200
    response = member_client.post("/logout/")
    assert response.status_code == 302
    assert member_client.get("/terms/new/").status_code == 302


def test_user_nav_offers_the_right_links(client, member):
    html = client.get("/").content.decode()
    assert 'href="/signup/?next=/"' in html and 'href="/login/?next=/"' in html
    client.force_login(member)
    html = client.get("/").content.decode()
    assert 'href="/members/alice/"' in html
    assert re.search(r'<form method="post" action="/logout/"', html)
    assert "Sign up" not in html


def test_password_change(member_client, member):
    response = member_client.post(
        "/password/change/",
        {
            "old_password": "correct horse 42",
            "new_password1": "another good passphrase",
            "new_password2": "another good passphrase",
        },
    )
    assert response["Location"] == "/password/change/done/"
    member.refresh_from_db()
    assert member.check_password("another good passphrase")


def test_password_reset_by_email(client, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the mail is sent by a task
        response = client.post("/password/reset/", {"email": "alice@example.org"})
    assert response["Location"] == "/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"] and "password" in message.subject
    link = re.search(r"http://testserver(/password/reset/\S+/)", message.body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(
        form_url,
        {"new_password1": "fresh passphrase 99", "new_password2": "fresh passphrase 99"},
    )
    assert response["Location"] == "/password/reset/done/"
    member.refresh_from_db()
    assert member.check_password("fresh passphrase 99")


def test_password_reset_for_unknown_email_says_the_same(client):
    response = client.post("/password/reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/password/reset/sent/" and not mail.outbox


# -- Profiles ------------------------------------------------------------------------------


def test_profile_shows_name_bio_join_date_and_contributions(client, member):
    member.display_name = "Alice A."
    member.save()
    client.force_login(member)
    client.post(
        "/members/alice/edit/", {"display_name": "Alice A.", "bio": "I like **terms**.\n# No"}
    )
    term = make_term("Alpha", body="x", author=member, summary="Started it")
    edit_term(term, body="y", author=member, summary="Improved <it>")
    client.logout()
    response = client.get("/members/alice/")
    html = response.content.decode()
    assert response.status_code == 200 and h1_count(html) == 1
    assert "Alice A." in html and "@alice" in html and "Member since" in html
    assert "<strong>terms</strong>" in html and "<h1>No" not in html
    assert "Started it" in html and "Improved &lt;it&gt;" in html
    assert 'href="/terms/alpha/revisions/2/"' in html
    assert "Edit profile" not in html


def test_profile_of_unknown_member_is_404(client):
    assert client.get("/members/nobody/").status_code == 404


@pytest.mark.parametrize("n", [1, 60])
def test_profile_query_count_does_not_grow(client, member, django_assert_max_num_queries, n):
    for i in range(n):
        make_term(f"Term {i}", author=member, summary=f"edit {i}")
    # 3, and the discussion's 3: the categories and the tags they know, their latest comments.
    with django_assert_max_num_queries(6):
        response = client.get("/members/alice/")
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == 1 + min(n, 25)


def test_member_edits_own_profile_only(client, member):
    make_user("bob")
    client.force_login(member)
    assert client.get("/members/bob/edit/").status_code == 403
    response = client.post("/members/bob/edit/", {"display_name": "Hacked", "bio": ""})
    assert response.status_code == 403
    assert User.objects.get(username="bob").display_name == ""
    response = client.post("/members/alice/edit/", {"display_name": " Al  ", "bio": "Hi"})
    assert response["Location"] == "/members/alice/"
    member.refresh_from_db()
    assert (member.display_name, member.bio, member.bio_html) == ("Al", "Hi", "<p>Hi</p>\n")
    html = client.get("/members/alice/").content.decode()
    assert "Edit profile" in html


def test_anonymous_cannot_edit_a_profile(client, member):
    response = client.get("/members/alice/edit/")
    assert response["Location"] == "/login/?next=/members/alice/edit/"


def test_hostile_display_names_and_bios_are_escaped(client):
    evil = "<script>alert(1)</script>"
    user = make_user("mallory", display_name=evil)
    client.force_login(user)
    client.post(
        "/members/mallory/edit/", {"display_name": evil, "bio": evil + " [x](javascript:1)"}
    )
    term = make_term("Alpha", author=user, summary=evil)
    edit_term(term, body="y", author=user)
    for url in ("/members/mallory/", "/terms/alpha/", "/terms/alpha/history/", "/"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert 'href="javascript' not in html, url


def test_hostile_usernames_are_refused_by_the_validators(client):
    response = signup(client, username="<b>x</b>")
    assert "Enter a valid username" in response.content.decode()


# -- Permission rules ----------------------------------------------------------------------


def test_permission_rules(member):
    from django.contrib.auth.models import AnonymousUser

    bob = make_user("bob")
    term = make_term("Alpha")
    anonymous = AnonymousUser()
    assert can_edit_terms(member) and can_edit_term(member, term)
    assert not can_edit_terms(anonymous) and not can_edit_term(anonymous, term)
    assert can_edit_profile(member, member)
    assert not can_edit_profile(member, bob) and not can_edit_profile(anonymous, bob)
    bob.is_active = False
    assert not can_edit_terms(bob) and not can_edit_profile(bob, bob)


def test_inactive_member_cannot_log_in(member):
    member.is_active = False
    member.save()
    client = Client()
    response = client.post("/login/", {"username": "alice", "password": "correct horse 42"})
    assert response.status_code == 200
