"""Conditional GET for the API: every successful GET carries an ETag and answers 304 to a
matching ``If-None-Match``; a term's ETag also names its revision, so that it can be sent
back in ``If-Match`` as the revision an update is based on."""

from __future__ import annotations

import hashlib
import re

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags

_REVISION_ETAG = re.compile(r'^\s*(?:W/)?"?r?(\d{1,10})(?:-[^"]*)?"?\s*$')


def mark_revision(response: HttpResponse, number: int) -> None:
    """Make the ETag of ``response`` start with the revision it shows ("r12-...")."""
    response.etag_revision = number  # type: ignore[attr-defined]


def etag_for(response: HttpResponse) -> str:
    digest = hashlib.sha256(response.content).hexdigest()[:20]
    number = getattr(response, "etag_revision", None)
    return f'"r{number}-{digest}"' if number is not None else f'"{digest}"'


def conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Add the ETag to a successful GET (and to a write's answer that shows a term), and
    answer 304 if the client already has it."""
    shows_term = getattr(response, "etag_revision", None) is not None
    if response.status_code in (200, 201) and shows_term and not response.has_header("ETag"):
        response["ETag"] = etag_for(response)
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if not response.has_header("ETag"):
        response["ETag"] = etag_for(response)
    if _matches(request.headers.get("If-None-Match", ""), response["ETag"]):
        not_modified = HttpResponseNotModified()
        for header in ("ETag", "Cache-Control", "Vary"):
            if response.has_header(header):
                not_modified[header] = response[header]
        return not_modified
    return response


def _matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison, as RFC 9110 asks for If-None-Match."""
    if not if_none_match:
        return False
    wanted = etag.removeprefix("W/")
    return any(tag == "*" or tag.removeprefix("W/") == wanted for tag in parse_etags(if_none_match))


def revision_from_if_match(value: str) -> int | None:
    """The revision number an ``If-Match`` names ("r12-..." as this API sends it, or 12)."""
    match = _REVISION_ETAG.match(value or "")
    return int(match.group(1)) if match else None
