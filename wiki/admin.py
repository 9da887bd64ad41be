from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse

from .models import Category, Link, Revision, SlugRedirect, Term
from .services import category_update, term_delete


class ReadOnlyAdminMixin:
    """Content changes go through wiki.services (revisions, links, search); not the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ImmutableAdminMixin(ReadOnlyAdminMixin):
    """Rows the write path keeps in step (history, the link table, old slugs): deleting one
    by hand would silently break history, backlinks or redirects, so the admin only shows
    them; they go with their term."""

    def has_delete_permission(self, request, obj=None):
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

    def get_deleted_objects(self, objs, request):
        # Revisions go with their term. They cannot be deleted one by one (RevisionAdmin
        # refuses), which must not stop staff from removing a whole term.
        deleted, model_count, _perms_needed, _protected = super().get_deleted_objects(objs, request)
        return deleted, model_count, set(), []

    def delete_model(self, request, obj):
        term_delete(term=obj)

    def delete_queryset(self, request, queryset):
        for term in queryset:
            term_delete(term=term)

    def response_delete(self, request, obj_display, obj_id):
        # Django returns to the admin index unless staff may *change* terms, which nobody may
        # here (changes go through the editor); the list they came from is where they belong.
        response = super().response_delete(request, obj_display, obj_id)
        if self.has_view_permission(request) and isinstance(response, HttpResponseRedirect):
            return HttpResponseRedirect(reverse("admin:wiki_term_changelist"))
        return response


@admin.register(Revision)
class RevisionAdmin(ImmutableAdminMixin, admin.ModelAdmin):
    list_display = ("term", "number", "author", "summary", "created_at")
    list_select_related = ("term", "author")
    search_fields = ("term__title", "summary", "author__username")
    date_hierarchy = "created_at"


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    readonly_fields = ("slug",)

    def has_add_permission(self, request):
        return False  # categories come into being with the first term that names one

    def save_model(self, request, obj, form, change):
        category_update(category=obj, name=obj.name, description=obj.description)


@admin.register(Link)
class LinkAdmin(ImmutableAdminMixin, admin.ModelAdmin):
    list_display = ("source", "target_slug", "kind")
    list_filter = ("kind",)
    search_fields = ("target_slug", "source__title")
    list_select_related = ("source",)


@admin.register(SlugRedirect)
class SlugRedirectAdmin(ImmutableAdminMixin, admin.ModelAdmin):
    list_display = ("old_slug", "term", "created_at")
    search_fields = ("old_slug",)
