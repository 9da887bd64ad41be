"""Protecting and unprotecting terms."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import policy
from ..exceptions import ModerationError
from ..models import Action, Level, Protection
from .log import log_action, when

if TYPE_CHECKING:
    from accounts.models import User
    from wiki.models import Term


def _state(protection: Protection | None) -> dict:
    if protection is None or not protection.is_active:
        return {"protected": False}
    return {
        "protected": True,
        "level": protection.level,
        "review": protection.review,
        "reason": protection.reason,
        "expires_at": when(protection.expires_at),
    }


def _check(moderator: User, reason: str) -> str:
    if not policy.can_moderate(moderator):
        raise ModerationError(_("Only moderators protect terms."))
    reason = " ".join(reason.split())
    if not reason:
        raise ModerationError(
            _("Give a reason: it is shown to members and kept in the log."), field="reason"
        )
    return reason


def term_protect(
    *,
    term: Term,
    moderator: User,
    level: str,
    reason: str,
    review: bool = False,
    expires_at: datetime | None = None,
) -> Protection:
    """Protect ``term`` (or change its protection): refuse, or review, edits below ``level``."""
    reason = _check(moderator, reason)
    if level not in Level.values:
        raise ModerationError(
            _("Choose who may edit: trusted members or moderators."), field="level"
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ModerationError(_("The expiry must be in the future."), field="expires_at")
    with transaction.atomic():
        old = Protection.objects.select_for_update().filter(term=term).first()
        before = _state(old)
        protection, _created = Protection.objects.update_or_create(
            term=term,
            defaults={
                "level": level,
                "review": review,
                "reason": reason,
                "expires_at": expires_at,
                "created_by": moderator,
            },
        )
        log_action(
            action=Action.PROTECT,
            moderator=moderator,
            target_type="term",
            target_id=term.pk,
            target_label=term.title,
            target_url=term.get_absolute_url(),
            reason=reason,
            before=before,
            after=_state(protection),
        )
    policy.forget(term, "_moderation_protection")
    return protection


def term_unprotect(*, term: Term, moderator: User, reason: str) -> None:
    reason = _check(moderator, reason)
    with transaction.atomic():
        old = Protection.objects.select_for_update().filter(term=term).first()
        if old is None:
            raise ModerationError(_("“%(title)s” is not protected.") % {"title": term.title})
        before = _state(old)
        old.delete()
        log_action(
            action=Action.UNPROTECT,
            moderator=moderator,
            target_type="term",
            target_id=term.pk,
            target_label=term.title,
            target_url=term.get_absolute_url(),
            reason=reason,
            before=before,
            after={"protected": False},
        )
    policy.forget(term, "_moderation_protection")
