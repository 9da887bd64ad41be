from django.contrib import admin
from django.db import transaction

from . import search
from .models import Category, Link, Revision, SlugRedirect, Term


class ReadOnlyAdminMixin:
    """Content changes go through wiki.services (revisions, links, search); not the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RevisionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Revision
    fields = ("number", "title", "author", "summary", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("-number",)


@admin.register(Term)
class TermAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "slug", "category", "difficulty", "revision_number", "updated_at")
    list_filter = ("difficulty", "category")
    search_fields = ("title", "slug")
    list_select_related = ("category",)
    inlines = [RevisionInline]

    def delete_model(self, request, obj):
        with transaction.atomic():
            search.remove_term(obj.pk)
            obj.delete()

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for term in queryset:
                self.delete_model(request, term)


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("term", "number", "author", "summary", "created_at")
    list_select_related = ("term", "author")
    search_fields = ("term__title", "summary", "author__username")
    date_hierarchy = "created_at"

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    readonly_fields = ("slug",)


@admin.register(Link)
class LinkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("source", "target_slug", "kind")
    list_filter = ("kind",)
    search_fields = ("target_slug", "source__title")
    list_select_related = ("source",)


@admin.register(SlugRedirect)
class SlugRedirectAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("old_slug", "term", "created_at")
    search_fields = ("old_slug",)
