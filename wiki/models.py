"""Terms, their immutable revisions, categories and the link table.

Writes never happen here: every change to a term goes through ``wiki.services``. Models hold
state, querysets hold the reads that views use (with their joins), and small methods answer
questions about one row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from .content import initial_of


class Difficulty(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class Category(models.Model):
    """A first-class category: browsable, with its own page and a stable slug.

    A model rather than a free-text field so that the category list, counts and URLs come from
    one indexed table, and a category can carry a description later without a data migration.
    """

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, allow_unicode=True, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("wiki:category_detail", kwargs={"slug": self.slug})


class TermQuerySet(models.QuerySet):
    def for_listing(self) -> TermQuerySet:
        """What a list of term cards needs: no bodies, which can be a megabyte each."""
        return self.select_related("category").only(
            "title", "slug", "difficulty", "updated_at", "category__name", "category__slug"
        )

    def for_detail(self) -> TermQuerySet:
        # "protection" (moderation's, joined here) lets the page show it without a query.
        return self.select_related(
            "category", "current_revision", "current_revision__author", "protection"
        ).prefetch_related("tags")

    def starting_with(self, letter: str) -> TermQuerySet:
        """Titles under ``letter`` of the A-Z index ("#": not a letter A-Z), by index."""
        return self.filter(initial=letter)

    def filtered(self, *, category: str = "", tag: str = "", difficulty: str = "") -> TermQuerySet:
        qs = self
        if category:
            qs = qs.filter(category__slug=category)
        if tag:
            qs = qs.filter(tags__slug=tag)
        if difficulty:
            qs = qs.filter(difficulty=difficulty)
        return qs

    def linking_to(self, slug: str) -> TermQuerySet:
        """Terms with a link (inline or related) to ``slug``: the backlinks, from the link
        table's index on the target (see ``linking_to_term``)."""
        sources = Link.objects.filter(target_slug=slug).values("source_id")
        return self.filter(pk__in=sources).order_by("title")

    def linking_to_term(self, term: Term) -> TermQuerySet:
        """Backlinks of ``term``: links to its slug or to any slug it was renamed from.

        Starts from the link table's index on ``target_slug`` with the short list of the
        term's slugs, then fetches the linking terms by primary key. The obvious forms, a
        correlated ``EXISTS`` per term or ``target_slug = X OR target_slug IN (old slugs)``,
        made SQLite walk every term and PostgreSQL every link, so the page got slower as the
        wiki grew (tests/wiki/test_query_plans.py).
        """
        slugs = (
            Term.objects.filter(pk=term.pk)
            .order_by()
            .values("slug")
            .union(SlugRedirect.objects.filter(term=term).order_by().values("old_slug"), all=True)
        )
        sources = Link.objects.filter(target_slug__in=slugs).values("source_id")
        return self.filter(pk__in=sources).exclude(pk=term.pk).order_by("title")


class Term(models.Model):
    """The current state of a term. Its history lives in ``Revision``.

    ``revision_number`` mirrors ``current_revision.number`` so that a save can be a single
    compare-and-swap UPDATE on this row (see ``services.term_save_revision``).
    """

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, allow_unicode=True, unique=True)
    # The title's letter in the A-Z index (``content.initial_of``), set with the title by the
    # write path, so a letter's page is an index range rather than a scan of every title.
    initial = models.CharField(max_length=1, default="#", editable=False)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="terms"
    )
    difficulty = models.CharField(max_length=20, choices=Difficulty.choices, blank=True)
    tags = TaggableManager(blank=True)
    body = models.TextField(blank=True)
    # The glossary links the first mention of other terms' titles (front matter ``autolink``).
    autolink = models.BooleanField(default=True)
    body_html = models.TextField(blank=True, editable=False)
    toc = models.JSONField(default=list, blank=True, editable=False)
    renderer_version = models.PositiveSmallIntegerField(default=0, editable=False)
    current_revision = models.OneToOneField(
        "Revision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    revision_number = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        indexes = [
            models.Index(fields=["-updated_at"], name="term_updated_idx"),
            models.Index(fields=["difficulty"], name="term_difficulty_idx"),
            # The A-Z index: a page of titles in order, of all or of one letter.
            models.Index(fields=["title"], name="term_title_idx"),
            models.Index(fields=["initial", "title"], name="term_initial_title_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("wiki:term_detail", kwargs={"slug": self.slug})

    @property
    def first_letter(self) -> str:
        return initial_of(self.title)


class RevisionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Revisions are immutable; write a new one through wiki.services.")

    def delete(self):
        raise TypeError("Revisions are never deleted; a whole term goes with wiki.services.")


class Revision(models.Model):
    """An immutable, numbered snapshot of every field of a term.

    Snapshot fields are plain values (category name, tag names, related slugs) so that a
    revision reads the same years later, whatever happened to categories or tags since.
    ``author`` is null for revisions written by ``import_seeds`` (the system import).
    Nothing updates or deletes a revision: ``save`` refuses an update, ``delete`` refuses, and
    the queryset refuses ``update``. Deleting a whole term (staff, in the admin) removes its
    history with it.
    """

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    parent_number = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, allow_unicode=True)
    category = models.CharField(max_length=100, blank=True)
    difficulty = models.CharField(max_length=20, choices=Difficulty.choices, blank=True)
    tags = models.JSONField(default=list, blank=True)
    related = models.JSONField(default=list, blank=True)
    body = models.TextField(blank=True)
    autolink = models.BooleanField(default=True)
    # The body as rendered when this revision was saved, so old revisions are never rendered
    # on a page view either.
    body_html = models.TextField(blank=True)
    # PROTECT: a member who wrote history is deactivated, not deleted, so that every
    # revision keeps its author (and null keeps meaning "the seed import").
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisions",
    )
    summary = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["term", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="revision_unique_number"),
        ]
        indexes = [models.Index(fields=["-created_at"], name="revision_created_idx")]

    def __str__(self) -> str:
        return f"{self.title} r{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Revisions are immutable; write a new one through wiki.services.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "wiki:revision_detail", kwargs={"slug": self.term.slug, "number": self.number}
        )

    def delete(self, *args, **kwargs):
        raise TypeError("Revisions are immutable and are never deleted one by one.")

    @property
    def size(self) -> int:
        return len(self.body.encode("utf-8"))


