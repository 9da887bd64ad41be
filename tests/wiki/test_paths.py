"""wiki.paths: shortest paths that climb in difficulty, and a term's learning path (pure)."""

from __future__ import annotations

import random
from collections import deque
from itertools import pairwise

from wiki.paths import (
    Graph,
    Waypoint,
    learning_path,
    shortest_path,
    strengths,
)

BEG, MID, ADV = 0, 1, 2  # beginner, intermediate, advanced


def graph(ranks: dict[int, int | None], edges: list[tuple[int, int]]) -> Graph:
    return Graph(ranks, edges)


def test_the_shortest_path_between_two_terms():
    g = graph({1: BEG, 2: BEG, 3: MID, 4: ADV, 5: ADV}, [(1, 2), (2, 3), (3, 4), (4, 5), (1, 5)])
    result = shortest_path(g, 1, 5)
    assert result.steps == (1, 5) and result.climbing


def test_a_climbing_path_is_preferred_to_a_shorter_one_that_steps_down():
    # 1 (BEG) -> 2 (ADV) -> 3 (BEG) -> 4 (ADV) is two steps down; 1 -> 5 -> 6 -> 7 -> 4 climbs.
    ranks = {1: BEG, 2: ADV, 3: BEG, 4: ADV, 5: BEG, 6: MID, 7: MID}
    g = graph(ranks, [(1, 2), (2, 3), (3, 4), (1, 5), (5, 6), (6, 7), (7, 4)])
    result = shortest_path(g, 1, 4)
    assert result.steps == (1, 5, 6, 7, 4)
    assert result.climbing


def test_without_a_climbing_path_the_shortest_path_is_given_and_says_so():
    g = graph({1: ADV, 2: BEG, 3: ADV}, [(1, 2), (2, 3)])
    result = shortest_path(g, 1, 3)
    assert result.steps == (1, 2, 3) and not result.climbing


def test_terms_without_a_difficulty_are_passed_through():
    g = graph({1: BEG, 2: None, 3: MID}, [(1, 2), (2, 3)])
    assert shortest_path(g, 1, 3).climbing


def test_edges_are_walked_both_ways_and_self_links_and_unknown_terms_ignored():
    g = graph({1: BEG, 2: MID, 3: ADV}, [(3, 2), (2, 1), (2, 2), (2, 99)])
    assert shortest_path(g, 1, 3).steps == (1, 2, 3)


def test_no_path_and_unknown_ends():
    g = graph({1: BEG, 2: BEG, 3: BEG}, [(1, 2)])
    assert not shortest_path(g, 1, 3).found
    assert not shortest_path(g, 1, 3).exhausted
    assert not shortest_path(g, 1, 42).found
    assert shortest_path(g, 2, 2).steps == (2,)


def test_the_search_is_bounded():
    chain = {n: BEG for n in range(1, 2001)}
    g = graph(chain, [(n, n + 1) for n in range(1, 2000)])
    result = shortest_path(g, 1, 2000, max_visits=100)
    assert result.exhausted and not result.found


def test_strengths_count_edge_kinds_and_two_steps_less():
    edges = [(1, 2, "related"), (2, 1, "inline"), (1, 3, "auto"), (3, 4, "related")]
    found = strengths(1, edges)
    assert found[2] == 5  # related 3 + link 2, either direction
    assert found[3] == 1
    assert found[4] == 0.25  # a quarter of the weaker step (1)


def _wp(node, rank, strength=1.0, title=""):
    return Waypoint(id=node, rank=rank, strength=strength, title=title or f"T{node}")


def test_learning_path_starts_easier_and_goes_further():
    path = learning_path(MID, [_wp(1, ADV), _wp(2, BEG), _wp(3, MID), _wp(4, BEG, 3.0)])
    assert [w.id for w in path.start_with] == [4, 2]  # the stronger connection first
    assert [w.id for w in path.alongside] == [3]
    assert [w.id for w in path.go_further] == [1]


def test_learning_path_of_a_beginner_and_of_a_term_without_difficulty():
    beginner = learning_path(BEG, [_wp(1, ADV), _wp(2, MID), _wp(3, BEG)])
    assert beginner.start_with == ()
    assert [w.id for w in beginner.go_further] == [2, 1]  # intermediate before advanced
    unrated = learning_path(None, [_wp(1, ADV), _wp(2, MID), _wp(3, BEG)])
    assert [w.id for w in unrated.start_with] == [3]
    assert [w.id for w in unrated.go_further] == [1]
    assert not learning_path(None, [])


def test_learning_path_ties_by_title_and_caps_each_group():
    path = learning_path(
        BEG, [_wp(n, ADV, 1.0, title) for n, title in enumerate("dcba")], per_group=3
    )
    assert [w.title for w in path.go_further] == ["a", "b", "c"]


def _bfs_length(edges: list[tuple[int, int]], start: int, goal: int) -> int | None:
    near: dict[int, set[int]] = {}
    for a, b in edges:
        if a != b:
            near.setdefault(a, set()).add(b)
            near.setdefault(b, set()).add(a)
    seen, queue = {start: 0}, deque([start])
    while queue:
        node = queue.popleft()
        for other in near.get(node, ()):
            if other not in seen:
                seen[other] = seen[node] + 1
                queue.append(other)
    return seen.get(goal)


def test_the_paths_are_shortest_on_random_graphs():
    """Against a plain breadth-first search: the fallback (from both ends) is never longer,
    and a climbing path is never shorter than the shortest path."""
    rng = random.Random(16)
    for _ in range(300):
        n = rng.randint(2, 40)
        ranks = {node: rng.choice([BEG, MID, ADV, None]) for node in range(n)}
        edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(rng.randint(0, 3 * n))]
        start, goal = rng.randrange(n), rng.randrange(n)
        result = shortest_path(Graph(ranks, edges), start, goal)
        expected = _bfs_length(edges, start, goal) if start != goal else 0
        if expected is None:
            assert not result.found
            continue
        assert result.found and result.steps[0] == start and result.steps[-1] == goal
        pairs = {frozenset(edge) for edge in edges}
        assert all(frozenset(step) in pairs for step in pairwise(result.steps))
        assert len(result.steps) - 1 >= expected
        if result.climbing:
            rated = [ranks[node] for node in result.steps if ranks[node] is not None]
            assert rated == sorted(rated)
        else:
            assert len(result.steps) - 1 == expected
