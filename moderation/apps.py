from django.apps import AppConfig


class ModerationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        # accounts is a leaf app and never calls us: we keep members' look-alike name keys
        # in step whenever a member is saved, whichever path saved them (sign-up, profile,
        # admin, createsuperuser).
        from django.conf import settings
        from django.db.models.signals import post_save

        from .receivers import member_saved

        post_save.connect(
            member_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="moderation.member_saved"
        )
