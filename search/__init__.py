"""Full-text search as its own app: one interface, an engine per database.

``index_term``/``remove_term`` (called by the write path inside its transaction, so the index
never lags), ``rebuild`` and ``is_stale`` are in ``indexing``; ``search`` and ``exact_title``
in ``results``; ``suggest`` and ``similar_titles`` in ``suggest``; query parsing (every input
reduced to words and phrases, never passed on as syntax) in ``query``; each database's
reading SQL in ``backends``. Import the functions from their modules.
"""
