from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "discussion"
    verbose_name = "Discussion"

    def ready(self) -> None:
        # wiki never imports discussion: it announces saved revisions and we listen.
        from wiki.signals import revision_saved, revisions_saved

        from .receivers import on_revision_saved, on_revisions_saved

        revision_saved.connect(on_revision_saved, dispatch_uid="discussion.on_revision_saved")
        revisions_saved.connect(on_revisions_saved, dispatch_uid="discussion.on_revisions_saved")
