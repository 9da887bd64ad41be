"""Blocking members and IP ranges, and lifting blocks."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..exceptions import ModerationError
from ..forms import BlockForm, OptionalReasonForm
from ..models import Block
from .common import moderator_required, paginate


@moderator_required
def block_list(request):
    page = paginate(request, selectors.active_blocks())
    return render(
        request, "moderation/block_list.html", {"page": page, "lift_form": OptionalReasonForm()}
    )


@moderator_required
def block_create(request):
    initial = {"member": request.GET.get("member", "")[:150]}
    form = BlockForm(request.POST or None, initial=initial)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["member"]:
                services.member_block(
                    member=data["member"],
                    moderator=request.user,
                    reason=data["reason"],
                    expires_at=form.expires_at(),
                )
            else:
                services.ip_block(
                    ip_range=data["ip_range"],
                    moderator=request.user,
                    reason=data["reason"],
                    expires_at=form.expires_at(),
                )
        except ModerationError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, _("Blocked."))
            return redirect("moderation:block_list")
    return render(request, "moderation/block_form.html", {"form": form})


@require_POST
@moderator_required
def block_lift(request, pk: int):
    block = get_object_or_404(Block, pk=pk)
    form = OptionalReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.block_lift(block=block, moderator=request.user, reason=reason)
    except ModerationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Unblocked %(target)s.") % {"target": block.target_label})
    return redirect("moderation:block_list")
