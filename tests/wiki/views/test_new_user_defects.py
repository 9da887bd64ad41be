"""Defects a new user met (issue "Room to grow"), one test each: 2, 4, 7, 8, 15, 16, 17."""

import pytest
from django.urls import reverse

from search.results import search
from tests.factories import edit_term, make_term
from wiki.models import Category, Revision, Term

pytestmark = pytest.mark.django_db


def test_2_a_new_term_cannot_take_over_a_renamed_terms_old_address(member_client):
    beta = make_term("Beta", body="b")
    edit_term(beta, title="Beta Prime")
    response = member_client.post("/terms/new/", {"title": "Beta", "body": "hijack"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "is the old name of “Beta Prime”" in html
    assert 'href="/terms/beta-prime/edit/"' in html  # offers that term
    assert "hijack" in html  # what was typed is kept
    assert Term.objects.count() == 1
    assert member_client.get("/terms/beta/").status_code == 301


def test_4_preview_button_renders_on_the_server_without_javascript(member_client):
    term = make_term("Alpha", body="old")
    data = {"title": "Alpha", "body": "**bold** and [[Nowhere]]", "base_number": "1"}
    response = member_client.post("/terms/alpha/edit/", {**data, "preview": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>bold</strong>" in html and "wikilink-missing" in html
    assert term.revisions.count() == 1  # previewing saves nothing
    assert "max-age" not in response.get("Cache-Control", "")
    assert "private" in response["Cache-Control"]


def test_7_related_terms_show_as_titles_in_the_editor_and_on_revision_pages(member_client):
    make_term("Tacit Knowledge")
    term = make_term("Alpha", related=("Tacit Knowledge", "Not Yet Here"))
    editor = member_client.get("/terms/alpha/edit/").content.decode()
    assert "Tacit Knowledge, not-yet-here" in editor
    page = member_client.get(f"/terms/alpha/revisions/{term.revision_number}/").content.decode()
    assert '<a href="/terms/tacit-knowledge/">Tacit Knowledge</a>' in page
    assert "Not Yet Here" in page


def test_7_8_tags_and_categories_keep_one_spelling_everywhere():
    make_term("One", category="Practice", tags=("Learning",))
    two = make_term("Two", category="practice", tags=("learning",))
    revision = Revision.objects.get(term=two)
    assert revision.category == "Practice"
    assert revision.tags == ["Learning"]
    assert Category.objects.count() == 1
    assert [t.name for t in two.tags.all()] == ["Learning"]


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Сообщество практики", "сообщество-практики"),
        ("Κοινότητα", "κοινοτητα"),
        ("実践共同体", "実践共同体"),
        ("مجتمع الممارسة", "مجتمع-الممارسة"),
    ],
)
def test_15_titles_categories_and_tags_in_any_script_work_end_to_end(client, title, slug):
    make_term(title, category="Знание", tags=("обучение",), body="Текст про сообщество.")
    linking = make_term("Linker", body=f"See [[{title}]].")
    term = Term.objects.get(slug=slug)
    assert term.category.name == "Знание"
    assert client.get(term.get_absolute_url()).status_code == 200
    assert client.get(reverse("wiki:category_detail", args=[term.category.slug])).status_code == 200
    assert "wikilink-missing" not in linking.body_html
    assert search(title)[:5][0].term.pk == term.pk


def test_15_a_non_latin_seed_imports(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    (tmp_path / "ru.md").write_text("---\nterm: Практика\ncategory: Знание\n---\nТекст.\n")
    call_command("import_seeds", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    assert Term.objects.get(slug="практика").category.name == "Знание"


def test_16_a_tampered_hidden_field_says_what_is_wrong(member_client):
    make_term("Alpha", body="old")
    data = {"title": "Alpha", "body": "new text", "base_number": "99999999999"}
    response = member_client.post("/terms/alpha/edit/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "record of which revision it started from was damaged" in html
    assert "new text" in html


def test_17_the_conflict_page_for_a_huge_body_stays_small(member_client):
    # Big enough that showing whole regions would multiply the page (this body ~190 KB),
    # small enough to render quickly on a busy machine.
    lines = [f"Line {i} of a long text about gardens." for i in range(5_000)]
    term = make_term("Alpha", body="\n".join(lines) + "\n")
    theirs = [line.replace("gardens", "orchards") for line in lines]
    edit_term(term, body="\n".join(theirs) + "\n")
    mine = "\n".join(line.replace("gardens", "meadows") for line in lines) + "\n"
    response = member_client.post(
        "/terms/alpha/edit/", {"title": "Alpha", "body": mine, "base_number": "1"}
    )
    assert response.status_code == 409
    size = len(response.content)
    assert len(mine) > 180_000
    # The member's text in full (escaped) plus a bounded view of the conflict.
    assert size < 2 * len(mine) + 200_000
    assert "more lines, in the form below" in response.content.decode()
