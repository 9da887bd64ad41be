"""Forms parse and check input; saving is ``discussion.services`` (which checks again)."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wiki.forms import TermForm
from wiki.models import Term

from .models import MAX_COMMENT_LENGTH, MAX_REPORT_LENGTH, Comment, MemberSettings

BODY_HELP = _("Markdown. Link to terms with [[Term title]].")
EMPTY = _("The comment is empty: write something first.")


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        strip=False,
        # No max_length on the widget: a longer text gets a clear error instead of being cut.
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "true"}),
        help_text=BODY_HELP,
        error_messages={"required": EMPTY},
    )
    parent = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**63 - 1
    )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(EMPTY)
        if len(body) > MAX_COMMENT_LENGTH:
            raise forms.ValidationError(
                gettext("The comment is %(length)s characters long; the limit is %(limit)s.")
                % {"length": f"{len(body):,}", "limit": f"{MAX_COMMENT_LENGTH:,}"}
            )
        return body


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with it?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_REPORT_LENGTH,
        error_messages={"required": _("Say what is wrong: a reason is required.")},
        help_text=_("Moderators read every report. Say what the problem is, briefly."),
    )


class MemberSettingsForm(forms.ModelForm):
    class Meta:
        model = MemberSettings
        fields = ["follow_on_edit", "follow_on_comment", "email_notifications"]
        labels = {
            "follow_on_edit": _("Follow terms I create or edit"),
            "follow_on_comment": _("Follow terms I comment on"),
            "email_notifications": _("Email me my notifications"),
        }


def promotion_initial(term: Term, comment: Comment) -> dict[str, object]:
    """The editor's starting values for "add to the term": the current revision, with the
    comment quoted and attributed at the end of the body, and the summary filled in."""
    initial = TermForm.initial_for(term)
    name = comment.author.public_name
    profile = comment.author.get_absolute_url()
    quoted = "\n".join(f"> {line}".rstrip() for line in comment.body.split("\n"))
    link = reverse("discussion:comment_detail", kwargs={"pk": comment.pk})
    block = f"{quoted}\n>\n> — [{_escape_brackets(name)}]({profile}), [in the discussion]({link})\n"
    body = str(initial["body"]).rstrip("\n")
    initial["body"] = f"{body}\n\n{block}" if body else block
    initial["summary"] = gettext("From the discussion: comment by %(name)s") % {"name": name}
    return initial


def _escape_brackets(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
