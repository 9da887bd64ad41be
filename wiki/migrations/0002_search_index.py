"""The full-text search index (issue 6): raw SQL, one shape per database, no model state.

Both databases get ``wiki_search_entry``: one row per term holding the text that is searched
(title, tags, category name, body as plain text), ``title_key`` (the casefolded title, for
exact-title and title-prefix lookups through a b-tree index) and copies of the filter fields
(category slug, difficulty, " tag slugs "), which PostgreSQL checks in the row before reading
its tsvector. ``wiki.search`` writes only this table, inside the saving transaction.

* SQLite: three FTS5 indexes with ``wiki_search_entry`` as their external content, kept in step
  by triggers: ``wiki_search_fts`` (all the text: porter stemming, prefix index),
  ``wiki_search_strong`` (title, tags and category only, small, so that finding which field a
  word is in never walks the body index) and ``wiki_search_trigram`` (title trigrams, for "did
  you mean" on a search without results).
* PostgreSQL: stored, weighted ``tsvector`` columns generated from the text, each with a GIN
  index: ``document`` (everything) and ``strong`` (title, tags and category only, small, so
  that finding which field a word is in never reads the body's vector); and a trigram GIN index
  on ``title_key`` when the pg_trgm extension can be had.

The SQL is frozen here rather than imported from ``wiki.search`` so that this migration means
the same thing forever. Existing terms are indexed by ``manage.py rebuild_search_index``.
"""

from django.db import DatabaseError, migrations, transaction

SQLITE_FORWARD = [
    """
    CREATE TABLE wiki_search_entry (
        term_id integer NOT NULL PRIMARY KEY,
        title_key text NOT NULL,
        title text NOT NULL,
        tags text NOT NULL DEFAULT '',
        category text NOT NULL DEFAULT '',
        body text NOT NULL DEFAULT '',
        category_slug text NOT NULL DEFAULT '',
        difficulty text NOT NULL DEFAULT '',
        tag_slugs text NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX wiki_search_entry_title_key ON wiki_search_entry (title_key)",
    """
    CREATE VIRTUAL TABLE wiki_search_fts USING fts5(
        title, tags, category, body,
        content='wiki_search_entry', content_rowid='term_id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='3'
    )
    """,
    """
    CREATE VIRTUAL TABLE wiki_search_strong USING fts5(
        title, tags, category,
        content='wiki_search_entry', content_rowid='term_id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='3'
    )
    """,
    """
    CREATE VIRTUAL TABLE wiki_search_trigram USING fts5(
        title_key, content='wiki_search_entry', content_rowid='term_id', tokenize='trigram'
    )
    """,
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

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS wiki_search_entry_au",
    "DROP TRIGGER IF EXISTS wiki_search_entry_ad",
    "DROP TRIGGER IF EXISTS wiki_search_entry_ai",
    "DROP TABLE IF EXISTS wiki_search_trigram",
    "DROP TABLE IF EXISTS wiki_search_strong",
    "DROP TABLE IF EXISTS wiki_search_fts",
    "DROP TABLE IF EXISTS wiki_search_entry",
]

POSTGRESQL_FORWARD = [
    """
    CREATE TABLE wiki_search_entry (
        term_id bigint NOT NULL PRIMARY KEY,
        title_key text COLLATE "C" NOT NULL,
        title text NOT NULL,
        tags text NOT NULL DEFAULT '',
        category text NOT NULL DEFAULT '',
        body text NOT NULL DEFAULT '',
        category_slug text NOT NULL DEFAULT '',
        difficulty text NOT NULL DEFAULT '',
        tag_slugs text NOT NULL DEFAULT '',
        document tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('english'::regconfig, title), 'A')
            || setweight(to_tsvector('english'::regconfig, tags), 'B')
            || setweight(to_tsvector('english'::regconfig, category), 'C')
            || setweight(to_tsvector('english'::regconfig, body), 'D')
        ) STORED,
        strong tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('english'::regconfig, title), 'A')
            || setweight(to_tsvector('english'::regconfig, tags), 'B')
            || setweight(to_tsvector('english'::regconfig, category), 'C')
        ) STORED
    )
    """,
    "CREATE INDEX wiki_search_entry_title_key ON wiki_search_entry (title_key)",
    "CREATE INDEX wiki_search_entry_document ON wiki_search_entry USING gin (document)",
    "CREATE INDEX wiki_search_entry_strong ON wiki_search_entry USING gin (strong)",
    "CREATE INDEX wiki_search_entry_category ON wiki_search_entry (category_slug)",
    "CREATE INDEX wiki_search_entry_difficulty ON wiki_search_entry (difficulty)",
    """
    CREATE INDEX wiki_search_entry_tags
    ON wiki_search_entry USING gin (string_to_array(btrim(tag_slugs), ' '))
    """,
]

POSTGRESQL_TRIGRAM = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    CREATE INDEX wiki_search_entry_title_trgm
    ON wiki_search_entry USING gin (title_key gin_trgm_ops)
    """,
]

POSTGRESQL_BACKWARD = ["DROP TABLE IF EXISTS wiki_search_entry"]


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
        # pg_trgm is a trusted extension (PostgreSQL 13+), but a role without CREATE on the
        # database still cannot add it; search then falls back to prefix candidates.
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                _run(schema_editor, POSTGRESQL_TRIGRAM)
        except DatabaseError:
            pass


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_BACKWARD)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("wiki", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
