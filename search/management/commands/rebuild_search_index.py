"""``manage.py rebuild_search_index``: index every term again, from scratch.

Run it once after migrating an existing database to the search index (migration 0002 creates
the index empty), and whenever the index may have drifted (a category renamed in the admin,
terms deleted outside the admin). It runs in one transaction: searches keep using the old
index until it commits.
"""

from __future__ import annotations

from time import perf_counter

from django.core.management.base import BaseCommand

from search.backends import engine_name
from search.indexing import is_stale, rebuild


class Command(BaseCommand):
    help = "Rebuild the full-text search index from the terms."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help="only rebuild when the index does not hold every term (cheap to run always)",
        )

    def handle(self, *args, if_stale: bool, **options):
        if if_stale and not is_stale():
            self.stdout.write("The search index is up to date.")
            return
        started = perf_counter()
        count = rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {count} term{'s' if count != 1 else ''} with {engine_name()}"
                f" in {perf_counter() - started:.1f} s."
            )
        )
