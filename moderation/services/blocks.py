"""Blocking members and IP ranges, and lifting blocks."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import policy
from ..exceptions import ModerationError
from ..models import Action, Block, parse_network
from .log import log_action, when

if TYPE_CHECKING:
    from accounts.models import User

MIN_IPV4_PREFIX = 16  # a /16 is 65,536 addresses; wider ranges block whole providers
MIN_IPV6_PREFIX = 32


def _state(block: Block) -> dict:
    return {
        "blocked": block.is_active,
        "reason": block.reason,
        "expires_at": when(block.expires_at),
        "lifted_at": when(block.lifted_at),
    }


def _clean(reason: str, expires_at: datetime | None) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise ModerationError(
            _("Give a reason: the member sees it, and the log keeps it."), field="reason"
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ModerationError(_("The expiry must be in the future."), field="expires_at")
    return reason


def member_block(
    *, member: User, moderator: User, reason: str, expires_at: datetime | None = None
) -> Block:
    """Block ``member`` from writing (edit, comment, report, profile) until ``expires_at``."""
    if not policy.can_block(moderator, member):
        raise ModerationError(
            _("You cannot block this member (yourself, or a moderator: only admins block those).")
        )
    reason = _clean(reason, expires_at)
    with transaction.atomic():
        earlier = [_state(b) for b in Block.objects.active().filter(user=member)]
        block = Block.objects.create(
            user=member, reason=reason, expires_at=expires_at, created_by=moderator
        )
        log_action(
            action=Action.BLOCK,
            moderator=moderator,
            target_type="member",
            target_id=member.pk,
            target_label=member.get_username(),
            target_url=resolve_url(member),
            reason=reason,
            before={"active_blocks": earlier},
            after=_state(block),
        )
    policy.forget(member, "_moderation_block")
    return block


def ip_block(
    *, ip_range: str, moderator: User, reason: str, expires_at: datetime | None = None
) -> Block:
    """Block sign-ups and anonymous writes from an address or a range."""
    if not policy.can_moderate(moderator):
        raise ModerationError(_("Only moderators block addresses."))
    network = parse_network(ip_range)
    narrowest = MIN_IPV4_PREFIX if network.version == 4 else MIN_IPV6_PREFIX
    if network.prefixlen < narrowest:
        raise ModerationError(
            _("%(network)s is too wide; block at most a /%(prefix)s.")
            % {"network": network, "prefix": narrowest},
            field="ip_range",
        )
    reason = _clean(reason, expires_at)
    with transaction.atomic():
        block = Block.objects.create(
            ip_range=str(network), reason=reason, expires_at=expires_at, created_by=moderator
        )
        log_action(
            action=Action.BLOCK,
            moderator=moderator,
            target_type="ip_range",
            target_id=str(network),
            target_label=str(network),
            reason=reason,
            before={},
            after=_state(block),
        )
    return block


def block_lift(*, block: Block, moderator: User, reason: str = "") -> Block:
    """Unblock now; the block row stays, marked lifted, and the log says who and why."""
    if not policy.can_moderate(moderator):
        raise ModerationError(_("Only moderators lift blocks."))
    with transaction.atomic():
        block = Block.objects.select_for_update().get(pk=block.pk)
        if not block.is_active:
            raise ModerationError(_("This block no longer applies (it was lifted or has expired)."))
        before = _state(block)
        block.lifted_at = timezone.now()
        block.lifted_by = moderator
        block.save(update_fields=["lifted_at", "lifted_by"])
        member = block.user
        log_action(
            action=Action.UNBLOCK,
            moderator=moderator,
            target_type="member" if member else "ip_range",
            target_id=member.pk if member else block.ip_range,
            target_label=member.get_username() if member else block.ip_range,
            target_url=resolve_url(member) if member else "",
            reason=" ".join(reason.split()),
            before=before,
            after=_state(block),
        )
    return block
