"""Mail that accounts sends after the response (see ``config.tasks``)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from config.tasks import background


@background
def send_account_mail(subject: str, body: str, to: str) -> int:
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
