"""Following terms, and a member's discussion settings (what to follow by default, email)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from django.db import IntegrityError, transaction

from wiki.models import Term

from ..models import Follow, MemberSettings

if TYPE_CHECKING:
    from accounts.models import User


def follow_term(*, user: User, term: Term) -> bool:
    """Follow ``term``; returns whether a follow was added (False: already following)."""
    try:
        with transaction.atomic():
            _, created = Follow.objects.get_or_create(user=user, term=term)
    except IntegrityError:  # the same member following in two tabs at once
        return False
    return created


def unfollow_term(*, user: User, term: Term) -> bool:
    deleted, _ = Follow.objects.filter(user=user, term=term).delete()
    return bool(deleted)


def follow_if_wanted(*, user: User, term: Term, reason: Literal["edit", "comment"]) -> None:
    """Editing or commenting follows the term, unless the member turned that off."""
    wanted = settings_for(user)
    if wanted.follow_on_edit if reason == "edit" else wanted.follow_on_comment:
        follow_term(user=user, term=term)


def settings_for(user: User) -> MemberSettings:
    """The member's settings, or the defaults (unsaved) when they never changed them."""
    found = MemberSettings.objects.filter(user=user).first()
    return found or MemberSettings(user=user)


def member_settings_update(
    *, user: User, follow_on_edit: bool, follow_on_comment: bool, email_notifications: bool
) -> MemberSettings:
    saved, _ = MemberSettings.objects.update_or_create(
        user=user,
        defaults={
            "follow_on_edit": follow_on_edit,
            "follow_on_comment": follow_on_comment,
            "email_notifications": email_notifications,
        },
    )
    return saved
