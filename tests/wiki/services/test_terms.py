"""The one write path: revisions, compare-and-swap, links, tags, redirects, re-rendering."""

import pytest

from tests.factories import edit_term, make_term, make_user
from wiki.content import TermData
from wiki.exceptions import EditConflict, TermWriteError
from wiki.models import Category, Link, Revision, SlugRedirect, Term
from wiki.services import term_create, term_revert, term_update

pytestmark = pytest.mark.django_db


def test_create_writes_revision_one_and_points_term_at_it():
    author = make_user()
    result = term_create(
        data=TermData(
            title="  Tacit   Knowledge ",
            category="Knowledge",
            difficulty="beginner",
            tags=("practice", "Practice ", "knowledge"),
            related=("Communities of Practice", "tacit-knowledge"),
            body="Hard to **write** down.\r\n",
        ),
        author=author,
        summary="First draft",
    )
    term = result.term
    assert result.created and result.changed
    assert term.title == "Tacit Knowledge" and term.slug == "tacit-knowledge"
    assert term.category == Category.objects.get(slug="knowledge")
    assert "<strong>write</strong>" in term.body_html
    assert term.renderer_version >= 1
    revision = term.current_revision
    assert (revision.number, revision.parent_number, revision.author) == (1, None, author)
    assert revision.summary == "First draft"
    assert revision.tags == ["practice", "knowledge"]
    # The term never lists itself as related.
    assert revision.related == ["communities-of-practice"]
    assert revision.body == "Hard to **write** down.\n"


def test_update_appends_revision_and_keeps_old_ones_unchanged():
    term = make_term("Alpha", body="one")
    edit_term(term, body="two", summary="second")
    term.refresh_from_db()
    assert term.revision_number == 2
    assert list(term.revisions.order_by("number").values_list("body", flat=True)) == [
        "one",
        "two",
    ]
    assert term.current_revision.parent_number == 1


def test_saving_identical_content_creates_no_revision():
    term = make_term("Alpha", body="same")
    data = TermData.of(term.current_revision)
    result = term_update(term=term, data=data, author=None, summary="noop", base_number=1)
    assert not result.changed
    assert Revision.objects.filter(term=term).count() == 1


def test_stale_base_number_raises_conflict_and_writes_nothing():
    term = make_term("Alpha", body="one")
    edit_term(term, body="two")
    with pytest.raises(EditConflict) as info:
        term_update(
            term=term,
            data=TermData(title="Alpha", body="mine"),
            author=None,
            summary="",
            base_number=1,
        )
    assert info.value.term.revision_number == 2
    assert Revision.objects.filter(term=term).count() == 2


def test_revisions_are_immutable():
    term = make_term("Alpha")
    revision = term.current_revision
    revision.body = "tampered"
    with pytest.raises(TypeError):
        revision.save()
    with pytest.raises(TypeError):
        revision.delete()
    with pytest.raises(TypeError):
        Revision.objects.filter(pk=revision.pk).update(body="tampered")
    assert Revision.objects.get(pk=revision.pk).body == "Some text."


def test_revert_creates_new_revision_copying_the_old_snapshot():
    member = make_user("bob")
    term = make_term("Alpha", body="original", tags=("a",))
    edit_term(term, body="vandalised", tags=("b",))
    result = term_revert(term=term, number=1, author=member)
    assert result.revision.number == 3
    assert result.revision.summary == "Reverted to revision 1 by bob"
    assert result.revision.body == "original" and result.revision.tags == ["a"]
    assert list(result.term.tags.names()) == ["a"]
    assert Revision.objects.get(term=term, number=2).body == "vandalised"


def test_duplicate_title_is_refused():
    make_term("Alpha")
    with pytest.raises(TermWriteError, match="already exists"):
        term_create(data=TermData(title="alpha"), author=None)


def test_title_without_letters_is_refused():
    with pytest.raises(TermWriteError):
        term_create(data=TermData(title="!!!"), author=None)


def test_links_table_is_synced_on_every_save():
    term = make_term("Alpha", body="[[Beta]] and [[Gamma|g]]", related=("Delta",))
    edges = set(Link.objects.filter(source=term).values_list("kind", "target_slug"))
    assert edges == {("inline", "beta"), ("inline", "gamma"), ("related", "delta")}
    edit_term(term, body="Only [[Gamma]] now", related=("delta", "epsilon"))
    edges = set(Link.objects.filter(source=term).values_list("kind", "target_slug"))
    assert edges == {("inline", "gamma"), ("related", "delta"), ("related", "epsilon")}
    positions = list(
        Link.objects.filter(source=term, kind="related")
        .order_by("position")
        .values_list("target_slug", flat=True)
    )
    assert positions == ["delta", "epsilon"]


def test_creating_a_term_turns_red_links_blue_without_new_revisions(
    django_capture_on_commit_callbacks,
):
    alpha = make_term("Alpha", body="See [[Beta]].")
    assert "wikilink-missing" in alpha.body_html
    with django_capture_on_commit_callbacks(execute=True):
        make_term("Beta")
    alpha.refresh_from_db()
    assert "wikilink-missing" not in alpha.body_html
    assert alpha.revision_number == 1


