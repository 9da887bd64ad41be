"""Writes to categories (staff, in the admin)."""

from __future__ import annotations

from django.db import transaction

from .. import search
from ..models import Category


def category_update(*, category: Category, name: str, description: str) -> Category:
    """Rename or describe a category; its terms are re-indexed in the same transaction, so
    search finds them under the new name at once. The slug (and so every URL) stays."""
    renamed = name != Category.objects.values_list("name", flat=True).get(pk=category.pk)
    with transaction.atomic():
        category.name = " ".join(name.split())
        category.description = description
        category.save(update_fields=["name", "description"])
        if renamed:
            for term in category.terms.select_related("category").prefetch_related("tags"):
                search.index_term(term)
    return category
