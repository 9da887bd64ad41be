"""Editing through the views: create, edit, preview, merge and conflict, diff, revert, rename."""

import re

import pytest
from django.test import Client

from tests.factories import edit_term, make_term, make_user
from wiki.content import TermData
from wiki.models import Link, Revision, SlugRedirect, Term
from wiki.services import rewrite_wikilinks, term_update

pytestmark = pytest.mark.django_db

BODY = "Intro.\n\nFirst paragraph.\n\nSecond paragraph.\n\nThird paragraph.\n"


def h1_count(html: str) -> int:
    return len(re.findall(r"<h1[\s>]", html))


def form_data(term: Term, **changes) -> dict:
    """What the edit form posts for ``term`` as it is now, with ``changes``."""
    term.refresh_from_db()
    data = TermData.of(term.current_revision)
    fields = {
        "title": data.title,
        "category": data.category,
        "difficulty": data.difficulty,
        "tags": ", ".join(data.tags),
        "related": ", ".join(data.related),
        "body": data.body,
        "summary": "",
        "base_number": term.revision_number,
    }
    fields.update(changes)
    return fields


def revision_count(term: Term) -> int:
    return Revision.objects.filter(term=term).count()


# -- Who may edit --------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in_and_comes_back(client):
    make_term("Alpha")
    response = client.get("/terms/alpha/edit/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/terms/alpha/edit/"
    make_user("bob")
    response = client.post(
        "/login/",
        {"username": "bob", "password": "correct horse 42", "next": "/terms/alpha/edit/"},
    )
    assert response.status_code == 302 and response["Location"] == "/terms/alpha/edit/"
    assert client.get("/terms/alpha/edit/").status_code == 200


def test_anonymous_cannot_save_create_revert_or_preview(client):
    term = make_term("Alpha", body="one")
    edit_term(term, body="two")
    response = client.post("/terms/alpha/edit/", form_data(term, body="vandal"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    response = client.post("/terms/new/", {"title": "Spam", "body": "spam"})
    assert response.status_code == 302 and not Term.objects.filter(slug="spam").exists()
    assert client.post("/terms/alpha/revisions/1/revert/").status_code == 302
    assert client.post("/markdownx/markdownify/", {"content": "*x*"}).status_code == 403
    assert revision_count(term) == 2
    assert client.get("/terms/new/?title=Quantum%20Foam")["Location"] == (
        "/login/?next=/terms/new/%3Ftitle%3DQuantum%2520Foam"
    )


# -- Create --------------------------------------------------------------------------------


def test_red_link_prefills_the_title_and_editor_has_no_upload(member_client):
    make_term("Alpha", body="See [[Quantum Foam]].")
    html = member_client.get("/terms/new/?title=Quantum%20Foam").content.decode()
    assert 'value="Quantum Foam"' in html
    assert h1_count(html) == 1
    assert 'class="markdownx"' in html and "markdownx-editor" in html
    assert 'data-markdownx-urls-path="/markdownx/markdownify/"' in html
    assert "data-markdownx-upload-urls-path" not in html
    assert re.search(r'<script src="/static/markdownx/js/markdownx(\.min)?\.js"', html)
    assert '<script src="/static/js/editor.js"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "no inline scripts"
    assert " style=" not in html
    for name in ("title", "category", "difficulty", "tags", "related", "body", "summary"):
        assert f'<label for="id_{name}"' in html, name


def test_create_saves_revision_one_with_author_and_summary(member_client, member):
    response = member_client.post(
        "/terms/new/",
        {
            "title": "Quantum Foam",
            "category": "Physics",
            "difficulty": "advanced",
            "tags": "space, time , ,quantum",
            "related": "Alpha, planck-length",
            "body": "Tiny **bubbles**.\r\n",
            "summary": "First draft",
        },
    )
    term = Term.objects.get(slug="quantum-foam")
    assert response.status_code == 302 and response["Location"] == "/terms/quantum-foam/"
    revision = term.current_revision
    assert (revision.number, revision.author, revision.summary) == (1, member, "First draft")
    assert revision.tags == ["space", "time", "quantum"]
    assert revision.related == ["alpha", "planck-length"]
    assert revision.body == "Tiny **bubbles**.\n"
    assert "<strong>bubbles</strong>" in term.body_html
    assert term.category.name == "Physics"


def test_create_with_a_taken_title_keeps_what_was_typed(member_client):
    make_term("Alpha")
    response = member_client.post("/terms/new/", {"title": "ALPHA", "body": "My careful text"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "already exists" in html and 'aria-invalid="true"' in html
    assert 'id="id_title_error"' in html and 'aria-describedby="id_title_error"' in html
    assert "My careful text" in html
    assert Term.objects.count() == 1


def test_creating_an_existing_title_from_a_link_goes_to_its_editor(member_client):
    make_term("Alpha")
    response = member_client.get("/terms/new/?title=alpha")
    assert response["Location"] == "/terms/alpha/edit/"


# -- Edit ----------------------------------------------------------------------------------


def test_edit_form_starts_from_the_current_revision(member_client):
    make_term("Beta")
    term = make_term("Alpha", body=BODY, tags=("x", "y"), related=("Beta", "Gamma"))
    html = member_client.get("/terms/alpha/edit/").content.decode()
    assert h1_count(html) == 1
    assert 'name="base_number" value="1"' in html
    assert 'value="x, y"' in html and 'value="Beta, gamma"' in html
    assert "First paragraph." in html
    assert term.revision_number == 1


def test_edit_saves_a_revision_with_author_and_summary(member_client, member):
    term = make_term("Alpha", body=BODY)
    data = form_data(term, body=BODY.replace("First", "1st"), summary="Shorter")
    response = member_client.post("/terms/alpha/edit/", data, follow=True)
    term.refresh_from_db()
    assert term.revision_number == 2
    assert (term.current_revision.author, term.current_revision.summary) == (member, "Shorter")
    assert "This is now revision 2" in response.content.decode()


def test_saving_without_changes_creates_no_revision_and_says_so(member_client):
    term = make_term("Alpha", body=BODY, tags=("x",))
    response = member_client.post("/terms/alpha/edit/", form_data(term), follow=True)
    assert "No changes: nothing was saved." in response.content.decode()
    assert revision_count(term) == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"body": "x" * 1_000_001}, "body", "the limit is 1,000,000"),
        ({"body": "> " * 40 + "deep"}, "body", "nested more than"),
        ({"summary": "s" * 301}, "summary", "at most 300 characters"),
        ({"title": "!!!"}, "title", "at least one letter or digit"),
        ({"title": "Beta"}, "title", "already called"),
        ({"difficulty": "expert"}, "difficulty", "Select a valid choice"),
        ({"tags": ", ".join(f"t{i}" for i in range(51))}, "tags", "At most 50 tags"),
    ],
)
def test_bad_edits_show_errors_and_save_nothing(member_client, changes, field, message):
    make_term("Beta")
    term = make_term("Alpha", body=BODY)
    data = form_data(term, **changes)
    response = member_client.post("/terms/alpha/edit/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'id="id_{field}_error"' in html
    assert revision_count(term) == 1


def test_out_of_range_base_number_is_a_form_error_not_a_crash(member_client):
    term = make_term("Alpha", body=BODY)
    data = form_data(term, body="new", base_number="9" * 30)
    response = member_client.post("/terms/alpha/edit/", data)
    assert response.status_code == 200
    assert revision_count(term) == 1


def test_missing_base_number_is_refused(member_client):
    term = make_term("Alpha", body=BODY)
    data = form_data(term, body="new")
    del data["base_number"]
    html = member_client.post("/terms/alpha/edit/", data).content.decode()
    assert "does not say which revision it started from" in html
    assert revision_count(term) == 1


# -- Edit conflicts ------------------------------------------------------------------------


def test_stale_save_touching_other_paragraphs_and_fields_merges(member_client, member):
    term = make_term("Alpha", body=BODY, difficulty="beginner", tags=("a",))
    stale = form_data(term, body=BODY.replace("First paragraph.", "First, mine."), tags="a, mine")
    other = make_user("carol")
    edit_term(
        term,
        body=BODY.replace("Third paragraph.", "Third, theirs."),
        difficulty="advanced",
        tags=("a", "theirs"),
        author=other,
    )
    response = member_client.post("/terms/alpha/edit/", stale, follow=True)
    html = response.content.decode()
    assert "merged with theirs as revision 3" in html
    term.refresh_from_db()
    revision = term.current_revision
    assert revision.number == 3 and revision.author == member
    assert "First, mine." in revision.body and "Third, theirs." in revision.body
    assert revision.difficulty == "advanced"
    assert revision.tags == ["a", "theirs", "mine"]
    assert revision.parent_number == 2


def test_stale_save_of_the_same_line_shows_the_conflict_page(member_client):
    term = make_term("Alpha", body=BODY)
    mine = BODY.replace("Second paragraph.", "Second, as I see it.").replace(
        "Intro.", "Intro, mine."
    )
    stale = form_data(term, body=mine, summary="my summary")
    edit_term(
        term,
        body=BODY.replace("Second paragraph.", "Second, as they see it.").replace(
            "Third paragraph.", "Third, theirs."
        ),
        author=make_user("carol"),
        summary="their <b>summary</b>",
    )
    response = member_client.post("/terms/alpha/edit/", stale)
    html = response.content.decode()
    assert response.status_code == 409
    assert h1_count(html) == 1
    assert "Nothing has been saved yet" in html
    assert "carol" in html and "their &lt;b&gt;summary&lt;/b&gt;" in html
    # The member's text, whole, in the form; the other change as a diff; the region marked.
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S).group(1)
    assert "Second, as I see it." in textarea and "Intro, mine." in textarea
    assert "Third, theirs." not in textarea
    assert 'class="diff-table"' in html and "<ins>theirs</ins>" not in textarea
    assert "Conflict 1 of 1, at line 5 of your text" in html
    assert "Second, as they see it." in html
    assert 'name="seen_number" value="2"' in html and 'name="base_number" value="1"' in html
    assert 'value="my summary"' in html
    assert revision_count(term) == 2

    # Saving again (the member's resolution) keeps theirs elsewhere and mine where they met.
    resolved = dict(stale, body=mine.replace("as I see it", "as we agree"), seen_number=2)
    response = member_client.post("/terms/alpha/edit/", resolved, follow=True)
    term.refresh_from_db()
    assert term.revision_number == 3
    body = term.current_revision.body
    assert "Second, as we agree." in body and "Third, theirs." in body and "Intro, mine." in body


def test_field_conflict_shows_the_conflict_page(member_client):
    term = make_term("Alpha", body=BODY, difficulty="beginner")
    stale = form_data(term, difficulty="advanced")
    edit_term(term, difficulty="intermediate")
    response = member_client.post("/terms/alpha/edit/", stale)
    html = response.content.decode()
    assert response.status_code == 409
    assert re.search(r"<th scope=\"row\">Difficulty</th><td>beginner</td>", html)
    assert revision_count(term) == 2


def test_another_save_after_the_conflict_page_is_a_fresh_conflict(member_client):
    term = make_term("Alpha", body=BODY)
    stale = form_data(term, body=BODY.replace("Second paragraph.", "Mine."))
    edit_term(term, body=BODY.replace("Second paragraph.", "Theirs."))
    assert member_client.post("/terms/alpha/edit/", stale).status_code == 409
    edit_term(term, body=BODY.replace("Second paragraph.", "Third person's."))
    response = member_client.post("/terms/alpha/edit/", dict(stale, seen_number=2))
    assert response.status_code == 409
    assert 'name="seen_number" value="3"' in response.content.decode()
    assert revision_count(term) == 3


def test_edit_posted_to_an_old_slug_after_a_rename_is_still_saved(member_client):
    term = make_term("Alpha", body=BODY)
    stale = form_data(term, body=BODY.replace("First", "1st"))
    edit_term(term, title="Alpha Prime")
    response = member_client.post("/terms/alpha/edit/", stale)
    term.refresh_from_db()
    assert term.revision_number == 3 and term.title == "Alpha Prime"
    assert "1st" in term.body and response.status_code == 302


# -- Preview -------------------------------------------------------------------------------


def test_preview_uses_the_sanitising_renderer_and_needs_post_login_csrf(member):
    client = Client(enforce_csrf_checks=True)
    assert client.get("/markdownx/markdownify/").status_code == 405
    client.force_login(member)
    assert client.post("/markdownx/markdownify/", {"content": "*x*"}).status_code == 403
    client.get("/terms/new/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/markdownx/markdownify/",
        {"content": "**bold** <script>alert(1)</script> [x](javascript:alert(1)) [[Some Term]]"},
        HTTP_X_CSRFTOKEN=token,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    # Wiki links are coloured as on the term page: this one is not written yet.
    assert 'href="/terms/new/?title=Some+Term" class="wikilink wikilink-missing"' in html
    make_term("Some Term")
    response = client.post(
        "/markdownx/markdownify/", {"content": "[[Some Term]]"}, HTTP_X_CSRFTOKEN=token
    )
    assert 'href="/terms/some-term/" class="wikilink"' in response.content.decode()


def test_image_upload_url_is_not_routed(member_client):
    assert member_client.post("/markdownx/upload/", {}).status_code == 404


# -- Diff ----------------------------------------------------------------------------------


def test_diff_shows_fields_and_words_in_either_order(client):
    term = make_term("Alpha", body=BODY, tags=("a",), category="Old")
    edit_term(term, body=BODY.replace("First paragraph.", "First chapter."), tags=("b",))
    response = client.get("/terms/alpha/diff/?from=1&to=2")
    html = response.content.decode()
    assert response.status_code == 200 and h1_count(html) == 1
    assert "<del>a</del>" in html and "<ins>b</ins>" in html
    assert "<del>paragraph</del>" in html and "<ins>chapter</ins>" in html
    reverse = client.get("/terms/alpha/diff/?from=2&to=1").content.decode()
    assert "<del>chapter</del>" in reverse and "going back in time" in reverse
    same = client.get("/terms/alpha/diff/?from=2&to=2").content.decode()
    assert "No differences" in same


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("", 400),
        ("?from=1", 400),
        ("?from=a&to=1", 400),
        ("?from=-1&to=1", 400),
        ("?from=1&to=99999999999999999999999", 400),
        ("?from=1&to=9", 404),
        ("?from=0&to=1", 404),
        ("?from=1&to=2&from=x", 400),
    ],
)
def test_bad_diff_parameters_get_a_clear_message(client, query, status):
    term = make_term("Alpha", body=BODY)
    edit_term(term, body="changed")
    response = client.get("/terms/alpha/diff/" + query)
    assert response.status_code == status
    html = response.content.decode()
    assert "Cannot compare these revisions" in html and h1_count(html) == 1


