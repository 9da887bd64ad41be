"""The bulk import: many seed documents at once, under every rule of the one write path.

``term_import`` writes one document through ``term_save_revision``: its own transaction,
about thirty statements, and a re-render of every term that links to a new title. At 10,000
files that took minutes. ``term_import_batch`` takes the same steps for the whole batch:

1. *Plan*: each document is validated as the write path validates (``_validate``), and
   sorted by what the one-at-a-time path would do with it: create, update, keep (a member's
   edit or a member's rename, with the same note) or nothing (unchanged).
2. *Render* every document that will be written, in parallel processes, with the batch's own
   titles already known: a term that links to a term later in the batch is rendered once,
   already blue. A body the renderer refuses fails with the renderer's reason, and the
   documents linking to it are rendered again with that link red.
3. *Write* in chunks, one transaction each, in file order: categories and tags are found or
   made by the write path's own functions (so spellings follow the same first-written rule),
   terms, revisions, tags and links go in with a few multi-row statements, and the chunk's
   search entries in one more, in the same transaction: an import killed at any moment leaves
   only whole terms, each findable (``tests/security/test_import_faults.py``).
4. *After each commit*: the terms *outside* the batch whose links change colour are done by a
   background task (``wiki.tasks``), and ``revision_saved`` is sent for every revision, as the
   write path sends it.

Whatever does not fit the bulk path is handed to ``term_import`` one document at a time: a
term that changed between planning and writing (a member saved meanwhile), or a slug taken by
a member's new term in that moment. ``tests/wiki/services/test_imports.py`` checks that the
revisions, links, tags and search entries are exactly what ``term_import`` writes.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TypeVar

from django.db import IntegrityError, connection, transaction

import markup
from markup import Rendered, RenderError
from search.indexing import index_terms

from ..content import TermData
from ..exceptions import WikiError
from ..glossary import glossary_with
from ..models import Revision, SlugRedirect, Term
from ..signals import revisions_saved
from .categories import category_slug
from .import_rows import BATCH, Canon, Row, chunks, write_rows
from .rendering import resolver
from .revisions import _validate
from .terms import term_import

A = TypeVar("A")
R = TypeVar("R")

CHUNK_SIZE = 500  # documents per transaction: a member's save waits at most one chunk
PARALLEL_FROM = 200  # fewer documents render faster here than a pool of workers starts


@dataclass(frozen=True)
class SeedDoc:
    name: str  # the file name as it may be printed (the revision summary names it)
    data: TermData


@dataclass
class ImportResult:
    """What became of one document: ``created``, ``updated``, ``unchanged`` or ``failed``."""

    name: str
    slug: str
    outcome: str = "unchanged"
    notes: list[str] = field(default_factory=list)
    error: str = ""


@dataclass
class Item:
    """One document on its way through the batch."""

    doc: SeedDoc
    result: ImportResult
    summary: str = ""
    term: Term | None = None  # the existing term, for an update
    stored: tuple | None = None  # its current revision's fields, as stored (``_SNAPSHOT``)
    rendered: Rendered | None = None

    def fail(self, reason: str) -> None:
        self.result.outcome, self.result.error = "failed", reason

    def unchanged(self, data: TermData) -> bool:
        """Whether ``data`` (canonical) is what the current revision says, as the write path
        compares them (``TermData.of(current) == data``). The stored fields are normalised
        already, so equal values are the common answer, without normalising them again."""
        if self.stored is None:
            return False
        return self.stored == _fields(data) or TermData(*self.stored) == data


def term_import_batch(
    *, docs: Sequence[SeedDoc], chunk_size: int = CHUNK_SIZE, processes: int | None = None
) -> list[ImportResult]:
    """Import ``docs`` (distinct slugs; the caller names clashes) and say what became of each.

    Commits chunk by chunk, so an interrupted import keeps what it wrote and the next run
    finds it unchanged; inside a caller's transaction (``--dry-run``) it all rolls back.
    """
    items = [Item(doc, ImportResult(name=doc.name, slug=doc.data.slug)) for doc in docs]
    to_write = _plan(items)
    _render_all(to_write, processes=processes)
    batch = _Batch(canon=Canon.start())
    for chunk in chunks((item for item in to_write if not item.result.error), chunk_size):
        _write_chunk(chunk, batch)
    if len(batch.written) >= ANALYZE_FROM:
        _analyze()
    return [item.result for item in items]


ANALYZE_FROM = 1000  # terms written by one import


def _analyze() -> None:
    """Fresh planner statistics after a large import (PostgreSQL's autovacuum comes later:
    until then the planner guesses, and guessed wrong by orders of magnitude). Not inside a
    caller's transaction (a dry run rolls back anyway), and never SQLite's business."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for table in ("wiki_term", "wiki_revision", "wiki_link", "wiki_search_entry"):
            cursor.execute(f"ANALYZE {table}")


