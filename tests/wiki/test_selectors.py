"""wiki.selectors: what listing pages read, bounded and with a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from taggit.models import Tag

from tests.factories import edit_term, make_term
from wiki import selectors

pytestmark = pytest.mark.django_db


def tag_options(html: str) -> list[str]:
    select = re.search(r'<select id="f-tag" name="tag">(.*?)</select>', html, re.S)
    assert select is not None
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def test_tags_no_term_uses_leave_the_filters_and_the_tag_list(client):
    # One member's edits, each with new tags: only the last edit's tags are still in use.
    term = make_term("Alpha", tags=tuple(f"first{i}" for i in range(30)))
    for edit in range(3):
        edit_term(term, tags=tuple(f"edit{edit}-{i}" for i in range(30)))
    make_term("Beta", tags=("kept",))
    assert Tag.objects.count() == 121  # taggit keeps the unused ones

    in_use = sorted(["kept", *(f"edit2-{i}" for i in range(30))])
    for url in ("/terms/", "/search/?q=alpha"):
        html = client.get(url).content.decode()
        assert tag_options(html) == ["", *in_use], url
        assert "All tags" not in html
    tag_list = client.get("/tags/").content.decode()
    assert "#first0 " not in tag_list and "#edit0-0 " not in tag_list
    assert "#edit2-0 " in tag_list and "#kept " in tag_list


def test_the_tag_filter_is_bounded_and_links_to_all_tags(client):
    make_term("Alpha", tags=tuple(f"tag{i:03}" for i in range(selectors.FILTER_TAGS + 5)))
    choices = selectors.filter_choices()
    assert len(choices["tags"]) == selectors.FILTER_TAGS
    assert choices["more_tags"] is True
    html = client.get("/terms/").content.decode()
    options = tag_options(html)
    assert len(options) == selectors.FILTER_TAGS + 1  # and "Any"
    assert options[-1] == f"tag{selectors.FILTER_TAGS - 1:03}"  # by name
    assert 'href="/tags/">All tags</a>' in html
    # A selected tag beyond the bound stays selected.
    html = client.get("/terms/?tag=tag204").content.decode()
    assert '<option value="tag204" selected>' in html


def test_categories_no_term_uses_leave_the_filters(client):
    term = make_term("Alpha", category="Practice")
    edit_term(term, category="Theory")
    html = client.get("/terms/").content.decode()
    select = re.search(r'<select id="f-category" name="category">(.*?)</select>', html, re.S)
    assert re.findall(r'<option value="([^"]*)"', select.group(1)) == ["", "theory"]


@pytest.mark.parametrize("n", [2, 40])
def test_filter_choices_take_a_fixed_number_of_queries(django_assert_num_queries, n):
    for i in range(n):
        make_term(f"Term {i}", category=f"Cat {i}", tags=(f"t{i}", f"u{i}"))
    with django_assert_num_queries(2):
        choices = selectors.filter_choices()
        assert len(list(choices["categories"])) == n
        assert len(choices["tags"]) == 2 * n
