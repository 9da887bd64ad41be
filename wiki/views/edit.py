"""Editing views (issue 3). Placeholder routes until the editing work lands."""

from django.http import Http404


def _pending(request, *args, **kwargs):
    raise Http404("Editing is not available yet.")


term_create = term_edit = term_diff = term_revert = markdown_preview = _pending
