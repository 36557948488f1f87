"""The clusterer's compiled kernels (``_speedups.c``), where they were built.

The extension is optional: it is built at install where a C compiler is
found, and everything it does also exists in Python (``vectors.py``,
``pairs.py``).  The sparse-vector kernels give the same numbers as their
Python twins; the pair model's sums are kept in double precision here where
numpy's matrix path for big regroupings sums in single, so a probability may
differ in its seventh digit.  Set ``NEWSGRASP_PURE_PYTHON=1`` to run the
Python versions (e.g. to compare).
"""

from __future__ import annotations

import os
from types import ModuleType


def _load() -> ModuleType | None:
    if os.environ.get("NEWSGRASP_PURE_PYTHON", "") not in ("", "0"):
        return None
    try:
        from . import _speedups
    except ImportError:  # built without a C compiler
        return None
    return _speedups


speedups = _load()
COMPILED = speedups is not None
