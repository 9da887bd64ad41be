"""Writing, for members with a token: create and update terms (with the editor's three-way
merge), and comment. Each asks the moderation policy (blocks, protection) with its reason
and counts against the member's rate limits, as the site's forms do."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from ninja import Status

from discussion.exceptions import DiscussionError
from discussion.models import Comment
from discussion.services import comment_create
from moderation.policy import can_comment, edit_decision, write_decision
from moderation.ratelimit import check_request
from wiki import services
from wiki.content import FIELDS, TermData
from wiki.exceptions import EditConflict, MergeConflict, TermWriteError
from wiki.models import Term
from wiki.selectors import term_for_page, term_redirect_target
from wiki.services.revisions import revision_or_error

from .. import schemas as s
from .. import selectors, serialize
from ..auth import TokenAuth
from ..conditional import mark_revision, revision_from_if_match
from ..errors import ApiError
from . import router
from .common import errors

WRITING: dict[str, Any] = {"tags": ["Writing"], "auth": TokenAuth()}

WRITE_ERRORS = (401, 403, 429)


@router.post(
    "/terms/",
    **WRITING,
    response={201: s.SavedOut, **errors(*WRITE_ERRORS)},
    url_name="term_create",
)
def term_create(request, payload: s.TermIn, response: HttpResponse):
    """Write a new term."""
    _allow(edit_decision(request.user, None))
    _limit(request, "edit")
    data = _data(payload.model_dump(exclude={"summary"}))
    result = services.term_create(data=data, author=request.user, summary=payload.summary)
    response["Location"] = reverse("api-v1:term_detail", kwargs={"slug": result.term.slug})
    return Status(201, _saved(result, response))


@router.patch(
    "/terms/{slug}/",
    **WRITING,
    response={
        200: s.SavedOut,
        202: s.PendingOut,
        **errors(*WRITE_ERRORS, 404, 409, 412, 428),
    },
    url_name="term_update",
)
def term_update(request, slug: s.Slug, payload: s.TermPatchIn, response: HttpResponse):
    """Change a term. Say which revision the change starts from, in If-Match (the ETag of
    the term) or as ``base_revision``: without it the answer is 428. Fields left out keep
    their value in that revision. If the term moved on since, the change is merged with the
    newer one; overlapping changes answer 409 with both versions and save nothing. A term
    under review keeps the change for a moderator (202)."""
    term = _term(slug)
    base_number = _base_number(request, payload.base_revision)
    decision = edit_decision(request.user, term)
    _allow(decision)
    _limit(request, "edit")
    changes = payload.model_dump(exclude={"base_revision", "summary"}, exclude_none=True)
    data = _data({**_fields(_base_content(term, base_number)), **changes})
    edit = {"term": term, "data": data, "author": request.user, "summary": payload.summary}
    if decision.pending:
        pending = import_string(settings.WIKI_SUBMIT_FOR_REVIEW)(**edit, base_number=base_number)
        body = {"code": "pending_review", "message": decision.reason, "pending_id": pending.pk}
        return Status(202, body)
    try:
        result = services.term_update(**edit, base_number=base_number)
    except MergeConflict as conflict:
        raise _conflict(conflict) from conflict
    except EditConflict as conflict:
        message = _("Someone saved this term at the same moment; send the change again.")
        extra = _versions(conflict, data)
        raise ApiError(409, message, code="edit_conflict", extra=extra) from None
    return _saved(result, response)


@router.post(
    "/terms/{slug}/comments/",
    **WRITING,
    response={201: s.CommentOut, **errors(*WRITE_ERRORS, 404)},
    url_name="comment_create",
)
def comment_add(request, slug: s.Slug, payload: s.CommentIn):
    """Comment on a term, or reply to one of its comments (``parent``)."""
    term = _term(slug)
    if not can_comment(request.user, term):
        raise ApiError(403, write_decision(request.user, verb="comment").reason)
    _limit(request, "comment")
    parent = None
    if payload.parent is not None:
        parent = Comment.objects.filter(pk=payload.parent, term=term).first()
        if parent is None:
            raise ApiError(
                422,
                _("The comment to reply to is not on this term."),
                extra={"errors": [{"field": "parent", "message": _("not on this term")}]},
            )
    try:
        comment = comment_create(term=term, author=request.user, body=payload.body, parent=parent)
    except DiscussionError as error:
        field = error.field or "body"
        extra = {"errors": [{"field": field, "message": error.message}]}
        raise ApiError(422, error.message, extra=extra) from error
    return Status(201, serialize.comment(comment))


def _allow(decision) -> None:
    if not decision:
        raise ApiError(403, decision.reason or _("You may not do this."))


def _limit(request, action: str) -> None:
    refusal = check_request(request, action)
    if refusal is not None:
        raise ApiError(429, refusal.message, headers={"Retry-After": str(refusal.retry_after)})


def _term(slug: str) -> Term:
    """The term at ``slug`` or, for an old slug, the term it was renamed to (as the editor
    saves a change to a renamed term)."""
    term = term_for_page(slug) or term_redirect_target(slug)
    if term is None:
        raise ApiError(404, _("No term has the address %(slug)s.") % {"slug": repr(slug)})
    return term


def _base_number(request, in_body: int | None) -> int:
    header = request.headers.get("If-Match", "")
    in_header = revision_from_if_match(header) if header else None
    if header and in_header is None:
        raise ApiError(
            412,
            _('If-Match must be this term\'s ETag ("r<revision>-...") as a GET sent it.'),
            code="unknown_base_revision",
        )
    if in_header is not None and in_body is not None and in_header != in_body:
        raise ApiError(400, _("If-Match and base_revision name different revisions."))
    number = in_body if in_body is not None else in_header
    if number is None:
        raise ApiError(
            428,
            _(
                "Say which revision this change starts from: send the term's ETag in If-Match, "
                "or base_revision in the body."
            ),
        )
    return number


def _base_content(term: Term, number: int) -> TermData:
    """The content of the revision the change starts from; one the term lacks is a 412."""
    try:
        return TermData.of(revision_or_error(term, number))
    except TermWriteError as error:
        raise ApiError(412, str(error), code="unknown_base_revision") from error


def _data(values: dict) -> TermData:
    fields: dict[str, Any] = {
        f.name: tuple(values[f.name]) if f.kind == "set" else values[f.name] for f in FIELDS
    }
    return TermData(**fields)


def _fields(data: TermData) -> dict:
    return {f.name: getattr(data, f.name) for f in FIELDS}


def _saved(result, response: HttpResponse) -> dict:
    term = term_for_page(result.term.slug)
    assert term is not None
    mark_revision(response, term.revision_number)
    return {
        **serialize.term(term, selectors.term_detail(term)),
        "changed": result.changed,
        "merged": result.merged,
    }


def _versions(conflict: EditConflict, mine: TermData) -> dict:
    current = conflict.term.revisions.order_by("-number").first()
    return {
        "base_revision": conflict.base_number or 0,
        "current_revision": current.number if current else 0,
        "conflicting_fields": [],
        "theirs": serialize.content(TermData.of(current) if current else mine),
        "mine": serialize.content(mine),
    }


def _conflict(conflict: MergeConflict) -> ApiError:
    merge = conflict.merge
    fields = [f.name for f in FIELDS if f.name in {c.name for c in merge.field_conflicts}]
    if not merge.body.clean:
        fields.append("body")
    return ApiError(
        409,
        _(
            "Someone saved revision %(theirs)s since revision %(base)s, and both changed the "
            "same places (%(fields)s). Nothing was saved: merge the two versions and send the "
            "result with base_revision %(theirs)s."
        )
        % {
            "theirs": conflict.theirs.number,
            "base": conflict.base.number,
            "fields": ", ".join(fields),
        },
        code="edit_conflict",
        extra={
            "base_revision": conflict.base.number,
            "current_revision": conflict.theirs.number,
            "conflicting_fields": fields,
            "theirs": serialize.content(TermData.of(conflict.theirs)),
            "mine": serialize.content(conflict.mine),
        },
    )
