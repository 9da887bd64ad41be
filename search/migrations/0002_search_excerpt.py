"""Snippets from a bounded excerpt of the body (issue 14).

A search snippet was cut from the whole indexed body (up to 200,000 characters): SQLite's
``snippet()`` tokenises the full text of every hit again, so twenty hits on bodies of a megabyte
took seconds, and two such searches tied up every app worker. The snippet is now cut from
``excerpt``, the body's first ``search.indexing.EXCERPT_CHARS`` characters, stored beside it:
on SQLite with an FTS5 index of its own (``wiki_search_excerpt``, external content like the
others, kept in step by the same triggers), on PostgreSQL read by ``ts_headline``. Matching and
ranking still use the whole indexed body.

The SQL is frozen here (as in wiki migration 0002), and the excerpts of existing entries are
filled from their bodies.
"""

from django.db import migrations, models

EXCERPT_CHARS = 8_000  # search.indexing.EXCERPT_CHARS when this was written

_TRIGGERS = ["wiki_search_entry_ai", "wiki_search_entry_ad", "wiki_search_entry_au"]

SQLITE_FORWARD = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in _TRIGGERS),
    "ALTER TABLE wiki_search_entry ADD COLUMN excerpt text NOT NULL DEFAULT ''",
    f"UPDATE wiki_search_entry SET excerpt = substr(body, 1, {EXCERPT_CHARS})",
    """
    CREATE VIRTUAL TABLE wiki_search_excerpt USING fts5(
        excerpt, content='wiki_search_entry', content_rowid='term_id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='3'
    )
    """,
    "INSERT INTO wiki_search_excerpt (wiki_search_excerpt) VALUES ('rebuild')",
    """
    CREATE TRIGGER wiki_search_entry_ai AFTER INSERT ON wiki_search_entry BEGIN
        INSERT INTO wiki_search_fts (rowid, title, tags, category, body)
        VALUES (new.term_id, new.title, new.tags, new.category, new.body);
        INSERT INTO wiki_search_strong (rowid, title, tags, category)
        VALUES (new.term_id, new.title, new.tags, new.category);
        INSERT INTO wiki_search_trigram (rowid, title_key) VALUES (new.term_id, new.title_key);
        INSERT INTO wiki_search_excerpt (rowid, excerpt) VALUES (new.term_id, new.excerpt);
    END
    """,
    """
    CREATE TRIGGER wiki_search_entry_ad AFTER DELETE ON wiki_search_entry BEGIN
        INSERT INTO wiki_search_fts (wiki_search_fts, rowid, title, tags, category, body)
        VALUES ('delete', old.term_id, old.title, old.tags, old.category, old.body);
        INSERT INTO wiki_search_strong (wiki_search_strong, rowid, title, tags, category)
        VALUES ('delete', old.term_id, old.title, old.tags, old.category);
        INSERT INTO wiki_search_trigram (wiki_search_trigram, rowid, title_key)
        VALUES ('delete', old.term_id, old.title_key);
        INSERT INTO wiki_search_excerpt (wiki_search_excerpt, rowid, excerpt)
        VALUES ('delete', old.term_id, old.excerpt);
    END
    """,
    """
    CREATE TRIGGER wiki_search_entry_au AFTER UPDATE ON wiki_search_entry BEGIN
        INSERT INTO wiki_search_fts (wiki_search_fts, rowid, title, tags, category, body)
        VALUES ('delete', old.term_id, old.title, old.tags, old.category, old.body);
        INSERT INTO wiki_search_strong (wiki_search_strong, rowid, title, tags, category)
        VALUES ('delete', old.term_id, old.title, old.tags, old.category);
        INSERT INTO wiki_search_trigram (wiki_search_trigram, rowid, title_key)
        VALUES ('delete', old.term_id, old.title_key);
        INSERT INTO wiki_search_excerpt (wiki_search_excerpt, rowid, excerpt)
        VALUES ('delete', old.term_id, old.excerpt);
        INSERT INTO wiki_search_fts (rowid, title, tags, category, body)
        VALUES (new.term_id, new.title, new.tags, new.category, new.body);
        INSERT INTO wiki_search_strong (rowid, title, tags, category)
        VALUES (new.term_id, new.title, new.tags, new.category);
        INSERT INTO wiki_search_trigram (rowid, title_key) VALUES (new.term_id, new.title_key);
        INSERT INTO wiki_search_excerpt (rowid, excerpt) VALUES (new.term_id, new.excerpt);
    END
    """,
]

# Back to the triggers of wiki migration 0002.
SQLITE_BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in _TRIGGERS),
    "DROP TABLE IF EXISTS wiki_search_excerpt",
    "ALTER TABLE wiki_search_entry DROP COLUMN excerpt",
    """
    CREATE TRIGGER wiki_search_entry_ai AFTER INSERT ON wiki_search_entry BEGIN
        INSERT INTO wiki_search_fts (rowid, title, tags, category, body)
        VALUES (new.term_id, new.title, new.tags, new.category, new.body);
        INSERT INTO wiki_search_strong (rowid, title, tags, category)
        VALUES (new.term_id, new.title, new.tags, new.category);
        INSERT INTO wiki_search_trigram (rowid, title_key) VALUES (new.term_id, new.title_key);
    END
    """,
    """
    CREATE TRIGGER wiki_search_entry_ad AFTER DELETE ON wiki_search_entry BEGIN
        INSERT INTO wiki_search_fts (wiki_search_fts, rowid, title, tags, category, body)
        VALUES ('delete', old.term_id, old.title, old.tags, old.category, old.body);
        INSERT INTO wiki_search_strong (wiki_search_strong, rowid, title, tags, category)
        VALUES ('delete', old.term_id, old.title, old.tags, old.category);
        INSERT INTO wiki_search_trigram (wiki_search_trigram, rowid, title_key)
        VALUES ('delete', old.term_id, old.title_key);
    END
    """,
    """
    CREATE TRIGGER wiki_search_entry_au AFTER UPDATE ON wiki_search_entry BEGIN
        INSERT INTO wiki_search_fts (wiki_search_fts, rowid, title, tags, category, body)
        VALUES ('delete', old.term_id, old.title, old.tags, old.category, old.body);
        INSERT INTO wiki_search_strong (wiki_search_strong, rowid, title, tags, category)
        VALUES ('delete', old.term_id, old.title, old.tags, old.category);
        INSERT INTO wiki_search_trigram (wiki_search_trigram, rowid, title_key)
        VALUES ('delete', old.term_id, old.title_key);
        INSERT INTO wiki_search_fts (rowid, title, tags, category, body)
        VALUES (new.term_id, new.title, new.tags, new.category, new.body);
        INSERT INTO wiki_search_strong (rowid, title, tags, category)
        VALUES (new.term_id, new.title, new.tags, new.category);
        INSERT INTO wiki_search_trigram (rowid, title_key) VALUES (new.term_id, new.title_key);
    END
    """,
]

POSTGRESQL_FORWARD = [
    "ALTER TABLE wiki_search_entry ADD COLUMN excerpt text NOT NULL DEFAULT ''",
    f"UPDATE wiki_search_entry SET excerpt = left(body, {EXCERPT_CHARS})",
]
POSTGRESQL_BACKWARD = ["ALTER TABLE wiki_search_entry DROP COLUMN excerpt"]


def _run(schema_editor, statements):
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_BACKWARD)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_entry")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="searchentry",
                    name="excerpt",
                    field=models.TextField(default=""),
                )
            ],
            database_operations=[migrations.RunPython(forward, backward)],
        )
    ]
