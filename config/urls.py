from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from wiki.views.edit import markdown_preview

urlpatterns = [
    path("admin/", admin.site.urls),
    # Django's set_language (the footer's language switcher), without the CSRF check: a
    # token in every page's footer would set a cookie on every anonymous page and keep them
    # all out of the page cache, and a forged POST can do no more than pick one of the
    # interface languages (the cookie only; `next` must be on this site).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("api/", include("api.urls")),
    # Only the preview endpoint of django-markdownx: its image upload is not routed at all.
    path("markdownx/markdownify/", markdown_preview, name="markdownx_markdownify"),
    path("", include("accounts.urls")),
    # Before wiki: its feeds and comment URLs sit under /terms/<slug>/ too.
    path("", include("discussion.urls")),
    path("", include("wiki.urls")),
    path("", include("search.urls")),
    path("moderation/", include("moderation.urls")),
]

handler404 = "wiki.views.browse.page_not_found"
# The 403 page also tells a blocked member why, and until when.
handler403 = "moderation.views.errors.permission_denied"
