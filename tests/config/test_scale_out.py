"""Two app servers, one PostgreSQL, one Redis and one RQ worker behave as one site (issue 14).

Started for real: a database of the test's own (created, migrated, dropped), a Redis database
number and key prefix of its own, two gunicorn servers on two free loopback ports and one
``rqworker``, all with ``REDIS_URL`` and ``TASKS_BACKEND=rq``. Checked through HTTP only:

* an edit saved through one server is on the other at once, its page cache included;
* a rate limit counts the requests made to both servers;
* a task one server queues is done by the worker.

PostgreSQL only (SQLite is one machine's file; several app servers mean PostgreSQL). It runs in
CI's PostgreSQL leg; there, a missing Redis or gunicorn is a failure, not a skip.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS_DB = int(os.environ.get("SCALE_OUT_REDIS_DB", "14"))  # a Redis database for this test
IN_CI = os.environ.get("CI", "").lower() == "true"

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]


def _skip_or_fail(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI runs this test in the PostgreSQL leg)")
    pytest.skip(reason)


@pytest.fixture
def site(django_db_blocker, tmp_path_factory) -> Iterator[dict]:
    with django_db_blocker.unblock():
        vendor = connection.vendor
        params = dict(connection.settings_dict)
    if vendor != "postgresql":
        pytest.skip("several app servers share PostgreSQL; this is the SQLite run")
    redis_url = _redis_url()
    database = f"cp_scaleout_{uuid.uuid4().hex[:10]}"
    _flush_redis(redis_url)
    logs = tmp_path_factory.mktemp("scale-out")
    admin = _admin_connection(params)
    admin.execute(f'CREATE DATABASE "{database}"')
    prefix = f"scaleout-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(params, database),
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": prefix,
        "TASKS_BACKEND": "rq",
        "SECRET_KEY": "scale-out-test-key-" + uuid.uuid4().hex,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": "",
        "PYTHONPATH": str(ROOT),
    }
    processes: list[subprocess.Popen] = []
    try:
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(env, "shell", "-c", ARRANGE)
        ports = [_free_port(), _free_port()]
        for port in ports:
            processes.append(
                _start(
                    [BIN / "gunicorn", "config.wsgi", "-c", "config/gunicorn.conf.py"],
                    {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                    logs / f"gunicorn-{port}.log",
                )
            )
        worker = [sys.executable, "manage.py", "rqworker", "default", "--with-scheduler"]
        processes.append(_start(worker, env, logs / "rqworker.log"))
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url in urls:
            _wait_until_up(url, processes, logs)
        yield {"a": urls[0], "b": urls[1], "env": env, "logs": logs}
    finally:
        for process in processes:
            _stop(process)
        _flush_redis(redis_url)
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.close()


# Made in the site's database before the servers start: a moderator (no review, no limits on
# edits), a term to edit and a term that links to one not yet written.
ARRANGE = """
from django.contrib.auth.models import Group, Permission
from tests.factories import make_term, make_user
mod = make_user("mod", password="correct horse 42")
group, _ = Group.objects.get_or_create(name="Moderators")
group.permissions.add(Permission.objects.get(codename="moderate"))
mod.groups.add(group)
make_term("Hub", body="The hub.", author=mod)
make_term("Spoke", body="The spoke waits for [[Future Term]].", author=mod)
"""


def test_two_app_servers_behave_as_one_site(site):
    """One site, so one test: the three checks share the servers they took seconds to start
    (and split over test workers, two sites would share one Redis database)."""
    an_edit_through_one_server_is_on_the_other_at_once(site)
    a_rate_limit_counts_requests_to_both_servers(site)
    a_task_queued_by_one_server_is_done_by_the_worker(site)


def an_edit_through_one_server_is_on_the_other_at_once(site):
    import requests

    reader = requests.Session()
    # B keeps the page in Redis. The worker may still be doing the tasks the arranged terms
    # queued (each is a write, so the page's next read is a miss): wait for the first hit.
    verdicts = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        page = reader.get(f"{site['b']}/terms/hub/")
        assert page.status_code == 200
        verdicts.append(page.headers["X-Page-Cache"])
        if verdicts[-1] == "hit":
            break
        time.sleep(0.2)
    assert verdicts[-1] == "hit", f"B never answered from its page cache: {verdicts[-10:]}"

    member = _logged_in(site["a"])
    form = _form(member.get(f"{site['a']}/terms/hub/edit/").text, action="/terms/hub/edit/")
    form.update(body="The hub, edited through server A.", summary="edit on A")
    saved = member.post(f"{site['a']}/terms/hub/edit/", data=form, allow_redirects=False)
    assert saved.status_code == 302, saved.text[:2000]

    page = reader.get(f"{site['b']}/terms/hub/")
    assert "edited through server A" in page.text
    assert page.headers["X-Page-Cache"] == "miss"
    # The session made on A is known to B (sessions in Redis and the database).
    assert "mod" in member.get(f"{site['b']}/terms/hub/").text


def a_rate_limit_counts_requests_to_both_servers(site):
    import requests

    per_minute = settings.MODERATION_RATE_LIMITS["signup"][0]
    _wait_for_a_fresh_minute()  # a minute's window must hold the whole test
    visitor = requests.Session()
    tokens = {url: _csrf(visitor, f"{url}/signup/") for url in (site["a"], site["b"])}
    statuses = []
    for n in range(per_minute + 1):
        url = site["a"] if n % 2 else site["b"]
        data = {"csrfmiddlewaretoken": tokens[url], "username": f"x{n}", "email": "bad"}
        response = visitor.post(f"{url}/signup/", data=data, headers={"Referer": f"{url}/"})
        statuses.append(response.status_code)
    assert statuses[:per_minute] == [200] * per_minute  # the form, with its errors
    assert statuses[per_minute] == 429


def a_task_queued_by_one_server_is_done_by_the_worker(site):
    import requests

    member = _logged_in(site["a"])
    form = _form(member.get(f"{site['a']}/terms/new/").text, action="/terms/new/")
    form.update(title="Future Term", body="Here now.", summary="new")
    created = member.post(f"{site['a']}/terms/new/", data=form, allow_redirects=False)
    assert created.status_code == 302, created.text[:2000]
    # The spoke's link turns blue when the worker has re-rendered it (a task queued by A).
    reader = requests.Session()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        html = reader.get(f"{site['b']}/terms/spoke/").text
        if 'href="/terms/future-term/"' in html and "wikilink-missing" not in html:
            return
        time.sleep(0.5)
    worker_log = (site["logs"] / "rqworker.log").read_text()[-3000:]
    pytest.fail(f"the worker did not re-render the spoke within 60 s; its log:\n{worker_log}")


# HTTP helpers.


def _logged_in(url: str):
    import requests

    session = requests.Session()
    token = _csrf(session, f"{url}/login/")
    response = session.post(
        f"{url}/login/",
        data={"csrfmiddlewaretoken": token, "username": "mod", "password": "correct horse 42"},
        headers={"Referer": f"{url}/login/"},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:2000]
    return session


def _csrf(session, url: str) -> str:
    html = session.get(url).text
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


class _FormFields(HTMLParser):
    """The fields of the form posting to ``action``, with their current values."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.fields = action, False, {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action") == self.action
        elif not self.inside or not attrs.get("name"):
            return
        elif tag == "input" and attrs.get("type") not in ("submit", "button", "checkbox"):
            self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "input" and attrs.get("type") == "checkbox" and "checked" in attrs:
            self.fields[attrs["name"]] = attrs.get("value") or "on"
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""
        elif tag == "select":
            self._select = attrs["name"]
            self.fields.setdefault(self._select, "")
        if tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def _form(html: str, *, action: str) -> dict:
    parser = _FormFields(action)
    parser.feed(html)
    assert "csrfmiddlewaretoken" in parser.fields, "no form found"
    return parser.fields


