"""Language identification of article text."""

from __future__ import annotations

import re
import threading

import py3langid

# Below this many letters the classifier is close to guessing; callers fall
# back to what the page or the source declares.
_MIN_LETTERS = 40
# The first few thousand characters decide as well as the whole text, faster.
_SAMPLE_CHARS = 1500
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None when the text is too short to tell."""
    if not text:
        return None
    sample = text[:_SAMPLE_CHARS]
    if len(_LETTER.findall(sample)) < _MIN_LETTERS:
        return None
    _load_model_once()
    lang, _score = py3langid.classify(sample)
    return str(lang) if lang else None


_model_lock = threading.Lock()
_model_loaded = False


def _load_model_once() -> None:
    # py3langid loads its ~100 MB model lazily on first use; threads arriving
    # together would each load a copy.
    global _model_loaded
    if not _model_loaded:
        with _model_lock:
            if not _model_loaded:
                py3langid.classify("warm up")
                _model_loaded = True


def normalize_language(tag: str | None) -> str | None:
    """``en-US`` / ``en_GB`` / ``EN`` → ``en``; None for empty or malformed tags."""
    if not tag:
        return None
    primary = re.split(r"[-_]", tag.strip())[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None
