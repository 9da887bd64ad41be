"""The one write path: ``term_save_revision``. Every change to a term's content comes here.

One transaction, in small steps: ``_validate`` (title, slug, summary; before any lock),
render (outside the lock too, since rendering can take a while), ``_claim`` (create the term
row, or take the write lock and compare-and-swap on the revision number), ``_write_revision``
(the immutable snapshot), ``_project`` (copy it onto the term and sync tags, links, old-slug
redirects and the search index). After the commit, the terms whose wiki links change colour
are re-rendered by a background task (``wiki.tasks``), so a term linked from 500 pages saves
as fast as one linked from none.

A caller whose edit started from an older revision may pass ``merge_base``: the three-way
merge against the latest revision then runs *while the write lock is held*, so a clean merge
always lands (it cannot be starved by other saves), and only a real overlap raises
``MergeConflict``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from config.tasks import enqueue_on_commit
from markup import RENDERER_VERSION, Rendered
from search.indexing import index_term

from ..content import TermData, initial_of
from ..exceptions import EditConflict, MergeConflict, TermWriteError
from ..merge import merge_term
from ..models import Category, Revision, SlugRedirect, Term
from ..signals import revision_saved
from .categories import canonical_tags, category_for, tags_for
from .links import sync_links
from .rendering import render_body

if TYPE_CHECKING:
    from accounts.models import User

MAX_SUMMARY_LENGTH = 300
# The columns a title and a tag go into, counted after normalisation (NFC can make text
# longer: "\u0958" becomes two characters), where the forms counted before it.
MAX_TITLE_LENGTH = 200
MAX_TAG_LENGTH = 100
# Slugs that a fixed URL already uses under /terms/.
RESERVED_SLUGS = frozenset({"new"})


@dataclass
class SaveResult:
    term: Term
    revision: Revision | None
    created: bool = False
    notes: list[str] = field(default_factory=list)
    merged: bool = False  # saved on top of someone else's newer revision by a clean merge
    renamed_from: str | None = None  # the old slug, when the save changed the slug

    @property
    def changed(self) -> bool:
        return self.revision is not None


@dataclass(frozen=True)
class MergeBase:
    """The revision an edit started from, and the newest one its author has already seen in a
    conflict page (their resolution wins in the places that overlap with that one)."""

    number: int
    seen_number: int | None = None


def term_save_revision(
    *,
    term: Term | None,
    data: TermData,
    author: User | None,
    summary: str = "",
    base_number: int | None = None,
    merge_base: MergeBase | None = None,
    created_at: datetime | None = None,
) -> SaveResult:
    """Write ``data`` as the next revision of ``term`` (or a new term when ``term`` is None).

    ``base_number`` is the revision the caller's edit started from; when the term has moved on
    since, ``EditConflict`` is raised and nothing is written, unless ``merge_base`` asks for the
    three-way merge. Saving content identical to the current revision writes nothing and
    returns a result whose ``revision`` is None. ``created_at`` is for restoring exported
    history (``history_restore``): the revision keeps the time it was first written.
    """
    summary = _validate(data, summary)
    rendered = render_body(data.body, slug=data.slug, autolink=data.autolink)
    if merge_base is not None:
        base_number = merge_base.number
    merged = False
    with transaction.atomic():
        category = category_for(data.category)
        # One spelling everywhere: the category's name as first written ("Practice", not
        # "practice" in one revision and "Practice" on the category page).
        data = data.replace(
            category=category.name if category else "", tags=canonical_tags(data.tags)
        )
        if term is None:
            term, created, old_slug, number = _claim_new(data), True, None, 0
        else:
            term = _lock(term)
            number = term.revision_number
            if base_number is not None and number != base_number:
                if merge_base is None:
                    raise EditConflict(term, base_number)
                data = _merge_locked(term, data, merge_base)
                category = category_for(data.category)
                data = data.replace(
                    category=category.name if category else "", tags=canonical_tags(data.tags)
                )
                rendered = render_body(data.body, slug=data.slug, autolink=data.autolink)
                merged = True
            if TermData.of(_current(term)) == data:
                return SaveResult(term=term, revision=None)
            _check_slug_free(term, data)
            created, old_slug = False, (term.slug if data.slug != term.slug else None)
        revision = _write_revision(term, number, data, rendered, author, summary)
        _project(term, revision, data, rendered, category, old_slug=old_slug, created=created)
        if created_at is not None:
            _backdate(term, revision, created_at, created=created)
    if created or old_slug:
        from ..tasks import rerender_linking_terms

        enqueue_on_commit(rerender_linking_terms, sorted({data.slug, old_slug} - {None}))
    transaction.on_commit(
        partial(
            revision_saved.send,
            sender=Revision,
            term_id=term.pk,
            revision_id=revision.pk,
            author_id=author.pk if author else None,
            created=created,
        ),
        robust=True,
    )
    result = SaveResult(term=term, revision=revision, created=created, renamed_from=old_slug)
    result.merged = merged
    return result


def term_data_check(data: TermData) -> None:
    """Raise ``TermWriteError`` for content the write path would refuse (title, slug, lengths
    after normalisation), for a caller that keeps an edit to save later (review)."""
    _validate(data, "")


def _validate(data: TermData, summary: str) -> str:
    if not data.title:
        raise TermWriteError(_("A term needs a title."), field="title")
    if not data.slug:
        raise TermWriteError(_("The title needs at least one letter or digit."), field="title")
    if data.slug in RESERVED_SLUGS:
        raise TermWriteError(
            _("%(title)s is reserved for a page of the site; choose another title.")
            % {"title": repr(data.title)},
            field="title",
        )
    if len(data.title) > MAX_TITLE_LENGTH:
        raise TermWriteError(
            _("The title is %(length)s characters long once normalised; the limit is %(limit)s.")
            % {"length": len(data.title), "limit": MAX_TITLE_LENGTH},
            field="title",
        )
    if any(len(tag) > MAX_TAG_LENGTH for tag in data.tags):
        raise TermWriteError(
            _("A tag can be at most %(limit)s characters long once normalised.")
            % {"limit": MAX_TAG_LENGTH},
            field="tags",
        )
    return " ".join(summary.split())[:MAX_SUMMARY_LENGTH]


def _claim_new(data: TermData) -> Term:
    """The new term's row; its slug must be free, also as a renamed term's old slug."""
    taken = TermWriteError(
        _("A term called %(title)s already exists.") % {"title": repr(data.title)}, field="title"
    )
    if Term.objects.filter(slug=data.slug).exists():
        raise taken
    renamed = SlugRedirect.objects.select_related("term").filter(old_slug=data.slug).first()
    if renamed is not None:
        raise TermWriteError(
            _(
                "%(title)s is the old name of %(current)s, which was renamed; "
                "edit that term, or choose another title."
            )
            % {"title": repr(data.title), "current": repr(renamed.term.title)},
            field="title",
        )
    try:
        with transaction.atomic():
            return Term.objects.create(title=data.title, slug=data.slug)
    except IntegrityError as exc:
        raise taken from exc


def _lock(term: Term) -> Term:
    """The term row under the write lock (a row lock on PostgreSQL; SQLite's IMMEDIATE
    transaction already holds the database's write lock)."""
    # The row alone: its current revision is read afterwards, by its own statement. Joined in
    # the locking query, PostgreSQL would re-check the row after waiting for the lock but
    # keep the join's older snapshot, where the revision that writer just added is missing.
    return Term.objects.select_for_update().get(pk=term.pk)


def _merge_locked(term: Term, mine: TermData, merge_base: MergeBase) -> TermData:
    """Three-way merge of ``mine`` onto the latest revision, under the write lock."""
    base = revision_or_error(term, merge_base.number)
    theirs = _current(term)
    merge = merge_term(base=TermData.of(base), mine=mine, theirs=TermData.of(theirs))
    if not merge.clean and theirs.number != merge_base.seen_number:
        raise MergeConflict(term=term, base=base, theirs=theirs, mine=mine, merge=merge)
    return merge.data(prefer_mine=True)


def _current(term: Term) -> Revision:
    if term.current_revision is None:  # only between a term's creation and its first revision
        raise EditConflict(term, None)
    return term.current_revision


def revision_or_error(term: Term, number: int) -> Revision:
    revision = Revision.objects.select_related("author").filter(term=term, number=number).first()
    if revision is None:
        raise TermWriteError(
            _(
                "This edit started from revision %(number)s, which %(title)s does not have. "
                "Open the editor again."
            )
            % {"number": number, "title": repr(term.title)},
            field="base_number",
        )
    return revision


def _check_slug_free(term: Term, data: TermData) -> None:
    if data.slug != term.slug and Term.objects.filter(slug=data.slug).exists():
        raise TermWriteError(
            _("Another term is already called %(title)s; choose another title.")
            % {"title": repr(data.title)},
            field="title",
        )


def _write_revision(
    term: Term,
    number: int,
    data: TermData,
    rendered: Rendered,
    author: User | None,
    summary: str,
) -> Revision:
    """The immutable snapshot; the unique (term, number) constraint is the last guard that
    two saves can never both become revision ``number + 1``."""
    try:
        with transaction.atomic():
            return _create_revision(term, number, data, rendered, author, summary)
    except IntegrityError as exc:
        raise EditConflict(Term.objects.get(pk=term.pk), number) from exc


def _create_revision(
    term: Term,
    number: int,
    data: TermData,
    rendered: Rendered,
    author: User | None,
    summary: str,
) -> Revision:
    return Revision.objects.create(
        term=term,
        number=number + 1,
        parent_number=number or None,
        title=data.title,
        slug=data.slug,
        category=data.category,
        difficulty=data.difficulty,
        tags=list(data.tags),
        related=list(data.related),
        body=data.body,
        autolink=data.autolink,
        body_html=rendered.html,
        author=author,
        summary=summary,
    )


def _project(
    term: Term,
    revision: Revision,
    data: TermData,
    rendered: Rendered,
    category: Category | None,
    *,
    old_slug: str | None,
    created: bool,
) -> None:
    """Make the term show ``revision``: its fields, tags, links, redirects and search entry."""
    term.title = data.title
    term.initial = initial_of(data.title)
    term.slug = data.slug
    term.category = category
    term.difficulty = data.difficulty
    term.body = data.body
    term.autolink = data.autolink
    apply_rendering(term, rendered)
    term.current_revision = revision
    term.revision_number = revision.number
    term.save()
    term.tags.set(tags_for(data.tags))  # bounded slugs: taggit's own would outgrow the column
    sync_links(term, related=data.related, inline=rendered.wikilinks, auto=rendered.autolinks)
    if old_slug:
        SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"term": term})
    if created or old_slug:
        SlugRedirect.objects.filter(old_slug=data.slug).delete()
    index_term(term)


def _backdate(term: Term, revision: Revision, when: datetime, *, created: bool) -> None:
    """A restored revision keeps its original time, and the term its times with it.

    ``created_at`` is set on insert (``auto_now_add``), so it is corrected in the same
    transaction, through the base manager: the one update a revision ever gets, before
    anyone can have read it.
    """
    Revision._base_manager.filter(pk=revision.pk).update(created_at=when)
    revision.created_at = when
    times = {"updated_at": when, **({"created_at": when} if created else {})}
    Term.objects.filter(pk=term.pk).update(**times)
    for name, value in times.items():
        setattr(term, name, value)


def apply_rendering(term: Term, rendered: Rendered) -> None:
    term.body_html = rendered.html
    term.toc = [[h.level, h.id, h.text] for h in rendered.toc]
    term.renderer_version = RENDERER_VERSION
