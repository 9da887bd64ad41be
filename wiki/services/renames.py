"""After a rename: point the links that still name the old slug at the renamed term."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from markup import MAX_WIKILINK_CHARS, slugify_title

from ..content import TermData
from ..exceptions import MergeConflict, TermWriteError
from ..models import Term
from .revisions import SaveResult
from .terms import term_update

if TYPE_CHECKING:
    from accounts.models import User


def term_update_links_after_rename(
    *, term: Term, old_slug: str, author: User | None
) -> tuple[list[SaveResult], list[Term]]:
    """Point ``[[links]]`` and related terms that still name ``old_slug`` at ``term``.

    One revision per changed term, each through ``term_update``. Returns the results and the
    terms that could not be updated (a conflicting edit landed at the same moment, or the
    text no longer renders); they keep working through the old slug's redirect.
    """
    old_title = (
        term.revisions.filter(slug=old_slug).order_by("-number").values_list("title", flat=True)
    ).first() or old_slug
    summary = f"Updated links after rename of {old_title} to {term.title}"
    target = term.title if not _WIKILINK_UNSAFE_RE.search(term.title) else term.slug
    results, skipped = [], []
    linking = Term.objects.linking_to(old_slug).select_related("current_revision")
    for other in linking:
        current = TermData.of(other.current_revision)
        data = replace(
            current,
            body=rewrite_wikilinks(current.body, old_slug=old_slug, target=target),
            related=tuple(term.slug if s == old_slug else s for s in current.related),
        )
        try:
            result = term_update(
                term=other,
                data=data,
                author=author,
                summary=summary,
                base_number=other.revision_number,
            )
        except (MergeConflict, TermWriteError):
            skipped.append(other)
            continue
        if result.changed:
            results.append(result)
    return results, skipped


# The renderer's wiki-link rule: [[target]] or [[target|label]] on one line, no brackets in.
_WIKILINK_RE = re.compile(rf"\[\[([^\[\]\n]{{1,{MAX_WIKILINK_CHARS}}})\]\]")
_WIKILINK_UNSAFE_RE = re.compile(r"[\[\]|\\&\n]")
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN_RE = re.compile(r"(`+)[^`]*?\1")


def rewrite_wikilinks(body: str, *, old_slug: str, target: str) -> str:
    """Re-aim the wiki links in ``body`` that resolve to ``old_slug`` at ``target``.

    A label stays as it was; a link without one now shows ``target``. Fenced code blocks and
    inline code spans, where the renderer draws no links, are left alone.
    """

    def relink(match: re.Match[str]) -> str:
        link_target, bar, label = match.group(1).partition("|")
        if slugify_title(link_target.strip()) != old_slug:
            return match.group(0)
        return f"[[{target}{bar}{label}]]"

    def outside_code(line: str) -> str:
        pieces, last = [], 0
        for span in _CODE_SPAN_RE.finditer(line):
            pieces += [_WIKILINK_RE.sub(relink, line[last : span.start()]), span.group(0)]
            last = span.end()
        pieces.append(_WIKILINK_RE.sub(relink, line[last:]))
        return "".join(pieces)

    out, fence = [], ""
    for line in body.split("\n"):
        opening = _FENCE_RE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            out.append(line)
        elif opening:
            fence = opening.group(1)
            out.append(line)
        else:
            out.append(outside_code(line))
    return "\n".join(out)
