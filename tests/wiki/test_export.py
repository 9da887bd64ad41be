"""Export and import round trip: ``export_terms`` writes seed files that ``import_seeds``
reads back as the same terms, field for field; ``--with-history`` and ``import_history``
bring back every revision with its author and time."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from taggit.models import Tag

from tests.factories import make_user
from wiki.content import TermData
from wiki.export import MAX_FILENAME_BYTES, seed_filename, seed_text
from wiki.models import Category, Link, Revision, SlugRedirect, Term
from wiki.seeds import parse_seed_text
from wiki.services import term_create, term_delete, term_rerender, term_revert, term_update

pytestmark = pytest.mark.django_db

CORPUS = {
    "greek.md": "---\nterm: Κοινότητα πρακτικής\ncategory: Κοινωνία\ndifficulty: beginner\n"
    "tags: [ομάδα, μάθηση]\nrelatedTerms: [Tacit knowledge]\n---\n\n# Ορισμός\n\nΜια ομάδα.\n",
    "japanese.md": "---\nterm: 実践共同体\ncategory: 社会\ndifficulty: intermediate\n"
    "tags: [学習]\n---\n実践共同体は [[Κοινότητα πρακτικής]] とも言う。\n",
    "table.md": "---\nterm: Tacit knowledge\ncategory: Learning\ndifficulty: advanced\n"
    "tags: ['knowledge, tacit', 'Polanyi']\nrelatedTerms: 'Explicit knowledge, 実践共同体'\n---\n"
    "| Kind | Example |\n|:-----|--------:|\n| tacit | riding |\n| explicit | a manual |\n\n"
    "See [[Explicit knowledge|the other kind]] and [[Nowhere yet]].\n",
    "code.md": "---\nterm: 'Code: yes/no'\ncategory: Learning\n---\n\n```python\n"
    "print('[[not a link]]')\n```\n\nInline `[[also not]]` and **bold** text.\n\n\n",
    "crlf.md": "---\r\nterm: Explicit knowledge\r\ndifficulty: Beginner\r\ntags: [knowledge]\r\n"
    "---\r\n\r\nWritten down.\r\nSecond line.\r\n",
    "emoji.md": "\ufeff---\nterm: Café ☕ culture\ncategory: '2024'\ntags: [null-ish, 'yes']\n---\n"
    "Ünïcödé with\u00a0nbsp and \u2028 separator and RTL עברית.\n",
    "empty.md": "---\nterm: Empty term\ndifficulty: ''\n---\n",
}


def write_corpus(directory: Path) -> None:
    for name, text in CORPUS.items():
        (directory / name).write_bytes(text.encode("utf-8"))


def snapshot() -> dict:
    """Every term, field by field, with its links and its HTML (re-rendered, so link colours
    do not depend on the order the files were imported in)."""
    for term in Term.objects.all():
        term_rerender(term)
    state = {}
    for term in Term.objects.select_related("category", "current_revision").order_by("slug"):
        state[term.slug] = {
            "content": TermData.of(term.current_revision),
            "term": (term.title, term.difficulty, term.category.name if term.category else ""),
            "tags": sorted(term.tags.names()),
            "body": term.body,
            "html": term.body_html,
            "toc": term.toc,
            "links": sorted(Link.objects.filter(source=term).values_list("kind", "target_slug")),
        }
    return state


def empty_the_wiki() -> None:
    for term in Term.objects.all():
        term_delete(term=term)
    Category.objects.all().delete()
    Tag.objects.all().delete()
    assert not Term.objects.exists() and not Revision.objects.exists()


def test_an_export_imports_into_an_empty_wiki_as_the_same_terms(tmp_path, member):
    seeds, export = tmp_path / "seeds", tmp_path / "export"
    seeds.mkdir()
    write_corpus(seeds)
    call_command("import_seeds", str(seeds), stdout=StringIO())
    # Typed in the browser: no final line break, a blank first line, a renamed term.
    explicit = Term.objects.get(slug="explicit-knowledge")
    data = TermData.of(explicit.current_revision).replace(body="\nTyped in a browser")
    term_update(term=explicit, data=data, author=member, summary="web", base_number=1)
    code = Term.objects.get(title="Code: yes/no")
    term_update(
        term=code,
        data=TermData.of(code.current_revision).replace(title="Code sample", body="  \n"),
        author=member,
        summary="rename",
        base_number=1,
    )
    before = snapshot()
    assert {v["content"].difficulty for v in before.values()} == {
        "",
        "beginner",
        "intermediate",
        "advanced",
    }
    out = StringIO()
    call_command("export_terms", str(export), stdout=out)
    assert "Wrote 7 terms" in out.getvalue()
    assert sorted(p.name for p in export.iterdir()) == sorted(f"{s}.md" for s in before)

    empty_the_wiki()
    out = StringIO()
    call_command("import_seeds", str(export), stdout=out)
    assert "created 7, updated 0, unchanged 0, failed 0" in out.getvalue()
    assert snapshot() == before
    out = StringIO()
    call_command("import_seeds", str(export), stdout=out)  # and again: nothing changes
    assert "created 0, updated 0, unchanged 7, failed 0" in out.getvalue()


@pytest.mark.parametrize(
    "body",
    ["", "x", "x\n", "\n\nx\n\n", "x\n\n\n", "   ", "a\r\nb", "---\nnot front matter\n---\n"],
)
def test_every_body_survives_the_seed_format(body):
    data = TermData(title="T", category="C", tags=("a, b",), related=("x",), body=body)
    assert parse_seed_text(seed_text(data)) == data


def test_long_unicode_slugs_make_file_names_that_fit():
    slug = "実" * 200
    name = seed_filename(slug)
    assert len(name.encode()) <= MAX_FILENAME_BYTES + 20 and name.endswith(".md")
    assert seed_filename(slug) != seed_filename("実" * 199 + "践")
    assert seed_filename("alpha") == "alpha.md"


def test_history_comes_back_with_authors_and_times(tmp_path, member):
    carl = make_user("carl", display_name="Carl C.")
    first = term_create(data=TermData(title="Alpha", body="one"), author=member, summary="new")
    term = first.term
    term_update(
        term=term,
        data=TermData(title="Alpha", body="two", tags=("t",)),
        author=carl,
        summary="more",
        base_number=1,
    )
    term_update(
        term=term,
        data=TermData(title="Alpha Wave", body="two", tags=("t",)),
        author=carl,
        summary="rename",
        base_number=2,
    )
    term_update(
        term=term,
        data=TermData(title="Alpha Wave", body="three", tags=("t",)),
        author=member,
        summary="",
        base_number=3,
    )
    term_revert(term=Term.objects.get(pk=term.pk), number=3, author=member)
    term_create(data=TermData(title="Seeded", body="s\n"), author=None)

    def history():
        return [
            (
                r.term.slug,
                r.number,
                TermData.of(r),
                r.summary,
                r.author.username if r.author else None,
                r.created_at,
            )
            for r in Revision.objects.select_related("term", "author").order_by(
                "term__slug", "number"
            )
        ]

    # Times far from "now", so a restore that kept none would show.
    old = datetime(2020, 5, 17, 8, 30, tzinfo=UTC)
    for n, revision in enumerate(Revision.objects.order_by("pk")):
        Revision._base_manager.filter(pk=revision.pk).update(created_at=old.replace(day=n + 1))
    before = history()
    call_command("export_terms", str(tmp_path), "--with-history", stdout=StringIO())
    lines = (tmp_path / "history.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 6 and json.loads(lines[0])["term"] == "alpha-wave"

    empty_the_wiki()
    carl.delete()  # a member this wiki no longer has comes back as an inactive account
    out = StringIO()
    call_command("import_history", str(tmp_path / "history.jsonl"), stdout=out)
    assert "restored 2 terms with 6 revisions, skipped 0, failed 0" in out.getvalue()
    assert history() == before
    restored = get_user_model().objects.get(username="carl")
    assert not restored.is_active and not restored.has_usable_password()
    assert restored.display_name == "Carl C."
    assert SlugRedirect.objects.filter(old_slug="alpha", term__slug="alpha-wave").exists()
    wave = Term.objects.get(slug="alpha-wave")
    assert wave.updated_at == before[4][5] and wave.created_at == before[0][5]

    out = StringIO()
    call_command("import_history", str(tmp_path / "history.jsonl"), stdout=out)
    assert "restored 0 terms with 0 revisions, skipped 2" in out.getvalue()
    assert Revision.objects.count() == 6


def test_a_damaged_history_file_names_the_line(tmp_path):
    (tmp_path / "h.jsonl").write_text('{"term": "a"}\nnot json\n', encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_history", str(tmp_path / "h.jsonl"), stdout=StringIO(), stderr=err)
    assert "line 2" in err.getvalue() and not Term.objects.exists()


def test_the_term_page_offers_the_markdown(client):
    term_create(data=TermData(title="Alpha", body="Hello"), author=None)
    page = client.get("/terms/alpha/").content.decode()
    assert 'href="/terms/alpha/markdown/"' in page and "Download as Markdown" in page
    response = client.get("/terms/alpha/markdown/")
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="alpha.md"'
    assert parse_seed_text(response.content.decode()) == TermData(title="Alpha", body="Hello")