def test_diff_of_unknown_term_is_404(client):
    assert client.get("/terms/nope/diff/?from=1&to=2").status_code == 404


def test_history_compare_form_targets_the_diff(client):
    term = make_term("Alpha", body=BODY)
    edit_term(term, body="changed")
    html = client.get("/terms/alpha/history/").content.decode()
    assert 'action="/terms/alpha/diff/"' in html
    assert 'name="from" value="1"' in html and 'name="to" value="2"' in html
    assert client.get("/terms/alpha/diff/", {"from": "1", "to": "2"}).status_code == 200


def test_diff_escapes_hostile_text(client):
    evil = "<img src=x onerror=alert(1)>"
    term = make_term("Alpha", body="safe", tags=("t",))
    edit_term(term, body=f"safe {evil}", tags=(evil,), category=evil, summary=evil)
    html = client.get("/terms/alpha/diff/?from=1&to=2").content.decode()
    assert "<img src=x" not in html and "&lt;img src=x" in html


# -- Revert --------------------------------------------------------------------------------


def test_revert_by_get_does_nothing(member_client):
    term = make_term("Alpha", body="one")
    edit_term(term, body="two")
    response = member_client.get("/terms/alpha/revisions/1/revert/")
    assert response.status_code == 302  # to the revision's page, which asks to confirm
    assert response["Location"] == "/terms/alpha/revisions/1/"
    assert revision_count(term) == 2


