"""The public API is what `import newsgrasp` gives: guard it against accidental change."""

import newsgrasp

EXPECTED = {
    "Article", "ArticleFilter", "Document", "Failure", "Feed", "Hints", "Link", "SearchHit", "StoredArticle",
    "Store", "SQLiteStore", "StoreError", "QueryError", "open_store",
    "ingest", "Ingester", "IngestOptions", "IngestSummary",
    "extract_document", "extract_html", "parse_text_article", "clean_article", "ExtractionError",
    "Fetcher", "FetchConfig", "FetchError", "canonicalize_url",
    "expand", "detect_kind", "content_hash", "NearDuplicateIndex", "export_articles",
    "Story", "StoryFilter", "StoryMember", "StoryClusterer", "ClusterConfig", "rebuild_stories",
    "Analysis", "Actor", "EntityRecord", "EventRecord", "QuoteRecord", "StoredEvent", "StoredQuote",
    "EventFilter", "QuoteFilter", "ActorActivity", "DyadPoint", "Analyzer", "enrich_store", "resolve_actor",
    "create_app",
    "__version__",
}


def test_public_api_is_stable():
    assert set(newsgrasp.__all__) == EXPECTED


def test_every_public_name_resolves():
    for name in newsgrasp.__all__:
        assert getattr(newsgrasp, name) is not None, name
