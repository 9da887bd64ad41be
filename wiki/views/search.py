"""Search views (issue 6). Placeholder routes until the search work lands."""

from django.http import Http404


def _pending(request, *args, **kwargs):
    raise Http404("Search is not available yet.")


search = suggest = _pending
