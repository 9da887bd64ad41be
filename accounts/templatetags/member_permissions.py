"""``{% if user|can_edit_term:term %}``: the rules of ``accounts.permissions`` in templates."""

from django import template

from .. import permissions

register = template.Library()


@register.filter
def can_edit_term(user, term) -> bool:
    return permissions.can_edit_term(user, term)


@register.filter
def can_edit_profile(user, profile_user) -> bool:
    return permissions.can_edit_profile(user, profile_user)
