"""Every URL pattern, walked as anonymous, a member, another member and staff.

Builds on the moderation sweep (tests/moderation/test_sweep.py: its URL table, its fixture and
its table fingerprint), which checks each role's exact answer to a GET. This one asks, of the
same patterns and the admin's with real objects:
- no answer is a 500, to a GET or to any POST (empty, or with NUL in every field);
- GET never changes a table, for any of the four roles, staff included;
- a state change needs POST *and* CSRF: POST, PUT, PATCH and DELETE without a CSRF token are
  refused and change nothing, whoever sends them;
- another member reaches neither the member's private pages nor their things: with a valid
  CSRF token, their profile, comments, tokens, notifications and pending change stay theirs,
  and a member's POSTs to moderation and admin pages change nothing.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from accounts.models import ApiToken
from accounts.services import api_token_create
from discussion.models import Comment, Notification
from moderation.models import Block, LogEntry, PendingChange, Protection
from tests.factories import make_user
from tests.moderation.conftest import moderator  # noqa: F401 - the fixture ``site`` needs
from tests.moderation.test_sweep import (
    ADMIN_EXCEPTIONS,
    EXPECTED,
    admin_path,
    fingerprint,
    site,  # noqa: F401 - the fixture
    url_patterns,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROLES = ("anonymous", "member", "other", "staff")
UNSAFE = ("post", "put", "patch", "delete")
# Pages only their owner may open (the moderation sweep's AUTHOR_ONLY rows).
PRIVATE = (
    "accounts:profile_edit",
    "discussion:comment_edit",
    "discussion:comment_delete",
    "moderation:pending_detail",
)
# Views that take a POST without a CSRF token on purpose, and why; they still change no table
# (the fingerprint check below holds for them too).
CSRF_EXEMPT = {
    "set_language": "sets only the interface-language cookie (config/urls.py says why)",
}
_ADMIN_MODEL = re.compile(r"^admin:(?P<app>[a-z_]+?)_(?P<model>[a-z]+)_(?P<action>[a-z_]+)$")


@pytest.fixture
def world(site):  # noqa: F811 - the moderation sweep's fixture
    """The moderation sweep's site, with another member (carl), staff and alice's token."""
    users = {
        "member": site["users"]["member"],
        "other": get_user_model().objects.get(username="carl"),
        "staff": make_user("root", is_staff=True, is_superuser=True),
    }
    token, _raw = api_token_create(user=users["member"])
    return {**site, "users": users, "token": token}


def client_for(world, role: str, *, csrf: bool = True) -> Client:
    """A client that answers 500s instead of raising; with ``csrf``, it sends a valid token
    with every request (header and cookie), as a form on the site would."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world["users"][role])
    if csrf:
        secret = _get_new_csrf_string()
        client.cookies["csrftoken"] = secret
        client.defaults["HTTP_X_CSRFTOKEN"] = secret
    return client


def admin_objects() -> dict[str, str]:
    """The first primary key of every model, for admin addresses (1 when there is none)."""
    found = {}
    for model in apps.get_models():
        pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        found[f"{model._meta.app_label}_{model._meta.model_name}"] = str(pk or 1)
    return found


def addresses(world) -> list[tuple[str, str]]:
    """(URL name, address) for every pattern the site answers."""
    ids = {**world["ids"], "token": world["token"].pk}
    pks = admin_objects()
    result, seen = [], set()
    for name, route in url_patterns():
        if name in seen:
            continue
        seen.add(name)
        if name in EXPECTED or name in ADMIN_EXCEPTIONS:
            path = (EXPECTED | ADMIN_EXCEPTIONS)[name][0].format(**ids)
        elif name.startswith("admin:"):
            path = admin_path(route)
            match = _ADMIN_MODEL.match(name)
            if match and "<path:object_id>" in route:
                pk = pks.get(f"{match['app']}_{match['model']}", "1")
                path = admin_path(route.replace("<path:object_id>", pk))
            path = path.replace("<id>", pks.get("accounts_user", "1"))
        else:
            raise AssertionError(f"{name} is not in the moderation sweep's EXPECTED table")
        result.append((name, path))
    return result


def test_get_changes_nothing_and_never_answers_500(world):
    clients = {role: client_for(world, role) for role in ROLES}
    walked, problems = addresses(world), []
    before = fingerprint()
    for name, path in walked:
        for role in ROLES:
            status = clients[role].get(path).status_code
            if status >= 500:
                problems.append(f"GET {path} as {role}: {status}")
            if role == "other" and name in PRIVATE and status not in (403, 404):
                problems.append(f"GET {path} as another member: {status}")
    after = fingerprint()
    changed = [table for table in before if before[table] != after.get(table)]
    assert not problems, "\n".join(problems)
    assert not changed, f"A GET changed {changed}"
    assert len(walked) > 160
    print(f"\nURL sweep: {len(walked)} URL patterns x {len(ROLES)} roles")


