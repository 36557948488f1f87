"""Stories: coverage of one event by many outlets, folded together as articles arrive.

* :class:`StoryClusterer` (``cluster.py``): the online clusterer, independent of
  any store; :func:`cluster_all` runs it over a whole stream.
* :class:`StoryTracker` (``tracker.py``): keeps a store's stories up to date
  during ingest; :func:`rebuild` re-clusters a whole store.
* ``features.py``: the cheap text features (terms, guessed names, years, IDF).
* :func:`minilm_embedder` (``embed.py``): an optional MiniLM sentence embedding
  for ``ClusterConfig(embedder=...)``; needs the packages it names.
"""

from .cluster import Assignment, ClusterConfig, StoryClusterer, cluster_all
from .embed import minilm_embedder
from .tracker import RebuildReport, StoryTracker, rebuild, story_input

__all__ = ["Assignment", "ClusterConfig", "RebuildReport", "StoryClusterer", "StoryTracker", "cluster_all",
           "minilm_embedder", "rebuild", "story_input"]
