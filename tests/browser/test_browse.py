import pytest
from django.core.management import call_command

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_home_to_term_page(page):
    call_command("import_seeds", verbosity=0)
    page.goto("/")
    assert page.locator("h1").first.inner_text() == "Commonplace"
    page.get_by_role("link", name="Communities of Practice").first.click()
    page.wait_for_url("**/terms/communities-of-practice/")
    assert page.locator("h1").inner_text() == "Communities of Practice"
    assert page.get_by_role("heading", name="Three Elements").is_visible()
    assert page.locator(".term-aside .wikilink-missing").count() == 3
    screenshot(page, "term-page")
