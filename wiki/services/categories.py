"""Categories: found or made by the write path, renamed or described by staff in the admin."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify
from taggit.models import Tag

from markup import slugify_title
from search.indexing import index_terms

from ..content import clean_line
from ..models import Category

MAX_CATEGORY_SLUG = 100  # Category.slug's column
MAX_TAG_SLUG = 100  # taggit's Tag.slug column


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


def tag_slug(name: str, suffix: str = "") -> str:
    """taggit's slug for a tag name, cut so that it fits its column with ``suffix`` after it.

    taggit slugifies with NFKC, which can make a slug longer than its name ("ﬃ" -> "ffi"),
    and adds ``_1``, ``_2`` ... when a slug is taken; left to itself it would store a slug
    past the column (PostgreSQL refuses it, SQLite keeps it silently).
    """
    base = slugify(name, allow_unicode=True)[: MAX_TAG_SLUG - len(suffix)].strip("-_")
    return (base or "tag") + suffix


def tags_for(names: tuple[str, ...]) -> list[Tag]:
    """The tags called ``names`` (case aside), each made on first use with a bounded slug."""
    if not names:
        return []
    wanted = Q()
    for name in names:
        wanted |= Q(name__iexact=name)
    known = {tag.name.casefold(): tag for tag in Tag.objects.filter(wanted)}
    return [known.get(name.casefold()) or _new_tag(name) for name in names]


def _new_tag(name: str) -> Tag:
    for attempt in range(100):
        slug = tag_slug(name, f"_{attempt}" if attempt else "")
        if Tag.objects.filter(slug=slug).exists():
            continue
        try:
            with transaction.atomic():
                return Tag.objects.create(name=name, slug=slug)
        except IntegrityError:
            # Made at the same moment by another save, under this name or this slug.
            existing = Tag.objects.filter(name__iexact=name).first()
            if existing is not None:
                return existing
    raise IntegrityError(f"No free slug for the tag {name!r}.")


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
            index_terms(list(category.terms.values_list("pk", flat=True)))
    return category
