"""Exporting articles as JSONL, CSV and Parquet."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsgrasp import export
from newsgrasp.export import COLUMNS, export_articles
from newsgrasp.records import Article, ArticleFilter
from newsgrasp.store import SQLiteStore


@pytest.fixture(params=["memory", "file"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(":memory:" if request.param == "memory" else tmp_path / "news.db")
    canonical = s.add_article(
        Article(title="Ministers meet", text="Ministers met in Geneva, \"again\".\nSecond line.",
                url="https://a.com/1", published=datetime(2024, 3, 1, 12, 0, tzinfo=UTC),
                authors=["Ana Pérez", "Bob Li"], source="A News", via="AP", dateline="GENEVA",
                language="en", image="https://a.com/i.jpg"),
        content_hash="h1")
    s.add_article(Article(title="Ministers meet (copy)", text="Ministers met in Geneva again.",
                          url="https://b.com/1", language="en"), content_hash="h2", canonical_id=canonical)
    s.add_article(Article(title="Wetter", text="Regen.", url="https://c.de/1", language="de"),
                  content_hash="h3")
    yield s
    s.close()


def check_first(row: dict[str, object]) -> None:
    assert row["id"] == 1 and row["url"] == "https://a.com/1" and row["title"] == "Ministers meet"
    assert row["text"] == "Ministers met in Geneva, \"again\".\nSecond line."
    assert row["source"] == "A News" and row["via"] == "AP" and row["dateline"] == "GENEVA"
    assert row["language"] == "en" and row["image"] == "https://a.com/i.jpg"
    assert row["content_hash"] == "h1"


def test_jsonl_round_trip(store: SQLiteStore, tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    assert export_articles(store, "jsonl", path) == 2
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [1, 3]
    assert list(rows[0]) == list(COLUMNS)
    check_first(rows[0])
    assert rows[0]["published"] == "2024-03-01T12:00:00+00:00"
    assert rows[0]["authors"] == ["Ana Pérez", "Bob Li"]
    assert rows[0]["copies"] == ["https://b.com/1"] and rows[0]["canonical_id"] is None
    assert rows[1]["copies"] == [] and rows[1]["published"] is None


def test_jsonl_streams_and_filters(store: SQLiteStore) -> None:
    text = io.StringIO()
    assert export_articles(store, "jsonl", text, ArticleFilter(include_copies=True)) == 3
    rows = [json.loads(line) for line in text.getvalue().splitlines()]
    assert [r["canonical_id"] for r in rows] == [None, 1, None]
    binary = io.BytesIO()
    assert export_articles(store, "JSONL", binary, ArticleFilter(language="de")) == 1
    assert not binary.closed
    assert json.loads(binary.getvalue().decode("utf-8"))["title"] == "Wetter"


def test_csv_round_trip(store: SQLiteStore, tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    assert export_articles(store, "csv", path, ArticleFilter(include_copies=True)) == 3
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 3 and list(rows[0]) == list(COLUMNS)
    first = {**rows[0], "id": int(rows[0]["id"])}
    check_first(first)
    assert rows[0]["authors"] == "Ana Pérez; Bob Li"
    assert rows[0]["copies"] == "https://b.com/1"
    assert rows[0]["published"] == "2024-03-01T12:00:00+00:00"
    assert rows[1]["canonical_id"] == "1" and rows[1]["copies"] == "" and rows[1]["published"] == ""
    binary = io.BytesIO()
    assert export_articles(store, "csv", binary, ArticleFilter(limit=1)) == 1
    assert binary.getvalue().decode("utf-8").startswith("id,url,title")


def test_parquet_round_trip(store: SQLiteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    monkeypatch.setattr(export, "PARQUET_BATCH", 1)
    path = tmp_path / "out.parquet"
    assert export_articles(store, "parquet", path, ArticleFilter(include_copies=True)) == 3
    parquet = pq.ParquetFile(path)
    assert parquet.metadata.num_row_groups == 3  # written in batches, not all at once
    rows = parquet.read().to_pylist()
    assert [r["id"] for r in rows] == [1, 2, 3]
    assert parquet.schema_arrow.names == list(COLUMNS)
    check_first(rows[0])
    assert rows[0]["published"] == datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    assert rows[0]["authors"] == ["Ana Pérez", "Bob Li"] and rows[0]["copies"] == ["https://b.com/1"]
    assert rows[1]["canonical_id"] == 1 and rows[2]["published"] is None
    buffer = io.BytesIO()
    assert export_articles(store, "parquet", buffer, ArticleFilter(language="nope")) == 0
    assert pq.read_table(io.BytesIO(buffer.getvalue())).num_rows == 0
    with pytest.raises(ValueError, match="binary"):
        export_articles(store, "parquet", io.StringIO())
    # A text stream over a binary buffer (like sys.stdout) is fine.
    raw = io.BytesIO()
    wrapper = io.TextIOWrapper(raw, encoding="utf-8")
    assert export_articles(store, "parquet", wrapper) == 2
    assert pq.read_table(io.BytesIO(raw.getvalue())).num_rows == 2


def test_unknown_format(store: SQLiteStore, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="jsonl, csv, parquet"):
        export_articles(store, "xml", tmp_path / "out.xml")
    assert not (tmp_path / "out.xml").exists()


def test_parquet_without_pyarrow(store: SQLiteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(ImportError, match=r"newsgrasp\[parquet\]"):
        export_articles(store, "parquet", tmp_path / "out.parquet")
    assert not (tmp_path / "out.parquet").exists()
