"""Quotation marks: where each quotation in a text starts and ends.

Pure text, no parse: :func:`scan_marks` pairs opening and closing marks —
straight and curly double marks, « », „ “, and single marks outside a double
quote (headlines quote with them) — within a paragraph, and follows a quote
over paragraph breaks where the next paragraph reopens it (the newsroom
convention for a quote that runs on).  Apostrophes ("Russia's", "the rebels'
commanders") are told from single marks by what surrounds them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Marks", "quote_text", "scan_marks"]

# Opening mark → the marks that may close it (straight marks close themselves).
_PAIRS: dict[str, str] = {"“": "”", "«": "»", "„": "“”", '"': '"', "‘": "’", "'": "'"}
_DOUBLE_OPENERS = frozenset("“«„\"")
_PARAGRAPH_OPENERS = _DOUBLE_OPENERS | {"‘"}
# A single-quoted span longer than this is an apostrophe mistaken for a mark.
_MAX_SINGLE_QUOTE = 120


@dataclass(slots=True)
class Marks:
    """A direct quote's marks and the spans of its words (one per paragraph)."""

    open_mark: int
    close_mark: int     # index of the closing mark; the paragraph's end where none
    pieces: list[tuple[int, int]]

    @property
    def start(self) -> int:
        return self.pieces[0][0]

    @property
    def end(self) -> int:
        return self.pieces[-1][1]


def _paragraphs(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]


def _opens(text: str, i: int) -> bool:
    """A symmetric mark (" or ') opens after a space, bracket or dash and before a word."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([{—–-:/“\"") and (after.isalnum() or after in "‘'…")


def _spaced(text: str, i: int) -> bool:
    return (i == 0 or text[i - 1].isspace()) and i + 1 < len(text) and text[i + 1] == " "


def _single_closes(text: str, i: int) -> bool:
    """A single mark closes after a word or punctuation and before a space or punctuation."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and not after.isalnum()


def scan_marks(text: str) -> list[Marks]:
    """Every quotation in ``text``, in order; single marks only outside double ones."""
    paragraphs = _paragraphs(text)
    quotes: list[Marks] = []
    current: Marks | None = None
    closers = ""
    by_parity = False       # the open quote began at a mark told only by parity
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        i = p_start
        if current is not None:
            # An open quote continues only where this paragraph reopens it.
            if text[p_start] in _PARAGRAPH_OPENERS:
                current.pieces.append((p_start + 1, p_start + 1))
                i = p_start + 1
            else:
                quotes.append(current)
                current = None
        while i < p_end:
            ch = text[i]
            if current is None:
                # A straight mark with spaces on both sides (re-spaced or tokenised text)
                # can only be told by parity: with no quote open, it opens one.
                if ch in ("“", "«", "„", "‘") or ch in ('"', "'") and _opens(text, i) or \
                        ch == '"' and _spaced(text, i):
                    current = Marks(i, -1, [(i + 1, i + 1)])
                    closers = _PAIRS[ch]
                    by_parity = ch == '"' and not _opens(text, i)
            elif ch in closers and i > current.pieces[-1][0] and (
                    ch not in "’'" or _single_closes(text, i)):
                current.pieces[-1] = (current.pieces[-1][0], i)
                current.close_mark = i
                quotes.append(current)
                current = None
            elif closers in ("’", "'") and (ch in _DOUBLE_OPENERS or i - current.open_mark > _MAX_SINGLE_QUOTE):
                # Not a single-quoted passage after all (an apostrophe); look again from the next mark.
                current = None
                continue
            elif ch == "“" and closers == "”":
                # A second opener before any closer: the first quote was never closed.
                current = Marks(i, -1, [(i + 1, i + 1)])
            i += 1
        if current is not None:
            if closers in ("’", "'") or by_parity and len(current.pieces) == 1:
                # Single-quoted passages never span paragraphs, and a lone spaced mark
                # (inches, a stray key) that nothing closes is no quotation.
                current = None
                continue
            current.pieces[-1] = (current.pieces[-1][0], p_end)
            current.close_mark = p_end
            reopened = p_index + 1 < len(paragraphs) and text[paragraphs[p_index + 1][0]] in _PARAGRAPH_OPENERS
            if not reopened:
                quotes.append(current)
                current = None
    if current is not None:
        quotes.append(current)
    return [q for q in quotes if any(text[a:b].strip() for a, b in q.pieces)]


def quote_text(text: str, marks: Marks) -> str:
    parts = [text[a:b].strip() for a, b in marks.pieces if text[a:b].strip()]
    joined = "\n\n".join(parts).rstrip(",;: ")
    # A fragment ("what he called a “post-West world order.”") does not own the
    # sentence's full stop; a quoted sentence keeps its own.
    if joined and not joined[0].isupper() and joined.endswith("."):
        joined = joined[:-1]
    return joined