@dataclass
class _Batch:
    canon: Canon  # categories and tags found or made so far
    written: set[int] = field(default_factory=set)  # ids of the terms written so far


# 1. Plan.

_SNAPSHOT = ("title", "category", "difficulty", "tags", "related", "body", "autolink")


def _plan(items: list[Item]) -> list[Item]:
    """Validate, and find what the one-at-a-time path would do with each document: keep it
    (a member's edit or rename, with the same note), or write it (created, or updated unless
    unchanged, which is decided when writing, as the write path decides it)."""
    slugs = [item.result.slug for item in items]
    # What the comparison needs, without the stored HTML (more copies of every body).
    fields = ["slug", "title", "revision_number", "current_revision__author__username"]
    fields += [f"current_revision__{name}" for name in (*_SNAPSHOT, "number")]
    terms = {
        term.slug: term
        for part in chunks(slugs, BATCH)
        for term in Term.objects.filter(slug__in=part)
        .select_related("current_revision__author")
        .only(*fields)
    }
    renamed = {
        redirect.old_slug: redirect.term
        for part in chunks(slugs, BATCH)
        for redirect in SlugRedirect.objects.filter(old_slug__in=part).select_related("term")
    }
    to_write = []
    for item in items:
        slug = item.result.slug
        term = terms.get(slug)
        verb = "Imported" if term is None else "Updated"
        try:
            item.summary = _validate(item.doc.data, f"{verb} from seed file {item.doc.name}")
        except WikiError as exc:
            item.fail(str(exc))
            continue
        if term is None and slug in renamed:
            item.result.notes.append(f"kept: members renamed it to {renamed[slug].title!r}")
            continue
        current = term.current_revision if term is not None else None
        if term is not None and current is not None and current.author is not None:
            editor = current.author.get_username()
            item.result.notes.append(
                f"kept: revision {term.revision_number} is an edit by {editor}"
            )
            continue
        item.term = term
        if current is not None:
            item.stored = tuple(getattr(current, name) for name in _SNAPSHOT)
            item.stored = tuple(tuple(v) if isinstance(v, list) else v for v in item.stored)
        to_write.append(item)
    return to_write


def _fields(data: TermData) -> tuple:
    return tuple(getattr(data, name) for name in _SNAPSHOT)


def _looks_unchanged(item: Item) -> bool:
    """The document says what the current revision says, category and tag spelling aside
    (made canonical when writing, where the exact comparison happens)."""
    if item.stored is None:
        return False
    title, category, difficulty, tags, related, body, autolink = item.stored
    data = item.doc.data
    return (
        (title, difficulty, related, body) == (data.title, data.difficulty, data.related, data.body)
        and autolink == data.autolink
        and category_slug(category) == category_slug(data.category)
        and [t.casefold() for t in tags] == [t.casefold() for t in data.tags]
    )


# 2. Render.


def _render_all(items: list[Item], *, processes: int | None) -> None:
    """Render the bodies that will be written, with the batch's new titles known.

    Documents that look unchanged are not rendered (a re-import of unchanged files renders
    nothing); ``write_rows`` renders one after all if its canonical content differs. A body
    the renderer refuses fails with its reason, and the documents that link to it are
    rendered again, with that link red.
    """
    pending = [item for item in items if not _looks_unchanged(item)]
    new_slugs = {item.result.slug for item in items if item.term is None}
    titles = {item.result.slug: item.doc.data.title for item in items}
    while pending:
        known = _known_slugs(new_slugs)
        # The glossary knows the batch's titles too, as it would once every term is in.
        glossary = glossary_with([(titles[slug], slug) for slug in sorted(new_slugs)])
        docs = [(item.result.slug, item.doc.data.body, item.doc.data.autolink) for item in pending]
        outputs = _render_bodies(docs, known, glossary, processes)
        refused = set()
        for item, output in zip(pending, outputs, strict=True):
            if isinstance(output, str):
                item.fail(output)
                refused.add(item.result.slug)
            else:
                item.rendered = output
        new_slugs -= refused
        pending = [
            item
            for item in pending
            if item.rendered is not None
            and refused & {*item.rendered.wikilinks, *item.rendered.autolinks}
        ]


