"""Every URL pattern, fetched with GET as a reader, a member, a blocked member and a moderator.

Two promises, for the whole site and not only for moderation:
- a GET never changes data (every table is fingerprinted before and after the sweep);
- each role gets exactly the answer its rights allow (200, 302, 403, 404 or 405).

A new URL pattern makes this test fail until it is added to ``EXPECTED`` with the answer each
role should get: that is the point (no page ships without someone deciding who may see it).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from discussion import services as discussion
from discussion.models import Notification, NotificationKind
from moderation import services
from moderation.models import BulkRevert, Level
from tests.factories import edit_term, make_term, make_user
from wiki.content import TermData

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "member", "blocked", "moderator")

# Answers by kind of page: (anonymous, member, blocked, moderator).
PUBLIC = (200, 200, 200, 200)
REDIRECT = (302, 302, 302, 302)
POST_ONLY = (405, 405, 405, 405)
MEMBERS = (302, 200, 200, 200)  # logged in, block or not (reading one's own things)
WRITERS = (302, 200, 403, 200)  # logged in and not blocked
MODERATORS = (302, 403, 403, 200)
ANONYMOUS_ONLY = (200, 302, 302, 302)  # sign-up and log-in send members on
AUTHOR_ONLY = (302, 200, 403, 403)  # the member's own comment, profile, pending change

# URL name -> (path, answers). ``{...}`` is filled from the objects the fixture makes.
EXPECTED: dict[str, tuple[str, tuple[int, int, int, int]]] = {
    "markdownx_markdownify": ("/markdownx/markdownify/", POST_ONLY),
    # The language switcher: a GET changes nothing and goes back (the choice is a POST).
    "set_language": ("/i18n/setlang/", REDIRECT),
    # accounts
    "accounts:signup": ("/signup/", ANONYMOUS_ONLY),
    "accounts:login": ("/login/", ANONYMOUS_ONLY),
    "accounts:logout": ("/logout/", PUBLIC),  # asks to confirm; logging out is a POST
    "accounts:password_change": ("/password/change/", MEMBERS),
    "accounts:password_change_done": ("/password/change/done/", MEMBERS),
    "accounts:password_reset": ("/password/reset/", PUBLIC),
    "accounts:password_reset_done": ("/password/reset/sent/", PUBLIC),
    "accounts:password_reset_confirm": ("/password/reset/MQ/bad-token/", PUBLIC),
    "accounts:password_reset_complete": ("/password/reset/done/", PUBLIC),
    "accounts:profile_edit": ("/members/alice/edit/", AUTHOR_ONLY),
    "accounts:api_token_create": ("/members/alice/tokens/", POST_ONLY),
    "accounts:api_token_revoke": ("/members/alice/tokens/1/revoke/", POST_ONLY),
    # discussion
    "discussion:recent": ("/recent/", PUBLIC),
    "discussion:recent_feed": ("/recent/feed/", PUBLIC),
    "discussion:comment_create": ("/terms/alpha/comments/", POST_ONLY),
    "discussion:term_follow": ("/terms/alpha/follow/", POST_ONLY),
    "discussion:term_unfollow": ("/terms/alpha/unfollow/", POST_ONLY),
    "discussion:term_history_feed": ("/terms/alpha/history/feed/", PUBLIC),
    "discussion:term_discussion_feed": ("/terms/alpha/discussion/feed/", PUBLIC),
    "discussion:revision_report": ("/terms/alpha/revisions/1/report/", WRITERS),
    "discussion:comment_detail": ("/comments/{other_comment}/", REDIRECT),
    "discussion:comment_reply": ("/comments/{other_comment}/reply/", WRITERS),
    "discussion:comment_edit": ("/comments/{own_comment}/edit/", AUTHOR_ONLY),
    "discussion:comment_delete": ("/comments/{own_comment}/delete/", AUTHOR_ONLY),
    "discussion:comment_versions": ("/comments/{own_comment}/versions/", PUBLIC),
    "discussion:comment_report": ("/comments/{other_comment}/report/", WRITERS),
    "discussion:comment_promote": ("/comments/{other_comment}/promote/", WRITERS),
    "discussion:notification_list": ("/notifications/", MEMBERS),
    "discussion:notifications_read": ("/notifications/read/", POST_ONLY),
    "discussion:notification_open": ("/notifications/{notification}/open/", POST_ONLY),
    "discussion:notification_settings": ("/notifications/settings/", MEMBERS),
    "discussion:member_comments": ("/members/alice/comments/", PUBLIC),
    # wiki
    "wiki:home": ("/", PUBLIC),
    "wiki:term_list": ("/terms/", PUBLIC),
    "wiki:term_create": ("/terms/new/", WRITERS),
    "wiki:term_detail": ("/terms/alpha/", PUBLIC),
    "wiki:term_edit": ("/terms/alpha/edit/", WRITERS),
    "wiki:term_history": ("/terms/alpha/history/", PUBLIC),
    "wiki:term_download": ("/terms/alpha/markdown/", PUBLIC),
    "wiki:term_diff": ("/terms/alpha/diff/?from=1&to=2", PUBLIC),
    "wiki:term_update_links": ("/terms/gamma/update-links/?from=beta", WRITERS),
    "wiki:revision_detail": ("/terms/alpha/revisions/1/", PUBLIC),
    "wiki:term_revert": ("/terms/alpha/revisions/1/revert/", REDIRECT),  # confirm on its page
    "wiki:category_list": ("/categories/", PUBLIC),
    "wiki:category_detail": ("/categories/physics/", PUBLIC),
    "wiki:tag_list": ("/tags/", PUBLIC),
    "wiki:tag_detail": ("/tags/waves/", PUBLIC),
    "wiki:wanted": ("/wanted/", PUBLIC),
    "wiki:term_card": ("/terms/alpha/card.json", PUBLIC),
    "wiki:term_map": ("/map/?term=alpha", PUBLIC),
    "wiki:map_data": ("/map/data.json?term=alpha", PUBLIC),
    "wiki:term_path": ("/paths/?from=alpha&to=beta", PUBLIC),
    "wiki:member_detail": ("/members/alice/", PUBLIC),
    # search
    "search:search": ("/search/?q=alpha", PUBLIC),
    "search:suggest": ("/search/suggest/?q=al", PUBLIC),
    # moderation
    "moderation:index": ("/moderation/", MODERATORS),
    "moderation:term_protect": ("/moderation/terms/alpha/protect/", MODERATORS),
    "moderation:term_unprotect": ("/moderation/terms/alpha/unprotect/", POST_ONLY),
    "moderation:term_rollback": ("/moderation/terms/alpha/rollback/", POST_ONLY),
    "moderation:block_list": ("/moderation/blocks/", MODERATORS),
    "moderation:block_create": ("/moderation/blocks/new/", MODERATORS),
    "moderation:block_lift": ("/moderation/blocks/{block}/lift/", POST_ONLY),
    "moderation:pending_list": ("/moderation/pending/", MODERATORS),
    "moderation:pending_detail": ("/moderation/pending/{pending}/", (302, 200, 403, 200)),
    "moderation:bulk_revert": ("/moderation/revert/", MODERATORS),
    "moderation:bulk_revert_detail": ("/moderation/revert/{bulk_revert}/", MODERATORS),
    "moderation:report_list": ("/moderation/reports/", MODERATORS),
    "moderation:report_close": ("/moderation/reports/{report}/close/", POST_ONLY),
    "moderation:comment_hide": ("/moderation/comments/{other_comment}/hide/", MODERATORS),
    "moderation:comment_unhide": ("/moderation/comments/{other_comment}/unhide/", POST_ONLY),
    "moderation:log": ("/moderation/log/", MODERATORS),
    # api (reading is public; every write is a POST or PATCH with a token)
    "api-v1:api-root": ("/api/v1/", PUBLIC),
    "api-v1:openapi-json": ("/api/v1/openapi.json", PUBLIC),
    "api-v1:openapi-view": ("/api/v1/docs/", PUBLIC),
    "api-v1:term_list": ("/api/v1/terms/", PUBLIC),
    "api-v1:term_create": ("/api/v1/terms/", PUBLIC),  # the same address as the list
    "api-v1:term_detail": ("/api/v1/terms/alpha/", PUBLIC),
    "api-v1:term_update": ("/api/v1/terms/alpha/", PUBLIC),
    "api-v1:term_markdown": ("/api/v1/terms/alpha/markdown/", PUBLIC),
    "api-v1:revision_list": ("/api/v1/terms/alpha/revisions/", PUBLIC),
    "api-v1:revision_detail": ("/api/v1/terms/alpha/revisions/1/", PUBLIC),
    "api-v1:comment_create": ("/api/v1/terms/alpha/comments/", POST_ONLY),
    "api-v1:category_list": ("/api/v1/categories/", PUBLIC),
    "api-v1:tag_list": ("/api/v1/tags/", PUBLIC),
    "api-v1:search": ("/api/v1/search/?q=alpha", PUBLIC),
    "api-v1:recent": ("/api/v1/recent/", PUBLIC),
    "api-v1:not_found": ("/api/v1/no-such-thing/", (404, 404, 404, 404)),
}

# The admin is for staff; none of the four roles is staff, so every admin page sends them to
# the admin's log-in page, except that page itself and "view on site" (a redirect too).
ADMIN_EXCEPTIONS = {
    "admin:login": ("/admin/login/", PUBLIC),
    "admin:view_on_site": ("/admin/r/{term_type}/{term}/", REDIRECT),
}
ADMIN_ARGUMENTS = {
    "object_id": "1",
    "app_label": "wiki",
    "content_type_id": "1",
    "url": "wiki/term/",
}


def url_patterns(patterns=None, prefix="", namespace=""):
    """(name, route) for every pattern the site answers, namespaces included."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(p for p in (namespace, pattern.namespace or "") if p)
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
            yield name, prefix + str(pattern.pattern)


