"""Reads for finding one's way: a term's connections both ways, its learning path, the map, the
hover card and the path between two terms. Each is a fixed number of queries, from the link
table's indexes (``link_unique_edge`` starts with the source, ``link_target_idx`` with the
target slug), and bounded in rows whatever the wiki's size.

A term's neighbourhood is read a level at a time: the links from or to a set of terms (one
statement, two index lookups, each link's target resolved to a term through its slug or an
old slug of a renamed term), then those terms. Level one is the term's own links; level two
the links of its most strongly connected neighbours (``EXPANDED``), so a hub linked from
thousands of terms costs the same as any other. The ordering itself is ``wiki.paths``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection
from django.db.models import IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Substr
from django.urls import reverse

from search.query import html_to_text

from .models import Difficulty, Link, LinkKind, SlugRedirect, Term
from .paths import RANKS, Graph, LearningPath, PathResult, Waypoint, learning_path, rank_of
from .paths import shortest_path as find_path
from .paths import strengths as connection_strengths
from .selectors import RelatedTerm

FIRST_LEVEL_LINKS = 2_000  # links read around the term itself
EXPANDED = 40  # neighbours whose own links are read (level two)
SECOND_LEVEL_LINKS = 4_000
NEAR_TERMS = 400  # terms two steps away kept (the strongest)
CARD_HTML_CHARS = 4_000  # of the stored HTML read for a card's first paragraph
# The whole graph for paths between terms: past this many links, the path finder says so
# rather than hold more in every process.
MAX_GRAPH_LINKS = 1_000_000


@dataclass(frozen=True)
class TermRef:
    id: int
    slug: str
    title: str
    difficulty: str
    category: str = ""
    category_slug: str = ""

    @property
    def rank(self) -> int | None:
        return rank_of(self.difficulty)

    @property
    def difficulty_label(self) -> str:
        return str(Difficulty(self.difficulty).label) if self.difficulty in RANKS else ""

    def get_absolute_url(self) -> str:
        return reverse("wiki:term_detail", kwargs={"slug": self.slug})


class Edge(NamedTuple):
    source: int
    target: int | None  # None: the target slug has no term (not written yet)
    target_slug: str
    kind: str
    position: int


def resolved_target() -> Coalesce:
    """The id of the term a link's ``target_slug`` leads to, by slug or by an old slug."""
    by_slug = Term.objects.filter(slug=OuterRef("target_slug")).order_by().values("pk")[:1]
    by_old_slug = (
        SlugRedirect.objects.filter(old_slug=OuterRef("target_slug")).order_by().values("term")
    )
    return Coalesce(Subquery(by_slug), Subquery(by_old_slug[:1]), output_field=IntegerField())


