"""The bulk import's writing: one chunk of documents as a few multi-row statements.

The same rows as ``revisions.term_save_revision`` writes for each document (``_project``,
``_create_revision``, ``sync_links``, ``term.tags.set(tags_for(...))``), in the same order of
decisions: categories and tags are found or made by the write path's own functions, one
document after another, so a spelling first written by one document is the one the next
document gets. Link and tag rows, tens of thousands in a big import, go in through
``executemany`` (the ORM's per-object work was most of the import's time).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from taggit.models import Tag, TaggedItem

import markup
from config.tasks import enqueue_on_commit
from markup import RENDERER_VERSION, Rendered, RenderError

from ..content import TermData, initial_of
from ..models import Category, Link, LinkKind, Revision, SlugRedirect, Term
from .categories import canonical_tags, category_for, category_slug, tags_for
from .links import wanted_edges
from .rendering import body_resolver

if TYPE_CHECKING:
    from .imports import Item

BATCH = 500  # rows per INSERT, ids per IN (...) list


@dataclass
class Row:
    """One document that the chunk writes: its term (new or locked) and its revision."""

    item: Item
    term: Term
    data: TermData  # canonical: the category and tag spellings the wiki stores
    category: Category | None
    rendered: Rendered
    revision: Revision | None = None


@dataclass
class Canon:
    """The write path's category and tag lookups, remembered for the batch.

    ``canonical_tags`` and ``tags_for`` are asked per tag and their answers kept, so a batch
    costs a query per distinct tag rather than two per document. An answer changes only when
    a tag is made: then the spellings kept for that name (case aside) are asked again. After
    a rolled-back chunk the batch starts a new one (what it remembered may be gone).
    """

    newest_tag: int = 0
    categories: dict[str, Category | None] = field(default_factory=dict)
    spellings: dict[str, dict[str, str]] = field(default_factory=dict)
    tags: dict[str, Tag] = field(default_factory=dict)

    @classmethod
    def start(cls) -> Canon:
        return cls(newest_tag=Tag.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)

    def category(self, name: str) -> Category | None:
        key = category_slug(name)
        if key not in self.categories:
            self.categories[key] = category_for(name)
        return self.categories[key]

    def spelling(self, tag: str) -> str:
        group = self.spellings.setdefault(tag.casefold(), {})
        if tag not in group:
            group[tag] = canonical_tags((tag,))[0]
        return group[tag]

    def tag(self, name: str) -> Tag:
        if name not in self.tags:
            (tag,) = tags_for((name,))
            if tag.pk > self.newest_tag:  # made just now (or by a save meanwhile)
                self.newest_tag = tag.pk
                self.spellings.pop(tag.name.casefold(), None)
            self.tags[name] = tag
        return self.tags[name]

    def data(self, data: TermData) -> TermData:
        """``data`` as ``term_save_revision`` stores it: one spelling everywhere."""
        category = self.category(data.category)
        name = category.name if category else ""
        tags = tuple(self.spelling(tag) for tag in data.tags)
        if (name, tags) == (data.category, data.tags):
            return data
        return data.replace(category=name, tags=tags)


def write_rows(
    chunk: list[Item], *, canon: Canon, written: set[int]
) -> tuple[list[Row], list[Item]]:
    """Write ``chunk`` (inside the caller's transaction); ``written`` holds the ids of the
    terms the batch wrote before. Returns the rows written and the documents to hand to the
    one-at-a-time path (their term changed since it was read)."""
    locked = _locked_terms(chunk)
    rows: list[Row] = []
    fallback: list[Item] = []
    for item in chunk:
        # One document after another, as saves are: a category or tag that one makes gives
        # its spelling to those after it.
        data = canon.data(item.doc.data)
        if item.term is None:
            term = Term(title=data.title, slug=item.result.slug, revision_number=1)
        else:
            found = locked.get(item.term.pk)
            if found is None or found.revision_number != item.term.revision_number:
                fallback.append(item)  # a member saved meanwhile: the write path decides
                continue
            term = found
            if item.unchanged(data):
                continue  # unchanged
            if item.rendered is None and not _render_now(item, data):
                continue
            term.revision_number += 1
        assert item.rendered is not None
        rows.append(Row(item, term, data, canon.category(data.category), item.rendered))
        for name in data.tags:
            canon.tag(name)
    if rows:
        _write(rows, canon, written)
    return rows, fallback


def _write(rows: list[Row], canon: Canon, written: set[int]) -> None:
    now = timezone.now()
    for row in rows:
        _project(row, now)
    new = [row for row in rows if row.item.term is None]
    updated = [row for row in rows if row.item.term is not None]
    Term.objects.bulk_create([row.term for row in new], batch_size=BATCH)
    fields = ["title", "initial", "category", "difficulty", "body", "autolink", "body_html"]
    fields += ["toc", "renderer_version"]
    Term.objects.bulk_update(
        [row.term for row in updated], [*fields, "revision_number", "updated_at"], batch_size=BATCH
    )
    revisions = Revision.objects.bulk_create([_revision(row) for row in rows], batch_size=BATCH)
    for row, revision in zip(rows, revisions, strict=True):
        row.revision = revision
        row.item.result.outcome = "created" if row.item.term is None else "updated"
    ids = [row.term.pk for row in rows]
    for part in chunks(ids, BATCH):
        current = Revision.objects.filter(term=OuterRef("pk"), number=OuterRef("revision_number"))
        Term.objects.filter(pk__in=part).update(current_revision=Subquery(current.values("pk")))
    updated_ids = [row.term.pk for row in updated]
    _write_tags(rows, canon, replace=updated_ids)
    _write_links(rows, replace=updated_ids)
    created = [row.term.slug for row in new]
    for part in chunks(created, BATCH):
        SlugRedirect.objects.filter(old_slug__in=part).delete()
    _rerender_outside(created, batch_ids=written | set(ids))


def _locked_terms(chunk: list[Item]) -> dict[int, Term]:
    """The chunk's existing terms under the write lock, as ``term_save_revision`` takes it."""
    ids = [item.term.pk for item in chunk if item.term is not None]
    if not ids:
        return {}
    return Term.objects.select_for_update().only("slug", "revision_number").in_bulk(ids)


def _render_now(item: Item, data: TermData) -> bool:
    """A document that looked unchanged but is not (a spelling): rendered here after all."""
    try:
        resolve = body_resolver(slug=item.result.slug, autolink=data.autolink)
        item.rendered = markup.render(data.body, resolve=resolve)
    except RenderError as exc:
        item.fail(str(exc))
        return False
    return True


def _project(row: Row, now) -> None:
    """The term's fields as ``revisions._project`` sets them."""
    term, data = row.term, row.data
    term.title, term.slug, term.category = data.title, row.item.result.slug, row.category
    term.initial = initial_of(data.title)
    term.difficulty, term.body, term.autolink = data.difficulty, data.body, data.autolink
    term.body_html = row.rendered.html
    term.toc = [[h.level, h.id, h.text] for h in row.rendered.toc]
    term.renderer_version = RENDERER_VERSION
    term.updated_at = now


def _revision(row: Row) -> Revision:
    """The snapshot ``revisions._create_revision`` writes (author None: the seed import)."""
    data, number = row.data, row.term.revision_number
    return Revision(
        term=row.term,
        number=number,
        parent_number=number - 1 or None,
        title=data.title,
        slug=row.term.slug,
        category=data.category,
        difficulty=data.difficulty,
        tags=list(data.tags),
        related=list(data.related),
        body=data.body,
        autolink=data.autolink,
        body_html=row.rendered.html,
        author=None,
        summary=row.item.summary,
    )


def _write_tags(rows: list[Row], canon: Canon, *, replace: list[int]) -> None:
    """``term.tags.set(tags_for(data.tags))`` for every row."""
    content_type = ContentType.objects.get_for_model(Term)
    for part in chunks(replace, BATCH):
        TaggedItem.objects.filter(content_type=content_type, object_id__in=part).delete()
    values = []
    for row in rows:
        for tag_id in dict.fromkeys(canon.tag(name).pk for name in row.data.tags):
            values.append((content_type.pk, row.term.pk, tag_id))
    _insert(TaggedItem, ["content_type_id", "object_id", "tag_id"], values)


def _write_links(rows: list[Row], *, replace: list[int]) -> None:
    """The link rows ``sync_links`` keeps, written whole (the updated terms' old rows go)."""
    for part in chunks(replace, BATCH):
        Link.objects.filter(source_id__in=part).delete()
    values = []
    for row in rows:
        edges = wanted_edges(
            row.term.slug,
            [
                (LinkKind.INLINE, row.rendered.wikilinks),
                (LinkKind.AUTO, row.rendered.autolinks),
                (LinkKind.RELATED, row.data.related),
            ],
        )
        values += [(row.term.pk, target, kind, pos) for (kind, target), pos in edges.items()]
    _insert(Link, ["source_id", "target_slug", "kind", "position"], values)


def _insert(model, columns: list[str], values: list[tuple]) -> None:
    if not values:
        return
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from the models)
        quote(model._meta.db_table),
        ", ".join(quote(column) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        for part in chunks(values, 5000):
            cursor.executemany(sql, part)


def _rerender_outside(created: list[str], *, batch_ids: set[int]) -> None:
    """Terms outside the batch whose links to the new terms turn blue, or that mention their
    titles (the glossary links them): background tasks, as after any new term. The batch's
    terms were rendered knowing them; one the batch writes later is skipped by the task's
    compare-and-swap."""
    from ..tasks import rerender_mentioning_terms, rerender_terms

    outside: set[int] = set()
    for part in chunks(created, BATCH):
        outside.update(
            Link.objects.filter(target_slug__in=part, kind=LinkKind.INLINE)
            .exclude(source_id__in=batch_ids)
            .values_list("source_id", flat=True)
        )
    for part in chunks(sorted(outside), BATCH):
        enqueue_on_commit(rerender_terms, part)
    if created and Term.objects.count() > len(batch_ids):  # any term outside the batch
        enqueue_on_commit(rerender_mentioning_terms, created, sorted(batch_ids))


def chunks(values: Iterable, size: int) -> Iterator[list]:
    pending = iter(values)
    while part := list(islice(pending, size)):
        yield part
