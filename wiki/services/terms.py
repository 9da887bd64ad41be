"""Every write to a term goes through ``term_save_revision``.

It renders the body (before taking the write lock, since rendering can take a while), then in
one transaction: checks the term is still at the revision the caller started from
(compare-and-swap), writes the immutable revision, moves the term to it, and syncs tags, the
link table, old-slug redirects and the search index. After the commit it re-renders the terms
whose links changed colour, each in its own short compare-and-swap (so a popular new term does
not hold the write lock while hundreds of pages re-render).
``term_create``, ``term_update``, ``term_revert``, ``term_import`` and
``links.term_update_links_after_rename`` are callers of it; ``term_update`` adds the three-way
merge that turns most edit conflicts into a clean save (see ``wiki.merge``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from .. import search
from ..markdown import RENDERER_VERSION, Rendered, RenderError, render, slugify_title
from ..merge import TermMerge, merge_term
from ..models import Category, Link, LinkKind, Revision, SlugRedirect, Term

if TYPE_CHECKING:
    from accounts.models import User

    from ..seeds import SeedDocument

MAX_SUMMARY_LENGTH = 300
# How many times term_update re-merges against a newer revision before it gives the editor
# the conflict page instead; each retry means yet another save landed in between.
MAX_MERGE_ATTEMPTS = 10
# Slugs that a fixed URL already uses under /terms/.
RESERVED_SLUGS = frozenset({"new"})


class TermWriteError(ValueError):
    """The save cannot be done as asked (bad title, slug taken, body refused by the renderer).

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class EditConflict(Exception):
    """Someone else saved the term after the caller's base revision."""

    def __init__(self, term: Term, base_number: int | None) -> None:
        self.term = term
        self.base_number = base_number
        super().__init__(
            f"{term.title!r} is at revision {term.revision_number}, not {base_number}."
        )


@dataclass(frozen=True)
class TermData:
    """Everything a revision snapshots, normalised so that equal content compares equal."""

    title: str
    category: str = ""
    difficulty: str = ""
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    body: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", " ".join(self.title.split()))
        object.__setattr__(self, "category", " ".join(self.category.split()))
        tags: dict[str, str] = {}
        for tag in (" ".join(t.split()) for t in self.tags):
            if slugify(tag, allow_unicode=True):
                tags.setdefault(tag.casefold(), tag)
        object.__setattr__(self, "tags", tuple(tags.values()))
        related = (slugify_title(r) for r in self.related)
        object.__setattr__(
            self,
            "related",
            tuple(dict.fromkeys(r for r in related if r and r != self.slug)),
        )
        object.__setattr__(self, "body", self.body.replace("\r\n", "\n"))

    @property
    def slug(self) -> str:
        return slugify_title(self.title)

    @classmethod
    def from_revision(cls, revision: Revision) -> TermData:
        return cls(
            title=revision.title,
            category=revision.category,
            difficulty=revision.difficulty,
            tags=tuple(revision.tags),
            related=tuple(revision.related),
            body=revision.body,
        )

    @classmethod
    def from_seed(cls, doc: SeedDocument) -> TermData:
        return cls(
            title=doc.title,
            category=doc.category,
            difficulty=doc.difficulty,
            tags=doc.tags,
            related=doc.related,
            body=doc.body,
        )


class MergeConflict(EditConflict):
    """Someone else saved in between and their changes overlap with the caller's.

    An ``EditConflict`` that the three-way merge could not settle.

    Carries what the conflict page shows: the revision the edit started from (``base``), the
    one saved since (``theirs``), the caller's content (``mine``) and the merge with its
    conflicting regions. ``merge`` is None when the term kept changing faster than the merge
    could land (``MAX_MERGE_ATTEMPTS``).
    """

    def __init__(
        self,
        *,
        term: Term,
        base: Revision,
        theirs: Revision,
        mine: TermData,
        merge: TermMerge | None,
    ) -> None:
        super().__init__(term, base.number)
        self.base = base
        self.theirs = theirs
        self.mine = mine
        self.merge = merge


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


