"""Categories: found or made by the write path, renamed or described by staff in the admin."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from taggit.models import Tag

from markup import slugify_title
from search.indexing import index_term

from ..content import clean_line
from ..models import Category

MAX_CATEGORY_SLUG = 100  # Category.slug's column


def category_slug(name: str) -> str:
    return slugify_title(name)[:MAX_CATEGORY_SLUG].strip("-_")


def canonical_tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    """Each tag as the wiki already spells it ("Practice" when that tag exists and "practice"
    is typed), so a revision shows its tags as the term page does (TAGGIT_CASE_INSENSITIVE)."""
    if not tags:
        return tags
    wanted = Q()
    for tag in tags:
        wanted |= Q(name__iexact=tag)
    known = {
        name.casefold(): name for name in Tag.objects.filter(wanted).values_list("name", flat=True)
    }
    return tuple(known.get(tag.casefold(), tag) for tag in tags)


def category_for(name: str) -> Category | None:
    """The category called ``name`` (by slug, so "practice" and "Practice" are one), made on
    first use with the name as first written; None for no category."""
    slug = category_slug(name)
    if not slug:
        return None
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        try:
            with transaction.atomic():
                category = Category.objects.create(name=clean_line(name)[:100], slug=slug)
        except IntegrityError:
            category = Category.objects.get(slug=slug)
    return category


def category_update(*, category: Category, name: str, description: str) -> Category:
    """Rename or describe a category; its terms are re-indexed in the same transaction, so
    search finds them under the new name at once. The slug (and so every URL) stays."""
    renamed = name != Category.objects.values_list("name", flat=True).get(pk=category.pk)
    with transaction.atomic():
        category.name = " ".join(name.split())
        category.description = description
        category.save(update_fields=["name", "description"])
        if renamed:
            terms = category.terms.select_related("category")
            for term in terms.prefetch_related("tags"):  # type: ignore[misc]
                index_term(term)
    return category