def edges_touching(ids: Iterable[int], *, cap: int) -> tuple[list[Edge], bool]:
    """The links from or to the terms ``ids`` (one statement), and whether ``cap`` cut them.

    Two index lookups joined by ``UNION ALL``: links by source (``link_unique_edge``), and
    links by target slug (``link_target_idx``) among the terms' slugs and old slugs; an
    ``OR`` of the two would make either database read every link (see
    ``TermQuerySet.linking_to_term``). Each target is resolved to its term by the unique
    indexes on ``Term.slug`` and ``SlugRedirect.old_slug``. Written as SQL: the ORM took
    longer to build this statement (two unions, four subqueries) than the database took to
    answer it.
    """
    ids = list(ids)
    if not ids:
        return [], False
    link, term, redirect = (_table(model) for model in (Link, Term, SlugRedirect))
    marks = ", ".join(["%s"] * len(ids))
    # Scalar subqueries, not joins: each is one probe of a unique index per link row, where a
    # join let PostgreSQL's planner hash the whole term table for a few hundred rows.
    resolved = (
        "SELECT l.source_id, COALESCE("  # noqa: S608
        f"(SELECT t.id FROM {term} t WHERE t.slug = l.target_slug),"
        f" (SELECT r.term_id FROM {redirect} r WHERE r.old_slug = l.target_slug)),"
        f" l.target_slug, l.kind, l.position FROM {link} l"
    )
    sql = (
        f"{resolved} WHERE l.source_id IN ({marks})"  # noqa: S608 (model names, placeholders)
        f" UNION ALL {resolved} WHERE l.target_slug IN ("
        f"SELECT slug FROM {term} WHERE id IN ({marks})"
        f" UNION ALL SELECT old_slug FROM {redirect} WHERE term_id IN ({marks}))"
        " LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, *ids, *ids, cap + 1])
        rows = cursor.fetchall()
    edges = list(dict.fromkeys(Edge(*row) for row in rows[:cap]))  # a link between two of ids
    return edges, len(rows) > cap


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


REF_FIELDS = ("pk", "slug", "title", "difficulty", "category__name", "category__slug")


def term_refs(ids: Iterable[int]) -> dict[int, TermRef]:
    """Id, slug, title, difficulty and category of the terms ``ids`` (one query)."""
    ids = list(ids)
    if not ids:
        return {}
    return refs_from_rows(Term.objects.filter(pk__in=ids).order_by().values_list(*REF_FIELDS))


def refs_from_rows(rows: Iterable[tuple]) -> dict[int, TermRef]:
    """``REF_FIELDS`` rows as references, by id."""
    return {
        pk: TermRef(pk, slug, title, difficulty, category or "", category_slug or "")
        for pk, slug, title, difficulty, category, category_slug in rows
    }


# -- A term's neighbourhood -------------------------------------------------------------


@dataclass
class Neighbourhood:
    """The written terms within two steps of ``center`` and the links read to find them."""

    center: TermRef
    terms: dict[int, TermRef]
    first: list[Edge]
    second: list[Edge]
    strength: dict[int, float]
    truncated: bool = False

    def near(self, node: int) -> list[int]:
        """The terms next to ``node`` among those read, strongest first."""
        found = {
            other
            for edge in (*self.first, *self.second)
            for a, other in ((edge.source, edge.target), (edge.target, edge.source))
            if a == node and other is not None and other != node and other in self.terms
        }
        return sorted(found, key=lambda other: (-self.strength.get(other, 0), other))


def neighbourhood(term: Term) -> Neighbourhood:
    """Four queries: the term's links, their terms, the links of the strongest of them
    (``EXPANDED``), and the terms those reach (the strongest ``NEAR_TERMS``)."""
    category = term.category
    center = TermRef(
        term.pk,
        term.slug,
        term.title,
        term.difficulty,
        category=category.name if category else "",
        category_slug=category.slug if category else "",
    )
    first, cut_first = edges_touching([term.pk], cap=FIRST_LEVEL_LINKS)
    direct = _ends(first) - {term.pk}
    terms = term_refs(direct)
    strength = connection_strengths(term.pk, _pairs(first))
    expand = sorted(terms, key=lambda node: (-strength.get(node, 0), node))[:EXPANDED]
    second, cut_second = edges_touching(expand, cap=SECOND_LEVEL_LINKS)
    strength = connection_strengths(term.pk, _pairs([*first, *second]))
    further = _ends(second) - {term.pk, *terms}
    keep = sorted(further, key=lambda node: (-strength.get(node, 0), node))[:NEAR_TERMS]
    terms.update(term_refs(keep))
    return Neighbourhood(
        center=center,
        terms=terms,
        first=first,
        second=second,
        strength=strength,
        truncated=cut_first or cut_second or len(further) > NEAR_TERMS,
    )


def _ends(edges: Iterable[Edge]) -> set[int]:
    """The written terms at either end of ``edges``."""
    return {node for edge in edges for node in (edge.source, edge.target) if node is not None}


def _pairs(edges: Iterable[Edge]) -> list[tuple[int, int, str]]:
    return [(e.source, e.target, e.kind) for e in edges if e.target is not None]


@dataclass
class Connections:
    """What the term page shows around the body: related terms both ways, the terms that link
    here, and the learning path."""

    related: list[RelatedTerm]
    linked_from: list[TermRef]
    path: LearningPath
    terms: dict[int, TermRef] = field(default_factory=dict)

    def path_terms(self, waypoints: Iterable[Waypoint]) -> list[TermRef]:
        return [self.terms[w.id] for w in waypoints]

    @property
    def start_with(self) -> list[TermRef]:
        return self.path_terms(self.path.start_with)

    @property
    def alongside(self) -> list[TermRef]:
        return self.path_terms(self.path.alongside)

    @property
    def go_further(self) -> list[TermRef]:
        return self.path_terms(self.path.go_further)


def term_connections(term: Term) -> Connections:
    """Related terms (its own list in order, then the terms that list it, by title), the
    terms whose bodies link here (``[[links]]`` and glossary links, by title) and the
    learning path (written terms with a difficulty, within two steps)."""
    near = neighbourhood(term)
    terms = near.terms
    related: list[RelatedTerm] = []
    listed: set[int] = set()
    linked_from: dict[int, TermRef] = {}
    listing_here: dict[int, TermRef] = {}
    for edge in sorted(near.first, key=lambda e: (e.kind, e.position)):
        if edge.source == term.pk and edge.kind == LinkKind.RELATED:
            ref = terms.get(edge.target) if edge.target is not None else None
            if edge.target == term.pk:
                continue
            related.append(
                RelatedTerm(
                    slug=edge.target_slug,
                    title=ref.title if ref else None,
                    current_slug=ref.slug if ref else None,
                )
            )
            if ref:
                listed.add(ref.id)
        elif edge.target == term.pk and edge.source != term.pk and edge.source in terms:
            if edge.kind == LinkKind.RELATED:
                listing_here[edge.source] = terms[edge.source]
            else:
                linked_from[edge.source] = terms[edge.source]
    for ref in by_title(listing_here.values()):
        if ref.id not in listed:
            related.append(RelatedTerm(slug=ref.slug, title=ref.title, current_slug=ref.slug))
    waypoints = [
        Waypoint(id=ref.id, rank=ref.rank, strength=near.strength.get(ref.id, 0), title=ref.title)
        for ref in terms.values()
        if ref.rank is not None
    ]
    return Connections(
        related=related,
        linked_from=by_title(linked_from.values()),
        path=learning_path(rank_of(term.difficulty), waypoints),
        terms=terms,
    )


def by_title(refs: Iterable[TermRef]) -> list[TermRef]:
    return sorted(refs, key=lambda ref: (ref.title.casefold(), ref.id))


# -- The hover card ----------------------------------------------------------------------


def term_card(slug: str) -> Term | None:
    """What a card shows, with only the start of the stored HTML (the first paragraph)."""
    return (
        Term.objects.filter(slug=slug)
        .select_related("category")
        .annotate(html_head=Substr("body_html", 1, CARD_HTML_CHARS))
        .only("title", "slug", "difficulty", "revision_number", "category__name")
        .first()
    )


CARD_SUMMARY_CHARS = 280


def first_paragraph(html: str) -> str:
    """The text of the first paragraph of stored (sanitised) HTML, cut to a card's length."""
    found = _PARAGRAPH_RE.search(html)
    text = html_to_text(found.group(1) if found else html)
    if len(text) <= CARD_SUMMARY_CHARS:
        return text
    cut = text[:CARD_SUMMARY_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


_PARAGRAPH_RE = re.compile(r"<p>(.*?)</p>", re.DOTALL)


# -- Paths between terms -----------------------------------------------------------------

_graph_lock = threading.Lock()
_graph: tuple[tuple, Graph] | None = None


def graph_version() -> tuple:
    """Moves whenever the graph can have changed, from the ends of four indexes (one query;
    no count, which would read a whole table): the highest link id (ids are never reused, so
    every link written moves it), the latest save (a save that only drops links, or changes
    a difficulty or a slug, moves it), the highest term id (a new term) and the highest
    old-slug id (a rename). A deleted term moves none of them: ``path_between`` notices a
    step that is gone and builds the graph again."""
    link, term, redirect = (_table(model) for model in (Link, Term, SlugRedirect))
    sql = (
        f"SELECT (SELECT max(id) FROM {link}), (SELECT max(id) FROM {term}),"  # noqa: S608
        f" (SELECT max(updated_at) FROM {term}), (SELECT max(id) FROM {redirect})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return (connection.alias, connection.settings_dict["NAME"], *row)


class GraphTooLarge(Exception):
    """The wiki has more links than ``MAX_GRAPH_LINKS``."""


def link_graph() -> Graph:
    """Every written term and every link between two of them, kept in the process while
    ``graph_version`` holds: one query to check, two to build (the terms with their slugs and
    old slugs, then every link's source and target slug, resolved here with a dict, which is
    several times faster than resolving 100,000 slugs in SQL)."""
    global _graph
    version = graph_version()
    cached = _graph
    if cached is not None and cached[0] == version:
        return cached[1]
    with _graph_lock:
        if _graph is not None and _graph[0] == version:
            return _graph[1]
        if (version[2] or 0) > MAX_GRAPH_LINKS and Link.objects.count() > MAX_GRAPH_LINKS:
            raise GraphTooLarge
        names = (
            Term.objects.order_by()
            .values_list("slug", "pk", "difficulty")
            .union(
                SlugRedirect.objects.order_by().values_list("old_slug", "term", Value("-")),
                all=True,
            )
        )
        ranks: dict[int, int | None] = {}
        ids: dict[str, int] = {}
        for slug, pk, difficulty in names:
            ids[slug] = pk
            if difficulty != "-":
                ranks[pk] = rank_of(difficulty)
        table = connection.ops.quote_name(Link._meta.db_table)
        with connection.cursor() as cursor:
            # Raw rows: the ORM's per-row work was most of the time at 100,000 links.
            cursor.execute(f"SELECT source_id, target_slug FROM {table}")  # noqa: S608
            graph = Graph.from_links(ranks, ids, cursor.fetchall())
        _graph = (version, graph)
        return graph


def path_between(start: Term, goal: Term) -> tuple[PathResult, list[TermRef]]:
    """The shortest path from ``start`` to ``goal`` (``wiki.paths.shortest_path``) and its
    terms, in order. A step that is no longer a term (deleted since the graph was built)
    means the graph is out of date: it is built again and the path found again, once."""
    global _graph
    for _attempt in range(2):
        result = find_path(link_graph(), start.pk, goal.pk)
        refs = term_refs(result.steps)
        if len(refs) == len(set(result.steps)):
            break
        with _graph_lock:
            _graph = None
    return result, [refs[node] for node in result.steps if node in refs]
