"""``manage.py rerender_terms [--all]``: refresh stored HTML after the renderer changed.

Only terms whose ``renderer_version`` is older than the renderer's are touched unless ``--all``
is given. Content does not change, so no revision is written.
"""

from django.core.management.base import BaseCommand

from markup import RENDERER_VERSION
from wiki.exceptions import TermWriteError
from wiki.models import Term
from wiki.services import term_rerender


class Command(BaseCommand):
    help = "Re-render the stored HTML of terms rendered by an older renderer version."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="re-render every term")

    def handle(self, *args, all: bool, **options):
        terms = (
            Term.objects.all() if all else Term.objects.exclude(renderer_version=RENDERER_VERSION)
        )
        done = failed = 0
        for term in terms.iterator(chunk_size=200):
            try:
                term_rerender(term)
                done += 1
            except TermWriteError as exc:
                failed += 1
                self.stderr.write(f"{term.slug}: {exc}")
        self.stdout.write(f"re-rendered {done}, failed {failed}")
