"""Sign-up and editing one's profile. Log in, log out and passwords are Django's own views
(configured in ``accounts.urls``). The public profile page, which lists a member's work,
belongs to the apps that own that work (``wiki.views.members``)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import ProfileForm, SignupForm
from .models import ApiToken, User
from .services import ProfileError, profile_update


def signup(request):
    next_url = safe_next_url(request)
    if request.user.is_authenticated:
        return redirect(next_url)
    form = SignupForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Welcome, %(name)s! You are signed up and logged in.") % {"name": user.username},
        )
        return redirect(next_url)
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


@login_required
def profile_edit(request, username: str):
    member = _own_profile(request, username)
    initial = {"display_name": member.display_name, "bio": member.bio}
    form = ProfileForm(
        request.POST if request.method == "POST" else None, initial=initial, member=member
    )
    if form.is_valid():
        try:
            profile_update(user=member, **form.cleaned_data)
        except ProfileError as error:
            form.add_error("bio", str(error))
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect(member)  # type: ignore[call-overload]
    return _profile_page(request, member, form)


@require_POST
@login_required
def api_token_create(request, username: str):
    """Make a personal API token and show it once, on this response only (never stored)."""
    member = _own_profile(request, username)
    try:
        _token, raw = services.api_token_create(user=member, name=request.POST.get("name", ""))
    except services.TokenError as error:
        return _profile_page(request, member, token_error=str(error), status=409)
    return _profile_page(request, member, new_token=raw, status=201)


@require_POST
@login_required
def api_token_revoke(request, username: str, pk: int):
    """Revoking one's own token always works, blocked or not: it only takes power away."""
    member = get_object_or_404(User, username=username, pk=request.user.pk)
    token = get_object_or_404(ApiToken, pk=pk, user=member)
    services.api_token_revoke(token=token)
    messages.success(request, _("The token %(prefix)s… is revoked.") % {"prefix": token.prefix})
    return redirect("accounts:profile_edit", username=member.username)


def _own_profile(request, username: str) -> User:
    member = get_object_or_404(User, username=username, is_active=True)
    if not import_string(settings.ACCOUNTS_CAN_EDIT_PROFILE)(request.user, member):
        raise PermissionDenied(_("You can only edit your own profile."))
    return member


def _profile_page(request, member, form=None, *, new_token="", token_error="", status=200):
    """The profile form with the member's API tokens; a new token appears here once, on a
    response no cache may keep."""
    if form is None:
        form = ProfileForm(initial={"display_name": member.display_name, "bio": member.bio})
    context = {
        "form": form,
        "member": member,
        "tokens": ApiToken.objects.filter(user=member, revoked_at__isnull=True),
        "new_token": new_token,
        "token_error": token_error,
    }
    response = render(request, "accounts/profile_form.html", context, status=status)
    patch_cache_control(response, private=True, no_store=True)
    return response


def safe_next_url(request) -> str:
    """``next`` from the query or form when it points into this site, else the home page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("wiki:home")


class LogoutView(auth_views.LogoutView):
    """Log out on POST (Django's rule); a GET, e.g. a bookmarked link, asks to confirm."""

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        return render(request, "accounts/logout_confirm.html")
