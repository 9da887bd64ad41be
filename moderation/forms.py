"""Forms of the moderation pages. They parse and check shape; the services decide."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import Action, Level, parse_network

DURATIONS = {
    "": None,
    "1h": timedelta(hours=1),
    "1d": timedelta(days=1),
    "3d": timedelta(days=3),
    "1w": timedelta(weeks=1),
    "1m": timedelta(days=30),
    "3m": timedelta(days=90),
    "1y": timedelta(days=365),
}
DURATION_CHOICES = [
    ("", "No expiry"),
    ("1h", "1 hour"),
    ("1d", "1 day"),
    ("3d", "3 days"),
    ("1w", "1 week"),
    ("1m", "30 days"),
    ("3m", "90 days"),
    ("1y", "1 year"),
]


class ExpiryMixin:
    """An expiry chosen as a duration from now (no time zone to get wrong)."""

    def expires_at(self):
        delta = DURATIONS.get(self.cleaned_data.get("duration") or "")
        return timezone.now() + delta if delta else None


class ProtectForm(ExpiryMixin, forms.Form):
    level = forms.ChoiceField(choices=Level.choices, widget=forms.RadioSelect, label="Who may edit")
    review = forms.BooleanField(
        required=False,
        label="Review changes instead of refusing them",
        help_text="Members below the level may still edit; their changes wait in the review "
        "queue, and readers see the last reviewed revision.",
    )
    reason = forms.CharField(max_length=500, help_text="Shown on the term's page and edit page.")
    duration = forms.ChoiceField(choices=DURATION_CHOICES, required=False, label="Expires after")


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500)


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, required=False)


class BlockForm(ExpiryMixin, forms.Form):
    member = forms.CharField(
        max_length=150, required=False, help_text="A member's username.", label="Member"
    )
    ip_range = forms.CharField(
        max_length=50,
        required=False,
        label="Or an IP range",
        help_text="An address or a CIDR range (e.g. 203.0.113.0/24): blocks sign-ups and "
        "anonymous writes from it.",
    )
    reason = forms.CharField(max_length=500, help_text="The member sees it.")
    duration = forms.ChoiceField(choices=DURATION_CHOICES, required=False, label="Expires after")

    def clean_member(self):
        username = self.cleaned_data["member"].strip()
        if not username:
            return None
        member = get_user_model().objects.filter(username=username).first()
        if member is None:
            raise forms.ValidationError(f"There is no member called {username!r}.")
        return member

    def clean_ip_range(self):
        value = self.cleaned_data["ip_range"].strip()
        if value:
            return str(parse_network(value))
        return ""

    def clean(self):
        data = super().clean()
        if bool(data.get("member")) == bool(data.get("ip_range")) and not self.errors:
            raise forms.ValidationError("Block either a member or an IP range.")
        return data


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("reject", "Reject")])
    note = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required to reject; the author reads it.",
    )


class BulkRevertForm(forms.Form):
    member = forms.CharField(max_length=150, help_text="Whose edits to revert.")
    since = forms.DateTimeField(
        label="Edits since",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Time zone: UTC.",
    )
    reason = forms.CharField(max_length=500, required=False)

    def clean_member(self):
        username = self.cleaned_data["member"].strip()
        member = get_user_model().objects.filter(username=username).first()
        if member is None:
            raise forms.ValidationError(f"There is no member called {username!r}.")
        return member


class HideForm(forms.Form):
    reason = forms.CharField(max_length=300, help_text="Moderators see it beside the comment.")


class ReportCloseForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("resolve", "Resolved"), ("dismiss", "Dismissed")])
    note = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class LogFilterForm(forms.Form):
    action = forms.ChoiceField(choices=[("", "Any action"), *Action.choices], required=False)
    moderator = forms.CharField(max_length=150, required=False, label="Moderator")
    target = forms.CharField(
        max_length=200,
        required=False,
        help_text="A name, or type:id such as term:12 or member:3.",
    )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"action": "", "moderator": "", "target": ""}
        return {key: (self.cleaned_data.get(key) or "").strip() for key in self.fields}