def existing_slugs(slugs: Iterable[str]) -> frozenset[str]:
    """Which of ``slugs`` lead to a term now (its slug, or an old slug that redirects to it).

    What the renderer asks to colour wiki links.
    """
    found: set[str] = set()
    pending = iter(sorted(set(slugs)))
    while chunk := list(islice(pending, 500)):
        found.update(Term.objects.filter(slug__in=chunk).values_list("slug", flat=True))
        found.update(
            SlugRedirect.objects.filter(old_slug__in=chunk).values_list("old_slug", flat=True)
        )
    return frozenset(found)


def render_body(body: str) -> Rendered:
    try:
        return render(body, resolve_existing=existing_slugs)
    except RenderError as exc:
        raise TermWriteError(str(exc), field="body") from exc


def term_save_revision(
    *,
    term: Term | None,
    data: TermData,
    author: User | None,
    summary: str = "",
    base_number: int | None = None,
) -> SaveResult:
    """Write ``data`` as the next revision of ``term`` (or a new term when ``term`` is None).

    ``base_number`` is the revision the caller's edit started from; when the term has moved on
    since, ``EditConflict`` is raised and nothing is written. Saving content identical to the
    current revision writes nothing and returns a result whose ``revision`` is None.
    """
    slug = data.slug
    if not data.title:
        raise TermWriteError("A term needs a title.", field="title")
    if not slug:
        raise TermWriteError("The title needs at least one letter or digit.", field="title")
    if slug in RESERVED_SLUGS:
        raise TermWriteError(
            f"{data.title!r} is reserved for a page of the site; choose another title.",
            field="title",
        )
    summary = " ".join(summary.split())[:MAX_SUMMARY_LENGTH]
    rendered = render_body(data.body)

    with transaction.atomic():
        if term is None:
            taken = TermWriteError(f"A term called {data.title!r} already exists.", field="title")
            if Term.objects.filter(slug=slug).exists():
                raise taken
            try:
                with transaction.atomic():
                    term = Term.objects.create(title=data.title, slug=slug)
            except IntegrityError as exc:
                raise taken from exc
            created, old_slug, base_number = True, None, 0
        else:
            # of=("self",): lock the term row only; PostgreSQL refuses FOR UPDATE on the
            # nullable side of the outer join to current_revision.
            current = Term.objects.select_for_update(of=("self",)).select_related(
                "current_revision"
            )
            term = current.get(pk=term.pk)
            if base_number is None:
                base_number = term.revision_number
            if term.revision_number != base_number:
                raise EditConflict(term, base_number)
            if term.current_revision and TermData.from_revision(term.current_revision) == data:
                return SaveResult(term=term, revision=None)
            if slug != term.slug and Term.objects.filter(slug=slug).exists():
                raise TermWriteError(
                    f"Another term is already called {data.title!r}; choose another title.",
                    field="title",
                )
            # The compare-and-swap itself: only one writer can move the term off base_number.
            moved = Term.objects.filter(pk=term.pk, revision_number=base_number).update(
                revision_number=base_number + 1
            )
            if not moved:
                raise EditConflict(Term.objects.get(pk=term.pk), base_number)
            created, old_slug = False, (term.slug if slug != term.slug else None)

        revision = Revision.objects.create(
            term=term,
            number=base_number + 1,
            parent_number=base_number or None,
            title=data.title,
            slug=slug,
            category=data.category,
            difficulty=data.difficulty,
            tags=list(data.tags),
            related=list(data.related),
            body=data.body,
            body_html=rendered.html,
            author=author,
            summary=summary,
        )
        term.title = data.title
        term.slug = slug
        term.category = _category_for(data.category)
        term.difficulty = data.difficulty
        term.body = data.body
        _apply_rendering(term, rendered)
        term.current_revision = revision
        term.revision_number = revision.number
        term.save()
        term.tags.set(list(data.tags))
        _sync_links(term, data.related, rendered.wikilinks)
        if old_slug:
            SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"term": term})
        if created or old_slug:
            SlugRedirect.objects.filter(old_slug=slug).delete()
        search.index_term(term)
    if created or old_slug:
        rerender_linking_terms({slug, old_slug} - {None})
    return SaveResult(term=term, revision=revision, created=created, renamed_from=old_slug)


