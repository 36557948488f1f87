"""Schema of the understand tables: one migration, appended to ``MIGRATIONS``.

Until the understand stage ships, this may change freely; after that, append a new
migration instead of editing it.
"""

SCHEMA = ""
