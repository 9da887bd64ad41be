"""Reads that are more than a one-line queryset. Each returns what one page needs, with a
fixed number of queries whatever the size of the wiki."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length
from taggit.models import Tag, TaggedItem

from config.pagecache import per_generation

from .models import Category, Difficulty, Link, LinkKind, Revision, SlugRedirect, Term


@dataclass(frozen=True)
class RelatedTerm:
    slug: str
    title: str | None  # None: not written yet
    current_slug: str | None = None  # where it lives now (differs once it was renamed)

    @property
    def exists(self) -> bool:
        return self.title is not None

    @property
    def display(self) -> str:
        return self.title or slug_to_title(self.slug)


SMALL_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "vs", "with"}
)


def slug_to_title(slug: str) -> str:
    """A readable guess at the title of a term that is not written yet."""
    words = slug.split("-")
    return " ".join(w if i and w in SMALL_WORDS else w.capitalize() for i, w in enumerate(words))


def existing_slugs(slugs: Iterable[str]) -> frozenset[str]:
    """Which of ``slugs`` lead to a term now (its slug, or an old slug that redirects to it).

    What the renderer asks to colour wiki links.
    """
    found: set[str] = set()
    pending = iter(sorted(set(slugs)))
    while chunk := list(islice(pending, 500)):
        found.update(Term.objects.filter(slug__in=chunk).values_list("slug", flat=True))
        found.update(
            SlugRedirect.objects.filter(old_slug__in=chunk).values_list("old_slug", flat=True)
        )
    return frozenset(found)


def term_for_page(slug: str) -> Term | None:
    return Term.objects.for_detail().filter(slug=slug).first()


def term_redirect_target(slug: str) -> Term | None:
    redirect = SlugRedirect.objects.select_related("term").filter(old_slug=slug).first()
    return redirect.term if redirect else None


def term_related(term: Term) -> list[RelatedTerm]:
    links = (
        Link.objects.filter(source=term, kind=LinkKind.RELATED)
        .with_target_terms()
        .order_by("position")
    )
    return [
        RelatedTerm(
            slug=link.target_slug, title=link.target_title, current_slug=link.target_current_slug
        )
        for link in links
    ]


def related_for_slugs(slugs) -> list[RelatedTerm]:
    """Titles for a revision's related slugs (written, renamed or not yet written): two
    queries whatever the number."""
    slugs = list(slugs)
    found = {t.slug: t for t in Term.objects.filter(slug__in=slugs).only("title", "slug")}
    moved = {
        r.old_slug: r.term
        for r in SlugRedirect.objects.filter(old_slug__in=slugs).select_related("term")
    }
    items = []
    for slug in slugs:
        term = found.get(slug) or moved.get(slug)
        items.append(
            RelatedTerm(
                slug=slug,
                title=term.title if term else None,
                current_slug=term.slug if term else None,
            )
        )
    return items


def term_backlinks(slug: str) -> QuerySet[Term]:
    """Terms linking to a slug that has no term (yet)."""
    return Term.objects.linking_to(slug).only("title", "slug")


def term_page_backlinks(term: Term) -> QuerySet[Term]:
    """Terms linking to ``term``, under its slug or any it was renamed from."""
    return Term.objects.linking_to_term(term).only("title", "slug")


def term_history(term: Term) -> QuerySet[Revision]:
    """Revisions newest first, each with its size and its parent's size (for the change)."""
    parent = Revision.objects.filter(term=OuterRef("term"), number=OuterRef("parent_number"))
    return (
        term.revisions.select_related("author")
        .defer("body", "body_html")
        .annotate(
            body_size=Length("body"),
            parent_size=Subquery(
                parent.annotate(n=Length("body")).values("n")[:1], output_field=IntegerField()
            ),
        )
        .annotate(size_change=F("body_size") - F("parent_size"))
        .order_by("-number")
    )


def revisions_by_number(term: Term, numbers) -> dict[int, Revision]:
    found = term.revisions.select_related("author").filter(number__in=set(numbers))
    return {revision.number: revision for revision in found}


