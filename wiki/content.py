"""What a term *is*, apart from where it is stored: ``TermData`` and the table of its fields.

Pure (no ORM, no settings). The diff, the merge, the editor form, the seed parser, the export and
the write path all import from here, so the knowledge of which fields a term has, what they
are called and whether each is a single value or a set lives in one place.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any, Literal, Protocol

from django.utils.translation import gettext_noop

from markup import slugify_title

Kind = Literal["scalar", "set", "flag", "text"]


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: Kind


# In the order they are shown (diff, conflict page) and written (seed files). Labels are
# marked for translation here and translated where they are shown (``gettext(label)``).
FIELDS: tuple[Field, ...] = (
    Field("title", gettext_noop("Title"), "scalar"),
    Field("category", gettext_noop("Category"), "scalar"),
    Field("difficulty", gettext_noop("Difficulty"), "scalar"),
    Field("tags", gettext_noop("Tags"), "set"),
    Field("related", gettext_noop("Related terms"), "set"),
    # On unless the author turns it off: the glossary links the first mention of each title.
    Field("autolink", gettext_noop("Glossary links"), "flag"),
    Field("body", gettext_noop("Body"), "text"),
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}
SCALAR_FIELDS = tuple(f.name for f in FIELDS if f.kind == "scalar")
SET_FIELDS = tuple(f.name for f in FIELDS if f.kind == "set")
FLAG_FIELDS = tuple(f.name for f in FIELDS if f.kind == "flag")
FIELD_LABELS = {f.name: f.label for f in FIELDS}


class Snapshot(Protocol):
    """What both ``Revision`` and ``TermData`` have: every field a revision snapshots."""

    title: str
    category: str
    difficulty: str
    tags: Iterable[str]
    related: Iterable[str]
    autolink: bool
    body: str


def clean_line(value: str) -> str:
    """One line of text as stored: NFC, runs of white space made one space, trimmed, no NUL
    (which PostgreSQL refuses in text, and a seed file or a JSON request can carry)."""
    return " ".join(unicodedata.normalize("NFC", str(value).replace("\x00", "")).split())


def initial_of(title: str) -> str:
    """The A-Z index's letter for a title: its first letter A-Z (either case), else "#"."""
    first = title[:1].upper()  # "ﬃ".upper() is "FFI": one letter only
    return first if len(first) == 1 and "A" <= first <= "Z" else "#"


def tag_key(tag: str) -> str:
    """When two tags are the same tag (TAGGIT_CASE_INSENSITIVE)."""
    return clean_line(tag).casefold()


@dataclass(frozen=True)
class TermData:
    """Everything a revision snapshots, normalised so that equal content compares equal.

    Titles and categories are single lines; tags keep their first spelling and drop case
    duplicates; related terms are slugs (titles are accepted and slugified), without
    duplicates or the term itself; the body has LF line ends; ``autolink`` is a plain bool.
    """

    title: str
    category: str = ""
    difficulty: str = ""
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    body: str = ""
    autolink: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", clean_line(self.title))
        object.__setattr__(self, "category", clean_line(self.category))
        object.__setattr__(self, "difficulty", clean_line(self.difficulty).lower())
        tags: dict[str, str] = {}
        for tag in (clean_line(t) for t in self.tags):
            if slugify_title(tag):
                tags.setdefault(tag.casefold(), tag)
        object.__setattr__(self, "tags", tuple(tags.values()))
        related = (slugify_title(r) for r in self.related)
        slug = self.slug  # once, not once per related term: slugify_title is not free
        object.__setattr__(
            self, "related", tuple(dict.fromkeys(r for r in related if r and r != slug))
        )
        body = self.body.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
        object.__setattr__(self, "body", body)
        object.__setattr__(self, "autolink", bool(self.autolink))

    @property
    def slug(self) -> str:
        return slugify_title(self.title)

    @classmethod
    def of(cls, snapshot: Snapshot) -> TermData:
        """The content of a revision (or anything shaped like one)."""
        return cls(**{f.name: _value(getattr(snapshot, f.name), f.kind) for f in FIELDS})

    def replace(self, **changes: Any) -> TermData:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return TermData(**{**values, **changes})


def _value(value: Any, kind: Kind) -> Any:
    return tuple(value) if kind == "set" else value
