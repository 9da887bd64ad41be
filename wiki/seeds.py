"""Parse one seed document (Markdown with YAML front matter) into a ``TermData``.

Pure: no database access. Every way a file can be wrong raises ``SeedError`` with a reason a
person can act on; the import command adds the file name.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from frontmatter.default_handlers import YAMLHandler

from markup import MAX_BODY_BYTES, MAX_SLUG_CHARS, slugify_title

from .content import TermData
from .models import Difficulty

SEED_SUFFIXES = (".md", ".txt")
MAX_FILE_BYTES = MAX_BODY_BYTES + 64 * 1024
MAX_TITLE_LENGTH = 200
MAX_LIST_ITEMS = 200
MAX_ITEM_LENGTH = 100
# Front matter ``exactBody: true`` (written by ``export_terms``): the body is everything after
# the closing '---' line, kept as it is, where a hand-written seed's blank edge lines are
# trimmed. An export then round-trips bodies typed in the browser (no final line break).
EXACT_BODY_KEY = "exactBody"
# Front matter ``autolink: false``: the glossary links nothing in this term's body.
AUTOLINK_KEY = "autolink"
_FLAG_WORDS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


class SeedError(ValueError):
    """A seed file that cannot be imported; the message says why."""


_HANDLER = YAMLHandler()
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(front: str):
    """libyaml's safe loader, ten times faster than the pure-Python one (10,000 seed files
    spent seconds here); a broken file is read again by the pure-Python loader, whose error
    marks and messages the reasons quote."""
    try:
        return yaml.load(front, Loader=_FAST_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError:
        return _HANDLER.load(front)


def parse_seed_bytes(raw: bytes) -> TermData:
    if not raw.strip():
        raise SeedError("the file is empty")
    if len(raw) > MAX_FILE_BYTES:
        raise SeedError(f"the file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SeedError(f"not valid UTF-8 (byte {exc.start}): save the file as UTF-8") from exc
    return parse_seed_text(text)


def parse_seed_text(text: str) -> TermData:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not _HANDLER.detect(text):
        raise SeedError("no front matter: the file must start with a '---' line")
    try:
        front, body = _HANDLER.split(text)
    except ValueError as exc:
        raise SeedError("front matter is not closed by a second '---' line") from exc
    try:
        meta = _load_yaml(front)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "could not be parsed"
        raise SeedError(f"broken YAML in front matter{where}: {problem}") from exc
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise SeedError(f"front matter must be a mapping of fields, not a {type(meta).__name__}")

    title = _scalar(meta, "term").strip()
    if not title:
        raise SeedError("missing or blank 'term' in front matter")
    if len(title) > MAX_TITLE_LENGTH:
        raise SeedError(f"'term' is {len(title)} characters; the limit is {MAX_TITLE_LENGTH}")
    slug = slugify_title(title)
    if not slug:
        raise SeedError(f"'term' {title!r} has no letters or digits to make a URL from")

    difficulty = _scalar(meta, "difficulty").strip().lower()
    if difficulty and difficulty not in Difficulty.values:
        allowed = ", ".join(Difficulty.values)
        raise SeedError(f"unknown difficulty {difficulty!r}: use one of {allowed}")

    if meta.get(EXACT_BODY_KEY) is True:
        body = _exact_body(text)
    else:
        body = body.strip("\n") + "\n" if body.strip() else ""
    if len(body.encode("utf-8")) > MAX_BODY_BYTES:
        raise SeedError(
            f"the body is {len(body.encode('utf-8')):,} bytes; the limit is {MAX_BODY_BYTES:,}"
        )

    return TermData(
        title=title,
        category=_scalar(meta, "category").strip()[:100],
        difficulty=difficulty,
        # Slugified, de-duplicated and stripped of self-links by TermData.
        related=tuple(_string_list(meta, "relatedTerms", max_length=MAX_SLUG_CHARS)),
        tags=tuple(_string_list(meta, "tags")),
        body=body,
        autolink=_flag(meta, AUTOLINK_KEY, default=True),
    )


def parse_seed_file(path: Path) -> TermData:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SeedError(f"cannot be read: {exc.strerror or exc}") from exc
    return parse_seed_bytes(raw)


def _scalar(meta: dict, key: str) -> str:
    value = meta.get(key)
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        raise SeedError(f"'{key}' must be a single value, not a {type(value).__name__}")
    return str(value)


def _flag(meta: dict, key: str, *, default: bool) -> bool:
    """``true``/``false`` (YAML's booleans), or yes/no/on/off/true/false as text."""
    value = meta.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if isinstance(value, str) and word in _FLAG_WORDS:
        return _FLAG_WORDS[word]
    raise SeedError(f"'{key}' must be true or false, not {str(value)[:40]!r}")


def _exact_body(text: str) -> str:
    """What follows the line of dashes that closes the front matter, unchanged."""
    lines = text.split("\n")
    for number, line in enumerate(lines[1:], start=1):
        if _BOUNDARY_RE.fullmatch(line):
            return "\n".join(lines[number + 1 :])
    return ""


_BOUNDARY_RE = re.compile(r"-{3,}[ \t]*")


def _string_list(meta: dict, key: str, *, max_length: int = MAX_ITEM_LENGTH) -> list[str]:
    """A list of short strings; a comma-separated string is accepted as well."""
    value = meta.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, list):
        items = value
    else:
        raise SeedError(f"'{key}' must be a list or a comma-separated string")
    if len(items) > MAX_LIST_ITEMS:
        raise SeedError(f"'{key}' has {len(items)} items; the limit is {MAX_LIST_ITEMS}")
    cleaned = []
    for item in items:
        if isinstance(item, (list, dict)) or item is None:
            raise SeedError(f"'{key}' must contain plain values, not nested lists or mappings")
        text = str(item).strip()
        if len(text) > max_length:
            raise SeedError(f"an item of '{key}' is longer than {max_length} characters")
        if text:
            cleaned.append(text)
    return cleaned
