"""The glossary the renderer auto-links titles with: one per process, rebuilt when titles change.

Building it reads every title and builds an automaton (60 ms at 10,000 terms, 600 ms at
100,000), so it is kept in the process with the titles it was built from, under a cheap
version of the term table: the number of terms, the highest id and the latest ``updated_at``.
When only ``updated_at`` moved (terms were saved), the terms saved since are read by that
index and their titles compared: a body edit keeps the glossary, and it is rebuilt only when
a title changed or a term came or went. Rendering only happens at save time, so a page view
never builds it; a save pays one small aggregate and one small indexed query.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from django.db import connection
from django.db.models import Count, Max

from markup import Glossary

from .models import Term

_lock = threading.Lock()


@dataclass(frozen=True)
class _Kept:
    version: tuple
    glossary: Glossary
    titles: dict[int, str]  # what it was built from, by term id


_cached: _Kept | None = None


def titles_version() -> tuple:
    """Changes whenever a title can have changed (see the module's docstring)."""
    found = Term.objects.aggregate(n=Count("pk"), top=Max("pk"), changed=Max("updated_at"))
    return (connection.alias, connection.settings_dict["NAME"], *found.values())


def current_glossary() -> Glossary:
    """Every term's title, as the renderer matches them; cached while ``titles_version``
    holds."""
    global _cached
    version = titles_version()
    cached = _cached
    if cached is not None and cached.version == version:
        return cached.glossary
    with _lock:
        cached = _cached
        if cached is not None and cached.version == version:
            return cached.glossary
        if cached is not None and _same_titles(cached, version):
            _cached = replace(cached, version=version)
            return cached.glossary
        rows = list(Term.objects.order_by("pk").values_list("pk", "title", "slug"))
        glossary = Glossary((title, slug) for _, title, slug in rows)
        _cached = _Kept(version, glossary, {pk: title for pk, title, _ in rows})
        return glossary


def _same_titles(cached: _Kept, version: tuple) -> bool:
    """Whether only saves that kept their titles happened since ``cached`` was built: the
    same terms (count and highest id), and the terms saved since have the titles it has."""
    if cached.version[:-1] != version[:-1] or cached.version[-1] is None:
        return False
    # No ordering: by the title (the model's) the planner would walk the title index.
    since = Term.objects.filter(updated_at__gte=cached.version[-1]).order_by()
    saved = since.values_list("pk", "title")
    return all(cached.titles.get(pk) == title for pk, title in saved)


def glossary_with(titles: list[tuple[str, str]]) -> Glossary:
    """Every title plus ``titles`` (a bulk import's new terms, not written yet)."""
    existing = Term.objects.order_by("pk").values_list("title", "slug")
    return Glossary([*existing.iterator(chunk_size=5000), *titles])
