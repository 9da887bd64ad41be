"""Every write to a term goes through ``term_save_revision``.

It renders the body (before taking the write lock, since rendering can take a while), then in
one transaction: checks the term is still at the revision the caller started from
(compare-and-swap), writes the immutable revision, moves the term to it, and syncs tags, the
link table, old-slug redirects, the search index and the rendering of terms that link here.
``term_create``, ``term_update``, ``term_revert`` and ``term_import`` are thin callers of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from . import search
from .markdown import RENDERER_VERSION, Rendered, RenderError, render, slugify_title
from .models import Category, Link, LinkKind, Revision, SlugRedirect, Term

if TYPE_CHECKING:
    from accounts.models import User

    from .seeds import SeedDocument

MAX_SUMMARY_LENGTH = 300


class TermWriteError(ValueError):
    """The save cannot be done as asked (bad title, slug taken, body refused by the renderer)."""


class EditConflict(Exception):  # noqa: N818 - it is an outcome, not a programming error
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
        tags = (" ".join(t.split()) for t in self.tags)
        object.__setattr__(
            self, "tags", tuple(dict.fromkeys(t for t in tags if t and slugify(t)))
        )
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


@dataclass
class SaveResult:
    term: Term
    revision: Revision | None
    created: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.revision is not None


def existing_slugs(slugs: Iterable[str]) -> frozenset[str]:
    """Which of ``slugs`` are terms now; what the renderer asks to colour wiki links."""
    found: set[str] = set()
    pending = iter(sorted(set(slugs)))
    while chunk := list(islice(pending, 500)):
        found.update(Term.objects.filter(slug__in=chunk).values_list("slug", flat=True))
    return frozenset(found)


def render_body(body: str) -> Rendered:
    try:
        return render(body, resolve_existing=existing_slugs)
    except RenderError as exc:
        raise TermWriteError(str(exc)) from exc


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
        raise TermWriteError("A term needs a title.")
    if not slug:
        raise TermWriteError("The title needs at least one letter or digit.")
    summary = " ".join(summary.split())[:MAX_SUMMARY_LENGTH]
    rendered = render_body(data.body)

    with transaction.atomic():
        if term is None:
            if Term.objects.filter(slug=slug).exists():
                raise TermWriteError(f"A term called {data.title!r} already exists.")
            try:
                with transaction.atomic():
                    term = Term.objects.create(title=data.title, slug=slug)
            except IntegrityError as exc:
                raise TermWriteError(f"A term called {data.title!r} already exists.") from exc
            created, old_slug, base_number = True, None, 0
        else:
            current = Term.objects.select_for_update().select_related("current_revision")
            term = current.get(pk=term.pk)
            if base_number is None:
                base_number = term.revision_number
            if term.revision_number != base_number:
                raise EditConflict(term, base_number)
            if term.current_revision and TermData.from_revision(term.current_revision) == data:
                return SaveResult(term=term, revision=None)
            if slug != term.slug and Term.objects.filter(slug=slug).exists():
                raise TermWriteError(
                    f"Another term is already called {data.title!r}; choose another title."
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
            _rerender_linking_terms({slug, old_slug} - {None})
        search.index_term(term)
    return SaveResult(term=term, revision=revision, created=created)


def term_create(*, data: TermData, author: User | None, summary: str = "") -> SaveResult:
    return term_save_revision(term=None, data=data, author=author, summary=summary)


def term_update(
    *, term: Term, data: TermData, author: User | None, summary: str, base_number: int
) -> SaveResult:
    return term_save_revision(
        term=term, data=data, author=author, summary=summary, base_number=base_number
    )


def term_revert(*, term: Term, number: int, author: User | None) -> SaveResult:
    """A new revision that copies revision ``number``; the old ones stay as they are."""
    target = term.revisions.get(number=number)
    who = author.get_username() if author else "the system"
    return term_save_revision(
        term=term,
        data=TermData.from_revision(target),
        author=author,
        summary=f"Reverted to revision {number} by {who}",
        base_number=term.revision_number,
    )


def term_import(*, doc: SeedDocument, source_name: str) -> SaveResult:
    """Create or update the term a seed file describes; the author is None (system import)."""
    data = TermData.from_seed(doc)
    term = Term.objects.filter(slug=data.slug).first()
    verb = "Imported" if term is None else "Updated"
    return term_save_revision(
        term=term,
        data=data,
        author=None,
        summary=f"{verb} from seed file {source_name}",
        base_number=term.revision_number if term else None,
    )


def term_rerender(term: Term) -> None:
    """Re-render a term's stored HTML without a new revision (content did not change)."""
    rendered = render_body(term.body)
    _apply_rendering(term, rendered)
    Term.objects.filter(pk=term.pk).update(
        body_html=term.body_html, toc=term.toc, renderer_version=term.renderer_version
    )
    _sync_links(term, None, rendered.wikilinks)


def _apply_rendering(term: Term, rendered: Rendered) -> None:
    term.body_html = rendered.html
    term.toc = [[h.level, h.id, h.text] for h in rendered.toc]
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


def _rerender_linking_terms(slugs: set[str]) -> None:
    """Turn red links blue (or back) on the terms whose inline links point at ``slugs``."""
    linking = Term.objects.filter(
        links__target_slug__in=slugs, links__kind=LinkKind.INLINE
    ).distinct()
    for other in linking:
        try:
            term_rerender(other)
        except TermWriteError:
            # Rendered fine when it was saved; keep that rendering rather than block this save.
            continue


def data_from_term(term: Term) -> TermData:
    """The term's current content as ``TermData`` (what an edit form starts from)."""
    return TermData.from_revision(term.current_revision)
