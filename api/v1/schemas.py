"""What the API reads and writes. Every string it accepts goes through ``Text``: NUL is
dropped and lone surrogates (possible in JSON, never in UTF-8) become U+FFFD, so no text
reaches the database that PostgreSQL would refuse."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Path, Schema
from pydantic import BeforeValidator, ConfigDict

from markup import MAX_BODY_BYTES, MAX_SLUG_CHARS
from wiki.forms import MAX_RELATED, MAX_RELATED_LENGTH, MAX_REVISION_NUMBER, MAX_TAGS
from wiki.services import MAX_SUMMARY_LENGTH

_SURROGATES = re.compile("[\ud800-\udfff]")


def _clean(value: object) -> object:
    if isinstance(value, str):
        return _SURROGATES.sub("\ufffd", value).replace("\x00", "")
    return value


Text = Annotated[str, BeforeValidator(_clean)]
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _iso_only(value: object) -> object:
    """A time in a query is an ISO 8601 string (pydantic would also take 0.5 as a time)."""
    if isinstance(value, str) and not _ISO_DATE.match(value):
        raise ValueError("use an ISO 8601 date and time, e.g. 2025-01-31T12:00:00Z")
    return value


IsoDatetime = Annotated[datetime, BeforeValidator(_iso_only)]
Difficulty = Literal["beginner", "intermediate", "advanced"]
RevisionNumber = Annotated[int, Field(ge=0, le=MAX_REVISION_NUMBER)]
# A term's address; the example leads the schema's examples (and fuzzers) to a real term.
Slug = Annotated[str, Path(max_length=MAX_SLUG_CHARS, example="alpha")]


# -- Errors ----------------------------------------------------------------------------------


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every error: a stable ``code`` (``not_found``, ``invalid``, ``edit_conflict``, ...) and
    a ``message`` for people; ``errors`` names the fields an ``invalid`` request got wrong."""

    code: str
    message: str
    errors: list[FieldErrorOut] = []


# -- Reading ---------------------------------------------------------------------------------


class CategoryRefOut(Schema):
    name: str
    slug: str


class PersonOut(Schema):
    username: str
    display_name: str


class TermSummaryOut(Schema):
    slug: str
    title: str
    category: CategoryRefOut | None
    difficulty: Literal["", "beginner", "intermediate", "advanced"]
    tags: list[str]
    revision: int
    updated_at: datetime
    url: str = Field(description="The term's page on the site.")
    api_url: str


class TermListOut(Schema):
    items: list[TermSummaryOut]
    next_cursor: str | None = Field(
        description="Pass as ?cursor= for the next page; null at the end."
    )


class RelatedOut(Schema):
    slug: str
    title: str | None = Field(description="Null when the related term is not written yet.")
    exists: bool


class TermRefOut(Schema):
    slug: str
    title: str


class TermOut(TermSummaryOut):
    body: str = Field(description="The Markdown source.")
    html: str = Field(description="The body as the site shows it (rendered and sanitised).")
    related: list[RelatedOut]
    backlinks: list[TermRefOut]
    backlinks_more: bool = Field(description="More terms link here than are listed.")
    comment_count: int
    created_at: datetime
    author: PersonOut | None = Field(description="Who wrote the current revision (null: import).")
    summary: str


class RevisionSummaryOut(Schema):
    number: int
    parent: int | None
    title: str
    summary: str
    author: PersonOut | None
    created_at: datetime
    size: int = Field(description="The body's size in bytes (UTF-8).")


class RevisionListOut(Schema):
    items: list[RevisionSummaryOut]
    next_cursor: str | None


class RevisionOut(RevisionSummaryOut):
    slug: str
    category: str
    difficulty: str
    tags: list[str]
    related: list[str]
    body: str
    html: str


class CategoryOut(Schema):
    name: str
    slug: str
    description: str
    term_count: int


class CategoryListOut(Schema):
    items: list[CategoryOut]
    next_cursor: str | None


class TagOut(Schema):
    name: str
    slug: str
    term_count: int


class TagListOut(Schema):
    items: list[TagOut]
    next_cursor: str | None


class SearchHitOut(Schema):
    term: TermSummaryOut
    snippet_html: str = Field(description="Escaped text with <mark> around the matches.")
    rank: float | None


class SearchOut(Schema):
    query: str
    count: int = Field(description="Matches counted, at most 1,000.")
    more: bool = Field(description="More matches than are counted.")
    items: list[SearchHitOut]
    next_offset: int | None


class ChangeOut(Schema):
    kind: Literal["new", "edit"]
    term: TermRefOut
    revision: int
    author: PersonOut | None
    summary: str
    created_at: datetime


class ChangeListOut(Schema):
    items: list[ChangeOut]
    next_cursor: str | None


# -- Writing ---------------------------------------------------------------------------------


Title = Annotated[Text, Field(min_length=1, max_length=200)]
Category = Annotated[Text, Field(max_length=100)]
TagName = Annotated[Text, Field(max_length=100)]
RelatedName = Annotated[Text, Field(max_length=MAX_RELATED_LENGTH)]
Body = Annotated[Text, Field(max_length=MAX_BODY_BYTES)]
Summary = Annotated[Text, Field(max_length=MAX_SUMMARY_LENGTH)]


class Strict(Schema):
    """A request body: values of the documented types only (no "1" for 1, no 0 for false)."""

    model_config = ConfigDict(strict=True)


class TermIn(Strict):
    title: Title
    category: Category = ""
    difficulty: Literal["", "beginner", "intermediate", "advanced"] = ""
    tags: list[TagName] = Field(default_factory=list, max_length=MAX_TAGS)
    related: list[RelatedName] = Field(
        default_factory=list, max_length=MAX_RELATED, description="Titles or slugs."
    )
    body: Body = ""
    autolink: bool = Field(
        True, description="Link the first mention of other terms' titles (glossary links)."
    )
    summary: Summary = Field("", description="The edit summary shown in the history.")


class TermPatchIn(Strict):
    """Fields left out keep their value in the base revision."""

    base_revision: RevisionNumber | None = Field(
        None, description="The revision this edit starts from (or send it in If-Match)."
    )
    title: Title | None = None
    category: Category | None = None
    difficulty: Literal["", "beginner", "intermediate", "advanced"] | None = None
    tags: list[TagName] | None = Field(None, max_length=MAX_TAGS)
    related: list[RelatedName] | None = Field(None, max_length=MAX_RELATED)
    body: Body | None = None
    autolink: bool | None = None
    summary: Summary = ""


class ContentOut(Schema):
    title: str
    category: str
    difficulty: str
    tags: list[str]
    related: list[str]
    body: str
    autolink: bool


class SavedOut(TermOut):
    changed: bool = Field(description="False: the content equalled the current revision.")
    merged: bool = Field(description="Saved on top of a newer revision by a clean merge.")


class ConflictOut(ErrorOut):
    base_revision: int
    current_revision: int
    conflicting_fields: list[str]
    theirs: ContentOut = Field(description="The current revision, saved since the base.")
    mine: ContentOut = Field(description="What this request would have saved.")


class PendingOut(Schema):
    code: Literal["pending_review"]
    message: str
    pending_id: int


class CommentIn(Strict):
    body: Annotated[Text, Field(min_length=1, max_length=20_000)]
    parent: Annotated[int, Field(ge=1, le=2**63 - 1)] | None = Field(
        None, description="The comment this one replies to."
    )


class CommentOut(Schema):
    id: int
    term: str
    parent: int | None
    body: str
    html: str
    author: PersonOut
    created_at: datetime
    url: str
