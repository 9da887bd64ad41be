"""The site's URLs and the benchmark's bare view (see ``site_settings``)."""

from django.http import HttpResponse
from django.urls import path

from config.urls import handler403, handler404
from config.urls import urlpatterns as site_urlpatterns

__all__ = ["handler403", "handler404", "urlpatterns"]


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]
