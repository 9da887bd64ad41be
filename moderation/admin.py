"""The admin asks the same policy and writes through the same services as the site.

The log is read-only: nobody adds, changes or deletes an entry, not even a superuser.
Protections and blocks are made on the site (``/moderation/``), where each action is logged;
here they are listed, and an admin may lift a block or a protection, which is logged too.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import policy, services
from .exceptions import ModerationError
from .models import Block, BulkRevert, LogEntry, PendingChange, Protection


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "moderator", "target_type", "target_label", "reason")
    list_filter = ("action", "target_type")
    search_fields = ("target_label", "moderator__username", "reason")
    date_hierarchy = "created_at"
    list_select_related = ("moderator",)


@admin.register(Protection)
class ProtectionAdmin(ReadOnlyAdmin):
    list_display = ("term", "level", "review", "reason", "expires_at", "created_by", "created_at")
    list_filter = ("level", "review")
    search_fields = ("term__title",)
    list_select_related = ("term", "created_by")
    actions = ["unprotect"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Unprotect the selected terms (logged)"))
    def unprotect(self, request, queryset):
        if not policy.can_moderate(request.user):
            self.message_user(request, gettext("Only moderators unprotect terms."), messages.ERROR)
            return
        for protection in queryset.select_related("term"):
            services.term_unprotect(
                term=protection.term, moderator=request.user, reason="Unprotected in the admin"
            )
        self.message_user(request, gettext("Unprotected."))


@admin.register(Block)
class BlockAdmin(ReadOnlyAdmin):
    list_display = ("target_label", "reason", "expires_at", "created_by", "created_at", "lifted_at")
    list_filter = ("lifted_at",)
    search_fields = ("user__username", "ip_range", "reason")
    list_select_related = ("user", "created_by")
    actions = ["lift"]

    @admin.action(description=_("Lift the selected blocks (logged)"))
    def lift(self, request, queryset):
        lifted = 0
        for block in queryset:
            try:
                services.block_lift(
                    block=block, moderator=request.user, reason="Lifted in the admin"
                )
            except ModerationError as error:
                self.message_user(request, f"{block}: {error}", messages.WARNING)
            else:
                lifted += 1
        done = ngettext("Lifted %(count)d block.", "Lifted %(count)d blocks.", lifted)
        self.message_user(request, done % {"count": lifted})


@admin.register(PendingChange)
class PendingChangeAdmin(ReadOnlyAdmin):
    list_display = ("term", "author", "status", "created_at", "reviewed_by")
    list_filter = ("status",)
    list_select_related = ("term", "author", "reviewed_by")


@admin.register(BulkRevert)
class BulkRevertAdmin(ReadOnlyAdmin):
    list_display = ("member", "since", "requested_by", "status", "created_at", "finished_at")
    list_select_related = ("member", "requested_by")
