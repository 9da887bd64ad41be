"""Who knows this: rank the members of one term, in a task, so a page view only reads rows.

    score = 10 * text share + 2 * edits + 3 * promoted comments + 1 * comments

*Text share* is the fraction of the current body's non-blank lines that the member wrote, by a
line-level "blame" over the term's last ``BLAME_WINDOW`` revisions (lines of an older text
count for the author of the oldest revision in the window; blank lines and bare ">" count for
nobody). Lines that a promotion brought in from a comment (its quoted lines and the attribution
that links to it) count for the comment's author, not for the member who pressed the button.
Edits, promoted comments and comments count at most ``CAP`` each, so that many small edits or a
flood of comments cannot outrank the people who wrote the text. README.md says the same.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse

from wiki.models import Revision, Term

from ..models import Comment, Contributor, Promotion

TEXT_WEIGHT = 10.0
EDIT_WEIGHT = 2.0
PROMOTED_WEIGHT = 3.0
COMMENT_WEIGHT = 1.0
CAP = 5
BLAME_WINDOW = 200


def score(*, text_share: float, edits: int, promoted: int, comments: int) -> float:
    return (
        TEXT_WEIGHT * text_share
        + EDIT_WEIGHT * min(edits, CAP)
        + PROMOTED_WEIGHT * min(promoted, CAP)
        + COMMENT_WEIGHT * min(comments, CAP)
    )


def term_contributors_refresh(*, term_id: int, text: bool = True) -> int:
    """Recompute the term's ``Contributor`` rows; ``text=False`` keeps the stored text shares
    (a comment changes counts, not the body). Returns how many members are ranked."""
    if not Term.objects.filter(pk=term_id).exists():
        return 0
    if text:
        shares = text_shares(term_id)
    else:
        stored = Contributor.objects.filter(term_id=term_id, text_share__gt=0)
        shares = dict(stored.values_list("user_id", "text_share"))
    edits = _counts(Revision.objects.filter(term_id=term_id, author__isnull=False), "author_id")
    comments = _counts(Comment.objects.visible().filter(term_id=term_id), "author_id")
    promoted = _counts(
        Promotion.objects.filter(comment__term_id=term_id), "comment__author_id", "created_at"
    )
    users = set(shares) | set(edits) | set(comments) | set(promoted)
    rows = []
    for user_id in users:
        share = shares.get(user_id, 0.0)
        n_edits, last_edit = edits.get(user_id, (0, None))
        n_comments, last_comment = comments.get(user_id, (0, None))
        n_promoted, last_promoted = promoted.get(user_id, (0, None))
        rows.append(
            Contributor(
                term_id=term_id,
                user_id=user_id,
                text_share=share,
                edits=n_edits,
                comments=n_comments,
                promoted=n_promoted,
                score=score(
                    text_share=share, edits=n_edits, promoted=n_promoted, comments=n_comments
                ),
                last_active_at=max(
                    (t for t in (last_edit, last_comment, last_promoted) if t), default=None
                ),
            )
        )
    with transaction.atomic():
        Contributor.objects.filter(term_id=term_id).exclude(user_id__in=users).delete()
        Contributor.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["term", "user"],
            update_fields=[
                "text_share",
                "edits",
                "comments",
                "promoted",
                "score",
                "last_active_at",
            ],
        )
    return len(rows)


def text_shares(term_id: int) -> dict[int, float]:
    """Each member's share of the current body's non-blank lines (see the module docstring)."""
    latest = Revision.objects.filter(term_id=term_id).aggregate(n=Max("number"))["n"] or 0
    credits = _promotion_credits(term_id)
    revisions = (
        Revision.objects.filter(term_id=term_id, number__gt=latest - BLAME_WINDOW)
        .order_by("number")
        .values_list("pk", "author_id", "body")
    )
    lines: list[str] = []
    blame: list[int | None] = []
    for pk, author_id, body in revisions.iterator(chunk_size=20):
        new_lines = body.split("\n")
        credit = credits.get(pk)
        new_blame: list[int | None] = []
        matcher = SequenceMatcher(None, lines, new_lines)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                new_blame.extend(blame[i1:i2])
                continue
            for line in new_lines[j1:j2]:
                new_blame.append(credit[0] if credit and _credited(line, credit) else author_id)
        lines, blame = new_lines, new_blame
    written = [who for who, line in zip(blame, lines, strict=True) if _quoted(line)]
    if not written:
        return {}
    shares: dict[int, float] = {}
    for who in written:
        if who is not None:
            shares[who] = shares.get(who, 0.0) + 1.0 / len(written)
    return shares


Credit = tuple[int, frozenset[str], str]


def _promotion_credits(term_id: int) -> dict[int, Credit]:
    """Revision id -> (the promoted comment's author, the comment's lines as quoted, and the
    comment's address, which the attribution line under the quote links to)."""
    promotions = Promotion.objects.filter(comment__term_id=term_id).values_list(
        "revision_id", "comment__author_id", "comment__body", "comment_id"
    )
    return {
        revision_id: (
            author_id,
            frozenset(filter(None, map(_quoted, body.split("\n")))),
            reverse("discussion:comment_detail", kwargs={"pk": comment_id}),
        )
        for revision_id, author_id, body, comment_id in promotions
    }


def _credited(line: str, credit: Credit) -> bool:
    return _quoted(line) in credit[1] or credit[2] in line


def _quoted(line: str) -> str:
    """A line without the quote marks and spacing a promotion adds around it ("" when blank:
    blank lines and bare ">" lines count for nobody)."""
    return line.lstrip(" >").strip()


def _counts(queryset, key: str, when: str = "created_at") -> dict[int, tuple[int, object]]:
    rows = queryset.order_by().values(key).annotate(n=Count("pk"), last=Max(when))
    return {row[key]: (row["n"], row["last"]) for row in rows if row[key] is not None}
