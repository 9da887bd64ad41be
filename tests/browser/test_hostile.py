"""The XSS battery in Chromium: a sample of the corpus on the pages that show it, with the
Content Security Policy taken off, so that only escaping and sanitising stand between a
payload and the page. No dialog may open, and ``window.__xss`` (what half the payloads set)
must stay unset. Then, with the policy on: the API's docs page and the admin work without
a single violation report.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from accounts.services import profile_update
from discussion.services import comment_create
from tests.factories import make_term, make_user
from tests.security.corpus import PAYLOADS
from wiki.content import TermData
from wiki.models import Term
from wiki.services import term_update

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SAMPLE = PAYLOADS[::16] + [p for p in PAYLOADS if "window.__xss" in p][:8]
# Reports every policy violation on the page, from the first script on.
WATCH_CSP = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def strip_csp(page) -> None:
    """Serve every response of the site without its Content-Security-Policy header; nothing
    is fetched from elsewhere (payloads point at outside images)."""

    def handle(route):
        if not route.request.url.startswith(page.base_url):
            route.abort()
            return
        try:
            response = route.fetch()
        except PlaywrightError:
            return  # the page is closing; this request has no one left to answer

        headers = {
            k: v for k, v in response.headers.items() if k.lower() != "content-security-policy"
        }
        route.fulfill(response=response, headers=headers)

    page.route("**/*", handle)


def log_in(page, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base_url}]
    )


class Watch:
    """Dialogs opened and the marker global, over every page visited."""

    def __init__(self, page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.ran: list[str] = []
        page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{self.page.url}: {dialog.type} {dialog.message}")
        dialog.dismiss()

    def visit(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        self.settle()

    def settle(self) -> None:
        self.page.wait_for_timeout(30)  # onload/onerror/autofocus handlers run by now
        if self.page.evaluate("() => window.__xss !== undefined"):
            self.ran.append(self.page.url)

    def assert_nothing_ran(self) -> None:
        assert not self.dialogs, self.dialogs[:10]
        assert not self.ran, self.ran[:10]


@pytest.fixture
def hostile(transactional_db):
    """The sampled payloads in every field of a term, a comment and a member's profile."""
    made = []
    for number, raw in enumerate(SAMPLE):
        payload = raw.replace("\x00", "")  # as every request arrives (RejectNulMiddleware)
        member = make_user(f"m{number}")
        profile_update(user=member, display_name=payload[:80], bio=payload)
        title = f"T{number} {payload}"[:200]
        data = TermData(
            title=title,
            category=payload[:100],
            tags=(payload[:100],),
            related=(payload[:200],),
            body=f"{payload}\n\nM{number}M\n",
        )
        term = make_term(
            title, body=data.body, category=data.category, tags=data.tags,
            related=data.related, author=member, summary=payload[:300],
        )  # fmt: skip
        term_update(
            term=term,
            data=data.replace(body=f"{payload}\n\nmore {payload}\n"),
            author=member,
            summary=payload[:300],
            base_number=1,
        )
        comment_create(term=term, author=member, body=payload)
        made.append((number, payload, Term.objects.get(pk=term.pk), member))
    return made


def test_no_payload_runs_on_the_pages_that_show_it(page, hostile):
    strip_csp(page)
    watch = Watch(page)
    for number, payload, term, member in hostile:
        base = term.get_absolute_url()
        watch.visit(base)
        assert page.locator("#term-title").inner_text().startswith(f"T{number}")
        watch.visit(f"{base}diff/?from=1&to=2")
        watch.visit(f"{base}history/")
        watch.visit(f"/members/{quote(member.username)}/")
        watch.visit("/search/?" + urlencode({"q": payload}))
    watch.visit("/recent/")
    watch.visit("/tags/")
    watch.visit("/categories/")
    watch.assert_nothing_ran()


def test_no_payload_runs_in_suggestions_preview_or_conflict(page, hostile, live_server):
    strip_csp(page)
    watch = Watch(page)
    member = make_user("writer")
    log_in(page, member)
    for number, payload, term, _author in hostile[:6]:
        # Suggestions: the titles arrive as JSON and are written into the list by a script.
        watch.visit("/")
        page.locator("#header-q").fill(f"T{number} ")
        page.locator(".suggest-option").first.wait_for()
        watch.settle()
        # The editor's live preview of the payload.
        watch.visit("/terms/new/")
        page.locator("textarea[name=body]").fill(f"{payload}\n\nP{number}P")
        page.locator(".markdownx-preview", has_text=f"P{number}P").wait_for()
        watch.settle()
        # The conflict page: someone saves while the member edits the same line.
        watch.visit(f"{term.get_absolute_url()}edit/")
        current = Term.objects.get(pk=term.pk)
        term_update(
            term=current,
            data=TermData.of(current.current_revision).replace(body=f"theirs {payload}\n"),
            author=make_user(f"other{number}"),
            summary="",
            base_number=current.revision_number,
        )
        page.locator("textarea[name=body]").fill(f"mine {payload}\n")
        page.get_by_role("button", name=re.compile("^Save")).click()
        page.wait_for_load_state("load")
        watch.settle()
        assert "conflict" in page.content().lower()
    watch.assert_nothing_ran()


def test_the_admin_shows_payloads_inertly_and_runs_under_the_policy(page, hostile):
    staff = make_user("root", is_staff=True, is_superuser=True)
    log_in(page, staff)
    page.add_init_script(WATCH_CSP)
    watch = Watch(page)
    watch.visit("/admin/wiki/term/")
    for _number, _payload, term, _member in hostile[:6]:
        watch.visit(f"/admin/wiki/term/{term.pk}/change/")
        assert page.locator("#content h1").is_visible()
    watch.assert_nothing_ran()
    assert page.evaluate("() => window.__violations") == []


def test_the_api_docs_work_under_the_policy_from_local_files(page, transactional_db):
    page.add_init_script(WATCH_CSP)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto("/api/v1/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator(".opblock-summary-path", has_text="/api/v1/terms/{slug}/").first.wait_for()
    assert page.locator(".opblock").count() >= 12
    assert page.evaluate("() => window.__violations") == []
    outside = [url for url in requests if not url.startswith(page.base_url)]
    assert not outside, outside  # no CDN
