"""``{% load wiki_tags %}``: the small pieces every wiki page repeats, written once.

One wording for who did something (``{% author %}``), one markup for the category and
difficulty chips and for a link to a term nobody has written yet, and ``|ago`` for "how
long ago" that says "just now" instead of "0 minutes ago".
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.translation import gettext

from ..models import Difficulty

register = template.Library()

JUST_NOW = timedelta(minutes=1)


@register.inclusion_tag("includes/_member.html")
def author(user) -> dict:
    """Who saved a revision (or took any action): their public name, linked to their page,
    with the username beside a display name (display names need not be unique; usernames
    are); ``None`` is the seed import. The same template as ``{% include
    "includes/_member.html" with member=... %}`` in the other apps' pages."""
    return {"member": user}


@register.simple_tag
def member_link(user) -> SafeString:
    """``{% member_link user as who %}``: the same attribution as ``{% author %}``, kept in a
    variable so a translated sentence can hold it (``{% blocktranslate %}By {{ who }}``):
    a translator needs the whole sentence, and the member's place in it can move."""
    return SafeString(render_to_string("includes/_member.html", {"member": user}).strip())


@register.inclusion_tag("wiki/includes/_category_chip.html")
def category_chip(category) -> dict:
    return {"category": category}


@register.inclusion_tag("wiki/includes/_difficulty_chip.html")
def difficulty_chip(value: str) -> dict:
    """A difficulty, linked to the A-Z index filtered by it; nothing for no difficulty."""
    label = Difficulty(value).label if value in Difficulty.values else ""
    return {"value": value, "label": label}


@register.inclusion_tag("wiki/includes/_missing_term_link.html")
def missing_term_link(title: str, href: str = "") -> dict:
    """A link to a term that is not written yet, styled as the renderer styles one in a
    body; by default it leads to the form that writes it."""
    href = href or reverse("wiki:term_create") + "?" + urlencode({"title": title})
    return {"title": title, "href": href}


@register.filter
def ago(value: datetime | None) -> str:
    """Under a minute "just now", otherwise "3 minutes ago", "2 days, 4 hours ago"."""
    if not value:
        return ""
    if timezone.now() - value < JUST_NOW:
        return gettext("just now")
    return gettext("%(time)s ago") % {"time": timesince(value)}
