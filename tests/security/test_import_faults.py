"""``import_seeds`` killed with SIGKILL in the middle of 2,000 files.

The import runs as it does in production, in its own process against its own database (a
SQLite file; on a PostgreSQL run, a PostgreSQL database too). It is killed once some terms
are in, and the database must then hold only whole terms: each with its revision, its links,
its tags and its search entry (found by the search engine itself). A second run finishes the
job: every file imported exactly once, nothing duplicated.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
FILES = 2000
KILL_AFTER = 1000  # terms in the database when the import is killed (at least)

pytestmark = pytest.mark.slow

CHECK = """
import json, random
from django.db.models import Count, F
from taggit.models import TaggedItem
from search.models import SearchEntry
from search.results import search
from wiki.models import Link, Revision, Term
terms = Term.objects.count()
per_term = Revision.objects.values("term").annotate(n=Count("pk"))
links = Link.objects.values("source").annotate(n=Count("pk"))
tags = TaggedItem.objects.values("object_id").annotate(n=Count("pk"))
numbers = sorted(int(t.split()[-1]) for t in Term.objects.values_list("title", flat=True))
sample = random.Random(15).sample(numbers, min(25, len(numbers)))
found = [[h.term.title for h in search(f"uniq{n:04d}")[0:5]] for n in sample]
print(json.dumps({
    "terms": terms,
    "revisions": Revision.objects.count(),
    "without_revision": Term.objects.filter(current_revision__isnull=True).count(),
    "revision_mismatch": Term.objects.exclude(
        current_revision__number=F("revision_number")
    ).count(),
    "terms_with_more_than_one_revision": per_term.filter(n__gt=1).count(),
    "terms_with_links": links.filter(n=3).count(),
    "links": Link.objects.count(),
    "terms_with_tags": tags.filter(n=2).count(),
    "search_entries": SearchEntry.objects.count(),
    "search_finds_each": all(f == [f"Kill {n:04d}"] for f, n in zip(found, sample)),
}))
"""


def write_seeds(directory: Path) -> None:
    directory.mkdir()
    for n in range(FILES):
        (directory / f"kill-{n:04d}.md").write_text(
            f"---\nterm: Kill {n:04d}\ncategory: C{n % 17}\n"
            f"tags: [t{n % 23}, shared]\nrelatedTerms: [Kill {(n + 1) % FILES:04d}]\n---\n\n"
            f"# Kill {n:04d}\n\nuniq{n:04d} links to [[Kill {(n + 7) % FILES:04d}]] and "
            f"[[Missing {n}]].\n\n" + "Some ordinary prose. " * 20 + "\n",
            encoding="utf-8",
        )


def env_for(database_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "TASKS_BACKEND": "database"}


def manage(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        **kwargs,
    )


def state(env: dict) -> dict:
    done = manage(env, "shell", "-c", CHECK)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def whole(facts: dict) -> None:
    """Every term in the database has its revision, its links and its tags."""
    terms = facts["terms"]
    assert facts["without_revision"] == 0 and facts["revision_mismatch"] == 0
    assert facts["revisions"] == terms and facts["terms_with_more_than_one_revision"] == 0
    assert facts["terms_with_links"] == terms and facts["links"] == 3 * terms
    assert facts["terms_with_tags"] == terms


def postgres_url(name: str) -> str:
    settings = connection.settings_dict
    user, host, port = settings["USER"], settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"postgres://{user}{password}@{host}:{port}/{name}"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """A fresh database for the import: a SQLite file; PostgreSQL too on a PostgreSQL run."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('kill') / 'kill.sqlite3'}"
        return
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL variant runs when the suite runs on PostgreSQL")
    name = f"cp_kill_{os.getpid()}"
    admin = postgres_url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield postgres_url(name)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def killed(database_url, tmp_path_factory):
    """Import 2,000 files, SIGKILL the import once KILL_AFTER terms are in, run it again."""
    env = env_for(database_url)
    migrated = manage(env, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    seeds = tmp_path_factory.mktemp("seeds") / "seeds"
    write_seeds(seeds)
    assert state(env)["terms"] == 0
    started = time.monotonic()
    importer = subprocess.Popen(
        [sys.executable, "manage.py", "import_seeds", str(seeds)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seen = _wait_for_terms(env, importer, KILL_AFTER)
    importer.send_signal(signal.SIGKILL)
    importer.wait(timeout=60)
    run = {
        "engine": database_url.split(":")[0],
        "killed_after_seconds": round(time.monotonic() - started, 1),
        "returncode": importer.returncode,
        "seen": seen,
        "after_kill": state(env),
    }
    rerun = manage(env, "import_seeds", str(seeds))
    run["rerun"] = rerun
    run["final"] = state(env)
    print(  # the figures for the note (pytest -s shows them)
        f"\nkill test ({run['engine']}): {FILES} files, killed after "
        f"{run['killed_after_seconds']}s with {run['after_kill']['terms']} terms in; "
        f"the rerun: {rerun.stdout.strip().splitlines()[-1] if rerun.stdout.strip() else '?'}"
    )
    return run


def test_a_killed_import_leaves_only_whole_terms(killed):
    assert killed["returncode"] == -signal.SIGKILL
    after = killed["after_kill"]
    assert killed["seen"] <= after["terms"] < FILES, "the import was not killed in the middle"
    whole(after)


def test_a_rerun_finishes_the_job_with_nothing_duplicated(killed):
    rerun, kept = killed["rerun"], killed["after_kill"]["terms"]
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    summary = rerun.stdout.strip().splitlines()[-1]
    assert summary == f"created {FILES - kept}, updated 0, unchanged {kept}, failed 0"
    final = killed["final"]
    whole(final)
    assert final["terms"] == FILES


def test_every_term_has_its_search_entry_after_a_kill_and_after_the_rerun(killed):
    for facts in (killed["after_kill"], killed["final"]):
        assert facts["search_entries"] == facts["terms"] and facts["search_finds_each"]


def _wait_for_terms(env: dict, importer: subprocess.Popen, wanted: int) -> int:
    """Poll the import's database until it holds ``wanted`` terms (the import still running)."""
    url = env["DATABASE_URL"]
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        assert importer.poll() is None, "the import finished before it could be killed"
        count = _count_terms(url)
        if count >= wanted:
            return count
        time.sleep(0.05)
    raise AssertionError("the import did not reach the point where it is killed")


def _count_terms(url: str) -> int:
    if url.startswith("sqlite:///"):
        import sqlite3

        path = url.removeprefix("sqlite:///")
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            try:
                return conn.execute("SELECT count(*) FROM wiki_term").fetchone()[0]
            except sqlite3.OperationalError:
                return 0
    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        return conn.execute("SELECT count(*) FROM wiki_term").fetchone()[0]
