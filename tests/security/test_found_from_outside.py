"""Inputs found from outside to answer 500 on PostgreSQL (SQLite accepted them): NUL in any
part of a request, and slugs that outgrow their column under normalisation or a suffix.

Each runs on both databases; the column check at the end holds SQLite to PostgreSQL's rule.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from taggit.models import Tag

from tests.factories import edit_term, make_term
from wiki.content import TermData
from wiki.models import Category, Term
from wiki.services import term_create
from wiki.services.categories import tag_slug

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = (
    "/",
    "/terms/",
    "/terms/alpha/",
    "/terms/alpha/history/",
    "/terms/alpha/revisions/1/",
    "/categories/",
    "/tags/",
    "/wanted/",
    "/recent/",
    "/recent/feed/",
    "/search/?q=alpha",
    "/search/suggest/?q=al",
    "/members/alice/",
    "/login/",
    "/signup/",
    "/api/v1/terms/",
    "/admin/login/",
)


@pytest.fixture
def alpha(member):
    return make_term("Alpha", category="Physics", tags=("waves",), author=member)


def test_nul_in_the_session_cookie_is_no_500_on_any_page(alpha):
    client = Client(raise_request_exception=False)
    cookie = "sessionid=abcdefgh\x00ijklmnop; csrftoken=ab\x00cd; messages=\x00"
    for url in PUBLIC_PAGES:
        response = client.get(url, HTTP_COOKIE=cookie)
        assert response.status_code < 500, url


def test_nul_in_the_session_cookie_of_a_real_session_is_dropped(alpha, member_client):
    key = member_client.cookies["sessionid"].value
    response = Client().get("/", HTTP_COOKIE=f"sessionid={key[:5]}\x00{key[5:]}")
    assert response.status_code == 200
    assert response.wsgi_request.user.username == "alice"  # the member's own key, whole


def test_nul_in_the_from_field_of_update_links(member, member_client):
    term = make_term("Beta", author=member)
    make_term("Delta", body="See [[Beta]].", author=member)
    edit_term(term, author=member, title="Gamma")
    response = member_client.post("/terms/gamma/update-links/", {"from": "be\x00ta"})
    assert response.status_code == 302  # the NUL is dropped: "beta" is the old slug
    assert "[[Gamma]]" in Term.objects.get(slug="delta").body


def test_nul_in_every_post_field(member_client):
    fields = {"title": "Nu\x00ll", "category": "C\x00at", "tags": "a\x00b", "related": "x\x00"}
    response = member_client.post(
        "/terms/new/", {**fields, "body": "Bo\x00dy", "summary": "s\x00", "x\x00": "y"}
    )
    assert response.status_code == 302
    term = Term.objects.get(slug="null")
    assert (term.body, term.category.name, list(term.tags.names())) == ("Body", "Cat", ["ab"])


def test_nul_in_headers_of_a_failed_login(member):
    client = Client(raise_request_exception=False)
    response = client.post(
        "/login/",
        {"username": "alice", "password": "wrong\x00"},
        HTTP_USER_AGENT="Evil\x00Agent",
        HTTP_ACCEPT="text/html\x00",
        HTTP_X_FORWARDED_FOR="1.2.3.4\x00",
    )
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_a_broken_multipart_body_is_a_400():
    client = Client(raise_request_exception=False)
    response = client.generic(
        "POST", "/login/", b"--x\r\nbroken", content_type="multipart/form-data"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("name", ["ﬃ" * 100, "Ⅸ" * 100, "㍿" * 100])
def test_a_category_whose_slug_grows_under_normalisation(member_client, name):
    response = member_client.post("/terms/new/", {"title": "Grown", "category": name})
    assert response.status_code == 302
    category = Category.objects.get()
    assert len(category.slug) <= 100 and len(category.name) <= 100
    assert member_client.get(category.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("name", ["ﬃ" * 100, "Ⅸ" * 100, "㍿" * 100])
def test_a_tag_whose_slug_grows_under_normalisation(member_client, name):
    response = member_client.post("/terms/new/", {"title": "Grown", "tags": name})
    assert response.status_code == 302
    tag = Tag.objects.get()
    assert len(tag.slug) <= 100
    assert member_client.get(f"/tags/{tag.slug}/").status_code == 200


def test_tags_whose_slugs_collide_get_a_bounded_suffix():
    names = ["x" * 98 + "ff", "x" * 98 + "ﬃ", "x" * 98 + "ﬀ"]  # one slug, cut to 100
    for n, name in enumerate(names):
        term_create(data=TermData(title=f"T{n}", tags=(name,)), author=None)
    slugs = sorted(Tag.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == 3 and all(len(slug) <= 100 for slug in slugs)
    assert {slug[-2:] for slug in slugs} == {"ff", "_1", "_2"}
    assert tag_slug("ﬃ" * 100, "_12") == "ffi" * 32 + "f_12"


def test_a_tag_that_exists_is_reused_whatever_the_case():
    term_create(data=TermData(title="One", tags=("Practice",)), author=None)
    term_create(data=TermData(title="Two", tags=("practice",)), author=None)
    assert list(Tag.objects.values_list("name", flat=True)) == ["Practice"]


def test_a_title_or_tag_that_grows_under_nfc_is_refused_with_a_reason(member_client):
    grows = "\u0958"  # NFC writes it as two characters (a composition exclusion)
    response = member_client.post("/terms/new/", {"title": grows * 150, "body": "x"})
    assert response.status_code == 200
    assert "once normalised" in response.content.decode()
    response = member_client.post("/terms/new/", {"title": "Fine", "tags": grows * 90})
    assert response.status_code == 200
    assert "once normalised" in response.content.decode()
    response = member_client.post("/terms/new/", {"title": "Fine", "category": grows * 90})
    assert response.status_code == 302
    assert not Term.objects.exclude(slug="fine").exists()


def test_every_stored_string_fits_its_column_on_sqlite_too(member_client, member):
    """SQLite stores a 300-character slug in a 100-character column; PostgreSQL refuses it.
    After the hostile names above, every bounded column holds what PostgreSQL would hold."""
    for n, name in enumerate(["ﬃ" * 100, "Ⅸ" * 100, "x" * 98 + " y", "x" * 98 + "-y"]):
        member_client.post(
            "/terms/new/", {"title": f"{name[:150]} {n}", "category": name, "tags": name}
        )
    assert Term.objects.count() == 4
    too_long = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField) and field.max_length:
                for value in model._default_manager.values_list(field.attname, flat=True):
                    if value and len(value) > field.max_length:
                        too_long.append(f"{model._meta.label}.{field.name}: {len(value)}")
    assert not too_long


def test_feeds_carry_no_character_xml_cannot(member):
    """Found by the battery: a control character in a comment, a summary or a display name
    made every feed showing it a 500 (XML 1.0 cannot carry it); the feeds now drop it."""
    from xml.etree import ElementTree

    from accounts.services import profile_update
    from tests.factories import make_comment

    profile_update(user=member, display_name="Al\x01ice", bio="")
    term = make_term("Alpha", author=member, summary="sum\x02mary")
    make_comment(term, author=member, body="form\x0cfeed and \x0bvertical tab")
    client = Client(raise_request_exception=False)
    for url in ("/recent/feed/", "/terms/alpha/history/feed/", "/terms/alpha/discussion/feed/"):
        response = client.get(url)
        assert response.status_code == 200, url
        ElementTree.fromstring(response.content)  # noqa: S314 (our own feed)


def test_an_edit_kept_for_review_is_held_to_the_same_column_rules(member_client):
    """Found by the battery's column rule: the review path stored what the write path
    refuses or cuts (a 500 on PostgreSQL)."""
    from moderation import services
    from moderation.models import Level, PendingChange
    from tests.moderation.conftest import make_moderator

    term = make_term("Alpha")
    moderator = make_moderator()
    services.term_protect(
        term=term, moderator=moderator, level=Level.TRUSTED, review=True, reason="x"
    )
    grows = "\u0958"  # two characters once normalised
    edit = {"title": "Alpha", "base_number": "1", "body": "x"}
    response = member_client.post("/terms/alpha/edit/", {**edit, "category": grows * 90})
    assert response.status_code == 302
    assert len(PendingChange.objects.get().category) == 100
    response = member_client.post("/terms/alpha/edit/", {**edit, "title": "A" + grows * 150})
    assert response.status_code == 200 and "once normalised" in response.content.decode()
    assert PendingChange.objects.count() == 1
