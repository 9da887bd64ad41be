"""Model rows as the API's dictionaries (the schemas in ``schemas`` validate them)."""

from __future__ import annotations

from django.urls import reverse

from wiki.content import FIELDS, TermData
from wiki.models import Revision, Term


def person(user) -> dict | None:
    if user is None:
        return None
    return {"username": user.username, "display_name": user.display_name}


def term_summary(term: Term) -> dict:
    category = term.category
    return {
        "slug": term.slug,
        "title": term.title,
        "category": {"name": category.name, "slug": category.slug} if category else None,
        "difficulty": term.difficulty,
        "tags": sorted((tag.name for tag in term.tags.all()), key=str.casefold),
        "revision": term.revision_number,
        "updated_at": term.updated_at,
        "url": term.get_absolute_url(),
        "api_url": reverse("api-v1:term_detail", kwargs={"slug": term.slug}),
    }


def term(term: Term, detail: dict) -> dict:
    revision = term.current_revision
    return {
        **term_summary(term),
        "body": term.body,
        "html": term.body_html,
        "related": [
            {
                "slug": item.current_slug or item.slug,
                "title": item.title,
                "exists": item.exists,
            }
            for item in detail["related"]
        ],
        "backlinks": [{"slug": t.slug, "title": t.title} for t in detail["backlinks"]],
        "backlinks_more": detail["backlinks_more"],
        "comment_count": detail["comment_count"],
        "created_at": term.created_at,
        "author": person(revision.author) if revision else None,
        "summary": revision.summary if revision else "",
    }


def revision_summary(revision: Revision) -> dict:
    return {
        "number": revision.number,
        "parent": revision.parent_number,
        "title": revision.title,
        "summary": revision.summary,
        "author": person(revision.author),
        "created_at": revision.created_at,
        "size": revision.size,
    }


def revision(revision: Revision) -> dict:
    return {
        **revision_summary(revision),
        "slug": revision.slug,
        "category": revision.category,
        "difficulty": revision.difficulty,
        "tags": list(revision.tags),
        "related": list(revision.related),
        "body": revision.body,
        "html": revision.body_html,
    }


def content(data: TermData) -> dict:
    return {
        f.name: list(v) if f.kind == "set" else v for f in FIELDS for v in [getattr(data, f.name)]
    }


def change(revision: Revision) -> dict:
    return {
        "kind": "new" if revision.number == 1 else "edit",
        "term": {"slug": revision.term.slug, "title": revision.term.title},
        "revision": revision.number,
        "author": person(revision.author),
        "summary": revision.summary,
        "created_at": revision.created_at,
    }


def comment(comment) -> dict:
    return {
        "id": comment.pk,
        "term": comment.term.slug,
        "parent": comment.parent_id,
        "body": comment.body,
        "html": comment.body_html,
        "author": person(comment.author),
        "created_at": comment.created_at,
        "url": comment.get_absolute_url(),
    }
