"""One router for every operation: ninja makes one URL pattern per path, so the reading and
the writing operations on the same path (GET and POST ``/terms/``) must share a router."""

from ninja import Router

router = Router()
