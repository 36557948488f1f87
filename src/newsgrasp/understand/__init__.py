"""Understanding: entities, actors, quotes and PLOVER events, each with its evidence.

Stage input: an article's text and date.  Output: an
:class:`~newsgrasp.records.Analysis`.  ``pipeline`` runs the steps in order:
``nlp`` (spaCy) → ``entities`` → ``actors`` → ``quotes`` → ``events``.
"""
