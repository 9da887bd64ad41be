"""The bulk import writes exactly what the one-at-a-time path writes.

A mixed corpus is imported twice from the same starting state, once document by document
through ``term_import`` (what ``import_seeds`` did before) and once through
``term_import_batch``, each in a transaction that is then rolled back; the revisions, terms,
links, tags and search entries must be the same (ids aside).
"""

import pytest
from django.db import transaction

from search.models import SearchEntry
from tests.factories import edit_term, make_term, make_user
from wiki.content import TermData
from wiki.exceptions import WikiError
from wiki.models import Link, Revision, Term
from wiki.services import imports, term_import
from wiki.services.imports import SeedDoc, term_import_batch

pytestmark = pytest.mark.django_db

REFUSED_BODY = ">" * 40 + " too deep\n"


def doc(name: str, title: str, **fields) -> SeedDoc:
    return SeedDoc(name=name, data=TermData(title=title, **fields))


def corpus() -> list[SeedDoc]:
    """New terms with forward, backward, missing and self links; spellings of categories and
    tags that exist or that an earlier document makes; unchanged, changed, kept and refused
    documents."""
    return [
        doc(
            "alpha.md",
            "Alpha",
            category="practice",
            tags=("knowledge", "PRACTICE"),
            related=("Zeta", "Nowhere Yet", "Stays Same"),
            body="Alpha leads to [[Zeta]] and [[Refused]] and [[Gone Missing|a label]].\n",
        ),
        doc("stays.md", "Stays Same", category="Practice", tags=("Practice",), body="Same.\n"),
        doc(
            "change.md",
            "Will Change",
            difficulty="advanced",
            tags=("knowledge",),
            body="New text with [[Alpha]].\n",
        ),
        doc("edited.md", "Edited By Member", body="The seed's text.\n"),
        doc("renamed.md", "Old Name", body="The seed's text.\n"),
        doc("refused.md", "Refused", body=REFUSED_BODY),
        doc(
            "zeta.md",
            "Zeta",
            category="Ideas",
            tags=("Knowledge", "ideas"),
            related=("alpha",),
            body="# Zeta\n\nBack to [[Alpha]], to [[Zeta]] itself and to [[Old Name]].\n\n"
            "## More\n\nSee [[Fresh Target]].\n",
        ),
        doc(
            "fresh.md",
            "Fresh Target",
            category="ideas",
            difficulty="beginner",
            tags=("IDEAS", "new tag"),
            body="Plain.\n",
        ),
    ]


def arrange() -> None:
    """The wiki before the import: seeds, a member's edit, a rename, a linking term."""
    for name, title, body in [
        ("stays.md", "Stays Same", "Same.\n"),
        ("change.md", "Will Change", "Old text.\n"),
        ("edited.md", "Edited By Member", "The seed's text.\n"),
        ("renamed.md", "Old Name", "The seed's text.\n"),
    ]:
        data = TermData(title=title, category="Practice", tags=("Practice",), body=body)
        term_import(data=data, source_name=name)
    dora = make_user("dora")
    edit_term(Term.objects.get(slug="edited-by-member"), body="Dora's text.", author=dora)
    edit_term(Term.objects.get(slug="old-name"), title="New Name", author=dora)
    make_term("Outside", body="Waiting for [[Fresh Target]] and [[Zeta]].", author=dora)


def snapshot() -> dict:
    terms = {
        t.slug: (
            t.title,
            t.category.name if t.category else None,
            t.difficulty,
            t.body,
            t.body_html,
            t.toc,
            t.renderer_version,
            t.revision_number,
            t.current_revision.number,
            sorted(t.tags.names()),
        )
        for t in Term.objects.select_related("category", "current_revision")
    }
    revisions = sorted(
        Revision.objects.values_list(
            "term__slug",
            "number",
            "parent_number",
            "title",
            "slug",
            "category",
            "difficulty",
            "tags",
            "related",
            "body",
            "author__username",
            "summary",
        )
    )
    links = sorted(Link.objects.values_list("source__slug", "kind", "target_slug", "position"))
    columns = [f.attname for f in SearchEntry._meta.concrete_fields if f.attname != "term_id"]
    entries = sorted(
        (e.term.slug, *(getattr(e, name) for name in columns))
        for e in SearchEntry.objects.select_related("term")
    )
    return {"terms": terms, "revisions": revisions, "links": links, "entries": entries}


