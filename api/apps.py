from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The JSON API: no models; routes over the other apps' selectors and services."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "API"
