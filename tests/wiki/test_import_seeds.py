"""import_seeds: every malformed-file case is named with its reason and changes nothing."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from wiki.models import Link, Revision, Term

pytestmark = pytest.mark.django_db

SEED_DIR = Path(__file__).resolve().parents[2] / "seeds"

GOOD = """---
term: "Tacit Knowledge"
category: "knowledge"
difficulty: "beginner"
relatedTerms: ["communities-of-practice"]
tags: ["knowledge", "practice"]
---

Knowledge that is hard to write down.
"""


def run_import(*paths, dry_run=False):
    out, err = StringIO(), StringIO()
    args = [str(p) for p in paths] + (["--dry-run"] if dry_run else [])
    code = 0
    try:
        call_command("import_seeds", *args, stdout=out, stderr=err)
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue()


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def snapshot():
    return (
        list(Term.objects.values_list("slug", "revision_number").order_by("slug")),
        Revision.objects.count(),
        Link.objects.count(),
    )


def test_shipped_seed_imports_and_is_idempotent():
    code, out, _ = run_import()
    assert code == 0
    assert "created 1, updated 0, unchanged 0, failed 0" in out
    term = Term.objects.get(slug="communities-of-practice")
    assert term.title == "Communities of Practice"
    assert term.category.name == "practice"
    assert term.difficulty == "intermediate"
    assert sorted(term.tags.names()) == ["organizational-learning", "practice"]
    assert "<h2" in term.body_html and "Three Elements" in term.body_html
    assert set(
        Link.objects.filter(source=term, kind="related").values_list("target_slug", flat=True)
    ) == {"organizational-learning", "tacit-knowledge", "discussion-as-emergence"}
    revision = term.current_revision
    assert revision.number == 1 and revision.author is None
    assert "000_ae0286098d7fbb3b.txt" in revision.summary

    before = snapshot()
    code, out, _ = run_import()
    assert code == 0
    assert "created 0, updated 0, unchanged 1, failed 0" in out
    assert snapshot() == before


def test_changed_file_creates_exactly_one_revision(tmp_path):
    path = write(tmp_path, "tacit.md", GOOD)
    run_import(path)
    write(tmp_path, "tacit.md", GOOD.replace("hard to write down", "hard to put into words"))
    code, out, _ = run_import(path)
    assert code == 0
    assert "created 0, updated 1, unchanged 0, failed 0" in out
    term = Term.objects.get(slug="tacit-knowledge")
    assert list(term.revisions.values_list("number", flat=True).order_by("number")) == [1, 2]
    assert term.revision_number == 2
    assert term.current_revision.parent_number == 1
    assert "put into words" in term.body_html
    assert term.revisions.get(number=1).body.strip() == "Knowledge that is hard to write down."
    code, out, _ = run_import(path)
    assert "unchanged 1" in out and Revision.objects.count() == 2


def test_bom_crlf_and_comma_separated_lists(tmp_path):
    text = GOOD.replace('["knowledge", "practice"]', '"knowledge, practice"').replace(
        '["communities-of-practice"]', "communities-of-practice, Situated Learning"
    )
    path = write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    code, _out, err = run_import(path)
    assert code == 0, err
    term = Term.objects.get(slug="tacit-knowledge")
    assert sorted(term.tags.names()) == ["knowledge", "practice"]
    assert term.current_revision.related == ["communities-of-practice", "situated-learning"]
    assert "\r" not in term.body


def test_dry_run_writes_nothing(tmp_path):
    path = write(tmp_path, "tacit.md", GOOD)
    code, out, _ = run_import(path, dry_run=True)
    assert code == 0
    assert "would have created 1" in out
    assert Term.objects.count() == 0


MALFORMED = {
    "no-front-matter.md": ("Just a body.\n", "no front matter"),
    "broken-yaml.md": ('---\nterm: "Unclosed\ntags: [a, b\n---\nBody\n', "broken YAML"),
    "list-front-matter.md": ("---\n- term\n- other\n---\nBody\n", "must be a mapping"),
    "missing-term.md": ("---\ncategory: x\n---\nBody\n", "missing or blank 'term'"),
    "blank-term.md": ('---\nterm: "   "\n---\nBody\n', "missing or blank 'term'"),
    "bad-difficulty.md": ("---\nterm: X\ndifficulty: expert\n---\nBody\n", "unknown difficulty"),
    "latin1.md": ("---\nterm: Caf\xe9\n---\nBody\n".encode("latin-1"), "not valid UTF-8"),
    "huge.md": ("---\nterm: Huge\n---\n" + "a" * 1_000_001, "limit"),
    "empty.md": ("", "empty"),
    "whitespace.md": ("  \n\n", "empty"),
    "unclosed.md": ("---\nterm: X\n", "front matter"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_file_is_named_with_reason_and_changes_nothing(tmp_path, name):
    run_import(write(tmp_path, "good.md", GOOD))
    before = snapshot()
    content, reason = MALFORMED[name]
    bad = write(tmp_path, name, content)
    code, out, err = run_import(bad)
    assert code == 1
    line = next(line for line in err.splitlines() if name in line)
    assert reason in line
    assert "failed 1" in out
    assert snapshot() == before


def test_bad_file_does_not_stop_the_others(tmp_path):
    write(tmp_path, "a-bad.md", "no front matter here")
    write(tmp_path, "b-good.md", GOOD)
    code, out, err = run_import(tmp_path)
    assert code == 1
    assert "a-bad.md" in err
    assert "created 1, updated 0, unchanged 0, failed 1" in out
    assert "1 file could not be imported" in err and "(s)" not in err
    assert Term.objects.filter(slug="tacit-knowledge").exists()


def test_two_files_with_the_same_slug_both_fail(tmp_path):
    write(tmp_path, "one.md", GOOD)
    write(tmp_path, "two.md", GOOD.replace('term: "Tacit Knowledge"', "term: tacit   knowledge"))
    code, _out, err = run_import(tmp_path)
    assert code == 1
    assert "same slug 'tacit-knowledge'" in err
    assert "one.md" in err and "two.md" in err
    assert "2 files could not be imported" in err
    assert Term.objects.count() == 0


def test_body_refused_by_renderer_is_reported_and_atomic(tmp_path, monkeypatch):
    import markup
    from markup import RenderError

    def refuse(*args, **kwargs):
        raise RenderError("Lists nested too deeply.")

    monkeypatch.setattr(markup, "render", refuse)
    code, _out, err = run_import(write(tmp_path, "deep.md", GOOD))
    assert code == 1
    assert "deep.md: Lists nested too deeply." in err
    assert snapshot() == ([], 0, 0)


def test_hostile_file_name_is_printed_safely(tmp_path):
    name = "evil\x1b[31m<script>.md"
    write(tmp_path, name, "no front matter")
    code, _, err = run_import(tmp_path)
    assert code == 1
    assert "\x1b" not in err
    assert "\\x1b[31m<script>.md" in err


def test_missing_path_is_a_clear_error(tmp_path):
    code, _, err = run_import(tmp_path / "nope")
    assert code == 1
    assert "no such file or directory" in err


def test_import_makes_red_links_blue(tmp_path, django_capture_on_commit_callbacks):
    write(tmp_path, "a.md", "---\nterm: Alpha\n---\nSee [[Beta]].\n")
    run_import(tmp_path)
    alpha = Term.objects.get(slug="alpha")
    assert "wikilink-missing" in alpha.body_html
    write(tmp_path, "b.md", "---\nterm: Beta\n---\nBack to [[Alpha]].\n")
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path)
    alpha.refresh_from_db()
    assert "wikilink-missing" not in alpha.body_html
    assert 'href="/terms/beta/"' in alpha.body_html
    assert alpha.revision_number == 1


def test_import_never_overwrites_member_edits(tmp_path):
    from tests.factories import edit_term, make_user

    path = write(tmp_path, "tacit.md", GOOD)
    run_import(path)
    term = Term.objects.get(slug="tacit-knowledge")
    edit_term(term, body="A member's better text.", author=make_user("dora"))
    write(tmp_path, "tacit.md", GOOD.replace("hard to write down", "changed seed"))
    code, out, _ = run_import(path)
    assert code == 0
    assert "tacit.md: kept: revision 2 is an edit by dora" in out
    assert "updated 0, unchanged 1" in out
    term.refresh_from_db()
    assert term.body == "A member's better text."
    assert term.revision_number == 2


def test_import_does_not_recreate_a_renamed_term(tmp_path):
    from tests.factories import edit_term, make_user

    path = write(tmp_path, "tacit.md", GOOD)
    run_import(path)
    edit_term(Term.objects.get(slug="tacit-knowledge"), title="Tacit", author=make_user())
    code, out, _ = run_import(path)
    assert code == 0
    assert "kept: members renamed it to 'Tacit'" in out
    assert list(Term.objects.values_list("slug", flat=True)) == ["tacit"]


def test_verbosity_zero_prints_failures_and_the_summary_only(tmp_path):
    write(tmp_path, "good.md", GOOD)
    write(tmp_path, "bad.md", "---\nterm: [unclosed\n---\nBody.\n")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("import_seeds", str(tmp_path), verbosity=0, stdout=out, stderr=err)
    assert out.getvalue().strip() == "created 1, updated 0, unchanged 0, failed 1"
    assert "bad.md" in err.getvalue()
    assert Term.objects.filter(slug="tacit-knowledge").exists()
