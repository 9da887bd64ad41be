"""Every moderation action: one keyword-only ``<noun>_<verb>`` function each, one
transaction each, and each writes its ``LogEntry`` in that same transaction.

Changes to terms (rollback, bulk revert, accepting a pending change) go through
``wiki.services`` (the one write path); this package never writes a revision itself.
``comments`` (hide, unhide) and ``reports`` (resolve, dismiss) set the moderation fields of the
discussion app's models.
"""

from .blocks import block_lift, ip_block, member_block
from .comments import comment_hide, comment_unhide
from .log import log_action
from .pending import pending_change_accept, pending_change_reject, pending_change_submit
from .protection import term_protect, term_unprotect
from .reports import report_dismiss, report_resolve
from .reverts import bulk_revert_request, bulk_revert_run, term_rollback

__all__ = [
    "block_lift",
    "bulk_revert_request",
    "bulk_revert_run",
    "comment_hide",
    "comment_unhide",
    "ip_block",
    "log_action",
    "member_block",
    "pending_change_accept",
    "pending_change_reject",
    "pending_change_submit",
    "report_dismiss",
    "report_resolve",
    "term_protect",
    "term_rollback",
    "term_unprotect",
]
