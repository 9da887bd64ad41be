"""A term's past: its history, one old revision, the difference between two, and reverting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from moderation.policy import can_edit_term, rate_limited

from .. import selectors, services
from ..diff import diff_snapshots
from ..exceptions import EditConflict, TermWriteError
from ..forms import MAX_REVISION_NUMBER, RevisionCompareForm
from ..models import Term
from .common import follows_renames, require, term_at
from .edit import after_save

HISTORY_PAGE_SIZE = 50


@follows_renames
def term_history(request, slug: str):
    term = term_at(slug)
    page = Paginator(selectors.term_history(term), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "wiki/term_history.html", {"term": term, "page": page})


@follows_renames
def revision_detail(request, slug: str, number: int):
    term = term_at(slug)
    revision = get_object_or_404(term.revisions.select_related("author"), number=number)
    context = {
        "term": term,
        "revision": revision,
        "related": selectors.related_for_slugs(revision.related),
    }
    return render(request, "wiki/revision_detail.html", context)


@follows_renames
def term_diff(request, slug: str):
    term = term_at(slug)
    form = RevisionCompareForm(request.GET)
    if not form.is_valid():
        message = _("Choose two revisions to compare, by number: ?from=1&to=2.")
        return _diff_error(request, term, message, status=400)
    numbers = (form.cleaned_data["from_number"], form.cleaned_data["to_number"])
    revisions = selectors.revisions_by_number(term, numbers)
    for number in numbers:
        if number not in revisions:
            message = _(
                "“%(title)s” has no revision %(number)s; its revisions are numbered 1 to %(last)s."
            ) % {"title": term.title, "number": number, "last": term.revision_number}
            return _diff_error(request, term, message, status=404)
    old, new = (revisions[n] for n in numbers)
    context = {
        "term": term,
        "old": old,
        "new": new,
        "diff_revisions": [old, new],
        "diff": diff_snapshots(old, new),
    }
    return render(request, "wiki/term_diff.html", context)


@login_required
@rate_limited("edit")
def term_revert(request, slug: str, number: int):
    if request.method != "POST":
        # Confirm on GET, act on POST: the revision's page carries the revert button.
        return redirect("wiki:revision_detail", slug=slug, number=number)
    term = get_object_or_404(Term, slug=slug)
    require(can_edit_term(request.user, term))
    if number > MAX_REVISION_NUMBER or not term.revisions.filter(number=number).exists():
        raise Http404("No such revision.")
    form = RevisionCompareForm({"from": request.POST.get("base_number"), "to": number})
    base_number = form.cleaned_data["from_number"] if form.is_valid() else None
    try:
        result = services.term_revert(
            term=term, number=number, author=request.user, base_number=base_number
        )
    except EditConflict as conflict:
        return _revert_refused(request, term, number, conflict)
    except TermWriteError as error:
        messages.error(request, str(error))
        return redirect("wiki:revision_detail", slug=term.slug, number=number)
    return after_save(
        request,
        result,
        saved=_("Reverted to revision %(number)s.") % {"number": number},
        unchanged=_("Revision %(number)s is the same as the current version; nothing to revert.")
        % {"number": number},
    )


def _revert_refused(request, term: Term, number: int, conflict: EditConflict):
    """Someone saved after the member opened the revision: show what changed since, with the
    revert button again (now based on the current revision)."""
    current = conflict.term.revision_number
    messages.warning(
        request,
        _(
            "“%(title)s” has changed since you opened revision %(number)s: it is now at "
            "revision %(current)s. Here is how they differ; revert again if you still want to."
        )
        % {"title": term.title, "number": number, "current": current},
    )
    revisions = selectors.revisions_by_number(term, (current, number))
    context = {
        "term": conflict.term,
        "old": revisions[current],
        "new": revisions[number],
        "diff_revisions": [revisions[current], revisions[number]],
        "diff": diff_snapshots(revisions[current], revisions[number]),
        "revert": {"number": number, "base_number": current},
    }
    return render(request, "wiki/term_diff.html", context, status=409)


def _diff_error(request, term: Term, message: str, *, status: int):
    return render(request, "wiki/term_diff.html", {"term": term, "error": message}, status=status)
