"""Listeners for other apps' signals. Each only enqueues a task: the work happens in the worker."""

from __future__ import annotations

from typing import Any


def on_revision_saved(
    sender: Any, *, term_id: int, revision_id: int, author_id: int | None, created: bool, **_: Any
) -> None:
    """Sent by wiki after the revision's transaction committed: follow, notify, re-rank."""
    from .tasks import revision_saved_followup

    revision_saved_followup.enqueue(revision_id)


def on_revisions_saved(sender: Any, *, revisions: list[dict], **_: Any) -> None:
    """The bulk import's many revisions: the same follow-up, one task for the lot."""
    from .tasks import revisions_saved_followup

    revisions_saved_followup.enqueue([revision["revision_id"] for revision in revisions])
