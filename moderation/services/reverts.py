"""Rollback (one term, one editor's latest run of edits) and bulk revert (one member, every
term, since a time). Both write through ``wiki.services``: each revert is a new revision."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _

from config.tasks import enqueue_on_commit
from wiki.content import TermData
from wiki.exceptions import EditConflict, MergeConflict, TermWriteError
from wiki.models import Revision, Term
from wiki.services import term_save_revision, term_update

from .. import policy
from ..exceptions import ModerationError, StaleRollback
from ..models import Action, BulkRevert, BulkRevertStatus
from ..selectors import bulk_revert_plan
from .log import log_action, when

if TYPE_CHECKING:
    from accounts.models import User
    from wiki.services import SaveResult


def _name(user: User | None) -> str:
    return user.get_username() if user else "the seed import"


def term_rollback(
    *, term: Term, editor_id: int, moderator: User, base_number: int, reason: str = ""
) -> SaveResult:
    """Undo the latest editor's consecutive latest edits in one new revision.

    ``base_number`` is the revision the moderator saw as the latest; if anyone saved since,
    the rollback is refused (they may be rolling back the wrong person now).
    """
    if not policy.can_moderate(moderator):
        raise ModerationError(_("Only moderators roll back."))
    term = Term.objects.select_related("current_revision__author").get(pk=term.pk)
    latest = term.current_revision
    if term.revision_number != base_number or latest is None:
        raise StaleRollback(
            _(
                "“%(title)s” changed after you loaded the page: revision %(number)s "
                "by %(who)s is now the latest. Look at the history again before rolling back."
            )
            % {
                "title": term.title,
                "number": term.revision_number,
                "who": _name(latest.author if latest else None),
            }
        )
    editor = latest.author
    if editor is None or editor.pk != editor_id:
        raise StaleRollback(
            _(
                "The latest revision of “%(title)s” is by %(who)s, not the editor you "
                "chose. Look at the history again."
            )
            % {"title": term.title, "who": _name(editor)}
        )
    target = (
        term.revisions.select_related("author")
        .filter(number__lt=base_number)
        .exclude(author=editor)
        .order_by("-number")
        .first()
    )
    if target is None:
        raise ModerationError(
            _(
                "Every revision of “%(title)s” is by %(who)s: there is no earlier "
                "version by someone else to roll back to."
            )
            % {"title": term.title, "who": _name(editor)}
        )
    undone = base_number - target.number
    summary = (
        f"Rolled back {undone} edit{'s' if undone != 1 else ''} by {_name(editor)} "
        f"to revision {target.number} by {_name(target.author)}"
    )
    with transaction.atomic():
        try:
            result = term_save_revision(
                term=term,
                data=TermData.of(target),
                author=moderator,
                summary=summary,
                base_number=base_number,
            )
        except EditConflict as conflict:
            raise StaleRollback(
                _(
                    "Someone saved “%(title)s” a moment ago (revision %(number)s); "
                    "look at the history again."
                )
                % {"title": term.title, "number": conflict.term.revision_number}
            ) from conflict
        except TermWriteError as error:
            raise ModerationError(
                _("The rollback cannot be saved: %(reason)s") % {"reason": error}
            ) from error
        if result.revision is None:
            raise ModerationError(
                _(
                    "The edits by %(who)s left the content as revision %(number)s "
                    "had it: nothing to roll back."
                )
                % {"who": _name(editor), "number": target.number}
            )
        log_action(
            action=Action.ROLLBACK,
            moderator=moderator,
            target_type="term",
            target_id=term.pk,
            target_label=term.title,
            target_url=result.term.get_absolute_url(),
            reason=" ".join(reason.split()) or summary,
            before={"revision": base_number, "editor": _name(editor), "edits_undone": undone},
            after={"revision": result.revision.number, "restored": target.number},
        )
    return result


def bulk_revert_request(
    *, member: User, since: datetime, moderator: User, reason: str
) -> BulkRevert:
    """Queue the revert of every edit ``member`` made since ``since``; a task does the work."""
    if not policy.can_moderate(moderator):
        raise ModerationError(_("Only moderators revert a member's edits."))
    reason = " ".join(reason.split())
    if not reason:
        raise ModerationError(_("Give a reason; the log keeps it."), field="reason")
    if since > timezone.now():
        raise ModerationError(_("Choose a time in the past."), field="since")
    plan = bulk_revert_plan(member=member, since=since)
    if not any(item.will_revert for item in plan):
        raise ModerationError(
            _("%(member)s has no edits to revert since then.") % {"member": member.get_username()},
            field="since",
        )
    from ..tasks import run_bulk_revert

    with transaction.atomic():
        job = BulkRevert.objects.create(
            member=member, since=since, reason=reason, requested_by=moderator
        )
        log_action(
            action=Action.BULK_REVERT,
            moderator=moderator,
            target_type="member",
            target_id=member.pk,
            target_label=member.get_username(),
            target_url=resolve_url(member),
            reason=reason,
            before={
                "since": when(since),
                "terms": [
                    {"slug": i.term.slug, "revision": i.term.revision_number, "to": i.target_number}
                    for i in plan
                    if i.will_revert
                ],
            },
            after={"job": job.pk},
        )
        enqueue_on_commit(run_bulk_revert, job.pk)
    return job


def bulk_revert_run(*, job_id: int) -> BulkRevert:
    """The task's work: each term reverted in its own transaction, as its own revision."""
    job = BulkRevert.objects.select_related("member", "requested_by").get(pk=job_id)
    if job.status == BulkRevertStatus.DONE:
        return job
    member, moderator = job.member, job.requested_by
    summary = (
        f"Reverted edits by {member.get_username()} since {job.since:%Y-%m-%d %H:%M} "
        f"(bulk revert by {moderator.get_username()})"
    )
    results = []
    for item in bulk_revert_plan(member=member, since=job.since):
        row = {"title": item.term.title, "slug": item.term.slug, "edits": item.edits}
        if not item.will_revert or item.target_number is None:
            results.append({**row, "outcome": "skipped", "note": item.skip_reason})
            continue
        target = Revision.objects.get(term=item.term, number=item.target_number)
        try:
            result = term_update(
                term=item.term,
                data=TermData.of(target),
                author=moderator,
                summary=summary,
                base_number=item.last_number,
            )
        except MergeConflict:
            note = _("later edits by others overlap with the member's; revert it by hand")
            results.append({**row, "outcome": "skipped", "note": note})
        except (EditConflict, TermWriteError) as error:
            results.append({**row, "outcome": "skipped", "note": str(error)})
        else:
            number = result.revision.number if result.revision else None
            outcome = "reverted" if number else "unchanged"
            results.append({**row, "outcome": outcome, "revision": number})
    job.results = results
    job.status = BulkRevertStatus.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["results", "status", "finished_at"])
    return job