def test_rename_keeps_old_slug_as_redirect_and_recolours_links(
    django_capture_on_commit_callbacks,
):
    beta = make_term("Beta")
    alpha = make_term("Alpha", body="See [[Beta]].")
    with django_capture_on_commit_callbacks(execute=True):
        edit_term(beta, title="Beta Prime")
    beta.refresh_from_db()
    assert beta.slug == "beta-prime"
    assert SlugRedirect.objects.get(old_slug="beta").term == beta
    alpha.refresh_from_db()
    assert "wikilink-missing" not in alpha.body_html  # [[Beta]] still leads there (redirect)
    assert not Link.objects.wanted().filter(target_slug="beta").exists()
    # A new term cannot quietly take over the old address: it still leads to Beta Prime.
    with pytest.raises(TermWriteError, match="old name of 'Beta Prime'"):
        make_term("Beta")
    assert SlugRedirect.objects.get(old_slug="beta").term == beta


def test_rename_onto_existing_title_is_refused():
    make_term("Alpha")
    beta = make_term("Beta")
    with pytest.raises(TermWriteError, match="already called"):
        edit_term(beta, title="ALPHA")
    assert Term.objects.get(pk=beta.pk).slug == "beta"


def test_rerender_command_refreshes_stale_html_only():
    from io import StringIO

    from django.core.management import call_command

    stale = make_term("Stale", body="**bold**")
    fresh = make_term("Fresh", body="text")
    Term.objects.filter(pk=stale.pk).update(body_html="old", renderer_version=0)
    Term.objects.filter(pk=fresh.pk).update(body_html="keep")
    out = StringIO()
    call_command("rerender_terms", stdout=out)
    assert "re-rendered 1, failed 0" in out.getvalue()
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert "<strong>bold</strong>" in stale.body_html and stale.revision_number == 1
    assert fresh.body_html == "keep"


def test_reserved_slug_is_refused():
    with pytest.raises(TermWriteError, match="reserved"):
        term_create(data=TermData(title="New!"), author=None)


def test_unicode_tags_are_kept_and_browsable(client):
    make_term("Crème brûlée", tags=("crème", "日本"))
    term = Term.objects.get()
    assert sorted(term.tags.names()) == ["crème", "日本"]
    assert client.get(f"/terms/{term.slug}/").status_code == 200
    html = client.get("/tags/").content.decode()
    assert "crème" in html
    tag = term.tags.get(name="crème")
    assert "Crème brûlée" in client.get(f"/tags/{tag.slug}/").content.decode()


def test_delete_removes_history_and_turns_links_red(django_capture_on_commit_callbacks):
    from wiki.services import term_delete

    beta = make_term("Beta")
    edit_term(beta, body="more")
    alpha = make_term("Alpha", body="See [[Beta]].")
    assert "wikilink-missing" not in alpha.body_html
    with django_capture_on_commit_callbacks(execute=True):
        term_delete(term=beta)
    assert not Term.objects.filter(slug="beta").exists()
    assert not Revision.objects.filter(slug="beta").exists()
    alpha.refresh_from_db()
    assert "wikilink-missing" in alpha.body_html


def test_rerender_skips_a_term_that_moved_on():
    from wiki.services import term_rerender

    term = make_term("Alpha", body="old")
    stale_copy = Term.objects.get(pk=term.pk)
    edit_term(term, body="new")
    assert term_rerender(stale_copy) is False
    term.refresh_from_db()
    assert "new" in term.body_html


def test_staff_can_delete_a_term_in_the_admin(client):
    admin = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    term = make_term("Spam")
    edit_term(term, body="more spam")
    response = client.post(f"/admin/wiki/term/{term.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Term.objects.filter(pk=term.pk).exists()


def test_category_rename_in_admin_reindexes_its_terms(client):
    from search import results

    make_term("Alpha", category="Practice", body="plain words")
    category = Category.objects.get(slug="practice")
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    response = client.post(
        f"/admin/wiki/category/{category.pk}/change/",
        {"name": "Craftsmanship", "description": "Making things well."},
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.name, category.slug) == ("Craftsmanship", "practice")
    assert [hit.term.title for hit in results.search("craftsmanship")[:10]] == ["Alpha"]


def test_revisions_cannot_be_deleted_in_bulk():
    term = make_term("Alpha")
    with pytest.raises(TypeError):
        Revision.objects.filter(term=term).delete()
    assert Revision.objects.filter(term=term).count() == 1


def test_rebuild_if_stale_fills_an_index_that_missed_terms():
    from io import StringIO

    from django.core.management import call_command

    from search import indexing

    term = make_term("Alpha", body="distinctive")
    indexing.remove_term(term.pk)
    assert indexing.is_stale()
    out = StringIO()
    call_command("rebuild_search_index", "--if-stale", stdout=out)
    assert "Indexed 1 term" in out.getvalue()
    assert not indexing.is_stale()
    call_command("rebuild_search_index", "--if-stale", stdout=out)
    assert "up to date" in out.getvalue()
