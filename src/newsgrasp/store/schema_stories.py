"""Schema of the stories tables: one migration, appended to ``MIGRATIONS``.

Until the stories stage ships, this may change freely; after that, append a new
migration instead of editing it.
"""

SCHEMA = ""
