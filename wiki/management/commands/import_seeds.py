"""``manage.py import_seeds [PATH ...] [--dry-run]``: import seed documents, idempotently.

Every file is parsed and checked first, and a bad one is named with its reason while the
others still import. The good ones go in together through the bulk import
(``wiki.services.imports``: the rules of the one write path, written in chunks, with titles
known across the batch). ``-v0`` prints only failures and the summary line, ``-v2`` every
file. Exit status 1 when any file failed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from wiki.content import TermData
from wiki.seeds import SEED_SUFFIXES, SeedError, parse_seed_file
from wiki.services.imports import ImportResult, SeedDoc, in_workers, term_import_batch


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
    # A data command: the system checks import every view (the URLconf's error handlers) for
    # nothing here, a second of each run. ``migrate`` and the servers run them.
    requires_system_checks: list[str] = []

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
        for path, doc in zip(files, in_workers(_parse, files), strict=True):
            if isinstance(doc, SeedError):
                self._fail(counts, path, str(doc))
            else:
                parsed.append((path, doc))

        slugs = [doc.slug for _, doc in parsed]
        by_slug: dict[str, list[Path]] = {}
        for (path, _), slug in zip(parsed, slugs, strict=True):
            by_slug.setdefault(slug, []).append(path)
        batch: list[tuple[Path, TermData]] = []
        for (path, doc), slug in zip(parsed, slugs, strict=True):
            clashes = [p for p in by_slug[slug] if p != path]
            if clashes:
                others = ", ".join(safe_name(p.name) for p in clashes)
                self._fail(counts, path, f"same slug {slug!r} as {others}")
                continue
            batch.append((path, doc))
        self._import(counts, batch, dry_run=dry_run)

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

    def _import(
        self, counts: Counter, batch: list[tuple[Path, TermData]], *, dry_run: bool
    ) -> None:
        docs = [SeedDoc(name=safe_name(path.name), data=doc) for path, doc in batch]
        if dry_run:
            # The real import, rolled back: the same checks, nothing kept.
            with transaction.atomic():
                results = term_import_batch(docs=docs)
                transaction.set_rollback(True)
        else:
            results = term_import_batch(docs=docs)
        for (path, _), result in zip(batch, results, strict=True):
            self._report(counts, path, result, dry_run=dry_run)

    def _report(self, counts: Counter, path: Path, result: ImportResult, *, dry_run: bool) -> None:
        if result.outcome == "failed":
            self._fail(counts, path, result.error)
            return
        counts[result.outcome] += 1
        for note in result.notes:
            self.stdout.write(f"{result.name}: {note}")
        if self.verbosity >= 2 or (self.verbosity == 1 and result.outcome != "unchanged"):
            said = {"created": "would create", "updated": "would update"} if dry_run else {}
            self.stdout.write(
                f"{result.name}: {said.get(result.outcome, result.outcome)} {result.slug}"
            )

    def _fail(self, counts: Counter, path: Path, reason: str) -> None:
        counts["failed"] += 1
        self.stderr.write(f"{safe_name(path)}: {reason}")


def _parse(path: Path) -> TermData | SeedError:
    try:
        return parse_seed_file(path)
    except SeedError as exc:
        return exc
