from django.contrib.auth.models import AbstractUser
from django.db import models


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
