"""CLI commands of the understand stage, registered on :data:`newsgrasp.cli.cli`.

Imported at the end of ``newsgrasp.cli`` so the shared option decorators exist.
``enrich`` analyses stored articles; ``events``, ``quotes`` and ``actors`` read
what the analyses found.  Every printed fact comes with the sentence it was read
in and its article id (``newsgrasp show ID`` prints the article).
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime
from typing import Any

import click
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .cli import _date, _open, cli, db_option, err, out
from .records import EVENT_CATEGORIES, QUAD_CLASSES, Actor, EventFilter, QuoteFilter, StoredEvent
from .store import QueryError, Store


def _day(value: datetime | None) -> date | None:
    return None if value is None else value.date()


def _range_options(fn: Any) -> Any:
    fn = click.option("--until", metavar="DATE", callback=_date, help="Dated before DATE (YYYY-MM-DD).")(fn)
    return click.option("--since", metavar="DATE", callback=_date, help="Dated on or after DATE (YYYY-MM-DD).")(fn)


def _actor_text(actor: Actor | None, text: str | None) -> str:
    if actor is None:
        return f"“{text}”" if text else "?"
    who = actor.name or text
    return actor.code + (f" ({who})" if who and who != actor.code else "")


def _evidence(sentence: str, article_id: int) -> str:
    return f"        [dim]article {article_id}:[/] {escape(' '.join(sentence.split()))}"


# -- enrich ---------------------------------------------------------------------------
@cli.command()
@db_option
@click.option("--all", "everything", is_flag=True,
              help="Analyse every canonical article again, not only those never analysed or analysed by "
                   "an older analyser (the default, --stale).")
@click.option("--stale", "stale", is_flag=True, help="Only articles not analysed by this version (the default).")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes; each loads the language model (about 3 s) and parses ~3,000 words/s.")
@click.option("--limit", type=click.IntRange(min=0), metavar="N", help="Analyse at most N articles.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def enrich(db: str | None, everything: bool, stale: bool, jobs: int, limit: int | None, quiet: bool,
           as_json: bool) -> None:
    """Find entities, actors, quotes and events in stored articles.

    New articles are analysed as `newsgrasp ingest` stores them; run this for
    articles stored with --no-enrich, or after an upgrade (analyses by an older
    analyser, or of a text re-extracted since, count as stale). Copies folded
    into another article are not analysed: their canonical article is.
    """
    from .understand.enrich import EnrichSummary, enrich_store
    from .understand.nlp import ModelNotInstalled
    from .understand.pipeline import Analyzer

    if everything and stale:
        raise click.UsageError("--all and --stale exclude each other")
    try:
        analyzer = Analyzer()
    except ModelNotInstalled as exc:
        raise click.ClickException(str(exc)) from None
    show = not (quiet or as_json) and err.is_terminal
    progress = Progress(TextColumn("[bold]enrich[/]"), BarColumn(bar_width=None), MofNCompleteColumn(),
                        TextColumn("{task.description}"), TimeElapsedColumn(), console=err, disable=not show)

    def report(summary: EnrichSummary, total: int) -> None:
        progress.update(task, total=total, completed=summary.analysed + summary.failed,
                        description=f"{summary.events} events · {summary.quotes} quotes")

    with _open(db) as store, progress:
        task = progress.add_task("", total=None)
        try:
            summary = enrich_store(store, everything=everything, jobs=jobs, limit=limit, analyzer=analyzer,
                                   progress=report)
        except KeyboardInterrupt:
            err.print("[yellow]Interrupted: analyses saved so far are kept; run again to go on.[/]")
            raise SystemExit(130) from None
    if as_json:
        click.echo(json.dumps({**summary.as_dict(), "version": analyzer.version}, indent=2))
        return
    rate = summary.analysed / summary.seconds if summary.seconds else 0.0
    err.print(f"Analysed {summary.analysed} articles in {summary.seconds:.1f} s ({rate:.1f}/s): "
              f"{summary.events} events, {summary.quotes} quotes, {summary.entities} entities"
              + (f"; [red]{summary.failed} failed[/]" if summary.failed else ""))
    for article_id, error in summary.errors[:10]:
        err.print(f"  [dim]-[/] article {article_id}: {escape(error)}")


# -- events ---------------------------------------------------------------------------
def _dyad(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[str, str] | None:
    if value is None:
        return None
    parts = [p.strip() for p in value.split("-")]
    if len(parts) != 2 or not all(parts):
        raise click.BadParameter(f"{value!r} is not a dyad: write two actors joined by '-', e.g. USA-RUS")
    return parts[0], parts[1]


_CSV_FIELDS = ("id", "date", "category", "quad_class", "intensity", "mode", "source_code", "source_text",
               "target_code", "target_text", "trigger", "date_text", "location", "article_id", "article_url",
               "sentence")


def _csv_row(e: StoredEvent) -> dict[str, Any]:
    r = e.event
    return {"id": e.id, "date": r.date.isoformat() if r.date else "", "category": r.category,
            "quad_class": r.quad_class, "intensity": r.intensity, "mode": r.mode,
            "source_code": r.source.code if r.source else "", "source_text": r.source_text or "",
            "target_code": r.target.code if r.target else "", "target_text": r.target_text or "",
            "trigger": r.trigger or "", "date_text": r.date_text or "", "location": r.location or "",
            "article_id": e.article_id, "article_url": e.article_url or "", "sentence": e.sentence}


@cli.command()
@db_option
@click.option("--actor", metavar="ACTOR",
              help="Source or target: a code prefix (RUS, 'RUS GOV') or part of a name (Putin, Russia).")
@click.option("--dyad", metavar="A-B", callback=_dyad,
              help="Events between two actors, e.g. USA-RUS, in either direction (see --directed).")
@click.option("--directed", is_flag=True, help="With --dyad: only events with A as source and B as target.")
@click.option("--category", type=click.Choice(list(EVENT_CATEGORIES), case_sensitive=False),
              help="A PLOVER category.")
@click.option("--quad", type=click.IntRange(1, 4), metavar="1-4",
              help="Quad class: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, "
                   "4 material conflict.")
@_range_options
@click.option("--story", type=int, metavar="ID", help="Only events from the articles of this story.")
@click.option("--article", type=int, metavar="ID", help="Only events from this article.")
@click.option("--include-unasserted", is_flag=True,
              help="Also negated, hypothetical and future events (\"will meet\", \"did not sanction\").")
@click.option("--newest", is_flag=True, help="Newest events first (default: oldest first, a timeline).")
@click.option("-n", "--limit", type=click.IntRange(0), default=100, show_default=True,
              help="At most this many events (0: all).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "jsonl", "gdelt"]), default="table",
              show_default=True,
              help="gdelt: GDELT 2.0 event-table rows (61 tab-separated columns, no header) for tools "
                   "that read GDELT; see newsgrasp.understand.gdelt for which columns are filled.")
def events(db: str | None, actor: str | None, dyad: tuple[str, str] | None, directed: bool,
           category: str | None, quad: int | None, since: datetime | None, until: datetime | None,
           story: int | None, article: int | None, include_unasserted: bool, newest: bool, limit: int,
           fmt: str) -> None:
    """List events (who did what to whom), oldest first, each with its evidence sentence.

    Only events the text asserts, unless --include-unasserted. Dates are the
    events' own ("on Saturday", "in 2014"), else the article's.
    """
    if directed and dyad is None:
        raise click.UsageError("--directed needs --dyad")
    flt = EventFilter(actor=actor, dyad=dyad, directed=directed, category=category, quad_class=quad,
                      since=_day(since), until=_day(until), story_id=story, article_id=article,
                      include_unasserted=include_unasserted, newest_first=newest, limit=limit or None)
    with _open(db) as store:
        try:
            found = store.events(flt)
        except QueryError as exc:
            raise click.ClickException(str(exc)) from None
        if fmt == "gdelt":
            _write_gdelt(store, found)
            return
    if fmt == "jsonl":
        for e in found:
            click.echo(json.dumps(e.as_dict(), ensure_ascii=False))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=_CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        for e in found:
            writer.writerow(_csv_row(e))
    else:
        _print_events(found)


def _write_gdelt(store: Store, found: list[StoredEvent]) -> None:
    from .understand.gdelt import gdelt_row

    coverage: dict[int, tuple[int, int]] = {}
    for e in found:
        if e.article_id not in coverage:
            copies = store.copies(e.article_id)
            outlets = {(c.article.outlet or "").casefold() for c in copies} | {(e.outlet or "").casefold()}
            coverage[e.article_id] = (1 + len(copies), len(outlets))
        articles, sources = coverage[e.article_id]
        sys.stdout.write("\t".join(gdelt_row(e, articles=articles, sources=sources)) + "\n")


def _print_events(found: list[StoredEvent]) -> None:
    if not found:
        err.print("No events.")
        return
    for e in found:
        r = e.event
        when = r.date.isoformat() if r.date else "undated"
        if r.date and r.date_precision == "year":
            when = str(r.date.year)
        elif r.date and r.date_precision == "month":
            when = r.date.strftime("%Y-%m")
        mode = "" if r.mode == "asserted" else f" [yellow]({r.mode})[/]"
        out.print(f"[bold cyan]{e.id:>6}[/]  {when:<10}  [bold]{r.category:<9}[/] "
                  f"{escape(_actor_text(r.source, r.source_text))} → {escape(_actor_text(r.target, r.target_text))}"
                  f"  [dim]{QUAD_CLASSES.get(r.quad_class, '?')}, {r.intensity:+.1f}"
                  f"{', at ' + escape(r.location) if r.location else ''}[/]{mode}")
        out.print(_evidence(e.sentence, e.article_id))


# -- quotes ---------------------------------------------------------------------------
@cli.command()
@db_option
@click.option("--speaker", metavar="WHO", help="Part of the speaker's name (Kremlin, Trump) or an actor code (RUS GOV).")
@click.option("--story", type=int, metavar="ID", help="Only quotes from the articles of this story.")
@click.option("--article", type=int, metavar="ID", help="Only quotes from this article.")
@click.option("--kind", type=click.Choice(["direct", "indirect"]), help="Only quotations, or only reported speech.")
@_range_options
@click.option("-n", "--limit", type=click.IntRange(0), default=50, show_default=True, help="At most this many (0: all).")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True,
              help="table: for reading; jsonl: one JSON object per quote.")
def quotes(db: str | None, speaker: str | None, story: int | None, article: int | None, kind: str | None,
           since: datetime | None, until: datetime | None, limit: int, fmt: str) -> None:
    """List quotations and reported speech with their speakers, newest articles first."""
    flt = QuoteFilter(speaker=speaker, story_id=story, article_id=article, kind=kind, since=_day(since),
                      until=_day(until), limit=limit or None)
    with _open(db) as store:
        try:
            found = store.quotes(flt)
        except QueryError as exc:
            raise click.ClickException(str(exc)) from None
    if fmt == "jsonl":
        for q in found:
            click.echo(json.dumps(q.as_dict(), ensure_ascii=False))
        return
    if not found:
        err.print("No quotes.")
        return
    for q in found:
        who = q.quote.speaker or "unattributed"
        if q.speaker_name and q.speaker_name != who:
            who += f" ({q.speaker_name})"
        if q.quote.speaker_actor is not None:
            who += f" [{q.quote.speaker_actor.code}]"
        marks = ("“", "”") if q.quote.kind == "direct" else ("", " [dim](reported)[/]")
        out.print(f"[bold cyan]{q.id:>6}[/]  [bold]{escape(who)}[/]: {marks[0]}{escape(q.quote.text)}{marks[1]}")
        out.print(_evidence(q.sentence, q.article_id))


# -- actors ---------------------------------------------------------------------------
@cli.command()
@db_option
@_range_options
@click.option("-n", "--limit", type=click.IntRange(1, 10_000), default=20, show_default=True,
              help="How many actors.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True,
              help="table: for reading; jsonl: one JSON object per actor.")
def actors(db: str | None, since: datetime | None, until: datetime | None, limit: int, fmt: str) -> None:
    """The most active actors: events as source and as target, and quotes, with counts.

    Actors are codes (country + sector, e.g. "RUS GOV"); the people and bodies
    behind each code are listed by how often they appear. `newsgrasp events
    --actor CODE` shows the events with their evidence.
    """
    with _open(db) as store:
        ranked = store.actors(limit=limit, since=_day(since), until=_day(until))
    if fmt == "jsonl":
        for a in ranked:
            click.echo(json.dumps({"code": a.code, "names": a.names, "events": a.events, "as_source": a.as_source,
                                   "as_target": a.as_target, "quotes": a.quotes}, ensure_ascii=False))
        return
    if not ranked:
        err.print("No actors yet: `newsgrasp enrich` analyses stored articles.")
        return
    from rich.table import Table

    table = Table("actor", "events", "as source", "as target", "quotes", "who")
    for a in ranked:
        table.add_row(escape(a.code), str(a.events), str(a.as_source), str(a.as_target), str(a.quotes),
                      escape(", ".join(a.names[:4])))
    out.print(table)
