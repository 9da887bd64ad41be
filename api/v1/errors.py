"""Every error the API answers: JSON ``{"code", "message"}``, a stable code for programs and a
message for people, from one set of exception handlers.

Views raise ``ApiError`` (or let a domain error through: ``WikiError`` and its kin carry the
form field they are about); the handlers below turn each kind into its status. Invalid input
is a 4xx on SQLite and PostgreSQL alike; a database that refuses a value is a 400, a busy
one a 503 with ``Retry-After``. What is left is a bug: it is logged with its traceback and
answered with a JSON 500 (the battery in ``tests/api`` and ``tests/security`` fuzzes the
schema to keep that from happening).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import DataError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from wiki.exceptions import WikiError

logger = logging.getLogger("commonplace.api")

# HTTP status -> the code an error with no more specific one gets.
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "too_large",
    422: "invalid",
    428: "precondition_required",
    429: "rate_limited",
    503: "unavailable",
}


class ApiError(Exception):
    """An answer other than success: ``status``, a stable ``code``, a ``message`` for people,
    optional ``extra`` fields in the body and ``headers``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or STATUS_CODES.get(status, "error")
        self.message = message
        self.extra = extra or {}
        self.headers = headers or {}


def _field(loc: tuple | list) -> str:
    """A field's name as a client wrote it: ("body", "payload", "tags", 3) -> "tags.3"."""
    parts = [str(part) for part in loc]
    if parts[:1] == ["body"] and len(parts) > 2:
        parts = parts[2:]
    elif parts:
        parts = parts[1:]
    return ".".join(parts) or "body"


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "message": message, **extra}


def install(api: NinjaAPI) -> None:
    """Register the handlers on ``api`` (the most specific class wins, as in ninja)."""

    def answer(request: HttpRequest, error: ApiError) -> HttpResponse:
        body = error_body(error.code, error.message, **error.extra)
        response = api.create_response(request, body, status=error.status)
        for name, value in error.headers.items():
            response[name] = value
        return response

    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        return answer(request, exc)

    @api.exception_handler(ValidationError)
    def invalid(request, exc: ValidationError):
        errors = [
            {"field": _field(e.get("loc", ())), "message": str(e.get("msg", "invalid"))}
            for e in exc.errors
        ]
        where = ", ".join(e["field"] for e in errors[:5])
        if where:
            message = _("The request is not valid (%(where)s).") % {"where": where}
        else:
            message = _("The request is not valid.")
        return answer(request, ApiError(422, message, extra={"errors": errors}))

    @api.exception_handler(AuthenticationError)
    def unauthorized(request, exc: AuthenticationError):
        message = _(
            "Send a personal API token as 'Authorization: Bearer <token>'; members make "
            "them on their profile page."
        )
        return answer(request, ApiError(401, message, headers={"WWW-Authenticate": "Bearer"}))

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return answer(request, ApiError(exc.status_code, str(exc)))

    @api.exception_handler(Http404)
    def not_found(request, exc: Http404):
        return answer(request, ApiError(404, str(exc) or _("Not found.")))

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc: PermissionDenied):
        return answer(request, ApiError(403, str(exc) or _("You may not do this.")))

    @api.exception_handler(WikiError)
    def refused(request, exc: WikiError):
        field = exc.field or "body"
        errors = [{"field": field, "message": exc.message}]
        return answer(request, ApiError(422, exc.message, extra={"errors": errors}))

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request, exc: SuspiciousOperation):
        too_big = type(exc).__name__ in {"RequestDataTooBig", "TooManyFieldsSent"}
        status = 413 if too_big else 400
        return answer(request, ApiError(status, _("The request could not be read.")))

    @api.exception_handler(DataError)
    def data_error(request, exc: DataError):
        logger.warning("A value was refused by the database: %s", exc)
        return answer(request, ApiError(400, _("A value in the request cannot be stored.")))

    @api.exception_handler(OperationalError)
    def busy(request, exc: OperationalError):
        logger.warning("The database was busy: %s", exc)
        message = _("The wiki is busy; try again in a moment.")
        return answer(request, ApiError(503, message, headers={"Retry-After": "1"}))

    @api.exception_handler(Exception)
    def bug(request, exc: Exception):
        logger.exception("API error on %s %s", request.method, request.path)
        body = error_body("server_error", _("Something went wrong on our side; it is logged."))
        return api.create_response(request, body, status=500)
