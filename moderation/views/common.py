"""What every moderation view shares."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .. import policy

PAGE_SIZE = 50


def moderator_required(view: Callable) -> Callable:
    """Anonymous visitors are sent to log in; members who are not moderators get a 403."""

    @functools.wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not policy.can_moderate(request.user):
            raise PermissionDenied(_("Only moderators may use this page."))
        return view(request, *args, **kwargs)

    return wrapped


def paginate(request, items, size: int = PAGE_SIZE) -> Page:
    return Paginator(items, size).get_page(request.GET.get("page"))


def next_url(request, default: str) -> str:
    """``next`` from the form when it points into this site, else ``default``."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
