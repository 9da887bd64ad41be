"""Signals other apps listen to, so that wiki never imports them (dependencies run one way).

``revision_saved`` is sent after the transaction that wrote a revision commits (never inside
it), with ``term_id``, ``revision_id``, ``author_id`` (None for the seed import) and
``created``. A receiver must be quick: it enqueues a task (``config.tasks``) for anything slow,
such as notifying followers.

``revisions_saved`` is the same for many revisions at once: the bulk import
(``wiki.services.imports``) sends it once per chunk it commits, with ``revisions``, a list of
dicts with those four keys. A listener of one listens to the other.
"""

from django.dispatch import Signal

revision_saved = Signal()
revisions_saved = Signal()
