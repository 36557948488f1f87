"""CLI commands of the stories stage, registered on :data:`newsgrasp.cli.cli`.

Imported at the end of ``newsgrasp.cli`` so the shared option decorators exist.
"""

from __future__ import annotations

from .cli import cli  # noqa: F401