def _known_slugs(new_slugs: set[str]) -> frozenset[str]:
    """Every slug that leads to a term once the batch is in: existing terms, old slugs of
    renamed terms (they redirect) and the batch's new terms."""
    existing = set(Term.objects.values_list("slug", flat=True))
    existing.update(SlugRedirect.objects.values_list("old_slug", flat=True))
    return frozenset(existing | new_slugs)


# What the renderer treats as existing, and the titles it links (set before pool workers are
# forked, which inherit them).
_KNOWN: frozenset[str] = frozenset()
_GLOSSARY: markup.Glossary | None = None


def _existing(slugs: frozenset[str]) -> frozenset[str]:
    return slugs & _KNOWN


def _render_one(doc: tuple[str, str, bool]) -> Rendered | str:
    """Render ``(slug, body, autolink)`` with the batch's resolver; a refusal as its reason."""
    slug, body, autolink = doc
    glossary = _GLOSSARY if autolink else None
    resolve = replace(resolver(), existing=_existing, glossary=glossary, own_slug=slug)
    try:
        return markup.render(body, resolve=resolve)
    except RenderError as exc:
        return str(exc)


def _render_bodies(
    docs: list[tuple[str, str, bool]],
    known: frozenset[str],
    glossary: markup.Glossary,
    processes: int | None,
) -> list[Rendered | str]:
    global _KNOWN, _GLOSSARY
    # A forked worker needs nothing else (it never touches the database).
    _KNOWN, _GLOSSARY = known, glossary
    return in_workers(_render_one, docs, processes=processes)


def in_workers(func: Callable[[A], R], values: list[A], *, processes: int | None = None) -> list[R]:
    """``[func(v) for v in values]``, in forked worker processes when there are many values.

    For pure CPU work (rendering, parsing seed files): Python holds the GIL, so threads would
    take turns. ``func`` is a module-level function; what it returns crosses back pickled.
    """
    workers = processes or os.cpu_count() or 1
    forkable = "fork" in multiprocessing.get_all_start_methods()
    if workers < 2 or len(values) < PARALLEL_FROM or not forkable:
        return [func(value) for value in values]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return pool.map(func, values, chunksize=max(1, len(values) // (workers * 8)))


# 3. Write.


def _write_chunk(chunk: list[Item], batch: _Batch) -> None:
    """One transaction: the chunk's terms, revisions, tags and links, in a few statements.

    A document whose term changed since it was read (a member saved meanwhile) goes through
    ``term_import``; so does the whole chunk when a statement fails (a slug a member took
    in that moment).
    """
    try:
        with transaction.atomic():
            rows, fallback = write_rows(chunk, canon=batch.canon, written=batch.written)
            index_terms([row.term.pk for row in rows])
            for item in fallback:
                _import_one(item)
    except IntegrityError:
        batch.canon = Canon.start()  # what it made in the chunk was rolled back
        with transaction.atomic():
            rows = []
            for item in chunk:
                _import_one(item)
    batch.written.update(row.term.pk for row in rows)
    _after_commit(rows)


def _after_commit(rows: list[Row]) -> None:
    """``revisions_saved``: what ``revision_saved`` says after one save, for the whole chunk,
    so its listeners queue one task, not hundreds."""
    if not rows:
        return
    revisions = [
        {
            "term_id": row.term.pk,
            "revision_id": row.revision.pk,
            "author_id": None,
            "created": row.item.term is None,
        }
        for row in rows
        if row.revision is not None
    ]
    transaction.on_commit(
        partial(revisions_saved.send, sender=Revision, revisions=revisions), robust=True
    )


def _import_one(item: Item) -> None:
    """The document through the one-at-a-time path (``term_import``)."""
    try:
        with transaction.atomic():
            result = term_import(data=item.doc.data, source_name=item.doc.name)
    except WikiError as exc:
        item.fail(str(exc))
        return
    item.result.notes += result.notes
    item.result.outcome = (
        "created" if result.created else "updated" if result.changed else "unchanged"
    )
