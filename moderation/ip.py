"""The client's IP address, the one way every part of the site reads it (rate limits, IP
blocks, and django-axes through ``AXES_CLIENT_IP_CALLABLE``).

Behind ``MODERATION_PROXY_COUNT`` trusted reverse proxies the client is that many entries from
the right of ``X-Forwarded-For``; without proxies the header is ignored, since any client can
send it.
"""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest

from .conf import setting

UNKNOWN = "0.0.0.0"  # noqa: S104 (a placeholder, never bound)


def client_ip(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    proxies = int(setting("MODERATION_PROXY_COUNT") or 0)
    if proxies > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return UNKNOWN


def rate_key(address: str) -> str:
    """What one client is for counting: an IPv4 address, or an IPv6 /64 (one home or host
    gets a whole /64, so counting single v6 addresses would count nothing)."""
    ip = ipaddress.ip_address(address)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
