"""The index table, as a model Django does not manage.

``wiki_search_entry`` and the engines' indexes over it (FTS5 tables and triggers on SQLite,
generated tsvector columns and GIN indexes on PostgreSQL) are created by the raw SQL of
``wiki`` migration 0002, which differs per database; this model lets code and tests read and
delete entries through the ORM. Writes go through ``search.indexing`` (an upsert).
"""

from __future__ import annotations

from django.db import models


class SearchEntry(models.Model):
    term = models.OneToOneField(
        "wiki.Term", primary_key=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    title_key = models.TextField()
    title = models.TextField()
    tags = models.TextField(default="")
    category = models.TextField(default="")
    body = models.TextField(default="")
    category_slug = models.TextField(default="")
    difficulty = models.TextField(default="")
    tag_slugs = models.TextField(default="")
    # The body's first EXCERPT_CHARS characters: snippets are cut from here (search 0002).
    excerpt = models.TextField(default="")

    class Meta:
        managed = False
        db_table = "wiki_search_entry"

    def __str__(self) -> str:
        return self.title
