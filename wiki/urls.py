from django.urls import path, register_converter

from .views import browse, edit, export, history, members, navigation

app_name = "wiki"


class UnicodeSlugConverter:
    """Slugs in any script (``markup.slugify_title`` keeps letters of every alphabet)."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UnicodeSlugConverter, "uslug")

urlpatterns = [
    path("", browse.home, name="home"),
    path("terms/", browse.term_list, name="term_list"),
    path("terms/new/", edit.term_create, name="term_create"),
    path("terms/<uslug:slug>/", browse.term_detail, name="term_detail"),
    path("terms/<uslug:slug>/edit/", edit.term_edit, name="term_edit"),
    path("terms/<uslug:slug>/card.json", navigation.term_card, name="term_card"),
    path("terms/<uslug:slug>/history/", history.term_history, name="term_history"),
    path("terms/<uslug:slug>/markdown/", export.term_download, name="term_download"),
    path("terms/<uslug:slug>/diff/", history.term_diff, name="term_diff"),
    path("terms/<uslug:slug>/update-links/", edit.term_update_links, name="term_update_links"),
    path(
        "terms/<uslug:slug>/revisions/<int:number>/",
        history.revision_detail,
        name="revision_detail",
    ),
    path(
        "terms/<uslug:slug>/revisions/<int:number>/revert/",
        history.term_revert,
        name="term_revert",
    ),
    path("categories/", browse.category_list, name="category_list"),
    path("categories/<uslug:slug>/", browse.category_detail, name="category_detail"),
    path("tags/", browse.tag_list, name="tag_list"),
    # Tag slugs keep non-ASCII letters (django-taggit slugifies with allow_unicode).
    path("tags/<str:slug>/", browse.tag_detail, name="tag_detail"),
    path("wanted/", browse.wanted, name="wanted"),
    path("map/", navigation.term_map, name="term_map"),
    path("map/data.json", navigation.map_data, name="map_data"),
    path("paths/", navigation.term_path, name="term_path"),
    path("members/<str:username>/", members.member_detail, name="member_detail"),
]
