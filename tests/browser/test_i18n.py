"""The language switcher in Chromium: one click on "Français" turns the interface French and
it stays so from page to page; "English" turns it back. The same with JavaScript off (it is a
plain form). Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.factories import make_term

pytestmark = pytest.mark.browser


@pytest.fixture
def glossary(transactional_db):
    make_term("Consensus", category="Governance", body="Agreement everyone can live with.")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_language_switcher_changes_the_interface(browser, live_server, glossary, javascript):
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", java_script_enabled=javascript
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto("/terms/consensus/")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("link", name="Edit", exact=True).is_visible()
        switcher = page.locator("form.language-switcher")
        assert switcher.get_by_role("button", name="English").get_attribute("aria-current")

        with page.expect_navigation():
            switcher.get_by_role("button", name="Français").click()
        assert page.url == live_server.url + "/terms/consensus/"  # back where the reader was
        assert page.locator("html").get_attribute("lang") == "fr"
        assert page.get_by_role("link", name="Modifier", exact=True).is_visible()
        assert page.get_by_role("heading", name="Termes liés").is_visible()
        assert page.locator("form.language-switcher button[aria-current]").inner_text() == (
            "Français"
        )
        screenshot(page, f"i18n-term-fr-{'js' if javascript else 'no-js'}")

        page.get_by_role("link", name="Termes A–Z").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == "Termes A–Z"

        with page.expect_navigation():
            page.locator("form.language-switcher").get_by_role("button", name="English").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Terms A–Z"
        assert page.locator("html").get_attribute("lang") == "en"
    finally:
        context.close()
