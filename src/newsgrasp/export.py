"""Export stored articles as JSON Lines, CSV or Parquet.

Articles are streamed from the store, never all held at once; Parquet is
written in row groups of :data:`PARQUET_BATCH` rows.

Columns, in order: ``id, url, title, text, published, authors, source, via,
dateline, language, image, canonical_id, copies, content_hash``.  ``copies``
lists the URLs of the copies folded into a canonical article (empty for
copies).  ``published`` is ISO 8601 UTC text in JSONL/CSV and a UTC timestamp
in Parquet.  CSV has no lists: ``authors`` are joined with ``"; "`` and
``copies`` with a space (URLs contain no spaces).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sys
from collections.abc import Iterator
from datetime import UTC
from typing import IO, Any, cast

from .records import ArticleFilter, StoredArticle
from .store.base import Store

FORMATS = ("jsonl", "csv", "parquet")
COLUMNS = ("id", "url", "title", "text", "published", "authors", "source", "via", "dateline",
           "language", "image", "canonical_id", "copies", "content_hash")
PARQUET_BATCH = 1000

Output = str | os.PathLike[str] | IO[str] | IO[bytes]


def _copy_urls(store: Store, stored: StoredArticle) -> list[str]:
    if stored.canonical_id is not None:
        return []
    fast = getattr(store, "copy_urls", None)
    if callable(fast):
        return list(fast(stored.id))
    return [c.article.url for c in store.copies(stored.id) if c.article.url]


def _rows(store: Store, flt: ArticleFilter | None) -> Iterator[dict[str, Any]]:
    for stored in store.iter_articles(flt):
        a = stored.article
        published = a.published
        if published is not None:
            published = published.replace(tzinfo=UTC) if published.tzinfo is None else published.astimezone(UTC)
        yield {
            "id": stored.id,
            "url": a.url,
            "title": a.title,
            "text": a.text,
            "published": published,
            "authors": list(a.authors),
            "source": a.source,
            "via": a.via,
            "dateline": a.dateline,
            "language": a.language,
            "image": a.image,
            "canonical_id": stored.canonical_id,
            "copies": _copy_urls(store, stored),
            "content_hash": stored.content_hash,
        }


def _is_path(out: Output) -> bool:
    return isinstance(out, str | os.PathLike)


def _is_binary(out: Output) -> bool:
    if isinstance(out, io.TextIOBase):
        return False
    return isinstance(out, io.BufferedIOBase | io.RawIOBase) or "b" in str(getattr(out, "mode", ""))


@contextlib.contextmanager
def _text_stream(out: Output, *, newline: str | None) -> Iterator[IO[str]]:
    """A text stream for ``out``; paths are opened and closed, streams left open."""
    if _is_path(out):
        if str(out) == "-":
            yield sys.stdout
            return
        with open(cast("str | os.PathLike[str]", out), "w", encoding="utf-8", newline=newline) as fh:
            yield fh
        return
    if not _is_binary(out):
        yield cast(IO[str], out)
        return
    # A binary stream (or something that only takes bytes): wrap it, then detach
    # so closing the wrapper does not close the caller's stream.
    wrapper = io.TextIOWrapper(cast(IO[bytes], out), encoding="utf-8", newline=newline,
                               write_through=True)
    try:
        yield wrapper
        wrapper.flush()
    finally:
        wrapper.detach()


def _export_jsonl(rows: Iterator[dict[str, Any]], out: Output) -> int:
    count = 0
    with _text_stream(out, newline=None) as fh:
        for row in rows:
            if row["published"] is not None:
                row["published"] = row["published"].isoformat()
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
        fh.flush()
    return count


def _export_csv(rows: Iterator[dict[str, Any]], out: Output) -> int:
    count = 0
    with _text_stream(out, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for row in rows:
            row["published"] = row["published"].isoformat() if row["published"] is not None else ""
            row["authors"] = "; ".join(row["authors"])
            row["copies"] = " ".join(row["copies"])
            writer.writerow(["" if row[c] is None else row[c] for c in COLUMNS])
            count += 1
        fh.flush()
    return count


def _import_pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as exc:
        raise ImportError(
            "Parquet export needs pyarrow: pip install 'newsgrasp[parquet]'"
        ) from exc
    return pyarrow, pyarrow.parquet


def _export_parquet(rows: Iterator[dict[str, Any]], out: Output) -> int:
    pa, pq = _import_pyarrow()
    if _is_path(out) and str(out) == "-":
        out = sys.stdout
    if not _is_path(out) and isinstance(out, io.TextIOBase):
        # sys.stdout and friends sit on a binary buffer Parquet can use.
        buffer = getattr(out, "buffer", None)
        if buffer is None:
            raise ValueError("Parquet is binary: pass a path or a binary stream, not a text stream")
        out.flush()
        out = buffer
    schema = pa.schema([
        ("id", pa.int64()),
        ("url", pa.string()),
        ("title", pa.string()),
        ("text", pa.string()),
        ("published", pa.timestamp("us", tz="UTC")),
        ("authors", pa.list_(pa.string())),
        ("source", pa.string()),
        ("via", pa.string()),
        ("dateline", pa.string()),
        ("language", pa.string()),
        ("image", pa.string()),
        ("canonical_id", pa.int64()),
        ("copies", pa.list_(pa.string())),
        ("content_hash", pa.string()),
    ])
    count = 0
    sink = os.fspath(cast("str | os.PathLike[str]", out)) if _is_path(out) else out
    with pq.ParquetWriter(sink, schema, compression="zstd") as writer:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= PARQUET_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
        if batch or count == 0:
            # An empty export still writes a valid file with the schema.
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count


def export_articles(store: Store, fmt: str, out: Output, flt: ArticleFilter | None = None) -> int:
    """Write the articles ``flt`` selects to ``out`` in ``fmt``; returns how many.

    ``out`` is a path (``"-"`` for stdout), a text stream (JSONL/CSV) or a
    binary stream (any format).  Streams are flushed, not closed.
    """
    fmt = fmt.lower().strip()
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if fmt == "parquet":
        _import_pyarrow()  # fail before creating an empty output file
        return _export_parquet(_rows(store, flt), out)
    if fmt == "csv":
        return _export_csv(_rows(store, flt), out)
    return _export_jsonl(_rows(store, flt), out)
