"""The map's reads: a term's two-step neighbourhood, or one category's or tag's terms, with the
links among them, for the drawing (JSON) and for the same terms as nested lists without
JavaScript. Bounded: a neighbourhood as ``navigation.neighbourhood`` reads it, a category or
tag to its first ``MAP_TERMS`` terms by title.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import reverse

from .models import Link, LinkKind, Term
from .navigation import (
    REF_FIELDS,
    TermRef,
    by_title,
    neighbourhood,
    refs_from_rows,
    resolved_target,
)

MAP_TERMS = 300  # terms drawn for one category or tag


@dataclass
class TermMap:
    """Terms and the links among them, for the map's JSON and its list without JavaScript.

    ``tree`` is the same neighbourhood as nested lists: each term with the terms next to it.
    """

    terms: dict[int, TermRef]
    edges: list[tuple[int, int, str]]
    center: TermRef | None = None
    truncated: bool = False
    tree: list[tuple[TermRef, list[tuple[TermRef, list[TermRef]]]]] = field(default_factory=list)

    def as_json(self) -> dict:
        """Nodes and edges as the map script draws them (URLs made without a reverse each)."""
        url = reverse("wiki:term_detail", kwargs={"slug": "__slug__"})
        nodes = [
            {
                "id": ref.id,
                "title": ref.title,
                "url": url.replace("__slug__", ref.slug),
                "difficulty": ref.difficulty,
                "category": ref.category,
            }
            for ref in self.terms.values()
        ]
        edges = [{"source": a, "target": b, "kind": kind} for a, b, kind in self.edges]
        center = self.center.id if self.center else None
        return {"nodes": nodes, "edges": edges, "center": center, "truncated": self.truncated}


def map_around(term: Term) -> TermMap:
    """The term and the written terms within two steps, with the links read between them."""
    near = neighbourhood(term)
    terms = {near.center.id: near.center, **near.terms}
    edges = _distinct_edges(
        (e.source, e.target, e.kind)
        for e in (*near.first, *near.second)
        if e.target in terms and e.source in terms
    )
    direct = near.near(near.center.id)
    seen = {near.center.id, *direct}
    children = []
    for first in direct:
        # Each term two steps away once, under the strongest of the terms that reach it.
        grandchildren = [terms[far] for far in near.near(first) if far not in seen]
        seen.update(ref.id for ref in grandchildren)
        children.append((terms[first], grandchildren))
    tree = [(near.center, children)]
    return TermMap(
        terms=terms, edges=edges, center=near.center, truncated=near.truncated, tree=tree
    )


def map_of(terms_qs: QuerySet[Term]) -> TermMap:
    """One category's or tag's terms (the first ``MAP_TERMS`` by title) and the links among
    them: two queries."""
    rows = list(terms_qs.order_by("title", "pk").values_list(*REF_FIELDS)[: MAP_TERMS + 1])
    truncated = len(rows) > MAP_TERMS
    refs = refs_from_rows(rows[:MAP_TERMS])
    links = (
        Link.objects.filter(source__in=list(refs))
        .order_by()
        .annotate(target=resolved_target())
        .values_list("source_id", "target", "kind")
    )
    edges = _distinct_edges(
        (source, target, kind) for source, target, kind in links if target in refs
    )
    near: dict[int, set[int]] = {node: set() for node in refs}
    for a, b, _ in edges:
        near[a].add(b)
        near[b].add(a)
    tree: list[tuple[TermRef, list[tuple[TermRef, list[TermRef]]]]] = [
        (ref, [(other, []) for other in by_title(refs[n] for n in near[ref.id])])
        for ref in by_title(refs.values())
    ]
    return TermMap(terms=refs, edges=edges, truncated=truncated, tree=tree)


def _distinct_edges(edges: Iterable[tuple[int, int | None, str]]) -> list[tuple[int, int, str]]:
    """One edge per pair of terms (the strongest kind), never a term to itself."""
    order: dict[str, int] = {LinkKind.RELATED: 0, LinkKind.INLINE: 1, LinkKind.AUTO: 2}
    best: dict[tuple[int, int], str] = {}
    for a, b, kind in edges:
        if b is None or a == b:
            continue
        key = (a, b) if a < b else (b, a)
        if key not in best or order.get(kind, 3) < order.get(best[key], 3):
            best[key] = kind
    return [(a, b, kind) for (a, b), kind in best.items()]
