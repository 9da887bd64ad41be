"""``{% load moderation_log %}``: a log entry's before/after state, readable."""

from django import template

register = template.Library()


@register.filter
def state_items(state) -> list[tuple[str, str]]:
    """``{"level": "trusted", "review": False}`` -> [("level", "trusted"), ("review", "no")]."""
    if not isinstance(state, dict):
        return []
    return [(key.replace("_", " "), _display(value)) for key, value in state.items()]


def _display(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_display(v)}" for k, v in value.items())
    if isinstance(value, list):
        shown = [_display(item) for item in value[:20]]
        more = f" … and {len(value) - 20} more" if len(value) > 20 else ""
        return "; ".join(shown) + more if shown else "none"
    return str(value)
