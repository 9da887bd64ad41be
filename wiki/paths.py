"""Learning paths: pure functions over a graph of terms (no database, no Django).

The selectors (``wiki.navigation``) read the link table and hand the edges in; everything here
is arithmetic on ids, so it can be tested and timed on its own.

* ``Graph`` is undirected: a link is walkable both ways, because every term page lists its
  links *and* the terms linking to it ("Linked from"), and related terms show on both pages.
* ``shortest_path`` finds the fewest steps from one term to another, first among the paths
  that never step down in difficulty (beginner, intermediate, advanced; a term without a
  difficulty may sit anywhere on the way), and only when there is none, among all paths.
  Breadth-first over (term, hardest level so far), so at most four times the terms are
  visited, and never past the goal's level; the fallback searches from both ends at once;
  ``max_visits`` and ``max_seconds`` bound the work whatever the graph.
* ``strengths`` and ``learning_path`` order a term's neighbourhood for the "Learning path"
  block: easier terms to start with, harder ones to go further, the most strongly connected
  first.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

RANKS = {"beginner": 0, "intermediate": 1, "advanced": 2}
# How much a connection counts, by link kind: a related term was chosen by an author, a
# [[link]] was written, a glossary link only mentions.
WEIGHTS = {"related": 3, "inline": 2, "auto": 1}
TWO_STEP_FACTOR = 0.25  # a neighbour's neighbour counts a quarter of the weaker step

MAX_VISITS = 200_000  # (term, level) states one search may visit
MAX_SECONDS = 0.5


def rank_of(difficulty: str) -> int | None:
    return RANKS.get(difficulty)


class Graph:
    """Terms (ids, with their difficulty rank or None) and undirected edges between them.

    Stored by position (0..n-1) in lists, not dicts of ids: a search touches hundreds of
    thousands of entries, and list indexing is the cheapest step Python has.
    """

    __slots__ = ("adjacent", "ids", "index", "ranks")

    def __init__(self, ranks: Mapping[int, int | None], edges: Iterable[tuple[int, int]]) -> None:
        self.ids = sorted(ranks)
        self.index = {node: position for position, node in enumerate(self.ids)}
        self.ranks = [ranks[node] for node in self.ids]
        index = self.index
        self.adjacent = self._adjacency((index.get(a), index.get(b)) for a, b in edges)

    @classmethod
    def from_links(
        cls,
        ranks: Mapping[int, int | None],
        slugs: Mapping[str, int],
        links: Iterable[tuple[int, str]],
    ) -> Graph:
        """From the link table as stored: ``(source id, target slug)`` rows, the slugs (and
        old slugs) of the terms in ``slugs``; a slug no term has is not an edge."""
        graph = cls(ranks, ())
        index = graph.index
        at = {slug: index[node] for slug, node in slugs.items() if node in index}
        near: list[list[int]] = [[] for _ in graph.ids]
        for source, target in links:  # a plain loop: 100,000 rows, no per-row call
            i, j = index.get(source), at.get(target)
            if i is not None and j is not None and i != j:
                near[i].append(j)
                near[j].append(i)
        graph.adjacent = [tuple(sorted(set(positions))) for positions in near]
        return graph

    def _adjacency(self, pairs: Iterable[tuple[int | None, int | None]]) -> list[tuple[int, ...]]:
        near: list[list[int]] = [[] for _ in self.ids]
        for i, j in pairs:
            if i is not None and j is not None and i != j:
                near[i].append(j)
                near[j].append(i)
        # Tuples, without repeats, in id order: less memory than lists or sets, and the same
        # path every time.
        return [tuple(sorted(set(positions))) for positions in near]

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, node: object) -> bool:
        return node in self.index

    def rank(self, node: int) -> int | None:
        return self.ranks[self.index[node]]


@dataclass(frozen=True)
class PathResult:
    """``steps``: the term ids from start to goal (empty when none was found); ``climbing``:
    it never steps down in difficulty; ``exhausted``: the search stopped at its bounds
    before it could say there is no path."""

    steps: tuple[int, ...] = ()
    climbing: bool = False
    exhausted: bool = False

    @property
    def found(self) -> bool:
        return bool(self.steps)


class _Bounds:
    """How much one request may search: ``max_visits`` terms, until ``deadline``."""

    __slots__ = ("deadline", "left")

    def __init__(self, max_visits: int, max_seconds: float) -> None:
        self.left = max_visits
        self.deadline = time.monotonic() + max_seconds

    def spend(self, visits: int) -> bool:
        self.left -= visits
        return self.left >= 0 and time.monotonic() <= self.deadline


def shortest_path(
    graph: Graph,
    start: int,
    goal: int,
    *,
    max_visits: int = MAX_VISITS,
    max_seconds: float = MAX_SECONDS,
) -> PathResult:
    """The fewest steps from ``start`` to ``goal``, climbing in difficulty where possible."""
    if start not in graph or goal not in graph:
        return PathResult()
    if start == goal:
        return PathResult(steps=(start,), climbing=True)
    bounds = _Bounds(max_visits, max_seconds)
    first, last = graph.index[start], graph.index[goal]
    climbing = _climbing(graph, first, last, bounds)
    if climbing:
        return PathResult(steps=tuple(graph.ids[i] for i in climbing), climbing=True)
    anyway = _fewest_steps(graph, first, last, bounds)
    if anyway is None or (climbing is None and not anyway):
        return PathResult(exhausted=True)
    steps = tuple(graph.ids[i] for i in anyway)
    return PathResult(steps=steps, climbing=bool(steps) and _climbs(graph, steps))


def _climbing(graph: Graph, first: int, last: int, bounds: _Bounds) -> list[int] | None:
    """Breadth-first over (term, level): ``level`` is the hardest rank met so far (-1: none
    yet), and a step to an easier term than that is not taken; nor one past the goal's
    rank, from which it cannot be reached. [] when there is no such path, None when a bound
    stopped the search."""
    ranks, adjacent = graph.ranks, graph.adjacent
    goal_rank = ranks[last]
    ceiling = 2 if goal_rank is None else goal_rank
    level = _level(-1, ranks[first])
    if level > ceiling:
        return []
    # state = position * 4 + level + 1; parents[state] = the state it was reached from.
    parents = [-2] * (len(ranks) * 4)
    state = first * 4 + level + 1
    parents[state] = -1
    frontier = [state]
    while frontier:
        if not bounds.spend(len(frontier)):
            return None
        reached = []
        for state in frontier:
            node, level = divmod(state, 4)
            level -= 1
            for near in adjacent[node]:
                rank = ranks[near]
                if rank is not None and (rank < level or rank > ceiling):
                    continue
                nxt = near * 4 + (level if rank is None or rank < level else rank) + 1
                if parents[nxt] != -2:
                    continue
                parents[nxt] = state
                if near == last:
                    return _walk_back(parents, nxt, 4)
                reached.append(nxt)
        frontier = reached
    return []


def _fewest_steps(graph: Graph, first: int, last: int, bounds: _Bounds) -> list[int] | None:
    """Breadth-first from both ends at once, a whole layer of the smaller side at a time, so
    a path of ``k`` steps visits about the terms within ``k / 2`` steps of either end instead
    of all those within ``k`` of one. Where the two sides meet in several places during a
    layer, the meeting with the fewest steps in all wins. [] when there is no path, None
    when a bound stopped the search."""
    adjacent = graph.adjacent
    size = len(adjacent)
    parents = ([-2] * size, [-2] * size)  # forward, backward
    depths = ([-1] * size, [-1] * size)
    parents[0][first] = parents[1][last] = -1
    depths[0][first] = depths[1][last] = 0
    frontiers = ([first], [last])
    while frontiers[0] and frontiers[1]:
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        mine, theirs = parents[side], parents[1 - side]
        my_depth, their_depth = depths[side], depths[1 - side]
        if not bounds.spend(len(frontiers[side])):
            return None
        reached: list[int] = []
        best, meeting = size * 2, -1
        for node in frontiers[side]:
            step = my_depth[node] + 1
            for near in adjacent[node]:
                if mine[near] != -2:
                    continue
                mine[near], my_depth[near] = node, step
                if theirs[near] != -2 and step + their_depth[near] < best:
                    best, meeting = step + their_depth[near], near
                reached.append(near)
        if meeting >= 0:
            return _walk_back(parents[0], meeting, 1) + _walk_back(parents[1], meeting, 1)[-2::-1]
        frontiers = (reached, frontiers[1]) if side == 0 else (frontiers[0], reached)
    return []


def _level(level: int, rank: int | None) -> int:
    return level if rank is None else max(level, rank)


def _walk_back(parents: list[int], state: int, width: int) -> list[int]:
    """The positions from the search's start to ``state`` (``width`` states per term)."""
    steps = []
    while state >= 0:
        steps.append(state // width)
        state = parents[state]
    steps.reverse()
    return steps


def _climbs(graph: Graph, steps: tuple[int, ...]) -> bool:
    level = -1
    for node in steps:
        rank = graph.rank(node)
        if rank is not None:
            if rank < level:
                return False
            level = rank
    return True


# -- A term's neighbourhood -----------------------------------------------------------------


def strengths(center: int, edges: Iterable[tuple[int, int, str]]) -> dict[int, float]:
    """How strongly each term near ``center`` is connected to it.

    ``edges`` are ``(a, b, kind)``, in either direction, any number between two terms. A
    direct connection counts the weights of its edges (``WEIGHTS``); a term two steps away
    counts, through each direct neighbour, ``TWO_STEP_FACTOR`` of the weaker of its two
    steps.
    """
    between: dict[tuple[int, int], float] = {}
    for a, b, kind in edges:
        if a != b:
            key = (a, b) if a < b else (b, a)
            between[key] = between.get(key, 0) + WEIGHTS.get(kind, 1)
    direct: dict[int, float] = {}
    for (a, b), weight in between.items():
        if center in (a, b):
            direct[b if a == center else a] = weight
    strength = dict(direct)
    for (a, b), weight in between.items():
        for near, far in ((a, b), (b, a)):
            if near in direct and far != center and far not in direct:
                step = min(direct[near], weight) * TWO_STEP_FACTOR
                strength[far] = strength.get(far, 0) + step
    return strength


@dataclass(frozen=True)
class Waypoint:
    id: int
    rank: int
    strength: float
    title: str


@dataclass(frozen=True)
class LearningPath:
    """Easier terms to start with, the term's own level, harder terms to go further."""

    start_with: tuple[Waypoint, ...]
    alongside: tuple[Waypoint, ...]
    go_further: tuple[Waypoint, ...]

    def __bool__(self) -> bool:
        return bool(self.start_with or self.alongside or self.go_further)


def learning_path(
    center_rank: int | None, waypoints: Iterable[Waypoint], *, per_group: int = 6
) -> LearningPath:
    """Order ``waypoints`` (written terms with a difficulty) around the term's own rank.

    A term without a difficulty is placed as an intermediate one would be, so its path
    starts with beginner terms and goes further with advanced ones. Within a group, easier
    first, then the most strongly connected, then by title.
    """
    level = 1 if center_rank is None else center_rank
    ordered = sorted(waypoints, key=lambda w: (w.rank, -w.strength, w.title.casefold(), w.id))
    return LearningPath(
        start_with=tuple(w for w in ordered if w.rank < level)[:per_group],
        alongside=tuple(w for w in ordered if w.rank == level)[:per_group],
        go_further=tuple(w for w in ordered if w.rank > level)[:per_group],
    )