def member_revisions(user) -> QuerySet[Revision]:
    """A member's revisions, newest first, with the term each belongs to (one join)."""
    return (
        Revision.objects.filter(author=user)
        .select_related("term")
        .only("number", "title", "summary", "created_at", "term__slug", "term__title")
        .order_by("-created_at", "-pk")
    )


def recent_terms(limit: int = 10) -> QuerySet[Term]:
    return (
        Term.objects.select_related("category", "current_revision__author")
        .only(
            "title",
            "slug",
            "updated_at",
            "difficulty",
            "category__name",
            "category__slug",
            "current_revision__summary",
            "current_revision__number",
            "current_revision__author__username",
            "current_revision__author__display_name",
        )
        .order_by("-updated_at")[:limit]
    )


def categories_with_counts() -> QuerySet[Category]:
    return Category.objects.annotate(n_terms=Count("terms")).filter(n_terms__gt=0)


def categories_in_use() -> list[Category]:
    """``categories_with_counts`` for the home and category pages: a count over every term,
    so worked out once per content generation (see ``wiki_counts``)."""
    return per_generation("categories_in_use", lambda: list(categories_with_counts()))


def tags_with_counts() -> QuerySet[Tag]:
    return (
        Tag.objects.annotate(n_terms=Count("taggit_taggeditem_items"))
        .filter(n_terms__gt=0)
        .order_by("name")
    )


FILTER_TAGS = 200


def filter_choices() -> dict:
    """What the filter selects offer: categories and tags some term uses, at most
    ``FILTER_TAGS`` tags (``more_tags`` says the tag list page has the rest).

    Tags no term uses any more (taggit keeps them) are left out, or one member's edits could
    fill every listing with thousands of options. "In use" is an EXISTS probe on the
    tagged-item index, walked in name order until the bound is reached, so the cost does not
    grow with the number of tag uses; counting every tag's uses to list the most used would
    read all of them on every listing page. ``tag_slugs`` lets the form keep a selected tag
    that is not among those listed.
    """
    in_use = Exists(TaggedItem.objects.filter(tag=OuterRef("pk")))
    tags = list(Tag.objects.filter(in_use).order_by("name").only("name", "slug")[: FILTER_TAGS + 1])
    return {
        "categories": Category.objects.filter(
            Exists(Term.objects.filter(category=OuterRef("pk")))
        ).only("name", "slug"),
        "tags": tags[:FILTER_TAGS],
        "tag_slugs": frozenset(tag.slug for tag in tags[:FILTER_TAGS]),
        "more_tags": len(tags) > FILTER_TAGS,
        "difficulties": Difficulty.choices,
    }


def wiki_counts() -> dict[str, int]:
    """The home page's figures. Counting reads a whole table, so they are worked out once
    per content generation (after each write), not on every view."""

    def count() -> dict[str, int]:
        return {
            "terms": term_count(),
            "categories": Category.objects.filter(Q(terms__isnull=False)).distinct().count(),
            "wanted": Link.objects.wanted().count(),
        }

    return per_generation("wiki_counts", count)


def term_count() -> int:
    """How many terms there are (once per content generation, see ``wiki_counts``)."""
    return per_generation("term_count", Term.objects.count)


LETTERS = (*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "#")


def index_letters() -> list[str]:
    """Letters that at least one title starts with, with '#' for the rest: one index probe
    per letter (``Term.initial``), in one query, however many terms there are."""
    table = connection.ops.quote_name(Term._meta.db_table)
    probe = f"EXISTS(SELECT 1 FROM {table} WHERE initial = %s)"  # noqa: S608 (our table)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join([probe] * len(LETTERS)), LETTERS)
        present = cursor.fetchone()
    return [letter for letter, found in zip(LETTERS, present, strict=True) if found]


class CountedPaginator(Paginator):
    """A paginator told its count (a figure kept per generation) instead of counting."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:  # type: ignore[override]
        return self._known_count


def wanted_page(number, per_page: int):
    """A page of the wanted list. The list groups every link, so its count and each page are
    worked out once per content generation."""
    wanted = Link.objects.wanted()
    count = per_generation("wanted:count", wanted.count)
    page = CountedPaginator(wanted, per_page, count=count).get_page(number)
    page.object_list = per_generation(f"wanted:{page.number}", lambda: list(page.object_list))
    return page
