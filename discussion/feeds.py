"""Atom feeds (``django.contrib.syndication``): recent changes, one term's history, one term's
discussion. Entries carry sanitised HTML only (comments' stored HTML, escaped summaries).

Each feed answers a conditional GET: its ETag and Last-Modified come from one small query
(the newest change and a count), so a reader polling an unchanged feed gets a 304 without the
feed being built.
"""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Count, Max
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import condition

from wiki.models import Revision, Term

from . import selectors
from .models import Comment

FEED_ITEMS = 50
# XML 1.0 cannot carry C0 control characters other than tab and line breaks, and Django
# refuses to write them (a 500 for the whole feed). A title, summary, comment or display name
# may hold one as typed (the pages show them harmlessly); a feed drops them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value):
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, (list, tuple)):
        return type(value)(_xml_text(item) for item in value)
    return value


class XmlSafeAtom1Feed(Atom1Feed):
    """Atom whose every string is cleaned of what XML cannot carry (found by the hostile
    battery, tests/security)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(_xml_text, args), **{k: _xml_text(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(_xml_text, args), **{k: _xml_text(v) for k, v in kwargs.items()})


def _size(change: int | None) -> str:
    if change is None:
        return ""
    text = ngettext("%(change)s character", "%(change)s characters", abs(change))
    return text % {"change": f"{change:+,}"}


class RecentChangesFeed(Feed):
    feed_type = XmlSafeAtom1Feed

    def get_object(self, request):
        kind = request.GET.get("kind", "")
        return {"kind": kind if kind in selectors.RECENT_KINDS else ""}

    def title(self, obj) -> str:
        return _("Recent changes on %(site)s") % {"site": settings.SITE_NAME}

    def link(self, obj) -> str:
        return reverse("discussion:recent")

    def subtitle(self, obj) -> str:
        return _("New terms, edits and comments, newest first.")

    def items(self, obj):
        return selectors.recent_page(selectors.recent_changes(kind=obj["kind"])[:FEED_ITEMS])

    def item_title(self, change) -> str:
        title = {
            "new": _("New term: %(title)s"),
            "edit": _("Edited: %(title)s"),
            "comment": _("Comment on: %(title)s"),
        }[change.kind]
        return title % {"title": change.term.title}

    def item_description(self, change) -> str:
        if change.comment is not None:
            return format_html("<p>{}</p>", change.summary)
        return format_html(
            "<p>{}</p><p>{}</p>", change.summary or _("No summary."), _size(change.size_change)
        )

    def item_link(self, change) -> str:
        return change.url

    def item_guid(self, change) -> str:
        return f"{change.kind}-{change.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, change):
        return change.created_at

    def item_updateddate(self, change):
        return change.created_at  # Atom requires <updated> on every entry

    def item_author_name(self, change) -> str:
        return change.who.public_name if change.who else _("the seed import")


class TermHistoryFeed(Feed):
    feed_type = XmlSafeAtom1Feed

    def get_object(self, request, slug: str):
        return get_object_or_404(Term.objects.only("pk", "title", "slug"), slug=slug)

    def title(self, term) -> str:
        return _("History of %(title)s") % {"title": term.title}

    def link(self, term) -> str:
        return reverse("wiki:term_history", kwargs={"slug": term.slug})

    def items(self, term):
        latest = list(
            Revision.objects.filter(term=term)
            .order_by("-number")
            .values_list("pk", flat=True)[:FEED_ITEMS]
        )
        changes = selectors.recent_page(
            [{"pk": pk, "kind": "edit", "created_at": None} for pk in latest]
        )
        for change in changes:
            if change.revision.number == 1:
                change.kind = "new"
        return changes

    def item_title(self, change) -> str:
        revision = change.revision
        return _("Revision %(number)s: %(summary)s") % {
            "number": revision.number,
            "summary": revision.summary or _("no summary"),
        }

    def item_description(self, change) -> str:
        return format_html(
            "<p>{}</p><p>{}</p>", change.summary or _("No summary."), _size(change.size_change)
        )

    def item_link(self, change) -> str:
        return change.url

    def item_pubdate(self, change):
        return change.created_at

    def item_updateddate(self, change):
        return change.created_at  # Atom requires <updated> on every entry

    def item_author_name(self, change) -> str:
        return change.who.public_name if change.who else _("the seed import")


class TermDiscussionFeed(Feed):
    feed_type = XmlSafeAtom1Feed

    def get_object(self, request, slug: str):
        return get_object_or_404(Term.objects.only("pk", "title", "slug"), slug=slug)

    def title(self, term) -> str:
        return _("Discussion of %(title)s") % {"title": term.title}

    def link(self, term) -> str:
        return term.get_absolute_url() + "#discussion"

    def items(self, term):
        comments = list(
            Comment.objects.visible()
            .filter(term=term)
            .select_related("author")
            .order_by("-created_at", "-pk")[:FEED_ITEMS]
        )
        for comment in comments:
            comment.term = term
        return comments

    def item_title(self, comment) -> str:
        return _("%(name)s on %(title)s") % {
            "name": comment.author.public_name,
            "title": comment.term.title,
        }

    def item_description(self, comment) -> str:
        return comment.body_html  # sanitised by the renderer when it was saved

    def item_link(self, comment) -> str:
        return comment.get_absolute_url()

    def item_pubdate(self, comment):
        return comment.created_at

    def item_updateddate(self, comment):
        return comment.edited_at or comment.created_at

    def item_author_name(self, comment) -> str:
        return comment.author.public_name


# -- Conditional GET ------------------------------------------------------------------------


def _recent_state(request):
    revisions = Revision.objects.aggregate(latest=Max("created_at"), last=Max("pk"))
    comments = Comment.objects.aggregate(latest=Max("updated_at"), n=Count("pk"))
    return [
        revisions["last"],
        comments["n"],
        revisions["latest"],
        comments["latest"],
        request.GET.get("kind", ""),
    ]


def _history_state(request, slug):
    return list(Term.objects.filter(slug=slug).values_list("revision_number", "updated_at"))


def _discussion_state(request, slug):
    state = Comment.objects.filter(term__slug=slug).aggregate(
        latest=Max("updated_at"), n=Count("pk")
    )
    return [state["n"], state["latest"]]


def _conditional(state):
    """ETag and Last-Modified from the same small state query (cached on the request)."""

    def cached(request, *args, **kwargs):
        if not hasattr(request, "_feed_state"):
            request._feed_state = state(request, *args, **kwargs)
        return request._feed_state

    def etag(request, *args, **kwargs):
        return hashlib.sha256(repr(cached(request, *args, **kwargs)).encode()).hexdigest()[:32]

    def last_modified(request, *args, **kwargs):
        times = [v for v in _flatten(cached(request, *args, **kwargs)) if hasattr(v, "tzinfo")]
        return max(times, default=None)

    return condition(etag_func=etag, last_modified_func=last_modified)


def _flatten(values):
    for value in values:
        if isinstance(value, list | tuple):
            yield from value
        else:
            yield value


recent_feed = _conditional(_recent_state)(RecentChangesFeed())
term_history_feed = _conditional(_history_state)(TermHistoryFeed())
term_discussion_feed = _conditional(_discussion_state)(TermDiscussionFeed())
