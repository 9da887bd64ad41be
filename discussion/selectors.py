"""Reads. Each returns what one page (or one template tag) needs in a fixed number of queries,
however many comments, notifications or revisions there are."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Length, Substr
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wiki.models import Revision, Term

from .models import Comment, Contributor, Follow, Notification

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

COMMENTS_PER_PAGE = 50  # top-level comments (threads) per page of a discussion
EXPERTS_SHOWN = 5


@dataclass
class Discussion:
    term: Term
    threads: list[Comment]
    page: Page
    comment_count: int
    following: bool = False
    experts: list[Contributor] = field(default_factory=list)


def term_discussion(
    term: Term, *, user: User | AnonymousUser, page_number: object = 1
) -> Discussion:
    """One page of a term's threads (top-level comments with all their replies), its counts,
    whether ``user`` follows the term, and who knows it: four queries at most, at any size.

    The page is numbered over top-level comments only, so a thread is never split.
    """
    counts = Comment.objects.filter(term=term).aggregate(
        threads=Count("pk", filter=Q(depth=0)),
        shown=Count("pk", filter=Q(deleted_at__isnull=True, hidden_at__isnull=True)),
    )
    # Paging over a range: the page arithmetic without another query.
    page = Paginator(range(counts["threads"]), COMMENTS_PER_PAGE).get_page(page_number)
    start = (page.number - 1) * COMMENTS_PER_PAGE
    roots = (
        Comment.objects.filter(term=term, depth=0)
        .order_by("created_at", "pk")
        .values("pk")[start : start + COMMENTS_PER_PAGE]
    )
    # term=term says nothing new (a thread never leaves its term) but gives both databases an
    # index to start from: "id IN (...) OR root_id IN (...)" alone read every comment.
    comments = (
        Comment.objects.for_thread()
        .filter(Q(pk__in=roots) | Q(root_id__in=roots), term=term)
        .order_by("created_at", "pk")
    )
    discussion = Discussion(
        term=term,
        threads=assemble_threads(comments),
        page=page,
        comment_count=counts["shown"],
    )
    if user.is_authenticated:
        discussion.following = Follow.objects.filter(user=user, term=term).exists()
    discussion.experts = list(term_experts(term))
    return discussion


def assemble_threads(comments) -> list[Comment]:
    """Top-level comments, each with ``children`` (and theirs), in the order written.

    ``comments`` must list every parent before its replies (creation order does). Each comment
    also gets ``reply_to`` (its parent, for "in reply to NAME") and its author's URL, reversed
    once per author rather than once per comment.
    """
    threads: list[Comment] = []
    by_id: dict[int, Comment] = {}
    author_urls: dict[int, str] = {}
    for comment in comments:
        comment.children = []
        comment.reply_to = by_id.get(comment.parent_id)
        if comment.author_id not in author_urls:
            author_urls[comment.author_id] = str(comment.author.get_absolute_url())
        comment.author_url = author_urls[comment.author_id]
        by_id[comment.pk] = comment
        if comment.display_parent_id is None:
            threads.append(comment)
        elif comment.display_parent_id in by_id:
            by_id[comment.display_parent_id].children.append(comment)
    return threads


def term_experts(term: Term) -> QuerySet[Contributor]:
    return (
        Contributor.objects.filter(term=term, user__is_active=True, score__gt=0)
        .select_related("user")
        .only("score", "user__username", "user__display_name")
        .order_by("-score", "-last_active_at")[:EXPERTS_SHOWN]
    )


def comment_page_number(comment: Comment) -> int:
    """Which page of its term's discussion shows ``comment`` (the page of its thread)."""
    root = comment.root if comment.root_id else comment
    earlier = Comment.objects.filter(term_id=comment.term_id, depth=0).filter(
        Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, pk__lt=root.pk)
    )
    return earlier.count() // COMMENTS_PER_PAGE + 1


