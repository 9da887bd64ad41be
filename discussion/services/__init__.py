"""Writes. Every write to a comment goes through ``comments`` (one service module, as terms go
through ``wiki.services``); following, notifications, reports, promotions and the "who knows
this" ranking have a module each. Import the public names from here."""

from .comments import comment_create, comment_delete, comment_edit
from .experts import term_contributors_refresh
from .follows import follow_term, member_settings_update, settings_for, unfollow_term
from .notifications import (
    notifications_email,
    notifications_mark_read,
    notify_comment,
    notify_promotion,
    notify_revision,
)
from .promotions import comment_promote
from .reports import report_create

__all__ = [
    "comment_create",
    "comment_delete",
    "comment_edit",
    "comment_promote",
    "follow_term",
    "member_settings_update",
    "notifications_email",
    "notifications_mark_read",
    "notify_comment",
    "notify_promotion",
    "notify_revision",
    "report_create",
    "settings_for",
    "term_contributors_refresh",
    "unfollow_term",
]