def admin_path(route: str) -> str:
    """An admin route with its parameters filled in (``<path:object_id>`` -> 1)."""
    path = route
    for key, value in ADMIN_ARGUMENTS.items():
        for converter in ("", "path:", "int:", "str:"):
            path = path.replace(f"<{converter}{key}>", value)
    return "/" + path.replace("^", "").replace("$", "").replace("\\Z", "")


def fingerprint() -> dict[str, str]:
    """A hash of every row of every table (auto-created many-to-many tables included)."""
    prints = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table.startswith("sqlite_") or "_fts" in table:
                continue  # engine-owned shadow tables, rebuilt by the engine
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 (names from introspection)
            rows = sorted(repr(row) for row in cursor.fetchall())
            prints[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return prints


@pytest.fixture
def site(moderator):
    """A small wiki with one of everything a URL can point at."""
    member, other = make_user("alice"), make_user("carl")
    alpha = make_term("Alpha", body="First.", category="Physics", tags=("waves",), author=other)
    edit_term(alpha, author=member, body="Second.")
    beta = make_term("Beta", body="See [[Alpha]].", author=other)
    edit_term(beta, author=other, title="Gamma")
    delta = make_term("Delta", body="Links to [[Beta]].", author=other)  # /update-links/ has work
    own = discussion.comment_create(term=alpha, author=member, body="Mine", parent=None)
    theirs = discussion.comment_create(term=alpha, author=other, body="Theirs", parent=None)
    report = discussion.report_create(reporter=member, reason="Off topic", comment=theirs)
    notification = Notification.objects.create(
        recipient=member, term=alpha, kind=NotificationKind.COMMENT, actor=other, comment=theirs
    )
    services.term_protect(
        term=delta, moderator=moderator, level=Level.TRUSTED, review=True, reason="x"
    )
    pending = services.pending_change_submit(
        term=delta,
        data=TermData(title="Delta", body="Pending."),
        author=member,
        summary="",
        base_number=1,
    )
    blocked = make_user("blocky")
    block = services.member_block(member=blocked, moderator=moderator, reason="Spam")
    since = timezone.now() - timedelta(hours=1)
    job = BulkRevert.objects.create(member=other, since=since, reason="x", requested_by=moderator)
    return {
        "users": {"member": member, "blocked": blocked, "moderator": moderator},
        "ids": {
            "own_comment": own.pk,
            "other_comment": theirs.pk,
            "report": report.pk,
            "notification": notification.pk,
            "pending": pending.pk,
            "block": block.pk,
            "bulk_revert": job.pk,
            "term": alpha.pk,
            "term_type": ContentType.objects.get_for_model(alpha).pk,
        },
    }


def test_every_url_answers_each_role_as_allowed_and_get_changes_nothing(site):
    clients = {"anonymous": Client()}
    for role in ("member", "blocked", "moderator"):
        clients[role] = Client()
        clients[role].force_login(site["users"][role])
    unknown, wrong, seen = [], [], set()
    before = fingerprint()
    for name, route in url_patterns():
        if name in seen:
            continue
        seen.add(name)
        if name in EXPECTED or name in ADMIN_EXCEPTIONS:
            path, answers = (EXPECTED | ADMIN_EXCEPTIONS)[name]
            path = path.format(**site["ids"])
        elif name.startswith("admin:"):
            path, answers = admin_path(route), REDIRECT
        else:
            unknown.append(f"{name} ({route})")
            continue
        got = tuple(clients[role].get(path).status_code for role in ROLES)
        if got != answers:
            wrong.append(f"{name} {path}: expected {answers}, got {got}")
    after = fingerprint()
    assert not unknown, "Add these URL patterns to EXPECTED in the sweep: " + ", ".join(unknown)
    assert not wrong, "Wrong answers (anonymous, member, blocked, moderator):\n" + "\n".join(wrong)
    changed = [table for table in before if before[table] != after.get(table)]
    assert not changed, f"A GET changed these tables: {changed}"
    assert len(seen) > 60 + 100  # the site's pages and the admin's: the walk found them all


def test_the_sweep_sees_a_change_made_by_a_get(site):
    """The fingerprint is not blind: one changed row shows."""
    before = fingerprint()
    make_user("zed")
    changed = {table for table, digest in fingerprint().items() if before[table] != digest}
    assert apps.get_model("accounts", "User")._meta.db_table in changed
