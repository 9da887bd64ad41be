"""``{% load policy %}{% if user|can_edit_term:term %}``: ``moderation.policy`` in templates.

Templates only ask; every answer comes from ``moderation.policy``.
"""

from django import template

from .. import policy

register = template.Library()


@register.filter
def can_edit_term(user, term) -> bool:
    return policy.can_edit_term(user, term)


@register.filter
def can_edit_profile(user, profile_user) -> bool:
    return policy.can_edit_profile(user, profile_user)


@register.filter
def can_comment(user, term=None) -> bool:
    return policy.can_comment(user, term)


@register.filter
def can_report(user) -> bool:
    return policy.can_report(user)


@register.filter
def can_moderate(user) -> bool:
    return policy.can_moderate(user)


@register.filter
def can_see_hidden(user) -> bool:
    return policy.can_see_hidden(user)


@register.filter
def role(user) -> str:
    return policy.role(user)


@register.simple_tag
def edit_decision(user, term=None) -> policy.Decision:
    """``{% edit_decision user term as decision %}``: may they edit (or only for review)?"""
    return policy.edit_decision(user, term)


@register.simple_tag
def protection_for(term):
    """``{% protection_for term as protection %}``: the protection in force, or None."""
    return policy.protection_for(term)


@register.simple_tag
def protection_message(protection) -> str:
    return policy.protection_message(protection) if protection else ""


@register.simple_tag
def block_notice(user) -> str:
    """``{% block_notice user as notice %}``: why and until when the member is blocked, or ""."""
    block = policy.active_block(user)
    return policy.block_message(block) if block else ""
