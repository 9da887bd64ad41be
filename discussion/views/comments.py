"""Posting, replying, editing and deleting comments.

Without JavaScript every action is a page with a form, then a POST and a redirect to the
comment's anchor. With htmx the same views answer fragments that are swapped into the term
page, so nothing reloads. Every write is one call into ``discussion.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from moderation import policy
from moderation.ratelimit import rate_limited
from wiki.models import Term

from .. import services
from ..access import may_for
from ..exceptions import DiscussionError
from ..forms import CommentForm
from ..models import Comment
from .common import (
    FORM_ERROR_STATUS,
    box_response,
    comment_context,
    comment_or_404,
    member_required,
    page_or_fragment,
    permalink,
    require,
)


@require_POST
@member_required
@rate_limited("comment")
def comment_create(request, slug: str):
    """A new comment, or a reply when the form carries ``parent``."""
    term = get_object_or_404(Term.objects.only("pk", "slug", "title"), slug=slug)
    require(policy.can_comment(request.user, term), _("You may not comment here."))
    form = CommentForm(request.POST)
    parent = None
    if form.is_valid():
        try:
            parent = _parent(form.cleaned_data["parent"])
            comment = services.comment_create(
                term=term, author=request.user, body=form.cleaned_data["body"], parent=parent
            )
        except DiscussionError as error:
            form.add_error("body" if error.field == "body" else None, error.message)
        else:
            if request.htmx:
                return _created(request, comment)
            messages.success(request, _("Your comment is posted."))
            return redirect(permalink(comment))
    context = {"form": form, "term": term, "parent": parent, "may": may_for(request.user, term)}
    return page_or_fragment(
        request,
        page="discussion/comment_reply.html",
        fragment="discussion/includes/_comment_form.html",
        context=context,
        status=FORM_ERROR_STATUS,
    )


@member_required
def comment_reply(request, pk: int):
    """The reply form: a page of its own, or (htmx) a fragment under the comment."""
    parent = comment_or_404(pk)
    require(policy.can_comment(request.user, parent.term), _("You may not comment here."))
    if not parent.is_shown:
        messages.info(request, _("That comment was removed, so it cannot be replied to."))
        return redirect(permalink(parent))
    form = CommentForm(initial={"parent": parent.pk}, auto_id=f"reply-{parent.pk}-%s")
    context = {**comment_context(request, parent), "form": form, "parent": parent}
    return page_or_fragment(
        request,
        page="discussion/comment_reply.html",
        fragment="discussion/includes/_comment_form.html",
        context=context,
    )


@member_required
@rate_limited("comment")
def comment_edit(request, pk: int):
    comment = comment_or_404(pk)
    require(policy.can_edit_comment(request.user, comment), _("Only its author edits a comment."))
    posted = request.method == "POST"
    form = CommentForm(
        request.POST if posted else None,
        initial={"body": comment.body},
        auto_id=f"edit-{comment.pk}-%s",
    )
    if form.is_valid():
        try:
            comment = services.comment_edit(comment=comment, body=form.cleaned_data["body"])
        except DiscussionError as error:
            form.add_error("body" if error.field == "body" else None, error.message)
        else:
            if request.htmx:
                return box_response(request, comment_or_404(pk))
            messages.success(request, _("Your comment is saved."))
            return redirect(permalink(comment))
    return page_or_fragment(
        request,
        page="discussion/comment_edit.html",
        fragment="discussion/includes/_comment_edit_form.html",
        context={**comment_context(request, comment), "form": form},
        status=FORM_ERROR_STATUS if posted else 200,
    )


@member_required
def comment_delete(request, pk: int):
    """Confirm on GET, delete on POST: the text goes, the replies stay."""
    comment = comment_or_404(pk)
    require(policy.can_delete_comment(request.user, comment), _("Only its author deletes it."))
    if request.method == "POST":
        services.comment_delete(comment=comment)
        if request.htmx:
            return box_response(request, comment_or_404(pk))
        messages.success(request, _("Your comment is deleted; replies to it stay in place."))
        return redirect(permalink(comment))
    return page_or_fragment(
        request,
        page="discussion/comment_delete.html",
        fragment="discussion/includes/_comment_delete_form.html",
        context=comment_context(request, comment),
    )


def comment_detail(request, pk: int):
    """The permalink: the right page of the term's discussion; htmx gets the comment's box."""
    comment = comment_or_404(pk)
    if request.htmx:
        return box_response(request, comment)
    return redirect(permalink(comment))


def comment_versions(request, pk: int):
    """Earlier texts of an edited comment (not of a deleted or hidden one)."""
    comment = comment_or_404(pk)
    visible = comment.is_shown or (comment.is_hidden and policy.can_see_hidden(request.user))
    versions = comment.versions.all() if visible and not comment.is_deleted else []
    context = {"comment": comment, "term": comment.term, "versions": versions}
    return render(request, "discussion/comment_versions.html", context)


def _parent(pk: int | None) -> Comment | None:
    if pk is None:
        return None
    parent = Comment.objects.filter(pk=pk).first()
    if parent is None:
        raise DiscussionError(_("The comment you replied to no longer exists."), field="parent")
    return parent


def _created(request, comment: Comment):
    """htmx: the new comment, added at the end of its list; the form is emptied, the count
    updated (out-of-band swaps in the same response)."""
    comment = comment_or_404(comment.pk)
    context = {
        **comment_context(request, comment),
        "form": CommentForm(),
        "count": Comment.objects.visible().filter(term_id=comment.term_id).count(),
    }
    response = render(request, "discussion/includes/_comment_created.html", context)
    target = f"#replies-{comment.display_parent_id}" if comment.parent_id else "#comment-list"
    return reswap(retarget(response, target), "beforeend")
