"""The anonymous page cache: served before sessions do any work, never stale after a write.

These tests commit for real (``transactional_db``): the generation moves on when a write
*commits*, which a test wrapped in one transaction never does.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from config import pagecache
from discussion.models import Comment
from tests.factories import edit_term, make_comment, make_term, make_user
from wiki.models import Term

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE = "on"


def fetch(client: Client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return response, response.content.decode()


def moderator():
    user = make_user("mod")
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="moderation", codename="moderate")
    )
    user.groups.add(group)
    return user


def test_a_cached_page_changes_at_once_after_an_edit_a_comment_a_rename_and_a_new_linked_term():
    hub = make_term("Hub", body="The hub links to [[Future Term]].")
    spoke = make_term("Spoke", body="Spoke links to [[Hub]].")
    reader = Client()
    response, html = fetch(reader, "/terms/hub/")
    assert response["X-Page-Cache"] == "miss"
    response, again = fetch(reader, "/terms/hub/")
    assert response["X-Page-Cache"] == "hit" and again == html
    assert "wikilink-missing" in html and ">Spoke</a>" in html

    edit_term(hub, body="The hub, edited, links to [[Future Term]].", author=make_user())
    response, html = fetch(reader, "/terms/hub/")
    assert response["X-Page-Cache"] == "miss" and "The hub, edited" in html

    make_comment(hub, body="A first comment on the hub.")
    _, html = fetch(reader, "/terms/hub/")
    assert "A first comment on the hub." in html

    edit_term(spoke, title="Spoke Renamed", author=make_user())
    _, html = fetch(reader, "/terms/hub/")
    assert ">Spoke Renamed</a>" in html and ">Spoke</a>" not in html

    make_term("Future Term", body="Here now.")  # the background task recolours the hub's link
    _, html = fetch(reader, "/terms/hub/")
    assert 'href="/terms/future-term/"' in html and "wikilink-missing" not in html
    assert fetch(reader, "/terms/hub/")[0]["X-Page-Cache"] == "hit"


def test_protection_and_a_hidden_comment_show_at_once():
    from moderation import services

    term = make_term("Guarded")
    comment = make_comment(term, body="Soon to be hidden.")
    reader = Client()
    assert "Soon to be hidden." in fetch(reader, "/terms/guarded/")[1]
    mod = moderator()
    services.term_protect(term=term, moderator=mod, level="trusted", reason="Vandalism")
    services.comment_hide(comment=comment, moderator=mod, reason="Off topic")
    html = fetch(reader, "/terms/guarded/")[1]
    assert "Soon to be hidden." not in html
    assert "protection-notice" in html


def test_an_edit_through_the_editor_is_visible_to_readers_at_once():
    make_term("Alpha", body="Old words.")
    reader = Client()
    fetch(reader, "/terms/alpha/")
    fetch(reader, "/")
    writer = Client()
    writer.force_login(make_user("writer"))
    form = writer.get("/terms/alpha/edit/").context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(body="New words.", summary="reword")
    response = writer.post("/terms/alpha/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "New words." in fetch(reader, "/terms/alpha/")[1]


def test_members_always_get_a_fresh_private_page():
    term = make_term("Alpha", body="One.")
    member = Client()
    member.force_login(make_user("alice"))
    response, _ = fetch(member, "/terms/alpha/")
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    # A write the cache would not see if it were asked: members still see it at once.
    Term.objects.filter(pk=term.pk).update(title="Alpha Prime")
    assert "Alpha Prime" in fetch(member, "/terms/alpha/")[1]


def test_anonymous_pages_may_be_kept_by_a_proxy_and_answer_304(settings):
    make_term("Alpha")
    reader = Client()
    response, _ = fetch(reader, "/terms/alpha/")
    assert response["Cache-Control"] == f"public, max-age={settings.PAGE_CACHE_MAX_AGE}"
    assert "Cookie" in response["Vary"]
    etag, modified = response["ETag"], response["Last-Modified"]
    again = reader.get("/terms/alpha/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["X-Page-Cache"] == "hit"
    assert reader.get("/terms/alpha/", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    make_comment(Term.objects.get(slug="alpha"), body="News.")
    assert reader.get("/terms/alpha/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_member_pages_have_an_etag_and_answer_304():
    make_term("Alpha")
    member = Client()
    member.force_login(make_user("alice"))
    response, _ = fetch(member, "/terms/alpha/")
    assert response["ETag"] and response["Last-Modified"]
    assert member.get("/terms/alpha/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_a_page_that_sets_a_cookie_is_never_stored():
    reader = Client()
    response = reader.get("/login/")
    assert response.status_code == 200 and "csrftoken" in response.cookies
    assert response["X-Page-Cache"] == "pass"
    stranger = Client()
    again = stranger.get("/login/")
    assert again["X-Page-Cache"] == "pass"
    assert again.cookies["csrftoken"].value != response.cookies["csrftoken"].value


def test_session_and_message_cookies_skip_the_cache():
    make_term("Alpha")
    fetch(Client(), "/terms/alpha/")
    for cookie in ("sessionid", "messages"):
        reader = Client()
        reader.cookies[cookie] = "anything"
        assert "X-Page-Cache" not in reader.get("/terms/alpha/")


def test_logging_in_and_sessions_do_not_make_pages_stale():
    make_term("Alpha")
    make_user("alice", password="correct horse 42")
    before = pagecache.generation()
    member = Client()
    response = member.post("/login/", {"username": "alice", "password": "correct horse 42"})
    assert response.status_code == 302
    member.get("/terms/alpha/")
    assert pagecache.generation() == before


def test_a_write_bumps_only_when_it_commits():
    start = pagecache.generation()
    with transaction.atomic():
        make_term("Alpha")
        assert pagecache.generation() == start  # not before the commit
    after_commit = pagecache.generation()
    assert after_commit > start
    with transaction.atomic():
        make_term("Beta")
        transaction.set_rollback(True)
    assert pagecache.generation() == after_commit
    Comment.objects.filter(pk=0).update(body="x")  # autocommit: at once, after the statement
    assert pagecache.generation() > after_commit


def test_a_lost_generation_starts_again_from_a_number_never_used(settings):
    from django.core.cache import cache

    start = pagecache.generation()
    pagecache.bump()
    cache.delete(pagecache.GENERATION_KEY)
    assert pagecache.generation() > start + 1


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('INSERT INTO "wiki_term" ("title") VALUES (%s)', True),
        ('UPDATE "discussion_comment" SET "body" = %s', True),
        ("DELETE FROM wiki_search_entry WHERE term_id = %s", True),
        ("INSERT OR REPLACE INTO wiki_search_fts(wiki_search_fts) VALUES ('optimize')", True),
        ('CREATE INDEX "x" ON "wiki_term" ("title")', True),
        ('SELECT "wiki_term"."id" FROM "wiki_term" FOR UPDATE', False),
        ("WITH s AS (SELECT 1) SELECT * FROM s", False),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)', False),
        ('INSERT INTO "django_tasks_database_dbtaskresult" ("id") VALUES (%s)', False),
        ('UPDATE "accounts_user" SET "last_login" = %s WHERE "accounts_user"."id" = %s', False),
        ('UPDATE "accounts_user" SET "display_name" = %s WHERE "accounts_user"."id" = %s', True),
        ("SAVEPOINT s1", False),
    ],
)
def test_which_statements_count_as_content_writes(sql, writes):
    assert pagecache.is_content_write(sql) is writes


def test_every_connection_is_watched():
    assert pagecache.watch_writes in connection.execute_wrappers


def test_a_members_page_keeps_the_connections_until_a_write_and_never_shows_them_stale():
    hub = make_term("Hub", body="The hub.", related=("Spoke",))
    make_term("Spoke", body="Spoke links to [[Hub]].", difficulty="beginner")
    member = Client()
    member.force_login(make_user("reader"))
    with CaptureQueriesContext(connection) as worked_out:
        _, first = fetch(member, "/terms/hub/")
    with CaptureQueriesContext(connection) as kept:
        _, again = fetch(member, "/terms/hub/")
    assert ">Spoke</a>" in first and "Nobody yet" in first
    aside = first.split('<aside class="term-aside"', 1)[1].split("</aside>", 1)[0]
    assert aside in again
    assert len(kept) < len(worked_out)  # the connections' queries are not run again

    make_term("Later", body="Later links to [[Hub]] too.")
    edit_term(hub, body="The hub, edited.", author=make_user("writer"))
    _, html = fetch(member, "/terms/hub/")
    assert ">Later</a>" in html  # linked from, at once
    experts = html.split('id="experts-title"', 1)[1].split("</section>", 1)[0]
    assert "/members/writer/" in experts


def test_a_parameter_no_page_reads_is_answered_but_never_stored():
    make_term("Hub", body="The hub.")
    reader = Client()
    for _ in range(2):
        response, _ = fetch(reader, "/terms/hub/?utm_source=anything")
        assert response["X-Page-Cache"] == "pass"
    fetch(reader, "/terms/?letter=H")
    response, _ = fetch(reader, "/terms/?letter=H")
    assert response["X-Page-Cache"] == "hit"


def test_a_script_name_is_part_of_the_key():
    """A page answered under another script name (its links start with it) is never the
    page of the URL the two make together."""
    make_term("Hub", body="The hub.")
    reader = Client()
    response = reader.get("/", SCRIPT_NAME="/terms/hub")
    assert response.status_code == 200
    response, html = fetch(reader, "/terms/hub/")
    assert response["X-Page-Cache"] == "miss" and "The hub." in html


def test_pages_are_kept_compressed_and_a_large_one_is_not_kept(settings):
    make_term("Hub", body="The hub. " * 2000)
    reader = Client()
    response, html = fetch(reader, "/terms/hub/")
    response, again = fetch(reader, "/terms/hub/")
    assert response["X-Page-Cache"] == "hit" and again == html
    settings.PAGE_CACHE_MAX_BYTES = 100
    make_term("Other", body="Another.")
    for _ in range(2):
        response, _ = fetch(reader, "/terms/hub/")
        assert response["X-Page-Cache"] == "miss"
