"""Writing the wiki: create, edit (merging concurrent edits), diff, revert, relinking after a
rename, and the editor's live preview. Every write is one call into ``wiki.services``."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from markup import slugify_title
from moderation.policy import can_edit_term, can_edit_terms

from .. import selectors, services
from ..diff import diff_snapshots
from ..exceptions import EditConflict, MergeConflict, TermWriteError
from ..forms import TermForm
from ..models import SlugRedirect, Term
from ..services.rendering import preview_html
from .common import term_or_rename_redirect

_REVISION_NUMBER_RE = re.compile(r"[0-9]{1,9}")


@login_required
def term_create(request):
    title = request.GET.get("title", "")[:200]
    existing = _term_for_slug(slugify_title(title)) if request.method == "GET" else None
    if existing:
        messages.info(request, f"“{existing.title}” is already written; you can improve it here.")
        return redirect("wiki:term_edit", slug=existing.slug)
    _require(can_edit_terms(request.user))
    form = TermForm(request.POST if request.method == "POST" else None, initial={"title": title})
    if form.is_valid():
        try:
            result = services.term_create(
                data=form.to_data(), author=request.user, summary=form.cleaned_data["summary"]
            )
        except TermWriteError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, f"“{result.term.title}” is written. Thank you!")
            return redirect(result.term)
    return render(request, "wiki/term_form.html", {"form": form, "term": None})


@login_required
def term_edit(request, slug: str):
    term = _term_for_slug(slug)
    if term is None:
        raise Http404("No such term.")
    if term.slug != slug and request.method == "GET":
        return redirect("wiki:term_edit", slug=term.slug)  # renamed; a POST is still saved
    _require(can_edit_term(request.user, term))
    posted = request.method == "POST"
    form = TermForm(
        request.POST if posted else None,
        initial=None if posted else TermForm.initial_for(term),
        editing=True,
    )
    if form.is_valid():
        try:
            result = services.term_update(
                term=term,
                data=form.to_data(),
                author=request.user,
                summary=form.cleaned_data["summary"],
                base_number=form.cleaned_data["base_number"],
                seen_number=form.cleaned_data["seen_number"],
            )
        except MergeConflict as conflict:
            return _conflict_page(request, conflict)
        except TermWriteError as error:
            form.add_error(error.field, str(error))
        else:
            return _after_save(request, result)
    return render(request, "wiki/term_form.html", {"form": form, "term": term})


def term_diff(request, slug: str):
    term = term_or_rename_redirect(request, slug, "wiki:term_diff")
    if not isinstance(term, Term):
        return term
    numbers = [request.GET.get("from", ""), request.GET.get("to", "")]
    if not all(_REVISION_NUMBER_RE.fullmatch(n) for n in numbers):
        message = "Choose two revisions to compare, by number: ?from=1&to=2."
        return _diff_error(request, term, message, status=400)
    old_number, new_number = (int(n) for n in numbers)
    found = term.revisions.select_related("author").filter(number__in={old_number, new_number})
    revisions = {revision.number: revision for revision in found}
    for number in (old_number, new_number):
        if number not in revisions:
            message = (
                f"“{term.title}” has no revision {number}; "
                f"its revisions are numbered 1 to {term.revision_number}."
            )
            return _diff_error(request, term, message, status=404)
    old, new = revisions[old_number], revisions[new_number]
    context = {
        "term": term,
        "old": old,
        "new": new,
        "revisions": [old, new],
        "diff": diff_snapshots(old, new),
    }
    return render(request, "wiki/term_diff.html", context)


@login_required
def term_revert(request, slug: str, number: int):
    if request.method != "POST":
        # Confirm on GET, act on POST: the revision's page carries the revert button.
        return redirect("wiki:revision_detail", slug=slug, number=number)
    term = get_object_or_404(Term, slug=slug)
    _require(can_edit_term(request.user, term))
    if number > 2**31 - 1 or not term.revisions.filter(number=number).exists():
        raise Http404("No such revision.")
    base = request.POST.get("base_number", "")
    base_number = int(base) if _REVISION_NUMBER_RE.fullmatch(base) else None
    try:
        result = services.term_revert(
            term=term, number=number, author=request.user, base_number=base_number
        )
    except EditConflict as conflict:
        current = conflict.term.revision_number
        messages.warning(
            request,
            f"“{term.title}” has changed since you opened revision {number}: it is now at "
            f"revision {current}. Here is how they differ; revert again if you still want to.",
        )
        query = urlencode({"from": current, "to": number})
        return redirect(reverse("wiki:term_diff", args=[term.slug]) + "?" + query)
    except TermWriteError as error:
        messages.error(request, str(error))
        return redirect("wiki:revision_detail", slug=term.slug, number=number)
    return _after_save(
        request,
        result,
        saved=f"Reverted to revision {number}.",
        unchanged=f"Revision {number} is the same as the current version; nothing to revert.",
    )


@login_required
def term_update_links(request, slug: str):
    """After a rename: confirm (GET), then re-aim links on the terms using the old slug (POST)."""
    term = get_object_or_404(Term, slug=slug)
    _require(can_edit_term(request.user, term))
    old_slug = (request.POST.get("from") or request.GET.get("from") or "")[:200]
    get_object_or_404(SlugRedirect, old_slug=old_slug, term=term)
    if request.method == "POST":
        results, skipped = services.term_update_links_after_rename(
            term=term, old_slug=old_slug, author=request.user
        )
        messages.success(request, f"Updated links on {len(results)} term(s).")
        if skipped:
            names = ", ".join(other.title for other in skipped)
            messages.warning(
                request,
                f"Not updated, because they were being edited at the same moment: {names}. "
                "Their links still reach this term through the old address.",
            )
        return redirect(term)
    context = {"term": term, "old_slug": old_slug, "linking": selectors.term_backlinks(old_slug)}
    return render(request, "wiki/term_update_links.html", context)


@require_POST
def markdown_preview(request):
    """The editor's live preview: our renderer and sanitiser, for members, POST with CSRF.

    Anonymous requests get a short fragment rather than a redirect to the login page, which
    the editor's script would otherwise paste into the preview.
    """
    if not can_edit_terms(request.user):
        return HttpResponseForbidden('<p class="render-error">Log in again to see a preview.</p>')
    return HttpResponse(preview_html(request.POST.get("content", "")))


def _diff_error(request, term: Term, message: str, *, status: int):
    return render(request, "wiki/term_diff.html", {"term": term, "error": message}, status=status)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("You may not change this term.")


def _term_for_slug(slug: str) -> Term | None:
    """The term at ``slug``, or the one that was renamed away from it."""
    if not slug:
        return None
    term = Term.objects.select_related("current_revision").filter(slug=slug).first()
    return term or selectors.term_redirect_target(slug)


def _conflict_page(request, conflict: MergeConflict):
    """The editor again, with the other change shown and the overlapping places marked.

    The form keeps everything the member typed and now carries ``seen_number``: saving it
    again is their resolution (see ``services.term_update``).
    """
    data = request.POST.copy()
    data["seen_number"] = str(conflict.theirs.number)
    merge = conflict.merge
    context = {
        "form": TermForm(data, editing=True),
        "term": conflict.term,
        "conflict": conflict,
        "field_conflicts": merge.field_conflicts,
        "regions": merge.body.conflict_regions(),
        "their_change": diff_snapshots(conflict.base, conflict.theirs),
    }
    return render(request, "wiki/term_conflict.html", context, status=409)


def _after_save(
    request,
    result: services.SaveResult,
    *,
    saved: str = "Saved.",
    unchanged: str = "No changes: nothing was saved.",
):
    term = result.term
    if not result.changed:
        messages.info(request, unchanged)
    elif result.merged:
        messages.success(
            request,
            f"{saved} Someone else saved “{term.title}” while you were editing; your changes "
            f"were merged with theirs as revision {term.revision_number}.",
        )
    else:
        messages.success(request, f"{saved} This is now revision {term.revision_number}.")
    old_slug = result.renamed_from
    if old_slug and selectors.term_backlinks(old_slug).exists():
        query = urlencode({"from": old_slug})
        return redirect(reverse("wiki:term_update_links", args=[term.slug]) + "?" + query)
    return redirect(term)
