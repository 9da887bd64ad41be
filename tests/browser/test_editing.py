"""A member's whole editing journey in Chromium: sign up, write a term from a red link with the
live preview, edit it, read the history, compare two revisions, revert, and meet a conflict."""

import re

import pytest

from tests.browser.conftest import screenshot
from tests.factories import edit_term, make_term
from wiki.models import Revision, Term

pytestmark = pytest.mark.browser


def _sign_up(page):
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("newbie")
    page.get_by_label("Email").fill("newbie@example.org")
    page.locator("#id_password1").fill("a long enough passphrase")
    page.get_by_label("Password confirmation").fill("a long enough passphrase")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("link", name="newbie").is_visible()


def test_sign_up_write_edit_compare_and_revert(page):
    make_term("Alpha", body="Alpha depends on [[Quantum Foam]].")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    uploads: list[str] = []
    page.on("request", lambda r: uploads.append(r.url) if "upload" in r.url else None)

    _sign_up(page)

    # A red link leads to the editor with the title filled in.
    page.goto("/terms/alpha/")
    page.locator(".prose a.wikilink-missing", has_text="Quantum Foam").click()
    page.wait_for_url("**/terms/new/?title=Quantum*")
    assert page.get_by_label("Title").input_value() == "Quantum Foam"

    body = page.locator("textarea[name=body]")
    body.fill("Spacetime at the **Planck scale**, see [[Alpha]].\n\nIt foams.")
    preview = page.locator(".markdownx-preview")
    preview.locator("strong", has_text="Planck scale").wait_for()
    assert preview.locator("a.wikilink", has_text="Alpha").count() == 1
    page.get_by_label("Edit summary").fill("First draft")

    # Dropping a file offers no upload: it is stopped and explained.
    page.evaluate(
        """() => {
            const area = document.querySelector("textarea[name=body]");
            const data = new DataTransfer();
            data.items.add(new File(["x"], "photo.png", {type: "image/png"}));
            area.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true,
                                                      cancelable: true}));
        }"""
    )
    assert page.locator(".editor-upload-note").is_visible()
    screenshot(page, "editor")
    page.get_by_role("button", name="Create term").click()
    page.wait_for_url("**/terms/quantum-foam/")
    assert page.locator("h1").inner_text() == "Quantum Foam"
    assert page.locator(".prose strong").inner_text() == "Planck scale"

    # Edit it, watching the preview follow.
    page.get_by_role("link", name="Edit", exact=True).click()
    page.wait_for_url("**/terms/quantum-foam/edit/")
    page.locator("textarea[name=body]").fill(
        "Spacetime at the **Planck scale**, see [[Alpha]].\n\nIt foams and bubbles."
    )
    page.locator(".markdownx-preview", has_text="foams and bubbles").wait_for()
    page.get_by_label("Edit summary").fill("More bubbles")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url("**/terms/quantum-foam/")
    assert "This is now revision 2" in page.locator(".messages").inner_text()

    # History, then compare the two revisions it preselects.
    page.get_by_role("link", name="History").first.click()
    assert page.locator("table.history tbody tr").count() == 2
    page.get_by_role("button", name="Compare selected revisions").click()
    page.wait_for_url(re.compile(r"/terms/quantum-foam/diff/\?(to=2&from=1|from=1&to=2)$"))
    assert page.locator("h1").inner_text() == "Changes to “Quantum Foam”"
    assert page.locator(".diff ins").first.inner_text().strip() == "and bubbles"
    screenshot(page, "diff")

    # Revert to revision 1: a new revision 3 with revision 1's text.
    page.goto("/terms/quantum-foam/revisions/1/")
    page.get_by_role("button", name="Revert to this revision").click()
    page.wait_for_url("**/terms/quantum-foam/")
    assert "Reverted to revision 1." in page.locator(".messages").inner_text()
    term = Term.objects.get(slug="quantum-foam")
    assert term.revision_number == 3
    assert term.current_revision.summary == "Reverted to revision 1 by newbie"
    assert Revision.objects.get(term=term, number=2).body.endswith("foams and bubbles.")
    assert not uploads and not errors


def test_conflict_page_keeps_the_members_text(page):
    term = make_term("Alpha", body="Intro.\n\nThe contested line.\n\nOutro.\n")
    _sign_up(page)
    page.goto("/terms/alpha/edit/")
    page.locator("textarea[name=body]").fill("Intro.\n\nMy version of the line.\n\nOutro.\n")
    page.get_by_label("Edit summary").fill("My take")
    edit_term(term, body="Intro.\n\nTheir version of the line.\n\nOutro.\n", summary="Theirs")
    page.get_by_role("button", name="Save changes").click()
    page.locator("h1", has_text="Edit conflict").wait_for()
    assert "My version of the line." in page.locator("textarea[name=body]").input_value()
    assert page.locator(".conflict-theirs pre").inner_text().strip() == (
        "Their version of the line."
    )
    assert page.locator(".their-change .diff ins").count() >= 1
    screenshot(page, "conflict")
    # Saving again is the resolution: the member's line wins where they met.
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url("**/terms/alpha/")
    term.refresh_from_db()
    assert term.revision_number == 3 and "My version of the line." in term.body