def test_revert_needs_csrf(member):
    term = make_term("Alpha", body="one")
    edit_term(term, body="two")
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post("/terms/alpha/revisions/1/revert/").status_code == 403
    assert revision_count(term) == 2


def test_revert_writes_a_new_revision_copying_the_old_one(member_client, member):
    term = make_term("Alpha", body="one", tags=("a",))
    edit_term(term, body="two", tags=("b",))
    response = member_client.post(
        "/terms/alpha/revisions/1/revert/", {"base_number": "2"}, follow=True
    )
    term.refresh_from_db()
    revision = term.current_revision
    assert (revision.number, revision.body, revision.tags) == (3, "one", ["a"])
    assert revision.summary == "Reverted to revision 1 by alice"
    assert revision.author == member
    assert Revision.objects.get(term=term, number=2).body == "two"
    assert "Reverted to revision 1." in response.content.decode()
    again = member_client.post("/terms/alpha/revisions/1/revert/", follow=True)
    assert "nothing to revert" in again.content.decode()
    assert revision_count(term) == 3


def test_revert_from_a_stale_page_shows_the_difference_first(member_client):
    term = make_term("Alpha", body="one")
    edit_term(term, body="two")
    edit_term(term, body="three")
    response = member_client.post("/terms/alpha/revisions/1/revert/", {"base_number": "2"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "has changed since you opened revision 1" in html
    # The refusal offers the revert again, now based on the current revision (defect 5).
    assert 'action="/terms/alpha/revisions/1/revert/"' in html
    assert 'name="base_number" value="3"' in html
    assert revision_count(term) == 3
    again = member_client.post("/terms/alpha/revisions/1/revert/", {"base_number": "3"})
    assert again.status_code == 302
    assert revision_count(term) == 4


def test_revert_to_a_missing_revision_is_404(member_client):
    make_term("Alpha")
    assert member_client.post("/terms/alpha/revisions/7/revert/").status_code == 404
    huge = "/terms/alpha/revisions/99999999999999999999/revert/"
    assert member_client.post(huge).status_code == 404


# -- Rename --------------------------------------------------------------------------------


def test_rename_offers_to_update_links_and_does_it_one_revision_each(member_client, member):
    make_term("Beta", body="See [[Alpha]] and [[alpha|the first]].\n\n`[[Alpha]]` stays.")
    make_term("Gamma", related=("Alpha", "Delta"))
    term = make_term("Alpha", body=BODY)
    response = member_client.post("/terms/alpha/edit/", form_data(term, title="Alpha Prime"))
    assert response["Location"] == "/terms/alpha-prime/update-links/?from=alpha"
    assert member_client.get("/terms/alpha/").status_code == 301

    html = member_client.get(response["Location"]).content.decode()
    assert h1_count(html) == 1
    assert 'href="/terms/beta/"' in html and 'href="/terms/gamma/"' in html

    member_client.post("/terms/alpha-prime/update-links/", {"from": "alpha"})
    beta = Term.objects.get(slug="beta")
    gamma = Term.objects.get(slug="gamma")
    assert beta.body == ("See [[Alpha Prime]] and [[Alpha Prime|the first]].\n\n`[[Alpha]]` stays.")
    assert gamma.current_revision.related == ["alpha-prime", "delta"]
    for other in (beta, gamma):
        revision = other.current_revision
        assert revision.number == 2 and revision.author == member
        assert revision.summary == "Updated links after rename of Alpha to Alpha Prime"
    assert not Link.objects.filter(target_slug="alpha").exists()
    assert "wikilink-missing" not in beta.body_html


def test_update_links_needs_a_real_old_slug_and_post(member_client):
    make_term("Beta", body="[[Gamma]]")
    term = make_term("Alpha")
    edit_term(term, title="Alpha Prime")
    assert member_client.get("/terms/alpha-prime/update-links/?from=gamma").status_code == 404
    assert member_client.get("/terms/alpha-prime/update-links/?from=alpha").status_code == 200
    assert Term.objects.get(slug="beta").revision_number == 1


def test_rename_without_backlinks_goes_straight_to_the_term(member_client):
    term = make_term("Alpha")
    response = member_client.post("/terms/alpha/edit/", form_data(term, title="Omega"))
    assert response["Location"] == "/terms/omega/"
    assert SlugRedirect.objects.filter(old_slug="alpha").exists()


def test_rewrite_wikilinks_rules():
    body = (
        "[[Alpha]] [[ alpha |x]] [[Alphabet]] [[alpha\n"
        "```\n[[Alpha]]\n```\n"
        "`[[Alpha]]` and ``[[Alpha]]`` but [[ALPHA]]"
    )
    assert rewrite_wikilinks(body, old_slug="alpha", target="New") == (
        "[[New]] [[New|x]] [[Alphabet]] [[alpha\n"
        "```\n[[Alpha]]\n```\n"
        "`[[Alpha]]` and ``[[Alpha]]`` but [[New]]"
    )


# -- Service-level merge rules the views rely on -------------------------------------------


def test_term_update_merges_against_the_latest_revision():
    term = make_term("Alpha", body=BODY)
    edit_term(term, body=BODY.replace("Intro.", "Intro 2."))
    edit_term(term, body=BODY.replace("Intro.", "Intro 3."))
    result = term_update(
        term=term,
        data=TermData(title="Alpha", body=BODY.replace("Third", "3rd")),
        author=None,
        summary="",
        base_number=1,
    )
    assert result.merged and result.revision.number == 4
    assert "Intro 3." in result.revision.body and "3rd" in result.revision.body


def test_term_update_with_a_base_the_term_never_had_is_an_error():
    from wiki.exceptions import TermWriteError

    term = make_term("Alpha", body=BODY)
    edit_term(term, body="x")
    with pytest.raises(TermWriteError, match="does not have"):
        term_update(term=term, data=TermData(title="Alpha"), author=None, summary="", base_number=7)
