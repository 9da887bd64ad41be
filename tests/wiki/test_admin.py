"""The wiki's admin: history, links and old slugs are read-only; deleting a term goes back to
the term list."""

from __future__ import annotations

import pytest

from tests.factories import edit_term, make_term, make_user
from wiki.models import Link, Revision, SlugRedirect, Term

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def linked_and_renamed():
    """A term with a related link and an inline link, renamed once (so it has an old slug)."""
    term = make_term("Alpha", body="See [[Beta]].", related=("Gamma",))
    edit_term(term, title="Alpha Prime")
    return term


@pytest.mark.parametrize(("model", "url_name"), [(Link, "link"), (SlugRedirect, "slugredirect")])
def test_links_and_old_slugs_are_read_only_in_the_admin(
    staff_client, linked_and_renamed, model, url_name
):
    row = model.objects.first()
    assert row is not None
    before = model.objects.count()

    changelist = staff_client.get(f"/admin/wiki/{url_name}/")
    assert changelist.status_code == 200
    html = changelist.content.decode()
    assert 'value="delete_selected"' not in html  # no bulk delete action
    assert f"/admin/wiki/{url_name}/add/" not in html

    assert staff_client.get(f"/admin/wiki/{url_name}/{row.pk}/delete/").status_code == 403
    assert (
        staff_client.post(f"/admin/wiki/{url_name}/{row.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert staff_client.get(f"/admin/wiki/{url_name}/add/").status_code == 403
    # The bulk action is refused even when posted by hand.
    staff_client.post(
        f"/admin/wiki/{url_name}/",
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    detail = staff_client.get(f"/admin/wiki/{url_name}/{row.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert model.objects.count() == before


def test_revisions_stay_read_only_in_the_admin(staff_client):
    term = make_term("Alpha")
    revision = Revision.objects.get(term=term)
    html = staff_client.get("/admin/wiki/revision/").content.decode()
    assert 'value="delete_selected"' not in html
    assert staff_client.get(f"/admin/wiki/revision/{revision.pk}/delete/").status_code == 403


def test_deleting_a_term_in_the_admin_returns_to_the_term_list(staff_client, linked_and_renamed):
    term = linked_and_renamed
    response = staff_client.post(f"/admin/wiki/term/{term.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/wiki/term/"
    assert not Term.objects.filter(pk=term.pk).exists()
    # Its links and old slugs went with it.
    assert not Link.objects.filter(source_id=term.pk).exists()
    assert not SlugRedirect.objects.filter(term_id=term.pk).exists()
    page = staff_client.get(response["Location"])
    assert "was deleted successfully" in page.content.decode()
