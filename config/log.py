"""Logging pieces referred to by ``settings.LOGGING``."""

from __future__ import annotations

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """Drop the traceback of a logged 4xx response (Django attaches the exception).

    A 403 or 404 is an ordinary answer to a visitor, not a fault in the code: one warning line
    says all there is to say. 5xx records, and records with no status code, keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
