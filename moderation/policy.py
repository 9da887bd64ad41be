"""Who may do what: answered here once, and asked by views, templates (``{% load policy %}``),
the API and the admin alike. Every other app asks; none decides for itself.

Roles, lowest first: reader (anonymous), member, trusted member (automatic: an account older
than ``MODERATION_TRUSTED_MIN_DAYS`` with at least ``MODERATION_TRUSTED_MIN_EDITS`` published
revisions), moderator (the "Moderators" group, i.e. the ``moderation.moderate`` permission), and
admin (staff). Every rule that lets a member write consults the member's block first.

Functions answering "may they, and if not, why?" return a ``Decision``, which is falsy when
refused and carries the reason a page shows. Answers that need the database are cached on the
user (and term) object, so a page asking several times costs one query per question.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _

from .models import Block, Level, Protection

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from wiki.models import Term

    AnyUser = User | AnonymousUser

T = TypeVar("T")

READER, MEMBER, TRUSTED, MODERATOR, ADMIN = "reader", "member", "trusted", "moderator", "admin"
ROLE_ORDER = (READER, MEMBER, TRUSTED, MODERATOR, ADMIN)
MODERATE_PERMISSION = "moderation.moderate"
MODERATORS_GROUP = "Moderators"


@dataclass(frozen=True)
class Decision:
    """An answer with its reason. ``pending``: allowed, but the change waits for review."""

    allowed: bool
    reason: str = ""
    pending: bool = False

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


def _memo(obj: Any, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per object: a request's user and term carry their answers."""
    cache = obj.__dict__
    if name not in cache:
        cache[name] = compute()
    return cache[name]


def forget(obj: Any, name: str) -> None:
    """Drop a remembered answer (after a service changed it)."""
    obj.__dict__.pop(name, None)


# -- Roles ---------------------------------------------------------------------------------


