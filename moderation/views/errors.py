"""Refusal pages: 403 (with the member's block, when that is why) and 429 for logins."""

from __future__ import annotations

import math

from django.conf import settings
from django.shortcuts import render

from .. import policy
from ..ratelimit import LOCKOUT, Refusal, too_many_requests


def permission_denied(request, exception=None):
    """Django's 403 page, plus why and until when a blocked member is blocked."""
    block = policy.active_block(request.user) if hasattr(request, "user") else None
    context = {"exception": str(exception) if exception else "", "block": block}
    if block is not None:
        context["block_message"] = policy.block_message(block)
    return render(request, "403.html", context, status=403)


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout answer (``AXES_LOCKOUT_CALLABLE``): our 429 page."""
    cool_off = settings.AXES_COOLOFF_TIME
    seconds = int(cool_off.total_seconds()) if cool_off else 3600
    refusal = Refusal("login", LOCKOUT, settings.AXES_FAILURE_LIMIT, max(1, math.ceil(seconds)))
    return too_many_requests(request, refusal, keep=False)