def term_create(*, data: TermData, author: User | None, summary: str = "") -> SaveResult:
    return term_save_revision(term=None, data=data, author=author, summary=summary)


def term_update(
    *,
    term: Term,
    data: TermData,
    author: User | None,
    summary: str,
    base_number: int,
    seen_number: int | None = None,
) -> SaveResult:
    """Save an edit that started from revision ``base_number``, merging if others saved since.

    When the compare-and-swap fails, the edit is merged three ways (base = ``base_number``,
    mine = ``data``, theirs = the current revision) and the merge is saved against the
    current revision; the loop repeats if yet another save lands first. Overlapping changes
    raise ``MergeConflict`` and nothing is saved, unless the editor has already been shown
    the conflict with that very revision (``seen_number``): then what they sent back is their
    resolution and wins in the overlapping places, while the rest of theirs is kept.
    """
    candidate, against = data, base_number
    base: Revision | None = None
    for _ in range(MAX_MERGE_ATTEMPTS):
        try:
            result = term_save_revision(
                term=term, data=candidate, author=author, summary=summary, base_number=against
            )
        except EditConflict as conflict:
            base = base or _revision_or_error(term, base_number)
            theirs = _revision_or_error(term, conflict.term.revision_number)
            merge = merge_term(
                base=TermData.from_revision(base), mine=data, theirs=TermData.from_revision(theirs)
            )
            if not merge.clean and theirs.number != seen_number:
                raise MergeConflict(
                    term=conflict.term, base=base, theirs=theirs, mine=data, merge=merge
                ) from None
            candidate, against = merge.data(prefer_mine=True), theirs.number
            continue
        result.merged = against != base_number
        return result
    term.refresh_from_db()
    raise MergeConflict(
        term=term,
        base=_revision_or_error(term, base_number),
        theirs=_revision_or_error(term, term.revision_number),
        mine=data,
        merge=None,
    )


def _revision_or_error(term: Term, number: int) -> Revision:
    revision = Revision.objects.select_related("author").filter(term=term, number=number).first()
    if revision is None:
        raise TermWriteError(
            f"This edit started from revision {number}, which {term.title!r} does not have. "
            "Open the editor again."
        )
    return revision


def term_revert(
    *, term: Term, number: int, author: User | None, base_number: int | None = None
) -> SaveResult:
    """A new revision that copies revision ``number``; the old ones stay as they are.

    With ``base_number`` (the revision the reverting member was looking at), a term that has
    changed since raises ``EditConflict`` rather than silently undoing the newer edit too.
    """
    target = term.revisions.get(number=number)
    who = author.get_username() if author else "the system"
    return term_save_revision(
        term=term,
        data=TermData.from_revision(target),
        author=author,
        summary=f"Reverted to revision {number} by {who}",
        base_number=base_number,
    )


def term_import(*, doc: SeedDocument, source_name: str) -> SaveResult:
    """Create or update the term a seed file describes; the author is None (system import).

    A seed never overwrites the community's work: a term whose current revision was written by
    a member, or whose slug a member renamed away, is kept as it is and the result says why.
    """
    data = TermData.from_seed(doc)
    term = Term.objects.select_related("current_revision__author").filter(slug=data.slug).first()
    if term is None:
        renamed = SlugRedirect.objects.select_related("term").filter(old_slug=data.slug).first()
        if renamed is not None:
            return SaveResult(
                term=renamed.term,
                revision=None,
                notes=[f"kept: members renamed it to {renamed.term.title!r}"],
            )
    elif term.current_revision.author is not None:
        editor = term.current_revision.author.get_username()
        return SaveResult(
            term=term,
            revision=None,
            notes=[f"kept: revision {term.revision_number} is an edit by {editor}"],
        )
    verb = "Imported" if term is None else "Updated"
    return term_save_revision(
        term=term,
        data=data,
        author=None,
        summary=f"{verb} from seed file {source_name}",
        base_number=term.revision_number if term else None,
    )


