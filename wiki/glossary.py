"""The glossary the renderer auto-links titles with: one per process, rebuilt when titles change.

Building it reads every title (10,000 in ~10 ms, plus the automaton in a few), so it is kept in
the process and rebuilt only when a cheap version of the term table moves: the number of
terms, the highest id and the latest ``updated_at`` (a create, a delete, or any save, which is
where a title can change). Rendering only happens at save time, so a page view never builds
it; a save pays one small aggregate query to check the version.
"""

from __future__ import annotations

import threading

from django.db import connection
from django.db.models import Count, Max

from markup import Glossary

from .models import Term

_lock = threading.Lock()
_cached: tuple[tuple, Glossary] | None = None


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
    if cached is not None and cached[0] == version:
        return cached[1]
    with _lock:
        if _cached is not None and _cached[0] == version:
            return _cached[1]
        titles = Term.objects.order_by("pk").values_list("title", "slug")
        glossary = Glossary(titles.iterator(chunk_size=5000))
        _cached = (version, glossary)
        return glossary


def glossary_with(titles: list[tuple[str, str]]) -> Glossary:
    """Every title plus ``titles`` (a bulk import's new terms, not written yet)."""
    existing = Term.objects.order_by("pk").values_list("title", "slug")
    return Glossary([*existing.iterator(chunk_size=5000), *titles])
