"""The seam between a write and the slow work after it (Django's tasks API, django-tasks backport).

Services never do slow work (re-rendering linking terms, notifications, email, bulk reverts)
inside their transaction. They call ``enqueue_on_commit(task, ...)``: the task is queued only
once the write is committed, so a rolled-back write leaves no stray work and a worker never
reads a row that is not there yet. Which backend runs it is a setting (``TASKS_BACKEND``):
immediate in tests, the database queue by default (``manage.py db_worker``, started by
``make run``), RQ on Redis at scale.

``background`` declares a task that retries: a failure is logged and the task is queued again,
later, up to ``MAX_ATTEMPTS`` times; arguments must be JSON values. Work queued while no worker
runs waits in the queue (database or Redis) and is done when a worker starts.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, ParamSpec, TypeVar

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

logger = logging.getLogger("commonplace.tasks")

P = ParamSpec("P")
T = TypeVar("T")

MAX_ATTEMPTS = 5
RETRY_BASE_SECONDS = 10  # then 20, 40, 80 s


def background(func: Callable[..., T]) -> Task[..., T | None]:
    """``@background`` over a module-level function: a task that is retried when it fails."""

    @functools.wraps(func)
    def run(*args: Any, attempt: int = 1, **kwargs: Any) -> T | None:
        try:
            return func(*args, **kwargs)
        except Exception:
            if attempt >= MAX_ATTEMPTS:
                logger.exception("Task %s failed %d times; giving up.", func.__name__, attempt)
                raise
            delay = timedelta(seconds=RETRY_BASE_SECONDS * 2 ** (attempt - 1))
            logger.exception(
                "Task %s failed (attempt %d of %d); retrying in %ss.",
                func.__name__,
                attempt,
                MAX_ATTEMPTS,
                int(delay.total_seconds()),
            )
            retry = task_obj
            if retry.get_backend().supports_defer:
                retry = retry.using(run_after=timezone.now() + delay)
            retry.enqueue(*args, attempt=attempt + 1, **kwargs)
            raise

    task_obj: Task[..., T | None] = task()(run)
    return task_obj


def enqueue_on_commit(task_obj: Task[P, Any], /, *args: P.args, **kwargs: P.kwargs) -> None:
    """Queue ``task_obj`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(functools.partial(task_obj.enqueue, *args, **kwargs), robust=True)