class LinkKind(models.TextChoices):
    RELATED = "related", _("Related term")
    INLINE = "inline", _("Inline link")
    # The glossary's link to the first mention of a title: a backlink, never a wanted term
    # (it only ever points at a term that exists when the body is rendered).
    AUTO = "auto", _("Glossary link")


class LinkQuerySet(models.QuerySet):
    def with_target_terms(self) -> LinkQuerySet:
        """Annotate each link with its target's title, or None when it is not written yet."""
        # A renamed term is found through its old slug, so its links never turn "unwritten".
        by_slug = Term.objects.filter(slug=OuterRef("target_slug"))
        by_old_slug = Term.objects.filter(old_slugs__old_slug=OuterRef("target_slug"))
        return self.annotate(
            target_title=Coalesce(
                Subquery(by_slug.values("title")[:1]), Subquery(by_old_slug.values("title")[:1])
            ),
            target_current_slug=Coalesce(
                Subquery(by_slug.values("slug")[:1]), Subquery(by_old_slug.values("slug")[:1])
            ),
        )

    def wanted(self):
        """Target slugs that no term has yet, with how many distinct terms link to each.

        Glossary links do not count: one left behind by a deleted term until its source is
        re-rendered does not make the deleted term wanted."""
        return (
            # NOT EXISTS, not NOT IN: PostgreSQL cannot turn NOT IN (subquery) into an anti-join,
            # and without fresh statistics (after a bulk import) it ran the subquery once per
            # link: the home page's count took over 30 s at 10,000 terms.
            self.exclude(kind=LinkKind.AUTO)
            .filter(~Exists(Term.objects.filter(slug=OuterRef("target_slug"))))
            .filter(~Exists(SlugRedirect.objects.filter(old_slug=OuterRef("target_slug"))))
            .values("target_slug")
            .annotate(
                n_sources=Count("source", distinct=True),
                n_related=Count("pk", filter=Q(kind=LinkKind.RELATED)),
            )
            .order_by("-n_sources", "target_slug")
        )


class Link(models.Model):
    """One edge from a term to a slug, which may not exist yet.

    Rebuilt from the renderer's output and the related-terms list on every save, so that
    backlinks and wanted terms are index lookups instead of body scans.
    """

    source = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="links")
    # No index of its own: ``link_target_idx`` (target_slug, kind) serves every lookup by
    # target, and a second one only cost every save (and the bulk import) its upkeep.
    target_slug = models.SlugField(max_length=200, allow_unicode=True, db_index=False)
    kind = models.CharField(max_length=10, choices=LinkKind.choices)
    position = models.PositiveIntegerField(default=0)

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["source", "kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "target_slug"], name="link_unique_edge"
            ),
        ]
        indexes = [models.Index(fields=["target_slug", "kind"], name="link_target_idx")]

    def __str__(self) -> str:
        return f"{self.source_id} -> {self.target_slug} ({self.kind})"


class SlugRedirect(models.Model):
    """An old slug of a renamed term, so old URLs keep working (301 to the new one)."""

    old_slug = models.SlugField(max_length=200, allow_unicode=True, unique=True)
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="old_slugs")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.old_slug} -> {self.term_id}"
