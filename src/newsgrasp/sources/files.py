"""Local paths: folders walked in a fixed order, files read by what they contain."""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..records import Document, Failure, Hints, Link
from .base import parse_datetime

_SNIFF_BYTES = 65536


def walk(path: Path) -> Iterator[Path]:
    """Files under ``path`` sorted by name at every level, hidden entries skipped."""
    try:
        entries = sorted(os.scandir(path), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = Path(entry.path)
        try:
            # Symlinked folders are not followed: a link back up would never end.
            if entry.is_dir(follow_symlinks=False):
                yield from walk(child)
            elif entry.is_file():
                yield child
        except OSError:
            continue


def read_prefix(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(_SNIFF_BYTES)


def open_maybe_gzip(path: Path) -> io.BufferedIOBase:
    """The file's bytes, decompressed on the fly when it is gzip."""
    with path.open("rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(path, "rb")
    return path.open("rb")


def iter_jsonl(body: bytes | Iterable[bytes], target: str) -> Iterator[Document | Link | Failure]:
    """One record per line; a bad line becomes a Failure naming its number."""
    lines = body.splitlines() if isinstance(body, bytes) else body
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        where = f"{target}:{number}"
        try:
            data = json.loads(raw.decode("utf-8-sig") if number == 1 else raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            yield Failure(where, "bad line", f"line {number}: {exc}", origin="jsonl")
            continue
        if not isinstance(data, dict):
            yield Failure(where, "bad line", f"line {number}: not a JSON object", origin="jsonl")
            continue
        item = _jsonl_item(data)
        if item is None:
            yield Failure(where, "bad line", f"line {number}: no html, text or url", origin="jsonl")
        else:
            yield item


def _str(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _jsonl_item(data: dict[str, Any]) -> Document | Link | None:
    url = _str(data.get("url"))
    authors = data.get("authors", data.get("author"))
    if isinstance(authors, str):
        authors = [authors]
    hints = Hints(
        title=_str(data.get("title")),
        published=parse_datetime(data.get("date", data.get("published"))),
        source=_str(data.get("source")),
        authors=[a.strip() for a in authors if isinstance(a, str) and a.strip()]
        if isinstance(authors, list)
        else [],
        language=_str(data.get("language")),
        summary=_str(data.get("summary")),
    )
    html = data.get("html")
    text = data.get("text")
    if isinstance(html, str) and html.strip():
        if isinstance(text, str) and text.strip():
            hints.text = text
        return Document(
            url=url, body=html.encode("utf-8"), origin="jsonl",
            content_type="text/html", charset="utf-8", hints=hints,
        )
    if isinstance(text, str) and text.strip():
        hints.text = text
        return Document(
            url=url, body=text.encode("utf-8"), origin="jsonl",
            content_type="text/plain", charset="utf-8", hints=hints,
        )
    if url:
        # Only a URL (and maybe a title): the page still has to be fetched.
        return Link(url=url, origin="jsonl", hints=hints)
    return None
