"""Writing terms out: one seed-format document per term, and the history as JSON lines.

The seed format is the one ``wiki.seeds`` reads (front matter with ``term``, ``category``,
``difficulty``, ``relatedTerms`` and ``tags``, then the Markdown body), built from the field
table in ``wiki.content``, so an export imported into an empty wiki gives the same terms back.
A body whose edges the seed parser would trim (no final line break, as typed in a browser, or
blank first or last lines) is marked ``exactBody: true`` and comes back unchanged.

The history is one JSON object per revision, oldest first within each term, with the author
by username; ``wiki.services.history.history_restore`` writes it back through the write path.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import yaml

from .content import FIELDS, TermData
from .models import Revision, Term
from .seeds import EXACT_BODY_KEY

# A field's key in the front matter, where it differs from the field's name.
SEED_KEYS = {"title": "term", "related": "relatedTerms"}
HISTORY_FILE = "history.jsonl"
MAX_FILENAME_BYTES = 200  # under every common file system's 255, with room for a suffix


def seed_text(data: TermData) -> str:
    """``data`` as a seed document that ``wiki.seeds.parse_seed_text`` reads back as ``data``."""
    meta: dict[str, Any] = {}
    for field in FIELDS:
        value = getattr(data, field.name)
        if field.kind == "text" or (field.kind == "flag" and value is True):
            continue  # a flag is written only when it is off (the seed parser's default: on)
        meta[SEED_KEYS.get(field.name, field.name)] = list(value) if field.kind == "set" else value
    body = data.body
    if _trimmed(body) != body:
        meta[EXACT_BODY_KEY] = True
    front = yaml.safe_dump(
        meta, allow_unicode=True, sort_keys=False, default_flow_style=False, width=2**16
    )
    if meta.get(EXACT_BODY_KEY):
        return f"---\n{front}---\n{body}"
    return f"---\n{front}---\n\n{body}"


def _trimmed(body: str) -> str:
    """What the seed parser makes of a body written after the front matter."""
    return body.strip("\n") + "\n" if body.strip() else ""


def term_markdown(term: Term) -> str:
    """A term's current revision as a seed document ("Download as Markdown")."""
    assert term.current_revision is not None
    return seed_text(TermData.of(term.current_revision))


def seed_filename(slug: str) -> str:
    """``slug.md``, cut (with a short hash, so names stay distinct) to fit a file system."""
    if len(slug.encode("utf-8")) <= MAX_FILENAME_BYTES:
        return f"{slug}.md"
    digest = hashlib.sha256(slug.encode("utf-8")).hexdigest()[:10]
    cut = slug.encode("utf-8")[:MAX_FILENAME_BYTES].decode("utf-8", "ignore").rstrip("-_")
    return f"{cut}-{digest}.md"


# -- History ---------------------------------------------------------------------------------


def history_record(revision: Revision, term_slug: str) -> dict[str, Any]:
    author = revision.author
    return {
        "term": term_slug,
        "number": revision.number,
        **{f.name: _json_value(getattr(revision, f.name), f.kind) for f in FIELDS},
        "summary": revision.summary,
        "author": author.username if author else None,
        "author_display_name": author.display_name if author else "",
        "created_at": revision.created_at.isoformat(),
    }


def history_lines(terms: Iterator[Term]) -> Iterator[str]:
    """Every revision of ``terms`` as JSON lines, each term's oldest first."""
    for term in terms:
        revisions = term.revisions.select_related("author").order_by("number")
        for revision in revisions.iterator(chunk_size=200):
            yield json.dumps(history_record(revision, term.slug), ensure_ascii=False) + "\n"


def record_data(record: dict[str, Any]) -> TermData:
    """The content a history record holds (raises ``KeyError``/``TypeError`` when damaged).

    A flag missing from the record (an export made before the flag existed) is on."""
    return TermData(**{f.name: _record_value(record, f.name, f.kind) for f in FIELDS})


def _record_value(record: dict[str, Any], name: str, kind: str) -> Any:
    if kind == "set":
        return tuple(record[name])
    if kind == "flag":
        value = record.get(name, True)
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be true or false")
        return value
    return str(record[name])


def record_time(record: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(record["created_at"])


def _json_value(value: Any, kind: str) -> Any:
    return list(value) if kind == "set" else value
