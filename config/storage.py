import logging

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files in production (after ``collectstatic``).

    A file missing from the manifest falls back to its plain name (served by whitenoise's
    finders) with a warning, so tests and a first run before ``collectstatic`` still work.
    """

    _warned: set[str] = set()

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:
            if name not in self._warned:
                self._warned.add(name)
                logger.warning("static file %s is not in the manifest: run collectstatic", name)
            return name
