from django.urls import path

from .views import browse, edit, members

app_name = "wiki"

urlpatterns = [
    path("", browse.home, name="home"),
    path("terms/", browse.term_list, name="term_list"),
    path("terms/new/", edit.term_create, name="term_create"),
    path("terms/<slug:slug>/", browse.term_detail, name="term_detail"),
    path("terms/<slug:slug>/edit/", edit.term_edit, name="term_edit"),
    path("terms/<slug:slug>/history/", browse.term_history, name="term_history"),
    path("terms/<slug:slug>/diff/", edit.term_diff, name="term_diff"),
    path("terms/<slug:slug>/update-links/", edit.term_update_links, name="term_update_links"),
    path(
        "terms/<slug:slug>/revisions/<int:number>/",
        browse.revision_detail,
        name="revision_detail",
    ),
    path(
        "terms/<slug:slug>/revisions/<int:number>/revert/",
        edit.term_revert,
        name="term_revert",
    ),
    path("categories/", browse.category_list, name="category_list"),
    path("categories/<slug:slug>/", browse.category_detail, name="category_detail"),
    path("tags/", browse.tag_list, name="tag_list"),
    # Tag slugs keep non-ASCII letters (django-taggit slugifies with allow_unicode).
    path("tags/<str:slug>/", browse.tag_detail, name="tag_detail"),
    path("wanted/", browse.wanted, name="wanted"),
    path("members/<str:username>/", members.member_detail, name="member_detail"),
]
