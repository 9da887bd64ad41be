"""Layout at a phone's and a desktop's width (issue 11, defect 12): the diff's changed
fields fit the screen, a long display name keeps the header to its rows, the logout
confirmation is one box. Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.factories import edit_term, make_term, make_user

pytestmark = pytest.mark.browser

PASSWORD = "correct horse 42"
LONG_NAME = "Margaretha Wilhelmina van der Berghe-Oosterhuis"


@pytest.fixture
def member_with_a_long_name(transactional_db):
    member = make_user("margaretha", display_name=LONG_NAME, password=PASSWORD)
    term = make_term(
        "Garden rota",
        category="Practice",
        tags=("gardens", "shared-land"),
        related=("Consensus",),
        author=member,
    )
    edit_term(
        term,
        author=member,
        title="Garden rota and stewardship agreements",
        category="Governance and decision making",
        tags=("gardens", "neighbourhood-stewardship", "a-very-long-tag-name-that-must-wrap"),
        related=("Consensus decision making", "Volunteer rota planning"),
    )
    return member


def _logged_in(browser, live_server, width: int):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 800}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login/")
    page.get_by_label("Username").fill("margaretha")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    return page


def _box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("width", [375, 1280])
def test_diff_header_and_logout_fit_the_screen(
    browser, live_server, member_with_a_long_name, width
):
    page = _logged_in(browser, live_server, width)
    fits = "document.documentElement.scrollWidth <= window.innerWidth"

    page.goto("/")
    brand, account = _box(page, ".brand"), _box(page, ".user-nav")
    # The account links share the brand's row, however long the display name.
    assert abs(account["y"] - brand["y"]) < brand["height"]
    rows = 3 if width == 375 else 1  # brand and account, search, navigation
    assert _box(page, ".site-header")["height"] < rows * 70
    assert page.evaluate(fits)
    screenshot(page, f"header-long-name-{width}")

    page.goto("/terms/garden-rota-and-stewardship-agreements/diff/?from=1&to=2")
    table = _box(page, ".diff-fields")
    assert table["x"] >= 0 and table["x"] + table["width"] <= width
    scroller = page.locator(".diff-fields").evaluate("t => t.parentElement.scrollWidth")
    assert scroller <= table["width"] + 1  # nothing hidden to the side
    assert page.evaluate(fits)
    screenshot(page, f"diff-{width}")

    page.goto("/logout/")
    assert page.locator("main .card").count() == 0
    assert page.locator("main form").count() == 1
    assert page.evaluate(fits)
    screenshot(page, f"logout-{width}")
    page.context.close()
