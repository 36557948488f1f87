"""The ``newsgrasp`` command line."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ._version import __version__
from .ingest import Ingester, IngestOptions, IngestSummary, parse_date
from .records import Article, ArticleFilter, StoredArticle
from .store import QueryError, Store, StoreError, open_store

F = TypeVar("F", bound=Callable[..., Any])

err = Console(stderr=True, highlight=False)
out = Console(highlight=False, soft_wrap=True)


# -- shared options -----------------------------------------------------------
def db_option(fn: F) -> F:
    return click.option(
        "--db", "db", envvar="NEWSGRASP_DB", metavar="PATH",
        help="SQLite database file (default: newsgrasp.db in your user data dir; env NEWSGRASP_DB).",
    )(fn)


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD or an ISO datetime)") from None


def filter_options(fn: F) -> F:
    for option in reversed([
        click.option("--source", metavar="NAME", help="Only articles from this outlet (name or host)."),
        click.option("--since", metavar="DATE", callback=_date, help="Published on or after DATE."),
        click.option("--until", metavar="DATE", callback=_date, help="Published before DATE."),
        click.option("--lang", metavar="CODE", help="Only articles in this language (ISO 639-1, e.g. en)."),
    ]):
        fn = option(fn)
    return fn


def fetch_options(fn: F) -> F:
    for option in reversed([
        click.option("--user-agent", metavar="UA", help="User-Agent sent with every request."),
        click.option("--delay", type=float, metavar="SECONDS",
                     help="Pause between two requests to the same host (default 1.0)."),
        click.option("--timeout", type=float, metavar="SECONDS", help="Read timeout per request (default 20)."),
        click.option("--max-bytes", type=int, metavar="N", help="Largest page read, in bytes (default 10 MB)."),
        click.option("--ignore-robots", is_flag=True, help="Do not consult robots.txt (only for your own sites)."),
    ]):
        fn = option(fn)
    return fn


def _filter(source: str | None, since: datetime | None, until: datetime | None, lang: str | None,
            **extra: Any) -> ArticleFilter:
    return ArticleFilter(source=source, since=since, until=until, language=lang, **extra)


def _open(db: str | None) -> Store:
    try:
        return open_store(db)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None


def _fetcher(user_agent: str | None = None, delay: float | None = None, timeout: float | None = None,
             max_bytes: int | None = None, ignore_robots: bool = False) -> Any:
    from .fetch import FetchConfig, Fetcher

    config = FetchConfig()
    if user_agent:
        config.user_agent = user_agent
    if delay is not None:
        config.per_host_delay = delay
    if timeout is not None:
        config.read_timeout = timeout
    if max_bytes is not None:
        config.max_bytes = max_bytes
    if ignore_robots:
        config.respect_robots = False
    return Fetcher(config)


# -- the group ------------------------------------------------------------------
@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsgrasp")
def cli() -> None:
    """newsgrasp: collect news, extract clean articles, fold copies, store and search them.

    Everything is kept in one SQLite file (see --db). Start with `newsgrasp demo`,
    or `newsgrasp ingest` a feed, sitemap, OPML list, page, file, folder or WARC.
    """


# -- ingest ---------------------------------------------------------------------
@cli.command()
@click.argument("sources", nargs=-1, required=True)
@db_option
@fetch_options
@click.option("--refresh", is_flag=True, help="Fetch and re-extract URLs that are already stored.")
@click.option("--keep-html/--no-keep-html", default=True, show_default=True,
              help="Keep the raw HTML (compressed) so `reextract` can redo extraction later.")
@click.option("--published", metavar="DATE", callback=_date,
              help="Publication date for items that carry none (e.g. a saved .txt article).")
@click.option("--workers", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Pages fetched at once (still one at a time per host).")
@click.option("--jobs", type=click.IntRange(1, 64), default=min(4, os.cpu_count() or 1), show_default=True,
              help="Extraction processes; they start once an ingest has more than a few pages.")
@click.option("--dedup-window", "dedup_window", type=click.FloatRange(min=1), metavar="DAYS",
              help="Compare new articles for copies only with those published within DAYS of the newest "
                   "(bounds memory for long-running feed polling; default: compare with all).")
@click.option("--enrich/--no-enrich", default=True, show_default=True,
              help="Analyse each new article (entities, quotes, events); --no-enrich is faster, and "
                   "`newsgrasp enrich` can do it later.")
@click.option("-v", "--verbose", is_flag=True, help="Print every failure with its detail.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def ingest(sources: tuple[str, ...], db: str | None, user_agent: str | None, delay: float | None,
           timeout: float | None, max_bytes: int | None, ignore_robots: bool, refresh: bool,
           keep_html: bool, published: datetime | None, workers: int, jobs: int,
           dedup_window: float | None, enrich: bool, verbose: bool, quiet: bool, as_json: bool) -> None:
    """Ingest SOURCES: feeds (RSS, Atom, JSON Feed), sitemaps, OPML files, pages,
    files and folders (.html, .txt, .jsonl, .warc[.gz]) in any mix.

    Each source's kind is told from its content. Already stored URLs are skipped
    (unless --refresh), so an interrupted ingest resumes where it stopped.
    """
    options = IngestOptions(refresh=refresh, keep_html=keep_html, fetch_workers=workers, jobs=jobs,
                            published=published, dedup_window_days=dedup_window, enrich=enrich)
    fetcher = _fetcher(user_agent, delay, timeout, max_bytes, ignore_robots)
    with _open(db) as store, fetcher:
        summary = _run_ingest(Ingester(store, fetcher, options), list(sources), quiet or as_json)
    _print_summary(summary, verbose, as_json)
    if summary.processed and summary.failed == summary.processed:
        sys.exit(1)


def _run_ingest(ingester: Ingester, sources: list[str], quiet: bool) -> IngestSummary:
    show = not quiet and err.is_terminal
    progress = Progress(SpinnerColumn(), TextColumn("[bold]ingest[/]"), BarColumn(bar_width=None),
                        TextColumn("{task.description}"), TimeElapsedColumn(), console=err,
                        disable=not show, transient=False)

    started = time.monotonic()

    def report(summary: IngestSummary, event: str) -> None:
        if event == "reclustering":
            progress.update(task, description="re-clustering stories (refreshed texts changed)…")
            return
        rate = summary.processed / max(time.monotonic() - started, 1e-6)
        progress.update(task, description=(
            f"{summary.new} new · {summary.copies} copies · {summary.skipped} skipped · "
            f"{summary.failed} failed · {summary.analysed} analysed · {rate:.0f}/s"),
            completed=summary.processed)

    with progress:
        task = progress.add_task("starting", total=None)
        try:
            return ingester.run(sources, report)
        except KeyboardInterrupt:
            err.print("[yellow]Interrupted: everything stored so far is kept; run the same "
                      "command again to resume.[/]")
            raise SystemExit(130) from None


def _print_summary(summary: IngestSummary, verbose: bool, as_json: bool) -> None:
    if as_json:
        data = summary.as_dict()
        data["failures"] = [{"target": f.target, "reason": f.reason, "detail": f.detail}
                            for f in summary.failures]
        click.echo(json.dumps(data, indent=2))
        return
    table = Table(title="Ingest summary", show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    for label, value in [
        ("feeds read", summary.feeds), ("pages fetched", summary.fetched), ("documents read", summary.read),
        ("new articles", summary.new), ("copies folded", summary.copies),
        ("duplicates", summary.duplicates), ("updated", summary.updated),
        ("skipped (already stored)", summary.skipped),
        ("not articles (index pages)", len(summary.not_articles)), ("failed", summary.failed),
        ("analysed (entities, quotes, events)", summary.analysed),
    ]:
        table.add_row(label, str(value))
    if summary.stories_rebuilt is not None:
        table.add_row("stories re-clustered (texts changed)", str(summary.stories_rebuilt))
    if summary.analysed:
        table.add_row("analysis time", f"{summary.analysis_seconds:.1f} s")
    if summary.analysis_failed:
        table.add_row("analysis failed", str(summary.analysis_failed))
    if summary.enrich_error:
        err.print(f"[yellow]Analysis: {escape(summary.enrich_error)}[/]")
    err.print(table)
    for reason, count in summary.failed_by_reason().most_common():
        err.print(f"  [red]{count}[/] failed: {escape(reason)}")
    if summary.failures:
        shown = summary.failures if verbose else summary.failures[:10]
        for failure in shown:
            line = failure.line() if verbose else f"{failure.target}: {failure.reason}"
            err.print(f"  [dim]-[/] {escape(line)}")
        if not verbose and len(summary.failures) > 10:
            err.print(f"  … {len(summary.failures) - 10} more (use --verbose)")


@cli.command()
@db_option
@fetch_options
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("-v", "--verbose", is_flag=True, help="Print every failure with its detail.")
def update(db: str | None, user_agent: str | None, delay: float | None, timeout: float | None,
           max_bytes: int | None, ignore_robots: bool, quiet: bool, verbose: bool) -> None:
    """Poll every known feed again (conditional GET) and ingest what is new."""
    fetcher = _fetcher(user_agent, delay, timeout, max_bytes, ignore_robots)
    with _open(db) as store, fetcher:
        urls = [feed.url for feed in store.feeds()]
        if not urls:
            raise click.ClickException("no feeds known yet: `newsgrasp ingest FEED_URL` or an OPML file first")
        summary = _run_ingest(Ingester(store, fetcher), urls, quiet)
    _print_summary(summary, verbose, False)


# -- reading ------------------------------------------------------------------------
@cli.command()
@click.argument("query")
@db_option
@filter_options
@click.option("-n", "--limit", type=click.IntRange(1, 10_000), default=20, show_default=True,
              help="Number of results.")
@click.option("--copies", is_flag=True, help="Also return folded copies, not only canonical articles.")
@click.option("--stories", "as_stories", is_flag=True,
              help="Return stories (each with all its outlets' articles) instead of single articles.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines, one per hit.")
def search(query: str, db: str | None, source: str | None, since: datetime | None, until: datetime | None,
           lang: str | None, limit: int, copies: bool, as_stories: bool, as_json: bool) -> None:
    """Full-text search over titles and texts, best matches first.

    QUERY uses SQLite FTS5 syntax: words, "exact phrases", OR, NOT, prefix*,
    title:word. Plain words with punctuation (U.S.-Russian) work as typed.
    """
    if as_stories:
        from .cli_stories import search_stories

        search_stories(query, db, source, since, until, lang, limit, as_json)
        return
    flt = _filter(source, since, until, lang, include_copies=copies, limit=limit)
    with _open(db) as store:
        try:
            hits = store.search(query, flt)
        except QueryError as exc:
            raise click.ClickException(f"bad search query: {exc}") from None
    if as_json:
        for hit in hits:
            click.echo(json.dumps({
                "id": hit.id, "title": hit.title, "url": hit.url, "source": hit.source,
                "published": hit.published.isoformat() if hit.published else None,
                "language": hit.language, "score": hit.score, "snippet": hit.snippet, "copies": hit.copies,
            }, ensure_ascii=False))
        return
    if not hits:
        err.print("No matches.")
        return
    for hit in hits:
        when = hit.published.date().isoformat() if hit.published else "undated"
        extra = f" · +{hit.copies} copies" if hit.copies else ""
        out.print(f"[bold cyan]{hit.id:>6}[/]  [bold]{escape(hit.title)}[/]")
        out.print(f"        [dim]{escape(hit.source or '?')} · {when}{extra} · {escape(hit.url or '')}[/]")
        out.print(f"        {_highlight(hit.snippet)}")


def _highlight(snippet: str) -> str:
    from .store import SNIPPET_END, SNIPPET_START

    flat = " ".join(snippet.split())
    return escape(flat).replace(SNIPPET_START, "[bold yellow]").replace(SNIPPET_END, "[/]")


@cli.command()
@click.argument("article_id", type=int)
@db_option
@click.option("--json", "as_json", is_flag=True, help="All fields as JSON.")
def show(article_id: int, db: str | None, as_json: bool) -> None:
    """Show one stored article, with every copy folded into it."""
    with _open(db) as store:
        stored = store.get(article_id)
        if stored is None:
            raise click.ClickException(f"no article with id {article_id}")
        canonical = store.get(stored.canonical_id) if stored.canonical_id else None
        copies = store.copies(stored.id) if canonical is None else []
        urls = store.urls(stored.id)
    if as_json:
        data = _article_json(stored)
        data["urls"] = urls
        data["copies"] = [_copy_json(c) for c in copies]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    a = stored.article
    out.print(f"[bold]{escape(a.title)}[/]")
    meta = [a.source or a.outlet or "", f"via {a.via}" if a.via else "", a.dateline or "",
            a.published.isoformat() if a.published else "undated", a.language or "",
            ", ".join(a.authors)]
    out.print("[dim]" + escape(" · ".join(m for m in meta if m)) + "[/]")
    for url in urls:
        out.print(f"[dim]{escape(url)}[/]")
    if canonical is not None:
        out.print(f"[yellow]A copy of article {canonical.id}: {escape(canonical.article.title)}[/]")
    out.print()
    out.print(escape(a.text))
    if copies:
        out.print()
        out.print(f"[bold]Also carried by {len(copies)} "
                  f"{'outlet' if len(copies) == 1 else 'outlets'}:[/]")
        for c in copies:
            when = c.article.published.isoformat() if c.article.published else "undated"
            via = f" via {c.article.via}" if c.article.via else ""
            out.print(f"  {c.id:>6}  {escape((c.article.outlet or '?') + via)} · {when} · "
                      f"{escape(c.article.url or '')}")


def _article_json(stored: StoredArticle) -> dict[str, Any]:
    a = stored.article
    return {
        "id": stored.id, "canonical_id": stored.canonical_id, "title": a.title, "url": a.url,
        "source": a.source, "via": a.via, "dateline": a.dateline,
        "published": a.published.isoformat() if a.published else None, "authors": a.authors,
        "language": a.language, "image": a.image, "description": a.description,
        "fetched_at": a.fetched_at.isoformat() if a.fetched_at else None, "extractor": a.extractor,
        "content_hash": stored.content_hash, "text": a.text,
    }


def _copy_json(stored: StoredArticle) -> dict[str, Any]:
    a = stored.article
    return {"id": stored.id, "outlet": a.outlet, "via": a.via, "url": a.url,
            "published": a.published.isoformat() if a.published else None}


# -- extract (no database) -------------------------------------------------------
@cli.command()
@click.argument("target")
@click.option("--json", "as_json", is_flag=True, help="All metadata as JSON, not just the text.")
@click.option("--url", metavar="URL", help="The page's address, when TARGET is a file or stdin.")
@click.option("--published", metavar="DATE", callback=_date, help="Publication date if the page has none.")
@fetch_options
def extract(target: str, as_json: bool, url: str | None, published: datetime | None,
            user_agent: str | None, delay: float | None, timeout: float | None, max_bytes: int | None,
            ignore_robots: bool) -> None:
    """Print the clean article from TARGET (a file, a URL, or - for stdin),
    without touching the database."""
    from .extract import ExtractionError, extract_document
    from .fetch import FetchError
    from .records import Document, Hints

    if target == "-":
        doc = Document(url=url, body=sys.stdin.buffer.read(), origin="stdin")
    elif target.startswith(("http://", "https://")):
        with _fetcher(user_agent, delay, timeout, max_bytes, ignore_robots) as fetcher:
            try:
                response = fetcher.fetch(target)
            except FetchError as exc:
                raise click.ClickException(f"{target}: {exc}") from None
        if response.document is None:
            raise click.ClickException(f"{target}: no content")
        doc = response.document
    else:
        path = Path(target)
        if not path.is_file():
            raise click.ClickException(f"{target}: no such file")
        doc = Document(url=url or path.resolve().as_uri(), body=path.read_bytes(), origin="file")
    doc.hints = doc.hints or Hints()
    if published is not None and doc.hints.published is None:
        doc.hints.published = published
    try:
        article = extract_document(doc)
    except ExtractionError as exc:
        raise click.ClickException(f"{target}: {exc.reason}" + (f" ({exc.detail})" if exc.detail else "")) \
            from None
    if as_json:
        click.echo(json.dumps(_extracted_json(article), indent=2, ensure_ascii=False))
    else:
        click.echo(article.text)


def _extracted_json(a: Article) -> dict[str, Any]:
    return {
        "title": a.title, "url": a.url, "source": a.source, "via": a.via, "dateline": a.dateline,
        "published": a.published.isoformat() if a.published else None, "authors": a.authors,
        "language": a.language, "image": a.image, "description": a.description,
        "extractor": a.extractor, "text": a.text,
    }


# -- export, re-extraction, housekeeping ---------------------------------------------
@cli.command()
@db_option
@filter_options
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet", "opml"]), default="jsonl",
              show_default=True, help="jsonl/csv/parquet: articles; opml: the feeds you know.")
@click.option("-o", "--output", metavar="FILE", help="Write here instead of stdout (required for parquet).")
@click.option("--copies", is_flag=True, help="Include folded copies as rows of their own.")
def export(db: str | None, source: str | None, since: datetime | None, until: datetime | None,
           lang: str | None, fmt: str, output: str | None, copies: bool) -> None:
    """Export articles (jsonl, csv, parquet) or your feed list (opml)."""
    from .export import export_articles
    from .sources import opml_document

    if fmt == "parquet" and not output:
        raise click.UsageError("--format parquet needs --output FILE")
    with _open(db) as store:
        if fmt == "opml":
            text = opml_document(store.feeds())
            if output:
                Path(output).write_text(text, encoding="utf-8")
            else:
                click.echo(text)
            return
        flt = _filter(source, since, until, lang, include_copies=copies)
        try:
            if output:
                count = export_articles(store, fmt, Path(output), flt)
            else:
                count = export_articles(store, fmt, sys.stdout, flt)
        except (ValueError, ImportError) as exc:
            raise click.ClickException(str(exc)) from None
    err.print(f"Exported {count} articles" + (f" to {output}" if output else ""))


@cli.command()
@click.argument("ids", nargs=-1, type=int)
@db_option
@click.option("--all", "everything", is_flag=True, help="Every article whose raw HTML was kept.")
def reextract(ids: tuple[int, ...], db: str | None, everything: bool) -> None:
    """Extract stored articles again from their kept raw HTML (after an upgrade).

    When any text changed, stories are re-clustered (ids kept where membership barely moves).
    """
    from .dedup import NearDuplicateIndex, content_hash
    from .extract import ExtractionError, extract_html
    from .stories.tracker import rebuild

    if not ids and not everything:
        raise click.UsageError("name article IDS or pass --all")
    changed = failed = unchanged = missing = 0
    index = NearDuplicateIndex()
    with _open(db) as store:
        targets = list(ids) if ids else [s.id for s in store.iter_articles(ArticleFilter(include_copies=True))]
        for article_id in targets:
            stored = store.get(article_id)
            html = store.raw_html(article_id) if stored else None
            if stored is None or html is None:
                missing += 1
                continue
            try:
                fresh = extract_html(html, stored.article.url)
            except ExtractionError as exc:
                failed += 1
                err.print(f"  {article_id}: {escape(exc.reason)}")
                continue
            # What the page does not say, the first ingest learnt elsewhere (feed, CLI): keep it.
            old = stored.article
            fresh.published = fresh.published or old.published
            fresh.source = fresh.source or old.source
            fresh.fetched_at, fresh.origin, fresh.raw_html = old.fetched_at, old.origin, html
            digest = content_hash(fresh.text)
            if digest == stored.content_hash and fresh.title == old.title:
                unchanged += 1
                continue
            if not changed:
                store.mark_stories_stale()  # an interrupted run leaves the note for the next one
            store.update_article(article_id, fresh, content_hash=digest,
                                 signature=index.to_bytes(index.signature(fresh.text)))
            changed += 1
        rebuilt = rebuild(store) if changed or store.stories_stale() else None
    err.print(f"Re-extracted: {changed} changed, {unchanged} unchanged, {failed} failed, "
              f"{missing} without kept HTML")
    if rebuilt is not None:
        # Stories were built on the old texts.
        err.print(f"Stories re-clustered: {rebuilt.articles} articles → {rebuilt.stories} stories")


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def feeds(db: str | None, as_json: bool) -> None:
    """List the feeds you know, with their health (last success, last error)."""
    with _open(db) as store:
        known = store.feeds()
    if as_json:
        click.echo(json.dumps([{
            "url": f.url, "title": f.title, "site_url": f.site_url,
            "last_success": f.last_success.isoformat() if f.last_success else None,
            "last_checked": f.last_checked.isoformat() if f.last_checked else None,
            "last_error": f.last_error} for f in known], indent=2))
        return
    if not known:
        err.print("No feeds yet.")
        return
    table = Table("feed", "last success", "last error")
    for f in known:
        table.add_row(escape(f.title or f.url) + "\n[dim]" + escape(f.url) + "[/]",
                      f.last_success.strftime("%Y-%m-%d %H:%M") if f.last_success else "never",
                      escape(f.last_error or ""))
    out.print(table)


@cli.command()
@db_option
def stats(db: str | None) -> None:
    """Counts: articles, copies folded, feeds, outlets, database size."""
    with _open(db) as store:
        numbers = store.stats()
        outlets = store.sources()[:15]
    for key, value in numbers.items():
        out.print(f"[bold]{key:>16}[/]  {value}")
    if outlets:
        out.print("\n[bold]Top outlets[/]")
        for name, count in outlets:
            out.print(f"  {count:>6}  {escape(name or '?')}")


@cli.command()
@db_option
@click.option("--query", default="sanctions", show_default=True, help="A search to run once ingested.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("--serve", is_flag=True, help="Keep the demo site running afterwards (Ctrl-C stops).")
@click.option("--enrich/--no-enrich", default=True, show_default=True,
              help="Analyse the articles (entities, quotes, events) as they are stored.")
def demo(db: str | None, query: str, quiet: bool, serve: bool, enrich: bool) -> None:
    """Ingest the demo corpus (sample articles about real events, served on
    127.0.0.1 as feeds, sitemaps and an OPML list) and run one search."""
    from .demo import demo_sources, serve_site

    with serve_site() as base, _open(db) as store:
        err.print(f"Serving the demo site at {base} (sample text about real events, not journalism)")
        with _fetcher(delay=0.0) as fetcher:
            summary = _run_ingest(Ingester(store, fetcher, IngestOptions(enrich=enrich)), demo_sources(base),
                                  quiet)
        _print_summary(summary, False, False)
        try:
            hits = store.search(query, ArticleFilter(limit=5))
        except QueryError as exc:
            raise click.ClickException(f"bad search query: {exc}") from None
        out.print(f"\n[bold]Search {escape(query)!r}:[/]")
        for hit in hits:
            out.print(f"  [cyan]{hit.id:>4}[/]  {escape(hit.title)}  [dim]({escape(hit.source or '?')})[/]")
            out.print(f"        {_highlight(hit.snippet)}")
        from .records import StoryFilter

        out.print("\n[bold]Biggest stories:[/]")
        for story in store.list_stories(StoryFilter(sort="biggest", limit=5)):
            out.print(f"  [cyan]{story.id:>4}[/]  {escape(story.headline)}  "
                      f"[dim]({story.articles} articles, {story.copies} {'copy' if story.copies == 1 else 'copies'}, "
                      f"{len(story.outlets)} outlets)[/]")
        where = f" --db {db}" if db else ""
        out.print(f"\nNext: newsgrasp story ID{where} · newsgrasp events --dyad USA-RUS{where} · "
                  f"newsgrasp quotes{where} · newsgrasp serve{where}")
        if serve:
            err.print("Demo site running; Ctrl-C to stop.")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass


def main() -> None:
    cli()


# Commands of later stages live in their own modules; importing them registers them.
from . import cli_stories, cli_understand, cli_web  # noqa: E402,F401