def _wait_for_a_fresh_minute() -> None:
    if time.time() % 60 > 45:
        time.sleep(61 - time.time() % 60)


# Processes and services.


def _redis_url() -> str:
    base = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    url = re.sub(r"/\d*$", "", base.rstrip("/")) + f"/{REDIS_DB}"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:
        _skip_or_fail(f"no Redis at {url}: {exc}")
    if not (BIN / "gunicorn").exists():
        _skip_or_fail("gunicorn is not installed")
    return url


def _flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def _admin_connection(params: dict):
    import psycopg

    conninfo = psycopg.conninfo.make_conninfo(
        dbname="postgres",
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
    )
    return psycopg.connect(conninfo, autocommit=True)


def _database_url(params: dict, name: str) -> str:
    user = params.get("USER") or "postgres"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host, port = params.get("HOST") or "127.0.0.1", params.get("PORT") or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def _manage(env: dict, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, timeout=300, capture_output=True
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]


def _start(command: list, env: dict, log: Path) -> subprocess.Popen:
    with log.open("wb") as out:  # a file, not a pipe: nobody reads it until the end
        return subprocess.Popen(
            [str(part) for part in command],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with all its workers
        )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, processes: list[subprocess.Popen], logs: Path) -> None:
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                tails = "\n".join(log.read_text()[-2000:] for log in sorted(logs.glob("*.log")))
                pytest.fail(f"{process.args} stopped:\n{tails}")
        try:
            if requests.get(f"{url}/terms/", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    pytest.fail(f"{url} did not answer within 60 s")
