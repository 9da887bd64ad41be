"""The one way a moderation log entry is written."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from ..models import LogEntry

if TYPE_CHECKING:
    from accounts.models import User


def log_action(
    *,
    action: str,
    moderator: User,
    target_type: str,
    target_id: object,
    target_label: str,
    target_url: str = "",
    reason: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> LogEntry:
    """Append to the log. Must run inside the action's own transaction: a rolled-back action
    leaves no entry, and an entry never describes an action that did not happen."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("log_action must run inside the moderation action's transaction.")
    return LogEntry.objects.create(
        action=action,
        moderator=moderator,
        target_type=target_type,
        target_id=str(target_id),
        target_label=target_label[:300],
        target_url=target_url[:500],
        reason=reason,
        before=before or {},
        after=after or {},
    )


def when(moment) -> str | None:
    """A timestamp as the log stores it (ISO 8601), or None."""
    return moment.isoformat() if moment else None
