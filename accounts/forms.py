from django import forms
from django.contrib.auth.forms import UserCreationForm

from .models import User


class SignupForm(UserCreationForm):
    """Username, email and password twice, checked by Django's password validators."""

    email = forms.EmailField(
        help_text="Only used to reset your password; never shown to others.",
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email address already exists. "
                "Log in, or reset your password if you have forgotten it."
            )
        return email


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        max_length=User._meta.get_field("display_name").max_length,
        required=False,
        help_text="Shown instead of your username. Leave empty to use your username.",
    )
    bio = forms.CharField(
        label="Short bio",
        max_length=User._meta.get_field("bio").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="A few lines about you. Markdown works; headings do not.",
    )
