"""``manage.py import_seeds [PATH ...] [--dry-run]``: import seed documents, idempotently.

Each file is parsed and written on its own (one transaction each, through the one write path),
so a bad file is named with its reason and the others still import. Exit status 1 when any
file failed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from wiki.content import TermData
from wiki.exceptions import WikiError
from wiki.seeds import SEED_SUFFIXES, SeedError, parse_seed_file
from wiki.services.terms import term_import


def safe_name(path: Path | str) -> str:
    """The file name as it can be printed: control characters shown as escapes."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(path))


def seed_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.iterdir() if p.is_file() and p.suffix in SEED_SUFFIXES)
            )
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"{safe_name(path)}: no such file or directory")
    return files


class Command(BaseCommand):
    help = "Import seed documents (Markdown with front matter) as terms, idempotently."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="*", type=Path, help="files or directories (default: seeds/)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )

    def handle(self, *args, paths: list[Path], dry_run: bool, **options):
        self.verbosity = options["verbosity"]
        files = seed_files(paths or [Path(settings.BASE_DIR) / "seeds"])
        counts: Counter[str] = Counter()
        parsed: list[tuple[Path, TermData]] = []
        for path in files:
            try:
                parsed.append((path, parse_seed_file(path)))
            except SeedError as exc:
                self._fail(counts, path, str(exc))

        by_slug: dict[str, list[Path]] = {}
        for path, doc in parsed:
            by_slug.setdefault(doc.slug, []).append(path)
        for path, doc in parsed:
            clashes = [p for p in by_slug[doc.slug] if p != path]
            if clashes:
                others = ", ".join(safe_name(p.name) for p in clashes)
                self._fail(counts, path, f"same slug {doc.slug!r} as {others}")
                continue
            self._import(counts, path, doc, dry_run=dry_run)

        prefix = "dry run: would have " if dry_run else ""
        summary = (
            f"{prefix}created {counts['created']}, updated {counts['updated']}, "
            f"unchanged {counts['unchanged']}, failed {counts['failed']}"
        )
        self.stdout.write(summary)
        if counts["failed"]:
            failed = counts["failed"]
            raise CommandError(
                f"{failed} {'file' if failed == 1 else 'files'} could not be imported",
                returncode=1,
            )

    def _import(self, counts: Counter, path: Path, doc: TermData, *, dry_run: bool) -> None:
        name = safe_name(path.name)
        try:
            # A dry run does the real import and rolls it back: the same checks, nothing kept.
            with transaction.atomic():
                result = term_import(data=doc, source_name=name)
                transaction.set_rollback(dry_run)
        except WikiError as exc:
            self._fail(counts, path, str(exc))
            return
        outcome = "created" if result.created else "updated" if result.changed else "unchanged"
        counts[outcome] += 1
        for note in result.notes:
            self.stdout.write(f"{name}: {note}")
        if self.verbosity >= 2 or outcome != "unchanged":
            said = {"created": "would create", "updated": "would update"} if dry_run else {}
            self.stdout.write(f"{name}: {said.get(outcome, outcome)} {doc.slug}")

    def _fail(self, counts: Counter, path: Path, reason: str) -> None:
        counts["failed"] += 1
        self.stderr.write(f"{safe_name(path)}: {reason}")
