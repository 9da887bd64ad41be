"""Learning paths: pure functions over a graph of terms (no database, no Django).

The selectors (``wiki.navigation``) read the link table and hand the edges in; everything here
is arithmetic on ids, so it can be tested and timed on its own.

* ``Graph`` is undirected: a link is walkable both ways, because every term page lists its
  links *and* the terms linking to it ("Linked from"), and related terms show on both pages.
* ``shortest_path`` finds the fewest steps from one term to another, first among the paths
  that never step down in difficulty (beginner, intermediate, advanced; a term without a
  difficulty may sit anywhere on the way), and only when there is none, among all paths.
  Breadth-first over (term, hardest level so far), so at most three times the terms are
  visited; ``max_visits`` and ``deadline`` bound the work whatever the graph.
* ``strengths`` and ``learning_path`` order a term's neighbourhood for the "Learning path"
  block: easier terms to start with, harder ones to go further, the most strongly connected
  first.
"""

from __future__ import annotations

import time
from collections import deque
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
    """Terms (ids, with their difficulty rank or None) and undirected edges between them."""

    __slots__ = ("adjacent", "ranks")

    def __init__(self, ranks: Mapping[int, int | None], edges: Iterable[tuple[int, int]]) -> None:
        self.ranks = dict(ranks)
        adjacent: dict[int, set[int]] = {node: set() for node in self.ranks}
        for a, b in edges:
            if a != b and a in adjacent and b in adjacent:
                adjacent[a].add(b)
                adjacent[b].add(a)
        # Tuples, in id order: half the memory of sets, and the same path every time.
        self.adjacent = {node: tuple(sorted(near)) for node, near in adjacent.items()}

    def __len__(self) -> int:
        return len(self.ranks)

    def __contains__(self, node: object) -> bool:
        return node in self.ranks


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
    deadline = time.monotonic() + max_seconds
    climbing = _search(graph, start, goal, climb=True, max_visits=max_visits, deadline=deadline)
    if climbing is not None and climbing.found:
        return climbing
    anyway = _search(graph, start, goal, climb=False, max_visits=max_visits, deadline=deadline)
    if anyway is None or (climbing is None and not anyway.found):
        return PathResult(exhausted=True)
    return anyway


def _search(
    graph: Graph, start: int, goal: int, *, climb: bool, max_visits: int, deadline: float
) -> PathResult | None:
    """Breadth-first over (term, level): ``level`` is the hardest rank met so far (-1: none
    yet), and when ``climb`` a step to an easier term than that is not taken. None when a
    bound stopped the search."""
    ranks, adjacent = graph.ranks, graph.adjacent
    first = (start, _level(-1, ranks[start]) if climb else 0)
    parents: dict[tuple[int, int], tuple[int, int] | None] = {first: None}
    queue = deque([first])
    visited = 0
    while queue:
        state = queue.popleft()
        node, level = state
        visited += 1
        if visited > max_visits or (visited % 1024 == 0 and time.monotonic() > deadline):
            return None
        for near in adjacent[node]:
            if climb:
                rank = ranks[near]
                if rank is not None and rank < level:
                    continue
                nxt = (near, _level(level, rank))
            else:
                nxt = (near, 0)
            if nxt in parents:
                continue
            parents[nxt] = state
            if near == goal:
                steps = _walk_back(parents, nxt)
                return PathResult(steps=steps, climbing=climb or _climbs(graph, steps))
            queue.append(nxt)
    return PathResult()


def _level(level: int, rank: int | None) -> int:
    return level if rank is None else max(level, rank)


def _walk_back(
    parents: Mapping[tuple[int, int], tuple[int, int] | None], state: tuple[int, int]
) -> tuple[int, ...]:
    steps = []
    current: tuple[int, int] | None = state
    while current is not None:
        steps.append(current[0])
        current = parents[current]
    return tuple(reversed(steps))


def _climbs(graph: Graph, steps: tuple[int, ...]) -> bool:
    level = -1
    for node in steps:
        rank = graph.ranks[node]
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
