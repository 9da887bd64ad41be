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
from django.utils.translation import get_language, gettext

from config.pagecache import per_generation

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


@register.tag("per_generation")
def do_per_generation(parser, token) -> PerGenerationNode:
    """``{% per_generation "name" value ... %}...{% endper_generation %}``: the block's HTML,
    kept until the content generation moves on (``config.pagecache.per_generation``), under
    its name, the values' text and the interface language.

    For the parts of a page that are the same for every reader, such as the term page's
    connections: a member's fresh page renders them once per write instead of once per
    request, and they are never out of date. Only for what a page shows to everyone; without
    a shared cache the block is rendered every time.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("per_generation needs a name")
    nodelist = parser.parse(("endper_generation",))
    parser.delete_first_token()
    return PerGenerationNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]])


class PerGenerationNode(template.Node):
    def __init__(self, nodelist: template.NodeList, parts: list) -> None:
        self.nodelist, self.parts = nodelist, parts

    def render(self, context: template.Context) -> str:
        values = [str(part.resolve(context)) for part in self.parts]
        name = "fragment:" + ":".join([*values, get_language() or ""])
        return per_generation(name, lambda: self.nodelist.render(context))
