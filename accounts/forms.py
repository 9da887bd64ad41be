from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.template import loader
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from config.tasks import enqueue_on_commit

from .models import User


def run_name_validators(setting: str, value: str, *, user: User | None = None) -> None:
    """The checks another app configures for names (look-alikes of other members' names),
    named in ``settings.<setting>`` so that accounts imports no other app."""
    for path in getattr(settings, setting, ()):
        import_string(path)(value, user=user)


class SignupForm(UserCreationForm):
    """Username, email and password twice, checked by Django's password validators."""

    email = forms.EmailField(
        label=_("Email"),
        help_text=_("Only used to reset your password; never shown to others."),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_username(self) -> str:
        username = super().clean_username()
        if username and "username" not in self.errors:
            run_name_validators("ACCOUNTS_USERNAME_VALIDATORS", username)
        return username

    def clean_email(self) -> str:
        # Whether an address is registered is never said here (nor by the password reset):
        # an address is not proof of identity without a confirmation mail, so the sign-up
        # accepts it either way, and the reset mail goes to every account that uses it.
        return User.objects.normalize_email(self.cleaned_data["email"])


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the mail is sent by a background task after the response.

    Sending in the request made a known address answer measurably slower than an unknown
    one, which told anyone whether it is registered; now both answer alike. The mail is
    rendered here (the link needs this request's token) and only sent later.
    """

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        from .tasks import send_account_mail

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        enqueue_on_commit(send_account_mail, subject, body, to_email)


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        max_length=User._meta.get_field("display_name").max_length,
        label=_("Display name"),
        required=False,
        help_text=_("Shown instead of your username. Leave empty to use your username."),
    )
    bio = forms.CharField(
        label=_("Short bio"),
        max_length=User._meta.get_field("bio").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("A few lines about you. Markdown works; headings do not."),
    )

    def __init__(self, *args, member: User | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if name:
            run_name_validators("ACCOUNTS_DISPLAY_NAME_VALIDATORS", name, user=self.member)
        return name


class LoginForm(AuthenticationForm):
    """Log in; a deactivated member who gives the right password is told the account is
    deactivated, not that the password is wrong.

    ``ModelBackend`` does not authenticate inactive users at all, so Django's form can only
    say "incorrect". This checks the password of an inactive account itself, here only
    (``AllowAllUsersModelBackend``'s semantics without installing it, which would also
    keep a deactivated member's existing sessions valid), and only after authentication
    failed, so the backends (and the login lockout among them) run as before. Someone
    without the password learns nothing about the account.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "inactive": _(
            "This account has been deactivated, so it cannot log in. "
            "If you think this is a mistake, contact the site's staff."
        ),
    }

    def clean(self):
        try:
            return super().clean()
        except ValidationError as error:
            if error.code == "invalid_login" and (inactive := self._inactive_user()):
                self.confirm_login_allowed(inactive)  # raises "inactive"
            raise

    def _inactive_user(self) -> User | None:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return None
        user = User._default_manager.filter(
            **{User.USERNAME_FIELD: username}, is_active=False
        ).first()
        return user if user is not None and user.check_password(password) else None
