"""Roles and the rules every other app asks: who is trusted, who is a moderator, expiry."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from moderation import policy, services
from moderation.models import Block, Level, Protection
from tests.factories import make_term, make_user

from .conftest import make_moderator, make_trusted

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as a new request would load it (no cached answers)."""
    return type(user).objects.get(pk=user.pk)


def test_roles_from_reader_to_admin(settings):
    settings.MODERATION_TRUSTED_MIN_EDITS = 3
    admin = make_user("root", is_staff=True)
    assert policy.role(AnonymousUser()) == policy.READER
    assert policy.role(make_user("newbie")) == policy.MEMBER
    assert policy.role(make_trusted("old", edits=3)) == policy.TRUSTED
    assert policy.role(make_moderator("mo")) == policy.MODERATOR
    assert policy.role(admin) == policy.ADMIN
    assert policy.can_moderate(admin) and policy.is_trusted(admin)


def test_trust_needs_both_age_and_accepted_edits(settings):
    settings.MODERATION_TRUSTED_MIN_DAYS = 7
    settings.MODERATION_TRUSTED_MIN_EDITS = 2
    young = make_user("young")
    for n in range(3):
        make_term(f"Young {n}", author=young)
    assert not policy.is_trusted(fresh(young))
    assert not policy.is_trusted(make_trusted("idle", edits=1))
    assert policy.is_trusted(make_trusted("earned", edits=2))


def test_an_inactive_moderator_has_no_powers():
    mod = make_moderator("gone")
    mod.is_active = False
    mod.save()
    assert not policy.can_moderate(fresh(mod))
    assert policy.role(fresh(mod)) == policy.READER


def test_blocked_member_may_not_write_and_is_told_why_and_until_when(moderator):
    member = make_user("bob")
    until = timezone.now() + timedelta(days=3)
    services.member_block(member=member, moderator=moderator, reason="Vandalism", expires_at=until)
    member = fresh(member)
    decision = policy.write_decision(member)
    assert not decision
    assert "Vandalism" in decision.reason and str(until.year) in decision.reason
    term = make_term("Alpha")
    assert not policy.can_edit_terms(member)
    assert not policy.can_edit_term(member, term)
    assert not policy.edit_decision(member, term)
    assert not policy.can_comment(member, term)
    assert not policy.can_report(member)
    assert not policy.can_edit_profile(member, member)


def test_a_block_expires_on_time_without_any_job(moderator):
    member = make_user("bob")
    services.member_block(
        member=member,
        moderator=moderator,
        reason="Cool down",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    assert not policy.can_edit_terms(fresh(member))
    # An hour later: the same row, nothing ran, and the block no longer applies.
    Block.objects.filter(user=member).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert policy.can_edit_terms(fresh(member))
    assert Block.objects.filter(user=member).exists()


def test_a_protection_expires_on_time(moderator):
    term = make_term("Alpha")
    services.term_protect(
        term=term,
        moderator=moderator,
        level=Level.MODERATORS,
        reason="Edit war",
        expires_at=timezone.now() + timedelta(minutes=5),
    )
    member = make_user("bob")
    assert not policy.edit_decision(member, make_term_fresh(term))
    Protection.objects.filter(term=term).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert policy.edit_decision(fresh(member), make_term_fresh(term))


def make_term_fresh(term):
    return type(term).objects.get(pk=term.pk)


def test_protection_levels(settings, moderator):
    settings.MODERATION_TRUSTED_MIN_EDITS = 1
    term = make_term("Alpha")
    member, trusted = make_user("bob"), make_trusted("tina", edits=1)
    services.term_protect(term=term, moderator=moderator, level=Level.TRUSTED, reason="Popular")
    term = make_term_fresh(term)
    refused = policy.edit_decision(member, term)
    assert not refused and "trusted members" in refused.reason and "Popular" in refused.reason
    assert policy.edit_decision(trusted, term) and policy.edit_decision(moderator, term)
    services.term_protect(term=term, moderator=moderator, level=Level.MODERATORS, reason="War")
    term = make_term_fresh(term)
    assert not policy.edit_decision(fresh(trusted), term)
    assert policy.can_edit_term(moderator, term)


def test_review_protection_lets_members_submit_for_review(moderator):
    term = make_term("Alpha")
    services.term_protect(
        term=term, moderator=moderator, level=Level.TRUSTED, review=True, reason="New topic"
    )
    decision = policy.edit_decision(make_user("bob"), make_term_fresh(term))
    assert decision.allowed and decision.pending and "review" in decision.reason
    # Publishing directly (revert, relink) is still refused to them.
    assert not policy.can_edit_term(make_user("carl"), make_term_fresh(term))
    assert not policy.edit_decision(moderator, make_term_fresh(term)).pending


def test_moderators_cannot_block_themselves_or_other_moderators_only_admins_can(moderator):
    other = make_moderator("mo2")
    admin = make_user("root", is_staff=True)
    assert not policy.can_block(moderator, moderator)
    assert not policy.can_block(moderator, other)
    assert not policy.can_block(moderator, admin)
    assert policy.can_block(admin, other)
    assert policy.can_block(moderator, make_user("bob"))


def test_ip_range_blocks_match_addresses_in_the_range(moderator):
    services.ip_block(ip_range="203.0.113.7/24", moderator=moderator, reason="Spam wave")
    assert policy.ip_block_for("203.0.113.200").reason == "Spam wave"
    assert policy.ip_block_for("203.0.114.1") is None
    assert policy.ip_block_for("2001:db8::1") is None
    assert policy.ip_block_for("not an address") is None
