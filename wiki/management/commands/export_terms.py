"""``manage.py export_terms DIR [--with-history]``: every term as a seed-format file.

``DIR/<slug>.md`` for each term (``wiki.export.seed_text``), which ``import_seeds DIR`` reads
back as the same terms; with ``--with-history``, also ``DIR/history.jsonl``, every revision
with its author and time, which ``import_history`` restores.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wiki.export import HISTORY_FILE, history_lines, seed_filename, term_markdown
from wiki.models import Term


class Command(BaseCommand):
    help = "Write every term as a seed-format Markdown file (and, optionally, the history)."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="where to write (made if missing)")
        parser.add_argument(
            "--with-history",
            action="store_true",
            help=f"also write every revision to DIRECTORY/{HISTORY_FILE}",
        )

    def handle(self, *args, directory: Path, with_history: bool, **options):
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"{directory}: {exc.strerror or exc}") from exc
        terms = Term.objects.select_related("current_revision").order_by("slug")
        count = 0
        for term in terms.iterator(chunk_size=200):
            (directory / seed_filename(term.slug)).write_text(
                term_markdown(term), encoding="utf-8", newline="\n"
            )
            count += 1
        written = f"{count} term{'s' if count != 1 else ''}"
        if with_history:
            lines = history_lines(Term.objects.order_by("slug").iterator(chunk_size=200))
            revisions = 0
            with (directory / HISTORY_FILE).open("w", encoding="utf-8", newline="\n") as out:
                for line in lines:
                    out.write(line)
                    revisions += 1
            written += f" and {revisions} revision{'s' if revisions != 1 else ''}"
        self.stdout.write(f"Wrote {written} to {directory}.")
