"""``{% load moderation %}``: a log entry's before/after state, readable; a member's own
changes waiting for review."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _

from ..models import PendingChange

register = template.Library()


@register.simple_tag
def pending_changes_by(user, term) -> list:
    """``{% pending_changes_by user term as mine %}``: the member's changes to ``term`` that
    wait for review (one query, on the edit page only)."""
    if not user.is_authenticated or term is None:
        return []
    return list(
        PendingChange.objects.waiting().filter(author=user, term=term).only("pk", "created_at")
    )


@register.filter
def state_items(state) -> list[tuple[str, str]]:
    """``{"level": "trusted", "review": False}`` -> [("level", "trusted"), ("review", "no")];
    empty values are left out, timestamps are shown as dates."""
    if not isinstance(state, dict):
        return []
    return [
        (key.replace("_", " "), _display(value))
        for key, value in state.items()
        if value is not None and value != ""
    ]


def _display(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str):
        return _date(value) or value
    if isinstance(value, dict):
        return ", ".join(f"{k} {_display(v)}" for k, v in value.items() if v is not None)
    if isinstance(value, list):
        shown = [_display(item) for item in value[:20]]
        more = (
            " " + _("… and %(count)s more") % {"count": len(value) - 20} if len(value) > 20 else ""
        )
        return "; ".join(shown) + more if shown else _("none")
    return str(value)


def _date(value: str) -> str:
    """An ISO 8601 timestamp (as the log stores them) as "4 Dec 2026, 14:15"; else ""."""
    if len(value) < 19 or value[4] != "-" or "T" not in value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return format_date(moment, "j M Y, H:i")
