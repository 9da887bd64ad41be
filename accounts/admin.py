from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, User
from .services import ProfileError, profile_update


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Profile"), {"fields": ("display_name", "bio")}),
    )
    list_display = ("username", "email", "display_name", "is_staff", "is_active", "date_joined")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if {"display_name", "bio"} & set(form.changed_data):
            # Through the profile service, so bio_html is rendered from the new bio.
            try:
                profile_update(user=obj, display_name=obj.display_name, bio=obj.bio)
            except ProfileError as exc:
                reason = gettext("The bio was not rendered: %(reason)s") % {"reason": exc}
                messages.error(request, reason)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: tokens are made and revoked by their members; staff can see that they exist
    (never the token, which is not stored)."""

    list_display = ("prefix", "name", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__username", "prefix", "name")
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
