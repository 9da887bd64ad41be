"""``{% load discussion %}``: the discussion on pages that other apps own, without those apps
importing this one. Each tag runs the selectors once per request (the term page's tags share
one ``Discussion``), so a page's query count does not depend on how many comments there are.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .. import selectors
from ..access import mark_permissions, may_for
from ..forms import CommentForm

register = template.Library()


def _cached(request, key: str, make):
    cache = request.__dict__.setdefault("_discussion_cache", {})
    if key not in cache:
        cache[key] = make()
    return cache[key]


def _discussion(context, term) -> selectors.Discussion:
    request = context["request"]

    def make():
        found = selectors.term_discussion(
            term, user=request.user, page_number=request.GET.get("comments", 1)
        )
        mark_permissions(found.threads, request.user)
        return found

    return _cached(request, f"discussion:{term.pk}", make)


def _may(context, term):
    request = context["request"]
    return _cached(request, f"may:{term.pk}", lambda: may_for(request.user, term))


@register.inclusion_tag("discussion/includes/_discussion.html", takes_context=True)
def term_discussion(context, term):
    """The discussion section at the end of a term page."""
    return {
        "discussion": _discussion(context, term),
        "term": term,
        "may": _may(context, term),
        "form": CommentForm(),
        "user": context["request"].user,
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("discussion/includes/_follow_button.html", takes_context=True)
def follow_button(context, term):
    discussion = _discussion(context, term)
    return {
        "term": term,
        "following": discussion.following,
        "may": _may(context, term),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("discussion/includes/_who_knows.html", takes_context=True)
def who_knows_this(context, term):
    return {"term": term, "experts": _discussion(context, term).experts}


@register.inclusion_tag("discussion/includes/_comment_count.html", takes_context=True)
def comment_count(context, term):
    return {"count": _discussion(context, term).comment_count, "link": True}


@register.simple_tag
def term_feed_links(term) -> str:
    """``<link rel="alternate">`` to the term's history and discussion feeds."""
    return format_html(
        '<link rel="alternate" type="application/atom+xml" title="{0}" href="{1}">\n'
        '  <link rel="alternate" type="application/atom+xml" title="{2}" href="{3}">',
        _("History of %(title)s") % {"title": term.title},
        reverse("discussion:term_history_feed", kwargs={"slug": term.slug}),
        _("Discussion of %(title)s") % {"title": term.title},
        reverse("discussion:term_discussion_feed", kwargs={"slug": term.slug}),
    )


@register.simple_tag
def recent_feed_link() -> str:
    return format_html(
        '<link rel="alternate" type="application/atom+xml" title="{}" href="{}">',
        _("Recent changes"),
        reverse("discussion:recent_feed"),
    )


@register.simple_tag
def comment_counts(terms) -> str:
    """Set ``comment_count`` on each term of a listing (a page or a list): one query in all."""
    terms = list(terms)
    counts = selectors.comment_counts([term.pk for term in terms])
    for term in terms:
        term.comment_count = counts.get(term.pk, 0)
    return ""


@register.inclusion_tag("discussion/includes/_notifications_link.html", takes_context=True)
def notifications_link(context):
    """The header's link to /notifications/ with the unread count (one query, members only)."""
    request = context["request"]
    user = request.user
    unread = selectors.unread_count(user) if user.is_authenticated else 0
    here = getattr(request.resolver_match, "view_name", "")
    return {"user": user, "unread": unread, "current": here == "discussion:notification_list"}


@register.inclusion_tag("discussion/includes/_member_expertise.html")
def member_expertise(member):
    """The categories and tags a member contributes to most (two queries)."""
    return {"member": member, "expertise": selectors.member_expertise(member)}


@register.inclusion_tag("discussion/includes/_member_comments.html")
def member_comments(member):
    """A profile's latest comments, with a link to all of them (one query)."""
    return {
        "member": member,
        "comments": selectors.member_comments(member)[: MEMBER_COMMENTS_SHOWN + 1],
        "shown": MEMBER_COMMENTS_SHOWN,
    }


MEMBER_COMMENTS_SHOWN = 10
