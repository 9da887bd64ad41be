"""A term as a seed-format Markdown file ("Download as Markdown"), the same file
``export_terms`` writes, so it can be imported into another wiki with ``import_seeds``."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from ..export import seed_filename, term_markdown
from .common import follows_renames, term_at


@follows_renames
def term_download(request, slug: str):
    term = term_at(slug)
    response = HttpResponse(term_markdown(term), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=seed_filename(term.slug)
    )
    return response