def comment_for_view(pk: int) -> Comment | None:
    """One comment with what its box shows, its term and the author it replies to."""
    comment = (
        Comment.objects.select_related("author", "promotion__revision", "term", "parent__author")
        .defer("term__body", "term__body_html", "term__toc", "parent__body", "parent__body_html")
        .filter(pk=pk)
        .first()
    )
    if comment is not None:
        comment.reply_to = comment.parent
        comment.author_url = str(comment.author.get_absolute_url())
    return comment


def comment_counts(term_ids: list[int]) -> dict[int, int]:
    """Shown comments per term, for a listing: one query for a whole page of terms."""
    rows = (
        Comment.objects.visible()
        .filter(term_id__in=term_ids)
        .order_by()
        .values("term_id")
        .annotate(n=Count("pk"))
    )
    return {row["term_id"]: row["n"] for row in rows}


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def member_notifications(user: User) -> QuerySet[Notification]:
    return Notification.objects.for_list().filter(recipient=user).order_by("-created_at", "-pk")


@dataclass
class NotificationGroup:
    term: Term
    notifications: list[Notification]

    @property
    def unread(self) -> int:
        return sum(1 for n in self.notifications if n.read_at is None)


def group_by_term(notifications) -> list[NotificationGroup]:
    """Group a page of notifications by term, each group where its newest one falls."""
    groups: dict[int, NotificationGroup] = {}
    for notification in notifications:
        group = groups.get(notification.term_id)
        if group is None:
            group = groups[notification.term_id] = NotificationGroup(notification.term, [])
        group.notifications.append(notification)
    return list(groups.values())


def member_comments(user: User) -> QuerySet[Comment]:
    """A member's shown comments, newest first, each with its term's title."""
    return (
        Comment.objects.visible()
        .filter(author=user)
        .select_related("term")
        .only("body_html", "created_at", "edited_at", "term__title", "term__slug", "term_id")
        .order_by("-created_at", "-pk")
    )


def member_expertise(user: User, *, limit: int = 5) -> dict[str, list[dict]]:
    """The categories and tags a member contributes to most, by their "who knows this" scores."""
    mine = Contributor.objects.filter(user=user, score__gt=0).order_by()
    categories = (
        mine.filter(term__category__isnull=False)
        .values("term__category__name", "term__category__slug")
        .annotate(total=Sum("score"), terms=Count("term", distinct=True))
        .order_by("-total", "term__category__name")[:limit]
    )
    tags = (
        mine.filter(term__tags__isnull=False)
        .values("term__tags__name", "term__tags__slug")
        .annotate(total=Sum("score"), terms=Count("term", distinct=True))
        .order_by("-total", "term__tags__name")[:limit]
    )
    return {
        "categories": [
            {"name": c["term__category__name"], "slug": c["term__category__slug"], **c}
            for c in categories
        ],
        "tags": [{"name": t["term__tags__name"], "slug": t["term__tags__slug"], **t} for t in tags],
    }


# -- Recent changes ----------------------------------------------------------------------

RECENT_KINDS = {"new": _("New terms"), "edit": _("Edits"), "comment": _("Comments")}


@dataclass
class Change:
    """One line of /recent/ or of the recent-changes feed."""

    kind: str  # "new", "edit" or "comment"
    pk: int
    created_at: object
    term: Term
    who: User | None
    summary: str  # the edit summary, or the comment's opening words
    size_change: int | None
    url: str
    revision: Revision | None = None
    comment: Comment | None = None


