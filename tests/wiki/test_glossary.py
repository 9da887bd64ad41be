"""Glossary auto-links in the wiki: the flag in every place a term's fields go, the link table's
own kind, and the re-render of the terms that mention a title when it appears."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

import search.mentions
from search.models import SearchEntry
from tests.factories import edit_term, make_term, make_user
from wiki.content import TermData
from wiki.diff import diff_snapshots
from wiki.export import record_data, seed_text
from wiki.models import Link, LinkKind, Term
from wiki.seeds import SeedError, parse_seed_text
from wiki.services import term_delete, term_import
from wiki.services.imports import SeedDoc, term_import_batch

pytestmark = pytest.mark.django_db


def auto_targets(term: Term) -> list[str]:
    term.refresh_from_db()
    return re.findall(r'href="/terms/([^/]+)/" class="wikilink wikilink-auto"', term.body_html)


def links(term: Term, kind: str) -> list[str]:
    return list(
        Link.objects.filter(source=term, kind=kind)
        .order_by("position")
        .values_list("target_slug", flat=True)
    )


def test_a_save_links_the_first_mention_and_records_an_auto_link():
    make_term("Compost")
    garden = make_term("Garden", body="Compost feeds it; compost again. [[Soil]] too.")
    assert auto_targets(garden) == ["compost"]
    assert links(garden, LinkKind.AUTO) == ["compost"]
    assert links(garden, LinkKind.INLINE) == ["soil"]


def test_auto_links_are_backlinks_but_never_wanted(client):
    make_term("Compost")
    make_term("Garden", body="Compost feeds it.")
    page = client.get("/terms/compost/").content.decode()
    linked_from = page[page.index('id="backlinks-title"') :]
    assert 'href="/terms/garden/"' in linked_from
    term_delete(term=Term.objects.get(slug="compost"))  # its re-render never runs here
    assert Link.objects.filter(kind=LinkKind.AUTO, target_slug="compost").exists()
    assert "compost" not in client.get("/wanted/").content.decode()


def test_creating_a_term_rerenders_the_terms_that_mention_it(django_capture_on_commit_callbacks):
    garden = make_term("Garden", body="Good compost takes time.")
    quiet = make_term("Quiet", body="Compost, unlinked.", autolink=False)
    assert auto_targets(garden) == []
    with django_capture_on_commit_callbacks(execute=True):
        make_term("Compost")
    assert auto_targets(garden) == ["compost"]
    assert links(garden, LinkKind.AUTO) == ["compost"]
    assert auto_targets(quiet) == []  # the page's opt-out holds


def test_the_terms_to_rerender_are_found_through_the_search_index(
    django_capture_on_commit_callbacks, monkeypatch
):
    """Not a scan of every body: a mentioning term missing from the index is not found."""
    asked = []
    real = search.mentions.terms_mentioning
    monkeypatch.setattr(
        "wiki.services.rendering.terms_mentioning",
        lambda titles: asked.append(titles) or real(titles),
    )
    indexed = make_term("Garden", body="Good compost takes time.")
    hidden = make_term("Hidden", body="Compost too.")
    SearchEntry.objects.filter(term=hidden).delete()
    with django_capture_on_commit_callbacks(execute=True):
        make_term("Compost")
    assert asked == [["Compost"]]
    assert auto_targets(indexed) == ["compost"]
    assert auto_targets(hidden) == []


def test_a_rename_links_the_new_title_and_drops_the_old_one(django_capture_on_commit_callbacks):
    old = make_term("Mulch")
    notes = make_term("Notes", body="Mulch and compost.")
    assert auto_targets(notes) == ["mulch"]
    with django_capture_on_commit_callbacks(execute=True):
        edit_term(old, title="Compost")
    assert auto_targets(notes) == ["compost"]
    assert links(notes, LinkKind.AUTO) == ["compost"]


def test_deleting_a_term_removes_the_auto_links_to_it(django_capture_on_commit_callbacks):
    compost = make_term("Compost")
    garden = make_term("Garden", body="Compost.")
    with django_capture_on_commit_callbacks(execute=True):
        term_delete(term=compost)
    assert auto_targets(garden) == []
    assert links(garden, LinkKind.AUTO) == []


def test_turning_the_flag_off_and_on_is_a_revision_with_a_readable_diff():
    make_term("Compost")
    garden = make_term("Garden", body="Compost.")
    garden = edit_term(garden, autolink=False)
    assert auto_targets(garden) == [] and links(garden, LinkKind.AUTO) == []
    assert garden.current_revision.autolink is False
    first, second = garden.revisions.order_by("number")
    (change,) = diff_snapshots(first, second).fields
    assert (change.label, change.old, change.new) == ("Glossary links", "on", "off")
    garden = edit_term(garden, autolink=True)
    assert auto_targets(garden) == ["compost"]


def test_the_editor_box_turns_auto_links_off_and_a_form_without_it_keeps_them(member_client):
    make_term("Compost")
    fields = {"title": "Garden", "body": "Compost.", "summary": ""}
    member_client.post("/terms/new/", {**fields, "no_autolink": "on"})
    assert Term.objects.get(slug="garden").autolink is False
    edit = member_client.get("/terms/garden/edit/").content.decode()
    assert re.search(r'name="no_autolink"[^>]*checked', edit)
    member_client.post("/terms/new/", {**fields, "title": "Orchard"})
    orchard = Term.objects.get(slug="orchard")
    assert orchard.autolink is True and auto_targets(orchard) == ["compost"]


def test_the_editor_preview_shows_auto_links(member_client):
    make_term("Compost")
    page = member_client.post(
        "/terms/new/", {"title": "Garden", "body": "Compost.", "preview": "1"}
    ).content.decode()
    assert 'class="wikilink wikilink-auto"' in page


def test_seed_front_matter_and_export_round_trip():
    off = parse_seed_text("---\nterm: Garden\nautolink: false\n---\nCompost.\n")
    assert off.autolink is False
    assert parse_seed_text("---\nterm: Garden\nautolink: 'no'\n---\nx\n").autolink is False
    assert parse_seed_text("---\nterm: Garden\n---\nx\n").autolink is True
    with pytest.raises(SeedError, match="'autolink' must be true or false"):
        parse_seed_text("---\nterm: Garden\nautolink: maybe\n---\nx\n")
    assert "autolink: false" in seed_text(off)
    assert "autolink" not in seed_text(off.replace(autolink=True))
    assert parse_seed_text(seed_text(off)) == off


def test_a_history_record_without_the_flag_is_on():
    record = {
        "title": "Garden",
        "category": "",
        "difficulty": "",
        "tags": [],
        "related": [],
        "body": "x",
    }
    assert record_data(record).autolink is True
    assert record_data({**record, "autolink": False}).autolink is False
    with pytest.raises(TypeError):
        record_data({**record, "autolink": "no"})


def test_the_seed_import_honours_the_flag():
    make_term("Compost")
    term_import(data=TermData(title="Garden", body="Compost.", autolink=False), source_name="g.md")
    assert auto_targets(Term.objects.get(slug="garden")) == []


def _state():
    return {
        "html": dict(Term.objects.values_list("slug", "body_html")),
        "links": sorted(Link.objects.values_list("source__slug", "kind", "target_slug")),
        "flags": dict(Term.objects.values_list("slug", "autolink")),
    }


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "worker-pool"])
def test_the_bulk_import_links_titles_as_the_one_at_a_time_path_does(
    django_capture_on_commit_callbacks, monkeypatch, parallel
):
    from django.db import transaction

    from wiki.services import imports

    make_term("Outside", body="It mentions the soil.")
    docs = [
        SeedDoc("a.md", TermData(title="Garden", body="Soil and compost; garden.")),
        SeedDoc("b.md", TermData(title="Compost", body="Feeds the soil and the garden.")),
        SeedDoc("c.md", TermData(title="Soil", body="Compost!", autolink=False)),
    ]
    with transaction.atomic():
        with django_capture_on_commit_callbacks(execute=True):
            for doc in docs:
                term_import(data=doc.data, source_name=doc.name)
        expected = _state()
        transaction.set_rollback(True)
    if parallel:
        monkeypatch.setattr(imports, "PARALLEL_FROM", 1)
    with django_capture_on_commit_callbacks(execute=True):
        term_import_batch(docs=docs, processes=2 if parallel else 1)
    assert _state() == expected
    assert auto_targets(Term.objects.get(slug="garden")) == ["soil", "compost"]
    assert auto_targets(Term.objects.get(slug="outside")) == ["soil"]
    assert auto_targets(Term.objects.get(slug="soil")) == []


def test_import_seeds_command_writes_the_flag(tmp_path):
    (tmp_path / "g.md").write_text("---\nterm: Garden\nautolink: false\n---\nx\n")
    call_command("import_seeds", str(tmp_path), verbosity=0)
    garden = Term.objects.get(slug="garden")
    assert garden.autolink is False and garden.current_revision.autolink is False


def test_the_api_writes_the_flag():
    from tests.api.conftest import token_client

    make_term("Compost")
    response = token_client(make_user("writer")).post(
        "/api/v1/terms/",
        {"title": "Garden", "body": "Compost.", "autolink": False},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Term.objects.get(slug="garden").autolink is False


def test_the_glossary_is_kept_across_body_edits_and_rebuilt_when_a_title_changes():
    from wiki.glossary import current_glossary

    craft = make_term("Craft", body="A craft.")
    make_term("Trust", body="Trust.")
    first = current_glossary()
    edit_term(craft, body="A craft, edited.", author=make_user())
    assert current_glossary() is first  # a body edit: the same titles

    edit_term(craft, title="Crafting", author=make_user())
    renamed = current_glossary()
    assert renamed is not first
    later = make_term("Later", body="Crafting and trust.")
    assert current_glossary() is not renamed
    assert auto_targets(later) == ["crafting", "trust"]
