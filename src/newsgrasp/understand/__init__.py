"""Understanding: entities, actors, quotes and PLOVER events, each with its evidence.

Stage input: an article's text and date.  Output: an
:class:`~newsgrasp.records.Analysis`.  ``pipeline`` runs the steps in order:
``nlp`` (spaCy) → ``entities`` → ``actors`` → ``quotes`` → ``events``;
``enrich`` analyses stored articles (inside ingest, and for ``newsgrasp
enrich``); ``gdelt`` writes events as GDELT 2.0 event-table rows.

Importing this package does not load spaCy: :class:`Analyzer` does, once per
process.
"""

from .enrich import Enricher, EnrichSummary, enrich_store
from .gdelt import GDELT_COLUMNS, cameo_code, gdelt_row
from .pipeline import ANALYSER_VERSION, MAX_CHARS, Analyzer, analysed_text

__all__ = ["ANALYSER_VERSION", "GDELT_COLUMNS", "MAX_CHARS", "Analyzer", "EnrichSummary", "Enricher",
           "analysed_text", "cameo_code", "enrich_store", "gdelt_row"]
