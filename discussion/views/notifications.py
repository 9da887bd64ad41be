"""A member's notifications: the list (grouped by term), opening one, marking them read, and
the settings that decide what they follow and whether mail is sent."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import MemberSettingsForm
from ..models import Notification
from .common import member_required

PER_PAGE = 50


@member_required
def notification_list(request):
    notifications = selectors.member_notifications(request.user)
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "groups": selectors.group_by_term(page),
        "unread": selectors.unread_count(request.user),
    }
    return render(request, "discussion/notification_list.html", context)


@require_POST
@member_required
def notification_open(request, pk: int):
    """Mark one notification read and go to what it is about."""
    notification = get_object_or_404(Notification.objects.for_list(), pk=pk, recipient=request.user)
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    return redirect(notification.target_url)


@require_POST
@member_required
def notifications_read(request):
    """Mark all read, or one term's (``term``), or one (``notification``)."""
    term_id = _int(request.POST.get("term"))
    one = _int(request.POST.get("notification"))
    done = services.notifications_mark_read(
        user=request.user, term_id=term_id, ids=[one] if one else None
    )
    messages.success(
        request,
        ngettext(
            "Marked %(count)d notification as read.",
            "Marked %(count)d notifications as read.",
            done,
        )
        % {"count": done},
    )
    return redirect("discussion:notification_list")


@member_required
def notification_settings(request):
    instance = services.settings_for(request.user)
    form = MemberSettingsForm(request.POST or None, instance=instance)
    if form.is_valid():
        services.member_settings_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your settings are saved."))
        return redirect("discussion:notification_settings")
    return render(request, "discussion/notification_settings.html", {"form": form})


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None