def is_member(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_admin(user: AnyUser) -> bool:
    return is_member(user) and bool(user.is_staff)


def is_moderator(user: AnyUser) -> bool:
    """Moderators (the permission, usually through the group) and admins."""
    if not is_member(user):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return _memo(user, "_moderation_moderator", lambda: _has_moderate_permission(user))


def _has_moderate_permission(user: AnyUser) -> bool:
    """One query, directly or through a group (``has_perm`` would load every permission)."""
    from django.contrib.auth.models import Permission

    app_label, codename = MODERATE_PERMISSION.split(".")
    return (
        Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        .filter(Q(user=user) | Q(group__user=user))
        .exists()
    )


def is_trusted(user: AnyUser) -> bool:
    """Old enough and with enough published edits; moderators are trusted too."""
    if not is_member(user):
        return False
    if is_moderator(user):
        return True
    return _memo(user, "_moderation_trusted", lambda: _earned_trust(user))  # type: ignore[arg-type]


def _earned_trust(user: User) -> bool:
    from wiki.models import Revision

    days = settings.MODERATION_TRUSTED_MIN_DAYS
    edits = settings.MODERATION_TRUSTED_MIN_EDITS
    if user.date_joined > timezone.now() - timedelta(days=days):
        return False
    # Sliced count: stops at ``edits`` rows however prolific the member is.
    return Revision.objects.filter(author=user)[:edits].count() >= edits


def role(user: AnyUser) -> str:
    if not is_member(user):
        return READER
    if is_admin(user):
        return ADMIN
    if is_moderator(user):
        return MODERATOR
    return TRUSTED if is_trusted(user) else MEMBER


def trust_rule() -> str:
    days = settings.MODERATION_TRUSTED_MIN_DAYS
    edits = settings.MODERATION_TRUSTED_MIN_EDITS
    return _("at least %(days)s days a member, with at least %(edits)s published edits") % {
        "days": days,
        "edits": edits,
    }


# -- Blocks ----------------------------------------------------------------------------------


def active_block(user: AnyUser) -> Block | None:
    """The member's block in force now, if any (the one that lasts longest)."""
    if not user.is_authenticated:
        return None
    return _memo(user, "_moderation_block", lambda: _longest_block(user))


def _longest_block(user: AnyUser) -> Block | None:
    blocks = list(Block.objects.active().filter(user=user).order_by("-created_at"))
    indefinite = [b for b in blocks if b.expires_at is None]
    if indefinite:
        return indefinite[0]
    return max(blocks, key=lambda b: b.expires_at or timezone.now(), default=None)


def block_message(block: Block) -> str:
    until = (
        _("until %(when)s") % {"when": _when(block.expires_at)}
        if block.expires_at
        else _("until a moderator lifts it")
    )
    return _(
        "Your account is blocked %(until)s: you can read and log in, but not edit, comment, "
        "report or change your profile. Reason: %(reason)s"
    ) % {"until": until, "reason": block.reason}


def ip_block_for(address: str) -> Block | None:
    """The block in force over ``address``, if any (IP-range blocks are few; no index needed)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    for block in Block.objects.active().exclude(ip_range="").order_by("-created_at"):
        network = block.network()
        if network is not None and ip.version == network.version and ip in network:
            return block
    return None


def ip_block_message(block: Block) -> str:
    until = (
        _("until %(when)s") % {"when": _when(block.expires_at)}
        if block.expires_at
        else _("until further notice")
    )
    return _(
        "Sign-ups and anonymous changes from your network are blocked %(until)s. Reason: %(reason)s"
    ) % {"until": until, "reason": block.reason}


def write_decision(user: AnyUser, *, verb: str = "edit") -> Decision:
    """What every member write needs: a logged-in, active member who is not blocked."""
    if not user.is_authenticated:
        log_in = {"comment": _("Log in to comment."), "report": _("Log in to report.")}
        return Decision(False, log_in.get(verb) or _("Log in to edit."))
    if not user.is_active:
        return Decision(False, _("This account is deactivated."))
    block = active_block(user)
    if block is not None:
        return Decision(False, block_message(block))
    return ALLOWED


# -- Terms -----------------------------------------------------------------------------------


def protection_for(term: Term) -> Protection | None:
    """The term's protection if it is in force now; an expired one no longer applies."""
    if term.pk is None:
        return None
    if "protection" in term._state.fields_cache:  # select_related("protection") saved a query
        joined = term._state.fields_cache["protection"]
        return joined if joined is not None and joined.is_active else None
    return _memo(
        term,
        "_moderation_protection",
        lambda: Protection.objects.active().select_related("created_by").filter(term=term).first(),
    )


def meets_level(user: AnyUser, level: str) -> bool:
    if level == Level.MODERATORS:
        return is_moderator(user)
    return is_trusted(user)


def protection_message(protection: Protection) -> str:
    until = (
        " " + _("until %(when)s") % {"when": _when(protection.expires_at)}
        if protection.expires_at
        else ""
    )
    moderators = protection.level == Level.MODERATORS
    if protection.review and moderators:
        rule = _(
            "changes by anyone but a moderator wait for a moderator's review "
            "before readers see them"
        )
    elif protection.review:
        rule = _(
            "changes by members not yet trusted (%(trust)s) wait for a moderator's review "
            "before readers see them"
        ) % {"trust": trust_rule()}
    elif moderators:
        rule = _("only moderators may edit it")
    else:
        rule = _("only trusted members (%(trust)s) and moderators may edit it") % {
            "trust": trust_rule()
        }
    return _("This term is protected%(until)s: %(rule)s. Reason: %(reason)s") % {
        "until": until,
        "rule": rule,
        "reason": protection.reason,
    }


def edit_decision(user: AnyUser, term: Term | None) -> Decision:
    """May ``user`` edit ``term`` (or create a term, when None), publish at once or for review?"""
    decision = write_decision(user)
    if not decision or term is None:
        return decision
    protection = protection_for(term)
    if protection is None or meets_level(user, protection.level):
        return ALLOWED
    message = protection_message(protection)
    if protection.review:
        return Decision(True, message, pending=True)
    return Decision(False, message)


def can_edit_terms(user: AnyUser) -> bool:
    """Create terms and use the editor's preview: members who are not blocked."""
    return write_decision(user).allowed


def can_edit_term(user: AnyUser, term: Term) -> bool:
    """Publish a change to ``term`` directly (edit, revert, relink). A member whose edits go to
    review gets False here: the edit view asks ``edit_decision`` to route them."""
    decision = edit_decision(user, term)
    return decision.allowed and not decision.pending


def can_edit_profile(user: AnyUser, profile_user: User) -> bool:
    """Members edit their own profile only (staff change others' in the admin)."""
    return write_decision(user).allowed and user.pk == profile_user.pk


# -- Discussion ------------------------------------------------------------------------------


def can_comment(user: AnyUser, term: Term | None = None) -> bool:
    return write_decision(user, verb="comment").allowed


def can_report(user: AnyUser) -> bool:
    return write_decision(user, verb="report").allowed


def can_see_hidden(user: AnyUser) -> bool:
    """Hidden comments stay visible, with their reason, to moderators."""
    return is_moderator(user)


def can_edit_comment(user: AnyUser, comment) -> bool:
    """Only its author, while it is shown. Asked once per comment on a page: no query here
    beyond the member's block, which ``active_block`` caches on the user."""
    return (
        user.is_authenticated
        and comment.author_id == user.pk
        and comment.deleted_at is None
        and comment.hidden_at is None
        and write_decision(user, verb="comment").allowed
    )


def can_delete_comment(user: AnyUser, comment) -> bool:
    """Only its author (moderators hide comments instead, which keeps the text for review)."""
    return (
        user.is_authenticated
        and comment.author_id == user.pk
        and comment.deleted_at is None
        and write_decision(user, verb="comment").allowed
    )


def can_promote(user: AnyUser, term: Term) -> bool:
    """Add a comment to the term's text: whoever may publish an edit of the term."""
    return can_edit_term(user, term)


def can_follow(user: AnyUser, term: Term) -> bool:
    """Following only changes what the member hears about; blocked members may still follow."""
    return is_member(user)


# -- Moderation ------------------------------------------------------------------------------


def can_moderate(user: AnyUser) -> bool:
    return is_moderator(user)


def can_block(user: AnyUser, target: User) -> bool:
    """Moderators block members; only admins block moderators; nobody blocks themselves."""
    if not is_moderator(user) or target.pk == user.pk:
        return False
    return is_admin(user) or not is_moderator(target)


def is_rate_limit_exempt(user: AnyUser) -> bool:
    return is_moderator(user)


# -- Rate limits, for apps that may import only the policy (wiki) ---------------------------


def rate_limited(action):
    """``@rate_limited("edit")``: see ``moderation.ratelimit.rate_limited``."""
    from .ratelimit import rate_limited as decorator

    return decorator(action)


def preview_response(request, content: str, render):
    """The editor's preview, limited and cached: see ``moderation.ratelimit``."""
    from .ratelimit import preview_response as respond

    return respond(request, content, render)


def _when(moment) -> str:
    return format_date(timezone.localtime(moment), "j F Y, H:i T")
