"""Guards on anonymous writes: IP-range blocks, and the sign-up and password-reset limits.

Middleware rather than code in accounts, which is a leaf app and knows nothing of moderation.
It acts in ``process_view``, where the URL is resolved, so it matches views by name.
"""

from __future__ import annotations

import hashlib

from django.shortcuts import render

from . import policy
from .ip import client_ip
from .ratelimit import check_request, too_many_requests

# Views whose POSTs count against a limit, by URL name.
LIMITED = {"accounts:signup": "signup", "accounts:password_reset": "password_reset"}
# Logging in stays open from a blocked range: members on a shared network are not blocked.
# Choosing the interface language is reading, which a blocked range may still do.
OPEN_TO_BLOCKED_RANGES = frozenset({"accounts:login", "set_language"})


class AbuseGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.resolver_match is None:
            return None
        name = request.resolver_match.view_name
        if not request.user.is_authenticated and name not in OPEN_TO_BLOCKED_RANGES:
            block = policy.ip_block_for(client_ip(request))
            if block is not None:
                context = {"exception": policy.ip_block_message(block)}
                return render(request, "403.html", context, status=403)
        action = LIMITED.get(name)
        if action is None:
            return None
        extra = []
        if action == "password_reset":
            # Per address too: many networks must not flood one inbox. Hashed, so the cache
            # never holds the addresses people typed.
            email = request.POST.get("email", "").strip().casefold()
            if email:
                extra.append("email:" + hashlib.sha256(email.encode()).hexdigest())
        refusal = check_request(request, action, extra_keys=extra)
        if refusal is not None:
            return too_many_requests(request, refusal)
        return None
