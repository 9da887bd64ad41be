"""Fixtures for moderation: a moderator, a blocked member, protected terms; a clean cache."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.utils import timezone

from moderation import services
from moderation.policy import MODERATORS_GROUP
from tests.factories import make_term, make_user


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate-limit counters and cached previews live in the cache: each test starts afresh."""
    cache.clear()
    yield
    cache.clear()


def make_moderator(username: str = "mod"):
    """A member of the Moderators group (made by a data migration; made again here for tests
    whose database was flushed, as live-server tests are)."""
    user = make_user(username)
    group, created = Group.objects.get_or_create(name=MODERATORS_GROUP)
    if created:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="moderation", codename="moderate")
        )
    user.groups.add(group)
    return user


def make_trusted(username: str = "trusty", *, edits: int = 10, days: int = 30):
    """A member old enough and with enough published edits to be trusted."""
    user = make_user(username)
    user.date_joined = timezone.now() - timedelta(days=days)
    user.save(update_fields=["date_joined"])
    for n in range(edits):
        make_term(f"{username} work {n}", author=user)
    return user


@pytest.fixture
def moderator(db):
    return make_moderator()


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def blocked(db, moderator):
    user = make_user("blocky")
    services.member_block(member=user, moderator=moderator, reason="Spam in three terms")
    return user


@pytest.fixture
def blocked_client(client, blocked):
    client.force_login(blocked)
    return client
