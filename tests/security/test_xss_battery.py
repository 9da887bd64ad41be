"""The XSS battery: every payload of the corpus through every place user text is shown.

The wiki is built once per module from the corpus (``world.build_world``, rolled back at the
end); each test walks one group of places and parses what the site serves, asserting that no
executable construct (``html_check``) is in it, and that the payload did reach the page (its
marker is there), so a place that silently dropped the text would not pass unseen.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode
from xml.etree import ElementTree

import pytest
from django.db import transaction
from django.test import Client

from tests.security.corpus import PAYLOADS
from tests.security.html_check import executable_constructs
from tests.security.world import build_world

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

# The places the issue lists; each test below names the ones it covers.
PLACES = (
    "term body",
    "title",
    "tags",
    "category",
    "related terms",
    "comment",
    "profile bio",
    "username",
    "display name",
    "edit summary",
    "search query",
    "search snippet",
    "suggestions",
    "Atom feeds",
    "admin",
    "preview",
    "API HTML field",
    "conflict page",
    "diff page",
)
LIMITS = {action: (100_000, 100_000) for action in ("edit", "preview", "comment", "report")}
# Pages that are not a place of their own (the same text, shown again) take every n-th payload.
SAMPLE_EVERY = 4


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The corpus wiki, built once for the module inside a transaction that is rolled back."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


CHECKED: list[int] = []  # pages and fragments parsed, per test (the figure for the issue)


def teardown_module():
    print(f"\nXSS battery: {len(PAYLOADS)} payloads x {len(PLACES)} places, {sum(CHECKED)} parsed")


class Pages:
    """Fetches pages and collects what is wrong with them, to report all at once."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.problems: list[str] = []
        self.checked = 0

    def html(self, url: str, *, method: str = "get", expect: str | tuple = "", **data) -> str:
        response = getattr(self.client, method)(url, data or None)
        label = f"{method.upper()} {url[:120]}"
        if response.status_code >= 500:
            self.problems.append(f"{label}: {response.status_code}")
            return ""
        text = response.content.decode()
        self.check(label, text, expect=expect)
        return text

    def check(self, label: str, text: str, *, expect: str | tuple = "") -> None:
        """``expect``: text that shows the payload reached the page (any one of a tuple)."""
        self.checked += 1
        found = executable_constructs(text)
        if found:
            self.problems.append(f"{label}: {found[:3]}")
        wanted = expect if isinstance(expect, tuple) else (expect,) if expect else ()
        if wanted and not any(w in text for w in wanted):
            self.problems.append(f"{label}: {wanted[0]!r} did not reach the page")

    def assert_clean(self) -> None:
        CHECKED.append(self.checked)
        assert self.checked
        assert not self.problems, f"{len(self.problems)} problems:\n" + "\n".join(
            self.problems[:25]
        )


