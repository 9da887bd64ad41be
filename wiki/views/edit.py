"""Writing the wiki: create, edit (merging concurrent edits), relinking after a rename, and the
editor's preview. Every write is one call into ``wiki.services``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from markup import slugify_title
from moderation.policy import (
    can_edit_term,
    can_edit_terms,
    edit_decision,
    preview_response,
    rate_limited,
)

from .. import selectors, services
from ..diff import diff_snapshots
from ..exceptions import EditConflict, MergeConflict, TermWriteError
from ..forms import TermForm
from ..models import SlugRedirect, Term
from ..services.rendering import preview_html
from .common import require

# The conflict page shows this much of each conflicting region and of the other change; the
# member's own text is in the form in full, so the page stays small for a huge body.
CONFLICT_REGION_LINES = 40
CONFLICT_DIFF_LINES = 200


def _edit_action(request) -> str:
    """Which rate limit a POST of the editor counts against: its Preview button or a save."""
    return "preview" if "preview" in request.POST else "edit"


@login_required
@cache_control(private=True)
@rate_limited(_edit_action)
def term_create(request):
    title = request.GET.get("title", "")[:200]
    existing = _term_for_slug(slugify_title(title)) if request.method == "GET" else None
    if existing:
        messages.info(
            request,
            _("“%(title)s” is already written; you can improve it here.")
            % {"title": existing.title},
        )
        return redirect("wiki:term_edit", slug=existing.slug)
    decision = edit_decision(request.user, None)
    require(decision.allowed, decision.reason)
    form = TermForm(request.POST if request.method == "POST" else None, initial={"title": title})
    if form.is_valid() and "preview" not in request.POST:
        try:
            result = services.term_create(
                data=form.to_data(), author=request.user, summary=form.cleaned_data["summary"]
            )
        except TermWriteError as error:
            form.add_error(error.field, error.message)
        else:
            written = _("“%(title)s” is written. Thank you!") % {"title": result.term.title}
            messages.success(request, written)
            return redirect(result.term)
    return editor_page(request, form, None)


@login_required
@cache_control(private=True)
@rate_limited(_edit_action)
def term_edit(request, slug: str):
    term = _term_for_slug(slug)
    if term is None:
        raise Http404("No such term.")
    if term.slug != slug and request.method == "GET":
        return redirect("wiki:term_edit", slug=term.slug)  # renamed; a POST is still saved
    decision = edit_decision(request.user, term)  # protection and blocks, with the reason
    require(decision.allowed, decision.reason)
    posted = request.method == "POST"
    form = TermForm(
        request.POST if posted else None,
        initial=None if posted else TermForm.initial_for(term),
        editing=True,
    )
    if form.is_valid() and "preview" not in request.POST and decision.pending:
        return _submit_for_review(request, form, term)
    if form.is_valid() and "preview" not in request.POST:
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
            return conflict_page(request, conflict)
        except EditConflict:
            form.add_error(None, _("Someone saved this term at the same moment; save again."))
        except TermWriteError as error:
            form.add_error(error.field, error.message)
        else:
            return after_save(request, result)
    return editor_page(request, form, term)


@login_required
def term_update_links(request, slug: str):
    """After a rename: confirm (GET), then re-aim links on the terms using the old slug (POST)."""
    term = get_object_or_404(Term, slug=slug)
    require(can_edit_term(request.user, term))
    old_slug = (request.POST.get("from") or request.GET.get("from") or "")[:200]
    get_object_or_404(SlugRedirect, old_slug=old_slug, term=term)
    if request.method == "POST":
        results, skipped = services.term_update_links_after_rename(
            term=term, old_slug=old_slug, author=request.user
        )
        count = len(results)
        updated = ngettext(
            "Updated links on %(count)d term.", "Updated links on %(count)d terms.", count
        )
        messages.success(request, updated % {"count": count})
        if skipped:
            names = ", ".join(other.title for other in skipped)
            messages.warning(
                request,
                _(
                    "Not updated, because they were being edited at the same moment: %(names)s. "
                    "Their links still reach this term through the old address."
                )
                % {"names": names},
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
        refusal = _("Log in again to see a preview.")
        return HttpResponseForbidden(format_html('<p class="render-error">{}</p>', refusal))
    # Limited per member, and a repeated identical preview is answered from the cache.
    return preview_response(request, request.POST.get("content", ""), preview_html)


def editor_page(request, form: TermForm, term: Term | None, *, status: int = 200, **extra):
    """The editor page; with the "Preview" button (no JavaScript needed), the rendered body.

    Other apps that open the editor (promoting a comment) pass ``form_action`` and their own
    notice in ``extra``."""
    preview = ""
    if "preview" in request.POST and "body" in form.cleaned_data:
        cleaned = form.cleaned_data
        preview = preview_html(
            cleaned["body"],
            slug=slugify_title(cleaned.get("title", "")),
            autolink=not cleaned.get("no_autolink"),
        )
    context = {"form": form, "term": term, "preview_html": preview, **extra}
    return render(request, "wiki/term_form.html", context, status=status)


def _submit_for_review(request, form: TermForm, term: Term):
    """A protected term under review: the edit is kept for a moderator, not published.

    The moderation app stores it (``WIKI_SUBMIT_FOR_REVIEW``), so wiki imports only the policy.
    """
    submit = import_string(settings.WIKI_SUBMIT_FOR_REVIEW)
    try:
        submit(
            term=term,
            data=form.to_data(),
            author=request.user,
            summary=form.cleaned_data["summary"],
            base_number=form.cleaned_data["base_number"],
        )
    except TermWriteError as error:
        form.add_error(error.field, error.message)
        return editor_page(request, form, term)
    messages.info(
        request,
        _("Thank you! Your change waits for review: readers see it once a moderator accepts it."),
    )
    return redirect(term)


def _term_for_slug(slug: str) -> Term | None:
    """The term at ``slug``, or the one that was renamed away from it."""
    if not slug:
        return None
    term = Term.objects.select_related("current_revision").filter(slug=slug).first()
    return term or selectors.term_redirect_target(slug)


def conflict_page(request, conflict: MergeConflict, **extra):
    """The editor again, with the other change shown and the overlapping places marked.

    The form keeps everything the member typed and now carries ``seen_number``: saving it
    again is their resolution (see ``services.term_update``). Only the conflicting regions
    are shown, with a little context, so the page stays small whatever the body's size.
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
        "their_change": diff_snapshots(
            conflict.base, conflict.theirs, max_lines=CONFLICT_DIFF_LINES
        ),
        "region_lines": CONFLICT_REGION_LINES,
        "region_lines_slice": f":{CONFLICT_REGION_LINES}",
        "region_lines_negative": -CONFLICT_REGION_LINES,
        **extra,
    }
    return render(request, "wiki/term_conflict.html", context, status=409)


def after_save(
    request,
    result: services.SaveResult,
    *,
    saved: str = "",
    unchanged: str = "",
):
    term = result.term
    saved = saved or _("Saved.")
    if not result.changed:
        messages.info(request, unchanged or _("No changes: nothing was saved."))
    elif result.merged:
        messages.success(
            request,
            _(
                "%(saved)s Someone else saved “%(title)s” while you were editing; your changes "
                "were merged with theirs as revision %(number)s."
            )
            % {"saved": saved, "title": term.title, "number": term.revision_number},
        )
    else:
        now = _("%(saved)s This is now revision %(number)s.")
        messages.success(request, now % {"saved": saved, "number": term.revision_number})
    old_slug = result.renamed_from
    if old_slug and selectors.term_backlinks(old_slug).exists():
        query = urlencode({"from": old_slug})
        return redirect(reverse("wiki:term_update_links", args=[term.slug]) + "?" + query)
    return redirect(term)
