"""Typed records passed between pipeline stages.

One module per stage family: ``_articles`` (sources → fetch → extract → dedup →
store), ``_stories`` (story clustering), ``_understand`` (entities, actors,
quotes, events).  Import them from here.
"""

from ._articles import (
    Article,
    ArticleFilter,
    Document,
    Failure,
    Feed,
    Hints,
    Link,
    SearchHit,
    StoredArticle,
)
from ._stories import *  # noqa: F403
from ._stories import __all__ as _stories_all
from ._understand import *  # noqa: F403
from ._understand import __all__ as _understand_all

__all__ = [
    "Article", "ArticleFilter", "Document", "Failure", "Feed", "Hints", "Link", "SearchHit",
    "StoredArticle", *_stories_all, *_understand_all,
]
