"""Enumeration and impersonation: what sign-up, password reset and profiles reveal or allow."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from moderation.identity import name_keys
from moderation.models import NameKey
from tests.factories import make_user

pytestmark = pytest.mark.django_db
User = get_user_model()


def signup(client, **overrides):
    data = {
        "username": "newbie",
        "email": "newbie@example.org",
        "password1": "a long enough passphrase",
        "password2": "a long enough passphrase",
        **overrides,
    }
    return client.post("/signup/", data)


# -- Enumeration -----------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["alice@example.org", "ALICE@Example.org"])
def test_signup_does_not_reveal_that_an_address_is_registered(client, address):
    make_user("alice", email="alice@example.org")
    taken = signup(client, email=address)
    client.logout()
    free = signup(client, username="other", email="free@example.org")
    assert taken.status_code == free.status_code == 302
    assert taken["Location"] == free["Location"]
    assert "already" not in taken.content.decode()


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(
    client, django_capture_on_commit_callbacks
):
    make_user("alice", email="alice@example.org")
    with django_capture_on_commit_callbacks(execute=True) as known_work:
        known = client.post("/password/reset/", {"email": "alice@example.org"})
    with django_capture_on_commit_callbacks(execute=True) as unknown_work:
        unknown = client.post("/password/reset/", {"email": "nobody@example.org"})
    # The mail is sent after the response, by a task: a known address takes no longer.
    assert len(known_work) == 1 and len(unknown_work) == 0
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.org"]


# -- Impersonation ---------------------------------------------------------------------------


def test_name_keys_match_look_alikes_and_case():
    assert name_keys("alice")[0] == name_keys("ALICE")[0]
    assert name_keys("alice")[0] == name_keys("\u0430lice")[0]  # Cyrillic a
    assert name_keys("alice")[1] == name_keys("aIice")[1]  # capital I for l
    assert name_keys("alice")[0] == name_keys("ａｌｉｃｅ")[0]  # fullwidth (NFKC)
    assert name_keys("bob")[0] == name_keys("b0b")[0]
    assert name_keys("alice") != name_keys("alicia")


@pytest.mark.parametrize("lookalike", ["\u0430lice", "ALICE", "aIice", "a1ice", "ａｌｉｃｅ"])
def test_signup_refuses_a_username_confusable_with_an_existing_name(client, lookalike):
    make_user("alice")
    response = signup(client, username=lookalike)
    assert response.status_code == 200
    html = response.content.decode()
    assert "already exists" in html or "looks too much like" in html
    assert not User.objects.filter(email="newbie@example.org").exists()


def test_signup_refuses_a_username_that_reads_like_someones_display_name(client):
    make_user("u1", display_name="Gracie")
    response = signup(client, username="GRACІE")  # Cyrillic capital I
    assert response.status_code == 200
    assert "looks too much like" in response.content.decode()
    assert signup(client, username="gracehopper").status_code == 302


def test_a_display_name_may_not_be_another_members_name(client):
    make_user("grace")
    make_user("ada", display_name="Ada Lovelace")
    member = make_user("bob")
    client.force_login(member)
    for taken in ("Grace", "GRACE", "ADA LOVELACE", "Ada  Lovelace", "\u0430da lovelace"):
        response = client.post("/members/bob/edit/", {"display_name": taken, "bio": ""})
        assert response.status_code == 200, taken
        assert "another member" in response.content.decode()
    response = client.post("/members/bob/edit/", {"display_name": "Bob the Builder", "bio": ""})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Bob the Builder"
    # Their own username is fine as a display name.
    response = client.post("/members/bob/edit/", {"display_name": "BOB", "bio": ""})
    assert response.status_code == 302


def test_name_keys_follow_every_save():
    member = make_user("bob")
    assert set(NameKey.objects.filter(user=member).values_list("kind", flat=True)) == {"username"}
    member.display_name = "Robert"
    member.save()
    assert NameKey.objects.get(user=member, kind="display").folded == "robert"
    member.display_name = ""
    member.save()
    assert not NameKey.objects.filter(user=member, kind="display").exists()


def test_pages_show_the_username_beside_a_display_name(client):
    from tests.factories import make_term

    ada = make_user("ada", display_name="Countess")
    make_term("Alpha", author=ada)
    for url in ("/terms/alpha/", "/terms/alpha/history/"):
        html = client.get(url).content.decode()
        assert "Countess" in html and "@ada" in html, url
