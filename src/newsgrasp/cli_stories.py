"""CLI commands of the stories stage, registered on :data:`newsgrasp.cli.cli`.

Imported at the end of ``newsgrasp.cli`` so the shared option decorators exist.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import click
from rich.markup import escape

from .cli import _open, cli, db_option, err, filter_options, out
from .records import Story, StoryFilter, StorySummary
from .store import QueryError


def _when(dt: datetime | None) -> str:
    return dt.strftime("%Y-%m-%d %H:%M") if dt else "undated"


def summary_json(s: StorySummary) -> dict[str, Any]:
    return {
        "id": s.id, "headline": s.headline, "headline_article_id": s.headline_article_id,
        "first_seen": s.first_seen.isoformat() if s.first_seen else None,
        "last_updated": s.last_updated.isoformat() if s.last_updated else None,
        "articles": s.articles, "copies": s.copies, "outlets": s.outlets, "keywords": s.keywords,
        "entities": s.entities, **({"score": s.score} if s.score is not None else {}),
    }


def print_stories(stories: list[StorySummary], as_json: bool) -> None:
    """One story per entry: id, headline, size, span, outlets, keywords (or JSON lines)."""
    if as_json:
        for s in stories:
            click.echo(json.dumps(summary_json(s), ensure_ascii=False))
        return
    if not stories:
        err.print("No stories.")
        return
    for s in stories:
        copies = f" (+{s.copies} copies)" if s.copies else ""
        span = _when(s.first_seen) if s.first_seen == s.last_updated else \
            f"{_when(s.first_seen)} → {_when(s.last_updated)}"
        outlets = ", ".join(s.outlets[:5]) + (f" +{len(s.outlets) - 5}" if len(s.outlets) > 5 else "")
        out.print(f"[bold cyan]{s.id:>6}[/]  [bold]{escape(s.headline)}[/]")
        out.print(f"        [dim]{s.articles} article{'s' if s.articles != 1 else ''}{copies} · "
                  f"{len(s.outlets)} outlet{'s' if len(s.outlets) != 1 else ''} · {span}[/]")
        if outlets:
            out.print(f"        [dim]{escape(outlets)}[/]")
        if s.keywords or s.entities:
            out.print(f"        [green]{escape(', '.join(s.entities[:5] or s.keywords[:5]))}[/]")


@cli.group(invoke_without_command=True)
@db_option
@filter_options
@click.option("--sort", type=click.Choice(["latest", "biggest"]), default="latest", show_default=True,
              help="latest: most recently updated first; biggest: most articles first.")
@click.option("--query", "-q", "query", metavar="QUERY",
              help="Only stories with an article matching this full-text query (FTS5 syntax, as in search).")
@click.option("--min-articles", type=click.IntRange(1), default=1, show_default=True,
              help="Hide stories with fewer articles.")
@click.option("-n", "--limit", type=click.IntRange(1, 10_000), default=20, show_default=True,
              help="Number of stories.")
@click.option("--offset", type=click.IntRange(0), default=0, help="Skip this many stories (paging).")
@click.option("--json", "as_json", is_flag=True, help="JSON lines, one per story.")
@click.pass_context
def stories(ctx: click.Context, db: str | None, source: str | None, since: datetime | None,
            until: datetime | None, lang: str | None, sort: str, query: str | None, min_articles: int,
            limit: int, offset: int, as_json: bool) -> None:
    """List stories: coverage of one event by many outlets, folded together.

    Articles join stories as they are ingested. Filters keep stories with at
    least one matching article; --since/--until keep stories active in that
    range. `newsgrasp story ID` shows one story; `newsgrasp stories rebuild`
    re-clusters everything.
    """
    if ctx.invoked_subcommand is not None:
        return
    flt = StoryFilter(since=since, until=until, source=source, language=lang, query=query, sort=sort,
                      min_articles=min_articles, limit=limit, offset=offset)
    with _open(db) as store:
        try:
            found = store.list_stories(flt)
            total = store.count_stories(flt)
        except QueryError as exc:
            raise click.ClickException(str(exc)) from None
    print_stories(found, as_json)
    if not as_json and found:
        err.print(f"[dim]{offset + 1}–{offset + len(found)} of {total} stories[/]")


@stories.command()
@db_option
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
def rebuild(db: str | None, quiet: bool) -> None:
    """Re-cluster all stored articles into stories.

    Articles are taken in the order they were stored, as ingest saw them. Use
    after an upgrade, or for a database filled before stories existed. Stories whose
    membership barely changes keep their ids.
    """
    from .stories.tracker import rebuild as run_rebuild

    def progress(n: int) -> None:
        if not quiet:
            err.print(f"[dim]{n} articles clustered…[/]")

    with _open(db) as store:
        report = run_rebuild(store, progress=progress)
    err.print(f"{report.articles} articles → {report.stories} stories "
              f"({report.kept_ids} kept their id, {report.merges} merges) in {report.seconds:.1f}s")


@cli.command()
@click.argument("story_id", type=int)
@db_option
@click.option("--json", "as_json", is_flag=True, help="The story and its articles as JSON.")
def story(story_id: int, db: str | None, as_json: bool) -> None:
    """Show one story: its articles grouped by outlet, with times and the copies folded into them."""
    with _open(db) as store:
        found = store.get_story(story_id)
    if found is None:
        raise click.ClickException(f"no story with id {story_id} (list them with `newsgrasp stories`)")
    if as_json:
        click.echo(json.dumps(story_json(found), indent=2, ensure_ascii=False))
        return
    s = found.summary
    out.print(f"[bold]{escape(s.headline)}[/]")
    out.print(f"[dim]story {s.id} · {s.articles} articles, {s.copies} copies, {len(s.outlets)} outlets · "
              f"{_when(s.first_seen)} → {_when(s.last_updated)}[/]")
    if s.entities or s.keywords:
        out.print(f"[green]{escape(', '.join(s.entities))}[/]  [dim]{escape(', '.join(s.keywords))}[/]")
    for outlet, members in found.by_outlet().items():
        out.print()
        out.print(f"[bold yellow]{escape(outlet)}[/]")
        for m in members:
            out.print(f"  [cyan]{m.article_id:>6}[/]  {_when(m.published)}  {escape(m.title)}")
            if m.url:
                out.print(f"          [dim]{escape(m.url)}[/]")
            for c in m.copies:
                via = f" via {c.via}" if c.via else ""
                out.print(f"          [dim]copy {c.article_id}: {escape((c.outlet or '?') + via)} · "
                          f"{_when(c.published)} · {escape(c.url or '')}[/]")


def story_json(found: Story) -> dict[str, Any]:
    data = summary_json(found.summary)
    data["articles_by_outlet"] = {
        outlet: [{
            "id": m.article_id, "title": m.title, "url": m.url, "language": m.language,
            "published": m.published.isoformat() if m.published else None,
            "copies": [{"id": c.article_id, "outlet": c.outlet, "via": c.via, "url": c.url,
                        "published": c.published.isoformat() if c.published else None} for c in m.copies],
        } for m in members]
        for outlet, members in found.by_outlet().items()
    }
    return data


def search_stories(query: str, db: str | None, source: str | None, since: datetime | None,
                   until: datetime | None, lang: str | None, limit: int, as_json: bool) -> None:
    """`newsgrasp search --stories`: stories ranked by their best-matching article."""
    flt = StoryFilter(since=since, until=until, source=source, language=lang, query=query, sort="relevance",
                      limit=limit)
    with _open(db) as store:
        try:
            found = store.list_stories(flt)
        except QueryError as exc:
            raise click.ClickException(str(exc)) from None
    if not found and not as_json:
        err.print("No matches.")
        return
    print_stories(found, as_json)
