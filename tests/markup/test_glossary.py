"""markup.glossary: the first plain mention of another term's title links to it, quietly."""

from __future__ import annotations

import re

import pytest

from markup import Glossary, Resolver, limits, render

TITLES = [
    ("Community", "community"),
    ("Community of Practice", "community-of-practice"),
    ("Practice", "practice"),
    ("Art", "art"),
    ("C++", "c"),
    ("Tacit Knowledge", "tacit-knowledge"),
    ("Café", "cafe"),
    ("Go", "go"),
]


def resolver(*, glossary=None, own_slug="", titles=TITLES) -> Resolver:
    return Resolver(
        term_url=lambda slug: f"/terms/{slug}/",
        new_term_url=lambda title: "/terms/new/",
        existing=lambda slugs: slugs,
        glossary=Glossary(titles) if glossary is None else glossary,
        own_slug=own_slug,
    )


def auto_links(html: str) -> list[tuple[str, str]]:
    """(href, text) of every auto-link, in order."""
    return re.findall(r'<a href="([^"]+)" class="wikilink wikilink-auto">([^<]*)</a>', html)


def run(text: str, **kw):
    return render(text, resolve=resolver(**kw))


def test_whole_words_case_insensitive_first_mention_only():
    out = run("The practice of art is a PRACTICE; a party, an artist, practices, art again.")
    assert auto_links(out.html) == [("/terms/practice/", "practice"), ("/terms/art/", "art")]
    assert out.autolinks == ("practice", "art")
    assert "a PRACTICE;" in out.html and "art again" in out.html


def test_the_longest_overlapping_title_wins_and_its_words_are_not_linked_inside_it():
    out = run("A community of practice is a community.")
    assert auto_links(out.html) == [
        ("/terms/community-of-practice/", "community of practice"),
        ("/terms/community/", "community"),
    ]


def test_a_longer_title_that_is_not_a_whole_word_falls_back_to_the_shorter_one():
    out = run("Communities of practicex meet; community of practices too.")
    assert auto_links(out.html) == [("/terms/community/", "community")]


def test_titles_with_symbols_and_accents():
    out = run("We write C++11 at the cafe and the CAFÉ.")
    assert ("/terms/c/", "C++") in auto_links(out.html)
    assert ("/terms/cafe/", "CAFÉ") in auto_links(out.html)  # "cafe" is not "café"


def test_short_titles_are_never_auto_linked():
    assert auto_links(run("Go and go on.").html) == []


def test_not_in_code_links_headings_or_images():
    text = (
        "# Practice in a heading\n\n"
        "`practice` in code, [practice](https://example.org), [[Community|a community]], "
        "https://example.org/practice and ![practice](https://example.org/p.png).\n\n"
        "```\npractice in a fence\n```\n\n"
        "    practice indented\n\n"
        "Finally practice."
    )
    out = run(text)
    assert auto_links(out.html) == [("/terms/practice/", "practice")]
    assert "Finally <a" in out.html


def test_a_term_the_body_links_explicitly_is_not_auto_linked_even_before_the_link():
    out = run("Practice first, then [[Practice]].")
    assert auto_links(out.html) == []
    assert out.wikilinks == ("practice",) and out.autolinks == ()


def test_the_term_itself_is_never_linked():
    out = run("Tacit knowledge is knowledge about art.", own_slug="tacit-knowledge")
    assert auto_links(out.html) == [("/terms/art/", "art")]


def test_the_escape_keeps_one_mention_plain_and_the_next_one_is_linked():
    out = run("[[!Practice]] is plain; practice is linked. [[!]] stays.")
    assert auto_links(out.html) == [("/terms/practice/", "practice")]
    assert out.html.startswith("<p>Practice is plain;")
    assert "[[!]]" in out.html


def test_the_escape_is_text_and_escaped():
    out = run("[[!<b>art</b> & co]]")
    assert "&lt;b&gt;art&lt;/b&gt; &amp; co" in out.html
    assert out.autolinks == ()


def test_without_a_glossary_nothing_is_linked():
    plain = Resolver(term_url=lambda s: s, new_term_url=lambda t: t)
    out = render("Practice and art.", resolve=plain)
    assert out.autolinks == () and "wikilink-auto" not in out.html


def test_an_empty_glossary_links_nothing():
    assert run("Practice.", titles=[]).autolinks == ()


def test_mentions_inside_emphasis_tables_and_lists_are_linked():
    out = run("*the practice*\n\n| a |\n|---|\n| art |\n\n- community\n")
    assert {slug for _, slug in auto_links(out.html)} == {"practice", "art", "community"}


def test_the_budget_stops_auto_linking_and_never_refuses(monkeypatch):
    monkeypatch.setattr(limits, "MAX_AUTOLINK_STEPS", 60)
    text = "art. " * 400 + "practice"
    out = run(text)
    assert out.autolinks == ("art",)  # the budget ran out before "practice"


def test_at_most_max_autolinks(monkeypatch):
    monkeypatch.setattr(limits, "MAX_AUTOLINKS", 2)
    out = run("art, practice, community, cafe")
    assert out.autolinks == ("art", "practice")


@pytest.mark.parametrize("title", ["İstanbul", "Straße"])
def test_characters_that_change_length_when_lowered_keep_positions(title):
    out = run(f"Before İ {title} after.", titles=[(title, "x")])
    assert auto_links(out.html) == [("/terms/x/", title)]
