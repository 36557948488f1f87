"""Records of the story-clustering stage (issue 3): filled in by that stage."""

from __future__ import annotations

__all__: list[str] = []
