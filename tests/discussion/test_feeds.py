"""Recent changes and the Atom feeds: what they list, their filters, that the feeds parse as
Atom with sanitised HTML only, and conditional GET."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from discussion import services
from tests.factories import edit_term, make_comment, make_term, make_user

pytestmark = pytest.mark.django_db(transaction=True)

ATOM = "{http://www.w3.org/2005/Atom}"
NASTY = '<script>alert("x")</script><img src=x onerror=alert(1)> **bold** [[Craft]]'


@pytest.fixture
def wiki():
    alice, bob = make_user("alice"), make_user("bob")
    craft = make_term("Craft", category="Practice", author=alice, summary="First <b>draft</b>")
    edit_term(craft, author=bob, body="Longer text than before.", summary="Expanded")
    other = make_term("Memory", category="Mind", author=bob)
    make_comment(craft, author=bob, body=NASTY)
    make_comment(other, author=alice, body="On memory")
    return {"alice": alice, "bob": bob, "craft": craft, "other": other}


def _atom(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None
    return root


def _entries(root):
    return root.findall(f"{ATOM}entry")


class _Markup(HTMLParser):
    """The elements and attributes an HTML fragment really has (text is not markup)."""

    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)


def _no_script(root) -> None:
    for entry in _entries(root):
        for required in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{required}") is not None
        summary = entry.find(f"{ATOM}summary")
        markup = _Markup()
        markup.feed(summary.text or "")
        assert not markup.tags & {"script", "style", "iframe", "img", "object"}
        assert not {a for a in markup.attributes if a.startswith("on") or a == "style"}


def test_recent_lists_edits_new_terms_and_comments(client, wiki):
    html = client.get(reverse("discussion:recent")).content.decode()
    assert html.count('class="change-new"') == 2
    assert html.count('class="change-edit"') == 1
    assert html.count('class="change-comment"') == 2
    assert "Expanded" in html and "First &lt;b&gt;draft&lt;/b&gt;" in html
    assert "?from=1&amp;to=2" in html  # the edit links to its diff
    assert 'rel="alternate" type="application/atom+xml"' in html
    assert "&lt;script&gt;" in html and "<script>alert" not in html


@pytest.mark.parametrize(
    ("query", "new", "edit", "comment"),
    [
        ("kind=new", 2, 0, 0),
        ("kind=edit", 0, 1, 0),
        ("kind=comment", 0, 0, 2),
        ("category=practice", 1, 1, 1),
        ("kind=comment&category=mind", 0, 0, 1),
        ("kind=bogus", 2, 1, 2),
        ("category=%00nope", 0, 0, 0),
    ],
)
def test_recent_filters(client, wiki, query, new, edit, comment):
    html = client.get(reverse("discussion:recent") + "?" + query).content.decode()
    counted = [html.count(f'class="change-{kind}"') for kind in ("new", "edit", "comment")]
    assert counted == [new, edit, comment]


def test_recent_hides_my_own(client, wiki):
    client.force_login(wiki["bob"])
    html = client.get(reverse("discussion:recent") + "?hide_mine=1").content.decode()
    assert html.count("<tr class=") == 2  # alice's new term and alice's comment
    assert 'name="hide_mine" value="1" checked' in html


def test_recent_is_paginated(client, wiki):
    term = wiki["other"]
    for i in range(60):
        make_comment(term, author=wiki["alice"], body=f"Comment {i}")
    first = client.get(reverse("discussion:recent")).content.decode()
    assert first.count("<tr class=") == 50 and "Page 1 of 2" in first
    second = client.get(reverse("discussion:recent") + "?page=2").content.decode()
    assert second.count("<tr class=") == 15


def test_recent_changes_feed_is_atom_with_clean_html(client, wiki):
    root = _atom(client.get(reverse("discussion:recent_feed")))
    entries = _entries(root)
    assert len(entries) == 5
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert "Comment on: Memory" in titles and "Edited: Craft" in titles
    _no_script(root)


def test_term_history_feed(client, wiki):
    root = _atom(client.get(reverse("discussion:term_history_feed", args=["craft"])))
    titles = [e.find(f"{ATOM}title").text for e in _entries(root)]
    assert titles == ["Revision 2: Expanded", "Revision 1: First <b>draft</b>"]
    _no_script(root)
    assert client.get(reverse("discussion:term_history_feed", args=["nope"])).status_code == 404


def test_term_discussion_feed_carries_the_sanitised_html(client, wiki):
    root = _atom(client.get(reverse("discussion:term_discussion_feed", args=["craft"])))
    [entry] = _entries(root)
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert "<strong>bold</strong>" in summary.text and 'class="wikilink"' in summary.text
    _no_script(root)


@pytest.mark.parametrize(
    "name,args",
    [
        ("recent_feed", []),
        ("term_history_feed", ["craft"]),
        ("term_discussion_feed", ["craft"]),
    ],
)
def test_feeds_answer_304_when_nothing_changed(client, wiki, name, args):
    url = reverse(f"discussion:{name}", args=args)
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    if name == "term_history_feed":
        edit_term(wiki["craft"], author=wiki["alice"], body="Changed again.")
    else:
        comment = make_comment(wiki["craft"], body="Something new")
        services.comment_edit(comment=comment, body="Something newer")
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
