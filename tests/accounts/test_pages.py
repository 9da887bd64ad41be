"""Account pages: the wording a member meets (issue 11, defect 9) and the one form-page
layout they share."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse 42"


def test_a_deactivated_member_is_told_the_account_is_deactivated(client, member):
    member.is_active = False
    member.save()
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    html = response.content.decode()
    assert response.status_code == 200
    assert "This account has been deactivated" in html
    assert "enter a correct username and password" not in html
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_says_nothing_about_the_account(client, member):
    member.is_active = False
    member.save()
    html = client.post("/login/", {"username": "alice", "password": "wrong"}).content.decode()
    assert "deactivated" not in html
    assert "enter a correct username and password" in html


def test_an_active_member_still_logs_in(client, member):
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_the_reset_email_names_the_site_not_the_host(
    client, member, settings, django_capture_on_commit_callbacks
):
    settings.SITE_NAME = "Garden Words"
    with django_capture_on_commit_callbacks(execute=True):  # the mail is sent by a task
        client.post("/password/reset/", {"email": "alice@example.org"})
    (message,) = mail.outbox
    assert message.subject == "Reset your Garden Words password"
    assert "your account on Garden Words" in message.body
    assert "testserver" not in message.subject


ACCOUNT_PAGES = [
    "/login/",
    "/signup/",
    "/logout/",
    "/password/change/",
    "/password/change/done/",
    "/password/reset/",
    "/password/reset/sent/",
    "/password/reset/MQ/bad-token/",
    "/password/reset/done/",
    "/members/alice/edit/",
]


@pytest.mark.parametrize("url", ACCOUNT_PAGES)
def test_account_pages_share_one_form_page_layout(client, member, url):
    if url not in {"/login/", "/signup/", "/password/reset/", "/password/reset/sent/"}:
        client.force_login(member)
    response = client.get(url, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    main = html[html.index('<main id="main"') :]
    assert main.count('<div class="narrow form-page">') == 1
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert 'class="card' not in main  # the form is the only box on the page


def test_logout_confirmation_is_one_box(client, member):
    client.force_login(make_user("bob", display_name="Bob"))
    html = client.get("/logout/").content.decode()
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert main.count("<form") == 1
    assert "You are logged in as bob." in main
