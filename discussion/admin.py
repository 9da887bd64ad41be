"""The discussion in the admin: read, search and follow up. Writes that have a service (a
comment's text, promotions) are read-only here, so the kept versions and the notifications
that follow a write stay true."""

from django.contrib import admin

from .models import (
    Comment,
    CommentVersion,
    Contributor,
    Follow,
    MemberSettings,
    Notification,
    Promotion,
    Report,
)


class CommentVersionInline(admin.TabularInline):
    model = CommentVersion
    fields = ("written_at", "replaced_at", "body")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "term",
        "author",
        "depth",
        "created_at",
        "edited_at",
        "deleted_at",
        "hidden_at",
    )
    list_filter = ("created_at",)
    list_select_related = ("term", "author")
    search_fields = ("body", "author__username", "term__title")
    raw_id_fields = ("term", "author", "parent", "root", "display_parent", "hidden_by")
    readonly_fields = (
        "term",
        "author",
        "parent",
        "root",
        "display_parent",
        "depth",
        "body",
        "body_html",
        "renderer_version",
        "created_at",
        "updated_at",
        "edited_at",
        "deleted_at",
    )
    inlines = [CommentVersionInline]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False  # comments are written on the term page, through the services


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("pk", "status", "reporter", "comment", "revision", "created_at", "resolved_by")
    list_filter = ("status",)
    list_select_related = ("reporter", "comment", "revision", "resolved_by")
    search_fields = ("reason", "reporter__username")
    raw_id_fields = ("reporter", "comment", "revision", "resolved_by")
    readonly_fields = ("reporter", "comment", "revision", "reason", "created_at")


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    list_display = ("comment", "revision", "promoted_by", "created_at")
    list_select_related = ("comment", "revision", "promoted_by")
    readonly_fields = ("comment", "revision", "promoted_by", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("user", "term", "created_at")
    list_select_related = ("user", "term")
    search_fields = ("user__username", "term__title")
    raw_id_fields = ("user", "term")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "term", "actor", "created_at", "read_at")
    list_filter = ("kind",)
    list_select_related = ("recipient", "term", "actor")
    search_fields = ("recipient__username", "term__title")
    raw_id_fields = ("recipient", "term", "actor", "comment", "revision")


@admin.register(Contributor)
class ContributorAdmin(admin.ModelAdmin):
    """Computed by a task ("who knows this"); shown for explaining a ranking, never edited."""

    list_display = ("term", "user", "score", "text_share", "edits", "promoted", "comments")
    list_select_related = ("term", "user")
    search_fields = ("term__title", "user__username")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MemberSettings)
class MemberSettingsAdmin(admin.ModelAdmin):
    list_display = ("user", "follow_on_edit", "follow_on_comment", "email_notifications")
    raw_id_fields = ("user",)
    search_fields = ("user__username",)
