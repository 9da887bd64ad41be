"""The API object: ninja with JSON errors everywhere and conditional GET on every read."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.parser import Parser

from . import errors
from .conditional import conditional

DESCRIPTION = """
The glossary as data. Reading needs no account. Writing (creating and updating terms,
commenting) needs a personal API token, made on your profile page and sent as
`Authorization: Bearer <token>`.

Every error is JSON with a stable `code` and a `message`. Every successful GET carries an
`ETag` and answers `304` to a matching `If-None-Match`. A term's ETag names its revision
(`"r12-..."`): send it back in `If-Match` when you update the term, or send
`base_revision` in the body. If someone saved the term in between, your change is merged
with theirs as the site's editor does; overlapping changes answer `409` with both versions.
Lists are cursor-paginated: pass `next_cursor` as `?cursor=` until it is null.
"""


class JsonObjectParser(Parser):
    """A request body is a JSON object: a string, a number or a list is refused (ninja would
    try to make a schema of it), and so is a body that is not JSON at all."""

    def parse_body(self, request: HttpRequest) -> dict:
        try:
            data = json.loads(request.body)
        except ValueError as error:  # not JSON, or not UTF-8
            raise errors.ApiError(400, _("The body is not valid JSON.")) from error
        if not isinstance(data, dict):
            detail = [{"field": "body", "message": "must be a JSON object"}]
            message = _("The body must be a JSON object.")
            raise errors.ApiError(422, message, extra={"errors": detail})
        return data


class CommonplaceAPI(NinjaAPI):
    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        return conditional(request, response)


api = CommonplaceAPI(
    title="Commonplace API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=Swagger(settings={"persistAuthorization": False, "tryItOutEnabled": False}),
    docs_url="/docs/",
    openapi_url="/openapi.json",
    parser=JsonObjectParser(),
)
errors.install(api)

from .routes import reading, router, writing  # noqa: E402, F401 - operations register

api.add_router("", router)
