"""A member's public page: their profile and their work on the wiki."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from .. import selectors

CONTRIBUTIONS_PER_PAGE = 25


def member_detail(request, username: str):
    member = get_object_or_404(get_user_model(), username=username)
    revisions = selectors.member_revisions(member)
    page = Paginator(revisions, CONTRIBUTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "wiki/member_detail.html", {"member": member, "page": page})
