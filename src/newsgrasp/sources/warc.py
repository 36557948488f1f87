"""WARC and ARC archives: one Document per captured HTML page.

Archives are read record by record from a stream so a multi-gigabyte crawl
never sits in memory, and damage part-way keeps everything read before it.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable, Iterator
from typing import IO, Any, BinaryIO, cast

from ..records import Document, Failure
from .base import parse_datetime, split_content_type
from .detect import detect_kind

_HTML_TYPES = {"text/html", "application/xhtml+xml"}
# Records whose payload is a page; request/metadata/warcinfo/revisit never are.
_PAGE_RECORDS = {"response", "resource"}


def iter_warc(
    open_stream: Callable[[], IO[bytes]], target: str, *, arc: bool = False
) -> Iterator[Document | Failure]:
    """Yield a Document per HTML response/resource record of the archive.

    ``open_stream`` is called again (at most once) to re-read an archive that
    was gzipped as one stream instead of one member per record: warcio
    refuses those, but they are common and otherwise intact.
    """
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:  # pragma: no cover - warcio is a declared dependency
        yield Failure(target, "unsupported", "warcio is not installed", origin="warc")
        return

    seen = 0
    retried = False
    opened = [open_stream()]
    stream: IO[bytes] = opened[0]
    try:
        while True:
            # arc2warc only for ARC: it makes warcio take any 5-field junk line for an ARC header.
            it = ArchiveIterator(stream, arc2warc=arc)
            index = 0
            last_offset = 0
            last_end = 0
            try:
                for record in it:
                    index += 1
                    if index <= seen:
                        continue
                    seen = index
                    items = list(_record(record, target, it))
                    # Only now: asking warcio for the offset reads the record to its end.
                    last_offset = it.get_record_offset()
                    last_end = last_offset + it.get_record_length()
                    yield from items
            except Exception as exc:
                message = _first_line(exc)
                if not retried and "non-chunked gzip" in str(exc):
                    retried = True
                    opened.append(open_stream())
                    stream = cast(BinaryIO, gzip.GzipFile(fileobj=opened[-1], mode="rb"))
                    continue
                yield Failure(
                    target,
                    "damaged archive",
                    f"after record {index} (offset {last_offset}): {message}",
                    origin="warc",
                )
                return
            if not retried:
                leftover = _leftover(stream, last_end)
                if leftover:
                    yield Failure(
                        target,
                        "damaged archive",
                        f"{leftover} bytes at offset {last_end} after record {index} are not a complete record",
                        origin="warc",
                    )
            return
    finally:
        stream.close()
        for raw in opened:
            raw.close()


def _record(record: Any, target: str, it: Any) -> Iterator[Document | Failure]:
    if record.rec_type not in _PAGE_RECORDS:
        return
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI")
    if record.http_headers is not None and record.rec_type == "response":
        status = record.http_headers.get_statuscode()
        # Redirects and error pages are HTML but not the article.
        if not (status or "").startswith("2"):
            return
        raw_type = record.http_headers.get_header("Content-Type")
    else:
        raw_type = headers.get_header("Content-Type")
    mime, charset = split_content_type(raw_type)
    if mime is not None and mime not in _HTML_TYPES and not mime.startswith("application/http"):
        return
    try:
        body = record.content_stream().read()
    except Exception as exc:
        yield Failure(url or target, "damaged archive", f"record at offset {_offset(it)}: {_first_line(exc)}", origin="warc")
        return
    remaining = getattr(record.raw_stream, "limit", 0) or 0
    if remaining > 0:
        # The archive ended (or a gzip member broke) before Content-Length was reached.
        yield Failure(
            url or target,
            "damaged archive",
            f"record at offset {_offset(it)} truncated, {remaining} bytes missing",
            origin="warc",
        )
        return
    if mime is None or mime.startswith("application/http"):
        if detect_kind(body) != "html":
            return
        mime = "text/html"
    if not body.strip():
        return
    yield Document(
        url=url,
        body=body,
        origin="warc",
        content_type=mime,
        charset=charset,
        fetched_at=parse_datetime(headers.get_header("WARC-Date")),
    )


def iter_warc_bytes(body: bytes, target: str, *, arc: bool = False) -> Iterator[Document | Failure]:
    return iter_warc(lambda: io.BytesIO(body), target, arc=arc)


def _leftover(stream: IO[bytes], end: int) -> int:
    """Bytes after the last record that are not padding.

    warcio ends quietly when the last record's headers are cut off, so an
    archive truncated there would otherwise lose its tail without a word.
    """
    try:
        if not stream.seekable():
            return 0
        size = stream.seek(0, io.SEEK_END)
        if size <= end:
            return 0
        stream.seek(end)
        tail = stream.read(min(size - end, 4096))
    except (OSError, ValueError):
        return 0
    return size - end if tail.strip(b"\r\n\t \x00") else 0


def _offset(it: Any) -> str:
    try:
        return str(it.get_record_offset())
    except Exception:
        return "?"


def _first_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:300]}" if text else type(exc).__name__