def one_at_a_time(docs: list[SeedDoc]) -> dict[str, str]:
    outcomes = {}
    for d in docs:
        try:
            with transaction.atomic():
                result = term_import(data=d.data, source_name=d.name)
        except WikiError as exc:
            outcomes[d.name] = f"failed: {exc}"
            continue
        outcomes[d.name] = (
            "created" if result.created else "updated" if result.changed else "unchanged"
        )
    return outcomes


def run_rolled_back(import_, capture) -> tuple[dict, dict]:
    with transaction.atomic():
        with capture(execute=True):
            outcomes = import_(corpus())
        state = snapshot()
        transaction.set_rollback(True)
    return outcomes, state


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "worker-pool"])
def test_bulk_import_writes_what_the_one_at_a_time_path_writes(
    django_capture_on_commit_callbacks, monkeypatch, parallel
):
    arrange()
    before = snapshot()
    expected_outcomes, expected = run_rolled_back(one_at_a_time, django_capture_on_commit_callbacks)
    assert snapshot() == before

    if parallel:
        monkeypatch.setattr(imports, "PARALLEL_FROM", 1)

    def bulk(docs):
        results = term_import_batch(docs=docs, chunk_size=3, processes=2 if parallel else 1)
        return {
            r.name: f"failed: {r.error}" if r.outcome == "failed" else r.outcome for r in results
        }

    outcomes, state = run_rolled_back(bulk, django_capture_on_commit_callbacks)

    assert outcomes == expected_outcomes
    assert outcomes["alpha.md"] == "created" and outcomes["change.md"] == "updated"
    assert outcomes["stays.md"] == outcomes["edited.md"] == outcomes["renamed.md"] == "unchanged"
    assert outcomes["refused.md"].startswith("failed: ")
    for part in ("terms", "revisions", "links", "entries"):
        assert state[part] == expected[part], part
    # The spellings the write path settles on, and the link colours after the tasks ran.
    alpha = state["terms"]["alpha"]
    assert alpha[1] == "Practice" and alpha[9] == ["Practice", "knowledge"]
    assert state["terms"]["zeta"][1] == "Ideas" and state["terms"]["zeta"][9] == [
        "ideas",
        "knowledge",
    ]
    assert 'href="/terms/zeta/"' in alpha[4] and "wikilink-missing" in alpha[4]
    assert 'href="/terms/fresh-target/"' in state["terms"]["outside"][4]


def test_a_forward_link_is_blue_in_the_first_revision(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        term_import_batch(
            docs=[doc("a.md", "Alpha", body="See [[Beta]]."), doc("b.md", "Beta", body="Hi.")]
        )
    alpha = Term.objects.get(slug="alpha")
    assert 'href="/terms/beta/"' in alpha.current_revision.body_html
    assert "wikilink-missing" not in alpha.current_revision.body_html


def test_a_term_saved_by_a_member_meanwhile_goes_through_the_write_path(monkeypatch):
    term_import(data=TermData(title="Alpha", body="one"), source_name="a.md")
    planned = imports._plan

    def plan_then_member_saves(items):
        to_write = planned(items)
        edit_term(Term.objects.get(slug="alpha"), body="a member's text", author=make_user("fay"))
        return to_write

    monkeypatch.setattr(imports, "_plan", plan_then_member_saves)
    (result,) = term_import_batch(docs=[doc("a.md", "Alpha", body="two")])
    assert result.outcome == "unchanged"
    assert result.notes == ["kept: revision 2 is an edit by fay"]
    assert Term.objects.get(slug="alpha").body == "a member's text"


def test_a_slug_taken_meanwhile_goes_through_the_write_path(monkeypatch):
    planned = imports._plan

    def plan_then_member_creates(items):
        to_write = planned(items)
        make_term("Alpha", body="a member's term", author=make_user("erin"))
        return to_write

    monkeypatch.setattr(imports, "_plan", plan_then_member_creates)
    results = term_import_batch(docs=[doc("a.md", "Alpha", body="seed"), doc("b.md", "Beta")])
    assert [r.outcome for r in results] == ["unchanged", "created"]
    assert results[0].notes == ["kept: revision 1 is an edit by erin"]
    assert Term.objects.get(slug="alpha").body == "a member's term"
