"""One engine per database, with the same reading methods (``base.Engine``)."""

from __future__ import annotations

from django.db import connection

from .base import Engine
from .postgres import PostgresEngine
from .sqlite import SQLiteEngine

_ENGINES: dict[str, Engine] = {"sqlite": SQLiteEngine(), "postgresql": PostgresEngine()}


def engine() -> Engine:
    """The engine for the default connection's database."""
    try:
        return _ENGINES[connection.vendor]
    except KeyError:
        raise NotImplementedError(f"No search engine for {connection.vendor}.") from None


def engine_name() -> str:
    return engine().name
