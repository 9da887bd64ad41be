"""Review before publishing: changes kept for a moderator, and accepting or rejecting them.

A pending change is not a revision: readers keep seeing the last published revision, and the
term's history stays the list of what was published. Accepting sends the change through
``wiki.services.term_update`` from the revision it started on, so the three-way merge lands it
on a term that moved on; a real overlap leaves the change waiting, with nothing lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wiki.content import TermData
from wiki.exceptions import MergeConflict, TermWriteError
from wiki.services import render_body, term_update
from wiki.services.revisions import term_data_check

from .. import policy
from ..exceptions import ModerationError, PendingConflict
from ..models import Action, PendingChange, PendingStatus
from .log import log_action

if TYPE_CHECKING:
    from accounts.models import User
    from wiki.models import Term
    from wiki.services import SaveResult

MAX_NOTE_LENGTH = 500


def pending_change_submit(
    *, term: Term, data: TermData, author: User, summary: str, base_number: int
) -> PendingChange:
    """Keep ``author``'s edit of ``term`` for review. Raises ``TermWriteError`` (with its form
    field) for content the write path would refuse, so the editor can say so at once."""
    # The write path's own refusals (no title, a title without a letter or digit, a title or
    # tag that normalisation made too long for its column); a category is cut as the write
    # path cuts it.
    term_data_check(data)
    render_body(data.body)  # refuses what the renderer refuses, before anyone reviews it
    return PendingChange.objects.create(
        term=term,
        base_number=base_number,
        author=author,
        summary=" ".join(summary.split())[:300],
        **PendingChange.fields_of(data.replace(category=data.category[:100])),
    )


def _reviewable(change: PendingChange, moderator: User) -> PendingChange:
    if not policy.can_moderate(moderator):
        raise ModerationError(_("Only moderators review pending changes."))
    locked = (
        PendingChange.objects.select_for_update(of=("self",))
        .select_related("term", "author")
        .get(pk=change.pk)
    )
    if locked.status != PendingStatus.PENDING:
        raise ModerationError(
            _("This change was already %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


def _log(change: PendingChange, action: str, moderator: User, note: str, after: dict) -> None:
    log_action(
        action=action,
        moderator=moderator,
        target_type="pending_change",
        target_id=change.pk,
        target_label=f"{change.term.title}: change by {change.author.get_username()}",
        target_url=change.term.get_absolute_url(),
        reason=note,
        before={"status": PendingStatus.PENDING, "base_number": change.base_number},
        after=after,
    )


def pending_change_accept(*, change: PendingChange, moderator: User, note: str = "") -> SaveResult:
    """Publish the change as its author's revision, merged onto edits made since if needed."""
    note = " ".join(note.split())[:MAX_NOTE_LENGTH]
    with transaction.atomic():
        change = _reviewable(change, moderator)
        summary = change.summary or "Reviewed change"
        try:
            result = term_update(
                term=change.term,
                data=change.data,
                author=change.author,
                summary=f"{summary} (reviewed by {moderator.get_username()})",
                base_number=change.base_number,
            )
        except MergeConflict as conflict:
            theirs = conflict.theirs
            who = theirs.author.get_username() if theirs.author else _("the seed import")
            raise PendingConflict(
                _(
                    "This change overlaps with revision %(number)s by %(who)s, published since "
                    "it was written (from revision %(base)s); it cannot be merged "
                    "automatically. It is still waiting: reject it with a note asking the "
                    "author to edit the current version again."
                )
                % {"number": theirs.number, "who": who, "base": change.base_number}
            ) from conflict
        except TermWriteError as error:
            raise ModerationError(
                _("The change cannot be published: %(reason)s") % {"reason": error}
            ) from error
        change.status = PendingStatus.ACCEPTED
        change.reviewed_by = moderator
        change.reviewed_at = timezone.now()
        change.note = note
        change.revision_number = result.revision.number if result.revision else None
        change.save(
            update_fields=["status", "reviewed_by", "reviewed_at", "note", "revision_number"]
        )
        _log(
            change,
            Action.ACCEPT,
            moderator,
            note,
            {
                "status": PendingStatus.ACCEPTED,
                "revision_number": change.revision_number,
                "merged": result.merged,
            },
        )
    return result


def pending_change_reject(*, change: PendingChange, moderator: User, note: str) -> PendingChange:
    """Decline the change; it stays readable to its author with the note."""
    note = " ".join(note.split())[:MAX_NOTE_LENGTH]
    if not note:
        raise ModerationError(_("Say why, so the author can do better next time."), field="note")
    with transaction.atomic():
        change = _reviewable(change, moderator)
        change.status = PendingStatus.REJECTED
        change.reviewed_by = moderator
        change.reviewed_at = timezone.now()
        change.note = note
        change.save(update_fields=["status", "reviewed_by", "reviewed_at", "note"])
        _log(change, Action.REJECT, moderator, note, {"status": PendingStatus.REJECTED})
    return change