def term_delete(*, term: Term) -> None:
    """Remove a term with its whole history (staff only, from the admin).

    Links to it from other terms turn red again: the slug becomes wanted.
    """
    slug = term.slug
    with transaction.atomic():
        search.remove_term(term.pk)
        Term.objects.filter(pk=term.pk).update(current_revision=None)
        Term.objects.filter(pk=term.pk).delete()
    rerender_linking_terms({slug})


def term_rerender(term: Term) -> bool:
    """Re-render a term's stored HTML without a new revision (its content did not change).

    Renders outside any lock, then writes only if the term is still at the revision that was
    rendered (compare-and-swap): a save that landed meanwhile rendered itself already. Returns
    whether the stored HTML was replaced.
    """
    seen = term.revision_number
    rendered = render_body(term.body)
    with transaction.atomic():
        moved = Term.objects.filter(pk=term.pk, revision_number=seen).update(
            body_html=rendered.html,
            toc=_toc(rendered),
            renderer_version=RENDERER_VERSION,
        )
        if moved:
            _sync_links(term, None, rendered.wikilinks)
    return bool(moved)


def rerender_linking_terms(slugs: set[str]) -> None:
    """Turn red links blue (or back) on the terms whose inline links point at ``slugs``."""
    linking = (
        Term.objects.filter(links__target_slug__in=slugs, links__kind=LinkKind.INLINE)
        .distinct()
        .only("pk", "slug", "body", "revision_number")
    )
    for other in linking.iterator(chunk_size=100):
        try:
            term_rerender(other)
        except TermWriteError:
            # Rendered fine when it was saved; keep that rendering rather than fail this save.
            continue


def _toc(rendered: Rendered) -> list[list]:
    return [[h.level, h.id, h.text] for h in rendered.toc]


def _apply_rendering(term: Term, rendered: Rendered) -> None:
    term.body_html = rendered.html
    term.toc = _toc(rendered)
    term.renderer_version = RENDERER_VERSION


def _category_for(name: str) -> Category | None:
    slug = slugify(name)
    if not slug:
        return None
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        try:
            with transaction.atomic():
                category = Category.objects.create(name=name, slug=slug)
        except IntegrityError:
            category = Category.objects.get(slug=slug)
    return category


def _sync_links(term: Term, related: Iterable[str] | None, inline: Iterable[str]) -> None:
    """Diff the wanted edges against the stored ones: delete gone, add new, fix positions.

    ``related=None`` leaves the related-term edges alone (a re-render changes only inline ones).
    """
    wanted: dict[tuple[str, str], int] = {}
    kinds = [(LinkKind.INLINE, inline)]
    if related is not None:
        kinds.append((LinkKind.RELATED, related))
    for kind, slugs in kinds:
        for position, slug in enumerate(dict.fromkeys(slugs)):
            if slug != term.slug:
                wanted[(kind, slug)] = position
    stored = {
        (link.kind, link.target_slug): link
        for link in Link.objects.filter(source=term, kind__in=[k for k, _ in kinds])
    }
    gone = [link.pk for key, link in stored.items() if key not in wanted]
    if gone:
        Link.objects.filter(pk__in=gone).delete()
    moved = []
    for key, position in wanted.items():
        link = stored.get(key)
        if link is not None and link.position != position:
            link.position = position
            moved.append(link)
    Link.objects.bulk_update(moved, ["position"], batch_size=500)
    Link.objects.bulk_create(
        [
            Link(source=term, kind=kind, target_slug=slug, position=position)
            for (kind, slug), position in wanted.items()
            if (kind, slug) not in stored
        ],
        batch_size=500,
    )
