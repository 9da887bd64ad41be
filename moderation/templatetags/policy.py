"""``{% load policy %}{% if user|can_edit_term:term %}``: ``moderation.policy`` in templates."""

from django import template

from .. import policy

register = template.Library()


@register.filter
def can_edit_term(user, term) -> bool:
    return policy.can_edit_term(user, term)


@register.filter
def can_edit_profile(user, profile_user) -> bool:
    return policy.can_edit_profile(user, profile_user)
