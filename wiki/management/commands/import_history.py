"""``manage.py import_history FILE``: restore the history ``export_terms --with-history``
wrote, term by term, through the write path (authors by username, original times).

A term whose address this wiki already has is skipped and named; a damaged line or a term
that cannot be written is named with its reason, and the others are still restored. Exit
status 1 when anything failed.
"""

from __future__ import annotations

import json
from itertools import groupby
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wiki.exceptions import WikiError
from wiki.services.history import history_restore


class Command(BaseCommand):
    help = "Restore exported history (history.jsonl) into this wiki."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a history.jsonl written by export_terms")

    def handle(self, *args, file: Path, **options):
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: cannot be read ({exc})") from exc
        records, failed = [], 0
        for number, line in enumerate(lines, start=1):
            try:
                record = json.loads(line)
                if not isinstance(record, dict) or not isinstance(record.get("term"), str):
                    raise ValueError("not a revision record")
                records.append(record)
            except ValueError as exc:
                self.stderr.write(f"line {number}: {exc}")
                failed += 1
        restored = revisions = skipped = 0
        for slug, group in groupby(records, key=lambda r: r["term"]):
            try:
                result = history_restore(records=list(group))
            except (WikiError, KeyError, TypeError, ValueError) as exc:
                self.stderr.write(f"{slug}: {exc}")
                failed += 1
                continue
            if result.skipped:
                self.stdout.write(f"{slug}: skipped, {result.skipped}")
                skipped += 1
                continue
            restored += 1
            revisions += result.revisions
            for username in result.new_members:
                self.stdout.write(f"{username}: made as an inactive account (no password)")
        self.stdout.write(
            f"restored {restored} terms with {revisions} revisions, skipped {skipped}, "
            f"failed {failed}"
        )
        if failed:
            raise CommandError(f"{failed} could not be restored", returncode=1)
