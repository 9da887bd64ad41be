"""The moderation log, filterable by action, moderator and target."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.http import urlencode

from .. import selectors
from ..forms import LogFilterForm
from .common import moderator_required, paginate


@moderator_required
def log_list(request):
    form = LogFilterForm(request.GET)
    filters = form.filters()
    page = paginate(request, selectors.log_entries(**filters))
    active = {key: value for key, value in filters.items() if value}
    context = {
        "form": form,
        "page": page,
        "querystring": urlencode(active),
        "filtered": bool(active),
    }
    return render(request, "moderation/log_list.html", context)