def test_every_state_change_needs_post_and_csrf(world):
    clients = {role: client_for(world, role, csrf=False) for role in ROLES}
    problems = []
    for name, path in addresses(world):
        before = fingerprint()
        for role in ROLES:
            for method in UNSAFE:
                status = getattr(clients[role], method)(path).status_code
                api = name.startswith("api-v1:")  # token auth, no cookies: no CSRF to need
                allowed = {401, 403, 404, 405} if api else {403, 405}
                if status not in allowed and name not in CSRF_EXEMPT:
                    problems.append(f"{method.upper()} {path} as {role} without CSRF: {status}")
        changed = [table for table, digest in fingerprint().items() if before[table] != digest]
        if changed:
            problems.append(f"{name}: a refused request changed {changed}")
    assert not problems, "\n".join(problems[:40])


def test_no_post_answers_500_even_with_nul_everywhere(world):
    problems = []
    junk = {"body": "x\x00", "title": "\x00", "from": "a\x00b", "next": "\x00//evil", "q": "\x00"}
    for role in ROLES:
        client = client_for(world, role)
        for name, path in addresses(world):
            # The admin's forms are Django's own: an empty POST to each is enough there.
            for data in ({},) if name.startswith("admin:") else ({}, junk):
                status = client.post(path, data).status_code
                if status >= 500:
                    problems.append(f"POST {path} as {role} with {sorted(data)}: {status}")
            if role != "anonymous" and "_auth_user_id" not in client.session:
                client.force_login(world["users"][role])  # it posted to a log-out
    assert not problems, "\n".join(problems[:40])


def test_another_member_changes_nothing_of_the_members(world):
    alice, token = world["users"]["member"], world["token"]
    ids = world["ids"]
    own = {
        "user": list(get_user_model().objects.filter(pk=alice.pk).values()),
        "comments": list(Comment.objects.filter(author=alice).values()),
        "tokens": list(ApiToken.objects.filter(user=alice).values()),
        "notifications": list(Notification.objects.filter(recipient=alice).values()),
        "pending": list(PendingChange.objects.filter(author=alice).values()),
    }
    moderation_rows = [m.objects.count() for m in (Block, Protection, LogEntry)]
    other = client_for(world, "other")
    attempts = {
        "/members/alice/edit/": {"display_name": "Mallory", "bio": "mine now"},
        f"/members/alice/tokens/{token.pk}/revoke/": {},
        "/members/alice/tokens/": {"name": "for carl"},
        f"/comments/{ids['own_comment']}/edit/": {"body": "edited by carl"},
        f"/comments/{ids['own_comment']}/delete/": {},
        f"/notifications/{ids['notification']}/open/": {},
        f"/moderation/pending/{ids['pending']}/": {"action": "accept", "note": "x"},
        "/moderation/terms/alpha/protect/": {"level": "moderators", "reason": "mine"},
        "/moderation/terms/alpha/unprotect/": {},
        "/moderation/terms/alpha/rollback/": {"member": str(alice.pk)},
        "/moderation/blocks/new/": {"username": "alice", "reason": "x"},
        f"/moderation/blocks/{ids['block']}/lift/": {},
        f"/moderation/reports/{ids['report']}/close/": {"action": "dismiss"},
        f"/moderation/comments/{ids['own_comment']}/hide/": {"reason": "x"},
        f"/admin/accounts/user/{alice.pk}/change/": {"username": "mallory"},
        f"/admin/accounts/user/{alice.pk}/delete/": {"post": "yes"},
        f"/admin/wiki/term/{ids['term']}/delete/": {"post": "yes"},
    }
    answers = {url: other.post(url, data).status_code for url, data in attempts.items()}
    refused = {url: status for url, status in answers.items() if status not in (302, 403, 404)}
    assert not refused, refused
    admin_login = [url for url in attempts if url.startswith("/admin/")]
    assert all(answers[url] == 302 for url in admin_login)  # to the admin's log-in page
    assert own == {
        "user": list(get_user_model().objects.filter(pk=alice.pk).values()),
        "comments": list(Comment.objects.filter(author=alice).values()),
        "tokens": list(ApiToken.objects.filter(user=alice).values()),
        "notifications": list(Notification.objects.filter(recipient=alice).values()),
        "pending": list(PendingChange.objects.filter(author=alice).values()),
    }
    assert moderation_rows == [m.objects.count() for m in (Block, Protection, LogEntry)]
