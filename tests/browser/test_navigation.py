"""Finding one's way in Chromium: hover cards by mouse and by keyboard, the map, the learning
path; all under the site's Content Security Policy."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.factories import make_term

pytestmark = pytest.mark.browser

# Reports every policy violation on the page, from the first script on.
WATCH_CSP = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def garden(transactional_db):
    make_term(
        "Seed",
        difficulty="beginner",
        category="Garden",
        body="A seed is where every plant starts: small, patient and full of promise.",
    )
    make_term("Soil", difficulty="beginner", category="Ground", body="What roots hold on to.")
    make_term(
        "Tree",
        difficulty="advanced",
        category="Wood",
        body="A tall plant that keeps its stem from year to year.",
    )
    make_term("Forest", difficulty="advanced", category="Wood", related=("Tree",))
    make_term(
        "Plant",
        difficulty="intermediate",
        category="Garden",
        related=("Seed", "Tree"),
        body="Every plant needs soil and light. It grows from a [[Seed]] and may become a tree.\n\n"
        "Gardeners tend them.",
    )


def _watch(page) -> None:
    page.add_init_script(WATCH_CSP)


def _no_violations(page) -> None:
    assert page.evaluate("() => window.__violations") == []


def test_a_hover_card_opens_on_mouse_hover_and_closes(page, garden):
    _watch(page)
    page.goto("/terms/plant/")
    link = page.locator(".prose a.wikilink", has_text="Seed")
    card = page.locator("#hovercard")
    link.hover()
    card.wait_for(state="visible")
    assert card.locator(".hovercard-title").inner_text() == "Seed"
    assert "Garden" in card.inner_text() and "Beginner" in card.inner_text()
    assert "every plant starts" in card.inner_text()
    assert link.get_attribute("aria-describedby") == "hovercard"
    screenshot(page, "hover-card")
    # The quieter glossary link gets a card too.
    page.mouse.move(5, 5)
    card.wait_for(state="hidden")
    page.locator(".prose a.wikilink-auto", has_text="soil").hover()
    card.locator(".hovercard-title", has_text="Soil").wait_for()
    _no_violations(page)


def test_a_hover_card_opens_on_keyboard_focus_is_announced_and_closes_on_escape(page, garden):
    page.goto("/terms/plant/")
    target = page.locator(".prose a.wikilink", has_text="Seed")
    for _ in range(80):
        page.keyboard.press("Tab")
        if target.evaluate("(link) => link === document.activeElement"):
            break
    else:
        pytest.fail("the Seed link was never reached with Tab")
    card = page.locator("#hovercard")
    card.wait_for(state="visible")
    assert "Seed" in card.inner_text()
    live = page.locator("[aria-live='polite'].visually-hidden")
    assert "every plant starts" in live.inner_text()
    page.keyboard.press("Escape")
    card.wait_for(state="hidden")
    assert target.get_attribute("aria-describedby") is None


def test_a_tap_on_a_touch_screen_follows_the_link(browser, live_server, garden):
    context = browser.new_context(
        base_url=live_server.url,
        has_touch=True,
        is_mobile=True,
        viewport={"width": 390, "height": 800},
    )
    page = context.new_page()
    page.goto("/terms/plant/")
    page.locator(".prose a.wikilink", has_text="Seed").tap()
    page.wait_for_url("**/terms/seed/")
    context.close()


def test_the_map_draws_a_neighbourhood_and_a_node_click_opens_the_term(page, garden):
    _watch(page)
    page.goto("/map/?term=plant")
    container = page.locator("#term-map")
    page.wait_for_function("() => document.getElementById('term-map')?.dataset.drawn")
    assert container.get_attribute("data-drawn") == "5"  # Plant, Seed, Tree, Forest, Soil
    assert page.locator("#term-map canvas").count() >= 1
    assert page.locator(".map-legend").is_visible()
    screenshot(page, "map-neighbourhood")
    box = container.bounding_box()
    point = page.evaluate(
        """() => {
            const cy = document.getElementById('term-map').termMap;
            const node = cy.nodes('.term').filter((n) => n.data('label') === 'Tree')[0];
            return node.renderedPosition();
        }"""
    )
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_url("**/terms/tree/")
    _no_violations(page)


def test_the_map_of_a_category_and_its_list_without_javascript(browser, live_server, garden):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/map/?term=plant")
    assert not page.locator("#term-map").is_visible()
    tree = page.locator(".map-tree")
    assert tree.locator("> li > a").inner_text() == "Plant"
    assert tree.locator("> li > ul > li > a", has_text="Seed").is_visible()
    assert tree.locator("ul ul a", has_text="Forest").is_visible()  # two steps away
    context.close()


def test_the_learning_path_shows_beginner_terms_first(page, garden):
    _watch(page)
    page.goto("/terms/plant/")
    path = page.locator(".learning-path")
    steps = path.locator(".path-step h3").all_text_contents()
    assert steps == ["Start with", "You are here", "Go further"]
    start = path.locator(".path-start a").all_inner_texts()
    further = path.locator(".path-further a").all_inner_texts()
    assert start == ["Seed", "Soil"] and further == ["Tree", "Forest"]
    assert (
        path.locator(".path-start").bounding_box()["y"]
        < path.locator(".path-further").bounding_box()["y"]
    )
    screenshot(page, "learning-path")
    _no_violations(page)
