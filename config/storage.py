import logging

from django.contrib.staticfiles import finders
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files in production (after ``collectstatic``).

    A file missing from the manifest falls back to its plain name (served by whitenoise's
    finders) with a warning, so tests and a first run before ``collectstatic`` still work.
    """

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:
            if finders.find(name) is None:
                raise  # no such file at all (whitenoise asks for made-up names, and expects this)
            logger.warning("static file %s is not in the manifest: run collectstatic", name)
            # Remember the fallback, so later pages neither look for the file nor warn again.
            self.hashed_files[self.hash_key(self.clean_name(name))] = name
            return name
