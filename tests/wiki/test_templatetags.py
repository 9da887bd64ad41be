"""wiki_tags: one wording for who did something, one markup for chips and unwritten terms,
"just now" rather than "0 minutes ago"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from tests.factories import edit_term, make_term, make_user
from wiki.models import Revision

pytestmark = pytest.mark.django_db


def render(source: str, **context) -> str:
    return Template("{% load wiki_tags %}" + source).render(Context(context))


ATTRIBUTED = '<a href="/members/ada/">Ada Lovelace</a> <span class="username">@ada</span>'


def test_author_shows_the_username_beside_a_display_name():
    ada = make_user("ada", display_name="Ada Lovelace")
    assert render("{% author who %}", who=ada) == ATTRIBUTED
    plain = make_user("bob")
    assert render("{% author who %}", who=plain) == '<a href="/members/bob/">bob</a>'
    assert render("{% author None %}") == "the seed import"


def test_every_page_that_attributes_a_revision_uses_the_one_wording(client):
    ada = make_user("ada", display_name="Ada Lovelace")
    term = make_term("Alpha", author=ada)
    edit_term(term, author=ada, body="Changed.", summary="tweak")
    assert Revision.objects.filter(term=term, author=ada).count() == 2
    for url in ("/", "/terms/alpha/", "/terms/alpha/history/", "/terms/alpha/revisions/1/"):
        html = client.get(url).content.decode()
        assert ATTRIBUTED in html, url
    home = client.get("/").content.decode()
    assert f"by {ATTRIBUTED}" in home


def test_the_seed_import_is_named_the_same_way_everywhere(client):
    make_term("Alpha")
    for url in ("/", "/terms/alpha/", "/terms/alpha/history/", "/terms/alpha/revisions/1/"):
        assert "the seed import" in client.get(url).content.decode(), url


def test_ago_says_just_now_under_a_minute():
    now = timezone.now()
    assert render("{{ t|ago }}", t=now) == "just now"
    assert render("{{ t|ago }}", t=now - timedelta(seconds=59)) == "just now"
    assert render("{{ t|ago }}", t=now - timedelta(minutes=5)) == "5\xa0minutes ago"
    assert render("{{ t|ago }}", t=None) == ""


def test_home_page_says_just_now_for_a_fresh_edit(client):
    make_term("Alpha")
    html = client.get("/").content.decode()
    assert ">just now</time>" in html
    assert "0\xa0minutes ago" not in html and "0 minutes" not in html


def test_chips_are_the_same_on_cards_search_hits_and_the_term_page(client):
    make_term("Alpha", category="Practice", difficulty="beginner")
    category = '<a class="chip chip-category" href="/categories/practice/">Practice</a>'
    difficulty = '<a class="chip chip-beginner" href="/terms/?difficulty=beginner">Beginner</a>'
    for url in ("/terms/", "/search/?q=alpha", "/terms/alpha/", "/categories/practice/"):
        html = client.get(url).content.decode()
        assert category in html and difficulty in html, url
    assert render("{% difficulty_chip '' %}{% category_chip None %}") == ""


def test_terms_not_written_yet_share_one_link_markup(client):
    make_term("Alpha", body="[[Beta Gamma]]", related=("Beta Gamma",))
    missing = 'class="wikilink wikilink-missing" href="/terms/new/?title=Beta+Gamma"'
    page = client.get("/terms/alpha/").content.decode()
    assert f'<a {missing} title="Not written yet">Beta Gamma</a>' in page  # related list
    wanted = client.get("/wanted/").content.decode()
    assert (
        '<a class="wikilink wikilink-missing" href="/terms/beta-gamma/" '
        'title="Not written yet">Beta Gamma</a>'
    ) in wanted
