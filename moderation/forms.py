"""Forms of the moderation pages. They parse and check shape; the services decide."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
    ("", _("No expiry")),
    ("1h", _("1 hour")),
    ("1d", _("1 day")),
    ("3d", _("3 days")),
    ("1w", _("1 week")),
    ("1m", _("30 days")),
    ("3m", _("90 days")),
    ("1y", _("1 year")),
]


class ExpiryMixin:
    """An expiry chosen as a duration from now (no time zone to get wrong)."""

    def expires_at(self):
        delta = DURATIONS.get(self.cleaned_data.get("duration") or "")
        return timezone.now() + delta if delta else None


class ProtectForm(ExpiryMixin, forms.Form):
    level = forms.ChoiceField(
        choices=Level.choices, widget=forms.RadioSelect, label=_("Who may edit")
    )
    review = forms.BooleanField(
        required=False,
        label=_("Review changes instead of refusing them"),
        help_text=_(
            "Members below the level may still edit; their changes wait in the review "
            "queue, and readers see the last reviewed revision."
        ),
    )
    reason = forms.CharField(
        max_length=500, label=_("Reason"), help_text=_("Shown on the term's page and edit page.")
    )
    duration = forms.ChoiceField(choices=DURATION_CHOICES, required=False, label=_("Expires after"))


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, label=_("Reason"))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, required=False, label=_("Reason"))


class BlockForm(ExpiryMixin, forms.Form):
    member = forms.CharField(
        max_length=150, required=False, help_text=_("A member's username."), label=_("Member")
    )
    ip_range = forms.CharField(
        max_length=50,
        required=False,
        label=_("Or an IP range"),
        help_text=_(
            "An address or a CIDR range (e.g. 203.0.113.0/24): blocks sign-ups and "
            "anonymous writes from it."
        ),
    )
    reason = forms.CharField(max_length=500, label=_("Reason"), help_text=_("The member sees it."))
    duration = forms.ChoiceField(choices=DURATION_CHOICES, required=False, label=_("Expires after"))

    def clean_member(self):
        username = self.cleaned_data["member"].strip()
        if not username:
            return None
        member = get_user_model().objects.filter(username=username).first()
        if member is None:
            raise forms.ValidationError(
                gettext("There is no member called %(name)s.") % {"name": repr(username)}
            )
        return member

    def clean_ip_range(self):
        value = self.cleaned_data["ip_range"].strip()
        if value:
            return str(parse_network(value))
        return ""

    def clean(self):
        data = super().clean()
        if bool(data.get("member")) == bool(data.get("ip_range")) and not self.errors:
            raise forms.ValidationError(gettext("Block either a member or an IP range."))
        return data


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("reject", _("Reject"))])
    note = forms.CharField(
        max_length=500,
        required=False,
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to reject; the author reads it."),
    )


class BulkRevertForm(forms.Form):
    member = forms.CharField(
        max_length=150, label=_("Member"), help_text=_("Whose edits to revert.")
    )
    since = forms.DateTimeField(
        label=_("Edits since"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Time zone: UTC."),
    )
    reason = forms.CharField(max_length=500, required=False, label=_("Reason"))

    def clean_member(self):
        username = self.cleaned_data["member"].strip()
        member = get_user_model().objects.filter(username=username).first()
        if member is None:
            raise forms.ValidationError(
                gettext("There is no member called %(name)s.") % {"name": repr(username)}
            )
        return member


class HideForm(forms.Form):
    reason = forms.CharField(
        max_length=300, label=_("Reason"), help_text=_("Moderators see it beside the comment.")
    )


class ReportCloseForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("resolve", _("Resolved")), ("dismiss", _("Dismissed"))])
    note = forms.CharField(
        max_length=2000, label=_("Note"), widget=forms.Textarea(attrs={"rows": 2})
    )


class LogFilterForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("", _("Any action")), *Action.choices], required=False, label=_("Action")
    )
    moderator = forms.CharField(max_length=150, required=False, label=_("Moderator"))
    target = forms.CharField(
        max_length=200,
        required=False,
        label=_("Target"),
        help_text=_("A name, or type:id such as term:12 or member:3."),
    )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"action": "", "moderator": "", "target": ""}
        return {key: (self.cleaned_data.get(key) or "").strip() for key in self.fields}
