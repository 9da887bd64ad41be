from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A member of the wiki.

    Custom from the first migration so that later fields (display name, bio) never need the
    painful swap of AUTH_USER_MODEL on a live database.
    """

    display_name = models.CharField(max_length=80, blank=True)
    bio = models.TextField(blank=True, max_length=5000)
    bio_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def public_name(self) -> str:
        return self.display_name or self.username


class ApiToken(models.Model):
    """A member's personal token for the JSON API's writes (``Authorization: Bearer ...``).

    Only a SHA-256 hash of the token is stored, with its first characters (``prefix``) to tell
    tokens apart on the profile page: the token is shown once, when it is made. A plain hash
    is enough, without salt or a slow function, because the token is 256 random bits and
    there is nothing to guess. Revoked tokens keep their row, so the page can say when.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
