"""Finding one's way: related terms both ways, "Linked from", the learning path, hover cards,
the map and paths between terms, each with a fixed number of queries."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import edit_term, make_term
from wiki import maps, navigation

pytestmark = pytest.mark.django_db


def section(html: str, title_id: str) -> str:
    """The aside section whose heading has ``title_id``."""
    start = html.index(f'id="{title_id}"')
    return html[start : html.index("</section>", start)]


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="/terms/([^/]+)/"', html)


# -- Related terms both ways, and "Linked from" -------------------------------------------


def test_a_term_listed_as_related_shows_the_lister_under_related_terms(client):
    make_term("Beta")
    make_term("Alpha", related=("Beta",))
    page = client.get("/terms/beta/").content.decode()
    assert hrefs(section(page, "related-title")) == ["alpha"]
    assert "alpha" not in hrefs(section(page, "backlinks-title"))


def test_related_keeps_its_own_order_then_the_listers_by_title_without_repeats(client):
    make_term("Hub", related=("Zed", "Unwritten", "Ann"))
    make_term("Zed")
    make_term("Ann", related=("Hub",))
    make_term("Mid", related=("Hub",))
    make_term("Bea", related=("hub",))
    page = client.get("/terms/hub/").content.decode()
    related = section(page, "related-title")
    assert re.findall(r">([^<>]+)</a>", related) == ["Zed", "Unwritten", "Ann", "Bea", "Mid"]
    assert "not yet written" in related


def test_linked_from_lists_body_links_and_glossary_links_by_title(client):
    make_term("Soil")
    make_term("Zinnia", body="Grows in [[Soil]].")
    make_term("Aster", body="Soil is where it grows.")  # a glossary link
    make_term("Listed", related=("Soil",))  # related only: not a body link
    page = client.get("/terms/soil/").content.decode()
    assert hrefs(section(page, "backlinks-title")) == ["aster", "zinnia"]
    assert hrefs(section(page, "related-title")) == ["listed"]


def test_a_renamed_term_is_found_through_its_old_slug_both_ways(client):
    target = make_term("Mulch")
    make_term("Garden", related=("Mulch",), body="See [[Mulch]].")
    edit_term(target, title="Wood Chips")
    page = client.get("/terms/wood-chips/").content.decode()
    assert hrefs(section(page, "related-title")) == ["garden"]
    assert hrefs(section(page, "backlinks-title")) == ["garden"]
    garden = client.get("/terms/garden/").content.decode()
    assert hrefs(section(garden, "related-title")) == ["wood-chips"]


def _crowd(n: int) -> None:
    """A hub with ``n`` related terms (half unwritten), ``n`` terms listing it, ``n`` terms
    linking to it and ``n`` terms two steps away, with every difficulty."""
    levels = ["beginner", "intermediate", "advanced", ""]
    for i in range(n):
        if i % 2 == 0:
            make_term(f"Related {i}", difficulty=levels[i % 4], body=f"[[Far {i}]]")
        make_term(f"Far {i}", difficulty=levels[(i + 1) % 4])
    make_term(
        "Hub",
        difficulty="intermediate",
        category="Cat",
        tags=("a",),
        related=tuple(f"Related {i}" for i in range(n)),
    )
    for i in range(n):
        make_term(f"Lister {i}", related=("Hub",), difficulty=levels[i % 4])
        make_term(f"Linker {i}", body="See [[Hub]] and the hub.")


@pytest.mark.parametrize("n", [1, 30])
def test_the_term_page_costs_the_same_queries_whatever_its_connections(
    client, django_assert_max_num_queries, n
):
    _crowd(n)
    client.get("/terms/hub/")
    with django_assert_max_num_queries(9) as ctx:
        page = client.get("/terms/hub/").content.decode()
    # The term (and its tags), its connections (links, their terms, the links of the
    # strongest, their terms) and the discussion's 3.
    assert len(ctx.captured_queries) == 9
    assert page.count("Linker ") == n
    assert page.count('class="not-written"') == n // 2


def test_the_connections_use_the_link_indexes():
    """Both levels read the links by source and by target slug, never the whole table (on
    PostgreSQL with sequential scans discouraged: a tiny test table is cheaper to scan, so
    the question is whether an index *can* answer)."""
    make_term("Hub", related=("Other",))
    hub = make_term("Other", body="[[Hub]]")
    with CaptureQueriesContext(connection) as ctx:
        navigation.edges_touching([hub.pk], cap=10)
    (query,) = ctx.captured_queries
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + query["sql"], query.get("params"))
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
        plan = "\n".join(str(row) for row in cursor.fetchall())
    assert "link_target_idx" in plan
    assert not re.search(r"SCAN wiki_link\b(?! USING)|Seq Scan on wiki_link", plan), plan


def test_a_hub_is_read_only_up_to_its_caps(client, monkeypatch):
    monkeypatch.setattr(navigation, "FIRST_LEVEL_LINKS", 5)
    make_term("Hub")
    for i in range(8):
        make_term(f"Linker {i}", body="[[Hub]]")
    page = client.get("/terms/hub/").content.decode()
    assert len(hrefs(section(page, "backlinks-title"))) == 5


# -- The learning path ----------------------------------------------------------------------


def test_the_learning_path_orders_the_neighbourhood_by_difficulty(client):
    make_term("Seed", difficulty="beginner")
    make_term("Sprout", difficulty="beginner")
    make_term("Tree", difficulty="advanced")
    make_term("Forest", difficulty="advanced", related=("Tree",))  # two steps away
    make_term("Unrated", body="[[Plant]]")
    make_term(
        "Plant",
        difficulty="intermediate",
        related=("Seed", "Tree", "Nowhere"),
        body="From [[Sprout]]; a plant. Also [[Unrated]].",
    )
    connections = navigation.term_connections(navigation.Term.objects.get(slug="plant"))
    assert [ref.title for ref in connections.start_with] == ["Seed", "Sprout"]
    assert [ref.title for ref in connections.go_further] == ["Tree", "Forest"]
    page = client.get("/terms/plant/").content.decode()
    path = section(page, "path-title")
    assert path.index("Start with") < path.index("Seed") < path.index("You are here")
    assert path.index("You are here") < path.index("Go further") < path.index("Tree")
    assert "Unrated" not in path and "Nowhere" not in path


def test_the_learning_path_breaks_ties_by_connection_strength():
    make_term("Mentioned", difficulty="beginner")
    make_term("Listed", difficulty="beginner")
    plant = make_term("Plant", difficulty="advanced", related=("Listed",), body="Mentioned.")
    connections = navigation.term_connections(plant)
    assert [ref.title for ref in connections.start_with] == ["Listed", "Mentioned"]


def test_a_term_without_difficult_neighbours_says_so(client):
    make_term("Alone")
    assert "None of the terms around this one" in client.get("/terms/alone/").content.decode()


# -- Hover cards -----------------------------------------------------------------------------


def test_the_card_is_small_cached_json(client):
    make_term(
        "Compost",
        category="Garden",
        difficulty="beginner",
        body="# Heading\n\nRotted *matter* that feeds [[Soil]].\n\nMore text.",
    )
    response = client.get("/terms/compost/card.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "max-age" in response["Cache-Control"]
    assert response.json() == {
        "title": "Compost",
        "url": "/terms/compost/",
        "category": "Garden",
        "difficulty": "beginner",
        "difficulty_label": "Beginner",
        "summary": "Rotted matter that feeds Soil.",
    }
    again = client.get("/terms/compost/card.json", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_a_long_first_paragraph_is_cut_and_hostile_text_stays_text(client):
    make_term("Long", body="word " * 200 + "\n\nnext")
    summary = client.get("/terms/long/card.json").json()["summary"]
    assert len(summary) <= navigation.CARD_SUMMARY_CHARS + 1 and summary.endswith("…")
    make_term("Evil", body="&lt;script&gt; <b>x</b> &amp;")
    # Text for the card's textContent, never markup: the script never parses it as HTML.
    assert client.get("/terms/evil/card.json").json()["summary"] == "<script> <b>x</b> &"


def test_cards_follow_renames_and_refuse_unknown_terms(client):
    edit_term(make_term("Mulch"), title="Wood Chips")
    response = client.get("/terms/mulch/card.json")
    assert response.status_code == 301
    assert response["Location"] == "/terms/wood-chips/card.json"
    assert client.get("/terms/never/card.json").status_code == 404


def test_a_card_is_one_query(client, django_assert_num_queries):
    make_term("Compost", category="Garden", body="x" * 100_000)
    with django_assert_num_queries(1):
        client.get("/terms/compost/card.json")


# -- The map --------------------------------------------------------------------------------


def _garden():
    make_term("Seed", difficulty="beginner", category="Garden", tags=("green",))
    make_term("Plant", difficulty="intermediate", category="Garden", related=("Seed",))
    make_term("Tree", difficulty="advanced", category="Wood", body="[[Plant]] grows.")
    make_term("Forest", category="Wood", related=("Tree",), tags=("green",))
    make_term("Far away", body="[[Forest]]")  # three steps from Seed


def test_the_map_of_a_term_draws_its_two_step_neighbourhood(client):
    _garden()
    data = client.get("/map/data.json?term=plant").json()
    titles = {node["title"] for node in data["nodes"]}
    assert titles == {"Plant", "Seed", "Tree", "Forest"}
    plant = next(node for node in data["nodes"] if node["title"] == "Plant")
    assert data["center"] == plant["id"] and plant["url"] == "/terms/plant/"
    kinds = {edge["kind"] for edge in data["edges"]}
    assert kinds == {"related", "inline"}
    page = client.get("/map/?term=plant").content.decode()
    assert 'data-map-url="/map/data.json?term=plant"' in page
    tree = page[page.index('class="map-tree"') :]
    assert tree.index("Plant") < tree.index("Seed") and "Forest" in tree
    assert "Far away" not in tree


def test_the_map_of_a_category_or_tag(client):
    _garden()
    data = client.get("/map/data.json?category=wood").json()
    assert {node["title"] for node in data["nodes"]} == {"Tree", "Forest"}
    assert len(data["edges"]) == 1 and data["center"] is None
    tagged = client.get("/map/data.json?tag=green").json()
    assert {node["title"] for node in tagged["nodes"]} == {"Seed", "Forest"}
    assert client.get("/map/").status_code == 200  # the largest category by default


def test_the_map_refuses_what_does_not_exist_with_a_reason(client):
    _garden()
    response = client.get("/map/?term=nothing")
    assert response.status_code == 404
    assert "No term is called “nothing”." in response.content.decode()
    data = client.get("/map/data.json?category=nothing")
    assert data.status_code == 404 and "nothing" in data.json()["error"]
    assert client.get("/map/?term=" + "x" * 5000).status_code == 404


def test_a_large_category_is_drawn_in_part(client, monkeypatch):
    monkeypatch.setattr(maps, "MAP_TERMS", 3)
    for i in range(5):
        make_term(f"Term {i}", category="Big")
    data = client.get("/map/data.json?category=big").json()
    assert len(data["nodes"]) == 3 and data["truncated"]


@pytest.mark.parametrize("n", [2, 20])
def test_map_queries_do_not_grow(client, django_assert_max_num_queries, n):
    for i in range(n):
        make_term(f"Term {i}", category="Big", related=(f"Term {i + 1}",), body="[[Term 0]]")
    for url, budget in [("/map/data.json?term=term-0", 5), ("/map/data.json?category=big", 3)]:
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200


def test_the_map_page_names_its_script_and_vendored_library(client):
    _garden()
    page = client.get("/map/").content.decode()
    assert "/static/vendor/cytoscape/cytoscape.min.js" in page
    assert "/static/js/map.js" in page
    assert 'id="__________cytoscape_stylesheet"' in page
    assert "<script>" not in page and "style=" not in page


# -- Paths between two terms ----------------------------------------------------------------


def test_the_path_page_finds_a_climbing_path(client):
    _garden()
    page = client.get("/paths/?from=Seed&to=forest").content.decode()
    steps = page[page.index('class="path-result-steps"') :]
    assert hrefs(steps)[:4] == ["seed", "plant", "tree", "forest"]
    assert "in 3 steps" in page and "steps down" not in page


def test_a_path_that_must_step_down_says_so(client):
    make_term("Hard", difficulty="advanced")
    make_term("Easy", difficulty="beginner", related=("Hard", "Harder"))
    make_term("Harder", difficulty="advanced")
    page = client.get("/paths/?from=hard&to=harder").content.decode()
    assert hrefs(page[page.index('class="path-result-steps"') :])[:3] == ["hard", "easy", "harder"]
    assert "steps down in difficulty" in page


def test_the_path_form_answers_each_kind_of_input(client):
    _garden()
    make_term("Island")
    assert client.get("/paths/").status_code == 200
    one = client.get("/paths/?from=seed")
    assert one.status_code == 200 and 'value="seed"' in one.content.decode()
    missing = client.get("/paths/?from=seed&to=nowhere")
    assert missing.status_code == 404
    assert "No term is called “nowhere”." in missing.content.decode()
    assert client.get("/paths/?from=seed&to=" + "x" * 300).status_code == 400
    alone = client.get("/paths/?from=seed&to=island").content.decode()
    assert "No path found" in alone


def test_paths_use_the_graph_kept_in_the_process(client, django_assert_max_num_queries):
    _garden()
    client.get("/paths/?from=seed&to=forest")  # builds the graph
    # The version check, the two ends, and the titles of the steps.
    with django_assert_max_num_queries(4):
        client.get("/paths/?from=seed&to=tree")
    make_term("Shortcut", related=("Seed", "Forest"))
    page = client.get("/paths/?from=seed&to=forest").content.decode()
    assert "in 2 steps" in page  # the new term is in the graph at once


def test_the_new_pages_are_json_or_html_without_inline_script(client):
    _garden()
    for url in ("/paths/?from=seed&to=tree", "/map/?term=seed", "/terms/seed/"):
        html = client.get(url).content.decode()
        assert "<script>" not in html and " onclick=" not in html, url
    assert json.loads(client.get("/map/data.json").content)["nodes"]


def test_a_path_never_steps_through_a_term_deleted_since_the_graph_was_built(client):
    from wiki.services import term_delete

    make_term("Start", related=("Middle",))
    make_term("Middle", related=("End",))
    make_term("End")
    make_term("Detour", related=("Start", "Other"))
    make_term("Other", related=("End",))
    assert "in 2 steps" in client.get("/paths/?from=start&to=end").content.decode()
    term_delete(term=navigation.Term.objects.get(slug="middle"))  # the graph is not told
    page = client.get("/paths/?from=start&to=end").content.decode()
    steps = page[page.index('class="path-result-steps"') :]
    assert hrefs(steps)[:4] == ["start", "detour", "other", "end"]
