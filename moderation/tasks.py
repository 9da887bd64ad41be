"""Background work for moderation (see ``config.tasks``)."""

from __future__ import annotations

from config.tasks import background


@background
def run_bulk_revert(job_id: int) -> int:
    from .services import bulk_revert_run

    job = bulk_revert_run(job_id=job_id)
    return sum(1 for row in job.results if row.get("outcome") == "reverted")
