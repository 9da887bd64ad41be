"""Benchmarks: ``make bench`` (``pytest tests/bench -s -p no:xdist``), never ``make test``.

Benchmark modules are named ``bench_*.py`` so the ordinary suite never collects them; this
hook collects them only when ``tests/bench`` (or a file in it) is named on the command line, so
a bare ``pytest`` does not start a 100k-term run either. On SQLite the test database is a file
(not the in-memory default), as in real use.
"""

from __future__ import annotations

from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parent


def _bench_requested(config: pytest.Config) -> bool:
    root = config.invocation_params.dir
    for arg in config.args:
        path = (root / arg.split("::")[0]).resolve()
        if path == BENCH_DIR or BENCH_DIR in path.parents:
            return True
    return False


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    if (
        file_path.suffix == ".py"
        and file_path.name.startswith("bench_")
        and not parent.session.isinitpath(file_path)  # named files are collected anyway
        and _bench_requested(parent.config)
    ):
        return pytest.Module.from_parent(parent, path=file_path)
    return None


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory):
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        path = tmp_path_factory.mktemp("bench") / "bench.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)
