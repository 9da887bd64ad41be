"""The project package as an app, for what every process must do at start-up."""

from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "config"
    label = "site"
    verbose_name = "Site"

    def ready(self) -> None:
        # Every connection, in every process (web, worker, management command), reports the
        # writes that pages show, so the page cache goes stale at once (config/pagecache.py).
        from django.db import connections
        from django.db.backends.signals import connection_created

        from . import pagecache

        connection_created.connect(pagecache.install, dispatch_uid="pagecache.install")
        for connection in connections.all(initialized_only=True):
            pagecache.install(connection=connection)