def client_for(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def test_the_battery_is_the_size_the_issue_asks(world):
    assert len(PAYLOADS) >= 200 and len(world.entries) == len(PAYLOADS)
    assert len(PLACES) == 19


def test_term_page_body_title_tags_category_related_comment(world):
    pages = Pages(client_for())
    for entry in world.entries:
        text = pages.html(entry.term.get_absolute_url(), expect=entry.body_marker)
        if f"T{entry.number}" not in text:
            pages.problems.append(f"{entry.term.slug}: the title did not reach the page")
    pages.assert_clean()


def test_history_and_diff_pages_edit_summary(world):
    pages = Pages(client_for())
    for entry in world.entries:
        base = entry.term.get_absolute_url()
        pages.html(f"{base}history/", expect=entry.marker)
        pages.html(f"{base}diff/?from=1&to=2", expect="more")
        if entry.number % SAMPLE_EVERY == 0:  # not a place of its own: a sample
            pages.html(f"{base}revisions/1/", expect=entry.body_marker)
    pages.assert_clean()


def test_member_pages_username_display_name_bio(world):
    pages = Pages(client_for())
    for entry in world.entries:
        url = f"/members/{quote(entry.username)}/"
        shown = (entry.username, quote(entry.username))  # as text, or in a link
        pages.html(url, expect=shown)
        pages.html(f"{url}comments/", expect=shown)
    pages.assert_clean()


def test_listings_categories_tags_wanted_recent_and_home(world):
    pages = Pages(client_for())
    for url in ("/", "/categories/", "/tags/", "/wanted/", "/recent/"):
        pages.html(url)
    for page in range(1, 4):
        pages.html(f"/terms/?page={page}")
        pages.html(f"/wanted/?page={page}")
        pages.html(f"/recent/?page={page}")
    pages.html("/tags/hostile/?page=1")
    # Every category and tag is on /categories/ and /tags/ above and on its term's page; the
    # pages of their own are a sample.
    for entry in world.entries[::SAMPLE_EVERY]:
        term = entry.term
        if term.category_id:
            pages.html(term.category.get_absolute_url())
        for tag in term.tags.all():
            pages.html(f"/tags/{quote(tag.slug)}/")
    pages.assert_clean()


def test_search_query_snippets_and_suggestions(world):
    pages = Pages(client_for())
    for entry in world.entries:
        pages.html("/search/?" + urlencode({"q": entry.payload}))
        response = pages.client.get("/search/suggest/?" + urlencode({"q": f"T{entry.number} "}))
        assert response["Content-Type"] == "application/json"
        titles = [hit["title"] for hit in json.loads(response.content)["results"]]
        if entry.term.title not in titles:
            pages.problems.append(f"suggest T{entry.number}: title missing")
    for page in range(1, len(world.entries) // 20 + 2):
        pages.html(f"/search/?q=more&page={page}")
    pages.assert_clean()


def _feed_html(pages: Pages, url: str, expect: str) -> None:
    """An Atom feed: well-formed XML, and every HTML it carries (summaries) safe."""
    response = pages.client.get(url)
    if response.status_code != 200:
        pages.problems.append(f"{url}: {response.status_code}")
        return
    try:
        root = ElementTree.fromstring(response.content)  # noqa: S314 (our own feed)
    except ElementTree.ParseError as error:
        pages.problems.append(f"{url}: not well-formed ({error})")
        return
    texts = [el.text or "" for el in root.iter() if el.get("type") == "html"]
    pages.check(url, "".join(texts))
    if "{http://www.w3.org/1999/xhtml}" in "".join(el.tag for el in root.iter()):
        pages.problems.append(f"{url}: carries XHTML elements")
    if expect not in response.content.decode():
        pages.problems.append(f"{url}: {expect!r} did not reach the feed")


def test_atom_feeds(world):
    pages = Pages(client_for())
    _feed_html(pages, "/recent/feed/", expect="T")
    for entry in world.entries:
        base = entry.term.get_absolute_url()
        _feed_html(pages, f"{base}history/feed/", expect="Revision 2")
        _feed_html(pages, f"{base}discussion/feed/", expect=f"T{entry.number} ")
    pages.assert_clean()


def test_the_admin(world):
    pages = Pages(client_for(world.staff))
    for url in (
        "/admin/wiki/term/",
        "/admin/wiki/revision/",
        "/admin/wiki/category/",
        "/admin/taggit/tag/",
        "/admin/accounts/user/",
        "/admin/discussion/comment/",
        "/admin/discussion/report/",
        "/admin/wiki/term/?q=T1",
    ):
        pages.html(url)
    for entry in world.entries:
        pages.html(f"/admin/wiki/term/{entry.term.pk}/change/", expect=entry.marker)
        if entry.number % 8 == 0:  # a sample of the heavier pages
            pages.html(f"/admin/accounts/user/?q={quote(entry.username)}")
            pages.html(f"/admin/discussion/comment/{entry.comment_pk}/change/")
    pages.assert_clean()


def test_previews(world, member, settings):
    settings.MODERATION_RATE_LIMITS = LIMITS
    pages = Pages(client_for(member))
    for entry in world.entries:
        payload = entry.payload
        pages.html(
            "/markdownx/markdownify/", method="post", content=f"{payload}\n\nP{entry.number}"
        )
        pages.html(
            "/terms/new/",
            method="post",
            title=payload[:200],
            category=payload[:100],
            tags=payload[:100],
            related=payload[:200],
            body=payload,
            summary=payload[:300],
            preview="1",
        )
    pages.assert_clean()


def test_the_api_html_field(world):
    pages = Pages(client_for())
    for entry in world.entries:
        response = pages.client.get(f"/api/v1/terms/{quote(entry.term.slug)}/")
        assert response.status_code == 200, entry.term.slug
        assert response["Content-Type"].startswith("application/json")
        body = response.json()
        pages.check(f"api {entry.term.slug} html", body["html"], expect=entry.body_marker)
    results = pages.client.get("/api/v1/search/?q=more&limit=100").json()
    for hit in results["items"]:
        pages.check(f"api search {hit['term']['slug']}", hit["snippet_html"])
    pages.assert_clean()


def test_the_conflict_page(world, member, settings):
    settings.MODERATION_RATE_LIMITS = LIMITS
    pages = Pages(client_for(member))
    for entry in world.entries:
        term = entry.term
        text = pages.html(
            f"{term.get_absolute_url()}edit/",
            method="post",
            title=term.title,
            category=entry.payload[:100],
            body=f"{entry.payload}\n\nM{entry.number}M\n\nmine {entry.payload}\n",
            base_number="1",
            summary=entry.payload[:300],
        )
        if "conflict" not in text.lower():
            pages.problems.append(f"{term.slug}: no conflict page")
    pages.assert_clean()


def test_the_editor_and_the_moderation_queue(world, member):
    pages = Pages(client_for(member))
    for entry in world.entries[::SAMPLE_EVERY]:  # the editor's fields; its preview is above
        pages.html(f"{entry.term.get_absolute_url()}edit/", expect=entry.body_marker)
    staff = Pages(client_for(world.staff))
    for page in range(1, 4):
        staff.html(f"/moderation/reports/?page={page}")
    staff.html("/moderation/log/")
    pages.problems += staff.problems
    pages.assert_clean()