def recent_changes(
    *, kind: str = "", category: str = "", hide_user: User | None = None
) -> QuerySet:
    """Revisions and comments across the wiki, newest first, as rows of (pk, created_at, kind).

    One UNION ALL, so paging is done by the database; ``recent_page`` turns a page of rows into
    ``Change`` objects with two more queries.
    """
    revisions = Revision.objects.annotate(
        kind=Case(
            When(number=1, then=Value("new")), default=Value("edit"), output_field=CharField()
        )
    )
    comments = Comment.objects.visible().annotate(kind=Value("comment", output_field=CharField()))
    if kind == "new":
        revisions = revisions.filter(number=1)
    elif kind == "edit":
        revisions = revisions.filter(number__gt=1)
    if category:
        revisions = revisions.filter(term__category__slug=category)
        comments = comments.filter(term__category__slug=category)
    if hide_user is not None:
        revisions = revisions.exclude(author=hide_user)
        comments = comments.exclude(author=hide_user)
    parts = []
    if kind in ("", "new", "edit"):
        parts.append(revisions.order_by().values("pk", "created_at", "kind"))
    if kind in ("", "comment"):
        parts.append(comments.order_by().values("pk", "created_at", "kind"))
    rows = parts[0] if len(parts) == 1 else parts[0].union(parts[1], all=True)
    return rows.order_by("-created_at", "-pk")


def recent_page(rows) -> list[Change]:
    """``Change`` objects for a page (or slice) of ``recent_changes`` rows, in the same order."""
    rows = list(rows)
    revision_ids = [row["pk"] for row in rows if row["kind"] != "comment"]
    comment_ids = [row["pk"] for row in rows if row["kind"] == "comment"]
    revisions = {r.pk: r for r in _revisions_with_sizes(revision_ids)}
    comments = {c.pk: c for c in _comments_with_excerpts(comment_ids)}
    changes = []
    for row in rows:
        if row["kind"] == "comment":
            comment = comments.get(row["pk"])
            if comment is not None:
                changes.append(_comment_change(comment))
        elif (revision := revisions.get(row["pk"])) is not None:
            changes.append(_revision_change(revision, row["kind"]))
    return changes


TERM_FIELDS = ("term__title", "term__slug", "term__category_id")
AUTHOR_FIELDS = ("author__username", "author__display_name")


def _revisions_with_sizes(ids: list[int]) -> QuerySet[Revision]:
    parent = Revision.objects.filter(term=OuterRef("term"), number=OuterRef("parent_number"))
    return (
        Revision.objects.filter(pk__in=ids)
        .select_related("term", "author")
        .only(
            "number",
            "parent_number",
            "title",
            "summary",
            "created_at",
            "author_id",
            "term_id",
            *TERM_FIELDS,
            *AUTHOR_FIELDS,
        )
        .annotate(
            body_size=Length("body"),
            parent_size=Subquery(
                parent.annotate(n=Length("body")).values("n")[:1], output_field=IntegerField()
            ),
        )
    )


def _comments_with_excerpts(ids: list[int]) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(pk__in=ids)
        .select_related("term", "author")
        .only("created_at", "depth", "author_id", "term_id", *TERM_FIELDS, *AUTHOR_FIELDS)
        .annotate(excerpt=Substr("body", 1, EXCERPT_CHARS + 1), body_size=Length("body"))
    )


EXCERPT_CHARS = 160


def _revision_change(revision: Revision, kind: str) -> Change:
    size_change = None
    if revision.parent_size is not None:
        size_change = revision.body_size - revision.parent_size
    elif kind == "new":
        size_change = revision.body_size
    if revision.parent_number:
        url = reverse("wiki:term_diff", kwargs={"slug": revision.term.slug})
        url += f"?from={revision.parent_number}&to={revision.number}"
    else:
        url = reverse(
            "wiki:revision_detail", kwargs={"slug": revision.term.slug, "number": revision.number}
        )
    return Change(
        kind=kind,
        pk=revision.pk,
        created_at=revision.created_at,
        term=revision.term,
        who=revision.author,
        summary=revision.summary,
        size_change=size_change,
        url=url,
        revision=revision,
    )


def _comment_change(comment: Comment) -> Change:
    excerpt = " ".join(comment.excerpt.split())
    if len(comment.excerpt) > EXCERPT_CHARS:
        excerpt = excerpt[: EXCERPT_CHARS - 1].rstrip() + "…"
    return Change(
        kind="comment",
        pk=comment.pk,
        created_at=comment.created_at,
        term=comment.term,
        who=comment.author,
        summary=excerpt,
        size_change=comment.body_size,
        url=comment.get_absolute_url(),
        comment=comment,
    )
