"""SQLite implementation of :class:`~newsgrasp.store.base_understand.UnderstandStore`.

Tables: see ``schema_understand.py``.  Every query joins ``articles`` and keeps
canonical ones only, so an article demoted to a copy after it was analysed drops
out of the results without any clean-up.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from ..records import (
    QUAD_CLASSES,
    Actor,
    ActorActivity,
    Analysis,
    DyadPoint,
    EntityRecord,
    EventFilter,
    EventRecord,
    Mention,
    QuoteFilter,
    QuoteRecord,
    SentenceSpan,
    StoredEvent,
    StoredQuote,
)
from .base import QueryError, StoreError

if TYPE_CHECKING:
    from ..records import Story
from .base_understand import BUCKETS

T = TypeVar("T")

# "USA", "RUS GOV", "IGO UNO", "USA GOV MIL": upper-case groups of 3 letters read as a code prefix.
_CODE = re.compile(r"^[A-Z]{3}( [A-Z]{3})*$")


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _actor_key(actor: Actor) -> tuple[str, str, str, str]:
    return (actor.country or "", actor.sector or "", actor.name or "", actor.kind or "")


def _actor_from(row: sqlite3.Row, prefix: str) -> Actor | None:
    if row[f"{prefix}_code"] is None:
        return None
    return Actor(country=row[f"{prefix}_country"] or None, sector=row[f"{prefix}_sector"] or None,
                 name=row[f"{prefix}_name"] or None, kind=row[f"{prefix}_kind"] or "country")


def _actor_columns(alias: str, prefix: str) -> str:
    return ", ".join(f"{alias}.{c} AS {prefix}_{c}" for c in ("code", "country", "sector", "name", "kind"))


def _iso_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _day_text(value: date) -> str:
    """A bound as the stored dates are written; a datetime counts by its (UTC) calendar day."""
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date() if value.tzinfo else value.date()
    return value.isoformat()


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _actor_match(spec: str) -> tuple[str, list[Any]]:
    """SQL (an id set over ``actors``) for an actor code prefix or a part of a name."""
    text = " ".join(spec.split())
    if not text:
        raise QueryError("empty actor: give a code such as RUS or 'RUS GOV', or part of a name")
    if _CODE.match(text):
        return "SELECT id FROM actors WHERE code = ? OR code LIKE ?", [text, text + " %"]
    # A country written out ("Russia", "United States") means its code too.
    country = _country_code(text)
    if country is not None:
        return ("SELECT id FROM actors WHERE code = ? OR code LIKE ? OR name LIKE ? ESCAPE '\\'",
                [country, country + " %", _like(text)])
    return "SELECT id FROM actors WHERE name LIKE ? ESCAPE '\\'", [_like(text)]


def _country_code(text: str) -> str | None:
    try:
        import countrynames
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    try:
        code = countrynames.to_code_3(text)
    except KeyError:  # countrynames maps some 2-letter inputs ("IC") to codes it cannot convert
        return None
    return str(code) if code else None


def _bucket_start(day: date, bucket: str) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def _bucket_end(start: date, bucket: str) -> date:
    if bucket == "week":
        return start + timedelta(days=7)
    if bucket == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)


_EVENT_SELECT = (
    "SELECT e.*, s.text AS sentence_text, a.title AS a_title, a.url AS a_url, a.published AS a_published, "
    "a.outlet AS a_outlet, " + _actor_columns("sa", "src") + ", " + _actor_columns("ta", "tgt") + " "
    "FROM events e JOIN articles a ON a.id = e.article_id AND a.canonical_id IS NULL "
    "LEFT JOIN analysed_sentences s ON s.article_id = e.article_id AND s.idx = e.sentence "
    "LEFT JOIN actors sa ON sa.id = e.source_id LEFT JOIN actors ta ON ta.id = e.target_id"
)

_QUOTE_SELECT = (
    "SELECT q.*, s.text AS sentence_text, a.title AS a_title, a.url AS a_url, a.published AS a_published, "
    "a.outlet AS a_outlet, " + _actor_columns("ac", "spk") + " "
    "FROM quotes q JOIN articles a ON a.id = q.article_id AND a.canonical_id IS NULL "
    "LEFT JOIN analysed_sentences s ON s.article_id = q.article_id AND s.idx = q.sentence "
    "LEFT JOIN actors ac ON ac.id = q.actor_id"
)


def _event_record(row: sqlite3.Row) -> EventRecord:
    return EventRecord(
        category=row["category"], sentence=row["sentence"], source=_actor_from(row, "src"),
        target=_actor_from(row, "tgt"), source_text=row["source_text"], target_text=row["target_text"],
        trigger=row["trigger"], date=_day(row["event_date"]), date_text=row["date_text"],
        date_precision=row["date_precision"], location=row["location"], quad_class=row["quad_class"],
        intensity=row["intensity"], mode=row["mode"], confidence=row["confidence"])


def _quote_record(row: sqlite3.Row) -> QuoteRecord:
    return QuoteRecord(text=row["text"], start=row["start"], end=row["end"], sentence=row["sentence"],
                       kind=row["kind"], speaker=row["speaker"], speaker_entity=row["speaker_entity"],
                       speaker_actor=_actor_from(row, "spk"))


class SQLiteUnderstandMixin:
    """Mixed into :class:`SQLiteStore`: writes go through its writer thread, reads through its readers."""

    if TYPE_CHECKING:
        def _write(self, fn: Callable[[sqlite3.Connection], T]) -> T: ...
        def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]: ...
        def _read_one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None: ...
        def get_story(self, story_id: int) -> Story | None: ...

    # -- writes ----------------------------------------------------------------------
    def save_analysis(self, article_id: int, analysis: Analysis) -> None:
        def op(conn: sqlite3.Connection) -> None:
            if not self._insert_analysis(conn, article_id, analysis):
                raise StoreError(f"no article with id {article_id}")

        self._write(op)

    def save_analyses(self, items: Sequence[tuple[int, Analysis]]) -> int:
        batch = list(items)
        return self._write(lambda conn: sum(self._insert_analysis(conn, i, a, canonical_only=True)
                                            for i, a in batch))

    def delete_analysis(self, article_id: int) -> None:
        self._write(lambda conn: conn.execute("DELETE FROM analyses WHERE article_id = ?", (article_id,)))

    @staticmethod
    def _actor_id(conn: sqlite3.Connection, actor: Actor | None, cache: dict[tuple[str, ...], int]) -> int | None:
        if actor is None:
            return None
        key = _actor_key(actor)
        found = cache.get(key)
        if found is not None:
            return found
        row = conn.execute("SELECT id FROM actors WHERE country = ? AND sector = ? AND name = ? AND kind = ?",
                           key).fetchone()
        if row is None:
            cursor = conn.execute("INSERT INTO actors(code, country, sector, name, kind) VALUES (?, ?, ?, ?, ?)",
                                  (actor.code, *key))
            found = int(cursor.lastrowid or 0)
        else:
            found = int(row[0])
        cache[key] = found
        return found

    def _insert_analysis(self, conn: sqlite3.Connection, article_id: int, analysis: Analysis, *,
                         canonical_only: bool = False) -> bool:
        row = conn.execute("SELECT content_hash, canonical_id FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None or (canonical_only and row[1] is not None):
            return False
        # The cascade from `analyses` removes every row of the older analysis.
        conn.execute("DELETE FROM analyses WHERE article_id = ?", (article_id,))
        conn.execute(
            "INSERT INTO analyses(article_id, version, content_hash, analysed_at, sentences, entities, quotes, "
            "events, chars, truncated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article_id, analysis.version, row[0], datetime.now(UTC).isoformat(), len(analysis.sentences),
             len(analysis.entities), len(analysis.quotes), len(analysis.events), analysis.chars,
             int(analysis.truncated)))
        conn.executemany(
            "INSERT INTO analysed_sentences(article_id, idx, start, end, text) VALUES (?, ?, ?, ?, ?)",
            [(article_id, s.index, s.start, s.end, s.text) for s in analysis.sentences])
        cache: dict[tuple[str, ...], int] = {}
        for idx, entity in enumerate(analysis.entities):
            cursor = conn.execute(
                "INSERT INTO entities(article_id, idx, name, label, actor_id) VALUES (?, ?, ?, ?, ?)",
                (article_id, idx, entity.name, entity.label, self._actor_id(conn, entity.actor, cache)))
            entity_id = cursor.lastrowid
            conn.executemany(
                "INSERT INTO mentions(entity_id, article_id, sentence, start, end, text) VALUES (?, ?, ?, ?, ?, ?)",
                [(entity_id, article_id, m.sentence, m.start, m.end, m.text) for m in entity.mentions])
        for idx, quote in enumerate(analysis.quotes):
            speaker_name = None
            if quote.speaker_entity is not None and 0 <= quote.speaker_entity < len(analysis.entities):
                speaker_name = analysis.entities[quote.speaker_entity].name
            conn.execute(
                "INSERT INTO quotes(article_id, idx, sentence, start, end, text, kind, speaker, speaker_entity, "
                "speaker_name, actor_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (article_id, idx, quote.sentence, quote.start, quote.end, quote.text, quote.kind, quote.speaker,
                 quote.speaker_entity, speaker_name, self._actor_id(conn, quote.speaker_actor, cache)))
        for idx, event in enumerate(analysis.events):
            conn.execute(
                "INSERT INTO events(article_id, idx, sentence, category, quad_class, intensity, mode, source_id, "
                "target_id, source_text, target_text, trigger, event_date, date_text, date_precision, location, "
                "confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (article_id, idx, event.sentence, event.category, event.quad_class, float(event.intensity),
                 event.mode, self._actor_id(conn, event.source, cache), self._actor_id(conn, event.target, cache),
                 event.source_text, event.target_text, event.trigger, _iso_date(event.date), event.date_text,
                 event.date_precision, event.location, float(event.confidence)))
        return True

    # -- the analysis of one article ---------------------------------------------------
    def analysis(self, article_id: int) -> Analysis | None:
        head = self._read_one("SELECT version, chars, truncated FROM analyses WHERE article_id = ?",
                              (article_id,))
        if head is None:
            return None
        sentences = [SentenceSpan(r["idx"], r["start"], r["end"], r["text"]) for r in self._read(
            "SELECT idx, start, end, text FROM analysed_sentences WHERE article_id = ? ORDER BY idx",
            (article_id,))]
        mentions: dict[int, list[Mention]] = defaultdict(list)
        for r in self._read("SELECT entity_id, sentence, start, end, text FROM mentions WHERE article_id = ? "
                            "ORDER BY rowid", (article_id,)):
            mentions[r["entity_id"]].append(Mention(r["start"], r["end"], r["sentence"], r["text"]))
        entities = [
            EntityRecord(name=r["name"], label=r["label"], mentions=mentions.get(r["id"], []),
                         actor=_actor_from(r, "act"))
            for r in self._read(
                "SELECT en.id, en.name, en.label, " + _actor_columns("ac", "act") + " FROM entities en "
                "LEFT JOIN actors ac ON ac.id = en.actor_id WHERE en.article_id = ? ORDER BY en.idx",
                (article_id,))]
        quotes = [_quote_record(r) for r in self._read(
            "SELECT q.*, " + _actor_columns("ac", "spk") + " FROM quotes q LEFT JOIN actors ac ON ac.id = q.actor_id "
            "WHERE q.article_id = ? ORDER BY q.idx", (article_id,))]
        events = [_event_record(r) for r in self._read(
            "SELECT e.*, " + _actor_columns("sa", "src") + ", " + _actor_columns("ta", "tgt") + " FROM events e "
            "LEFT JOIN actors sa ON sa.id = e.source_id LEFT JOIN actors ta ON ta.id = e.target_id "
            "WHERE e.article_id = ? ORDER BY e.idx", (article_id,))]
        return Analysis(sentences=sentences, entities=entities, quotes=quotes, events=events,
                        version=head["version"], chars=head["chars"], truncated=bool(head["truncated"]))

    def article_ids_needing_analysis(self, version: str, limit: int | None = None, *,
                                     everything: bool = False) -> list[int]:
        condition = "" if everything else (
            " AND (n.article_id IS NULL OR n.version != ? OR n.content_hash != a.content_hash)")
        params: list[Any] = [] if everything else [version]
        rows = self._read(
            "SELECT a.id FROM articles a LEFT JOIN analyses n ON n.article_id = a.id "
            f"WHERE a.canonical_id IS NULL{condition} ORDER BY a.id LIMIT ?",
            [*params, -1 if limit is None else max(0, int(limit))])
        return [int(r[0]) for r in rows]

    def analysis_counts(self, version: str | None = None) -> dict[str, int]:
        row = self._read_one(
            "SELECT count(*) AS analysed, coalesce(sum(n.version = ? AND n.content_hash = a.content_hash), 0) "
            "AS current, coalesce(sum(n.events), 0) AS events, coalesce(sum(n.quotes), 0) AS quotes, "
            "coalesce(sum(n.entities), 0) AS entities "
            "FROM analyses n JOIN articles a ON a.id = n.article_id AND a.canonical_id IS NULL", (version,))
        assert row is not None
        counts = {k: int(row[k]) for k in row.keys()}  # noqa: SIM118 - sqlite3.Row is not a mapping
        canonical = self._read_one("SELECT count(*) FROM articles WHERE canonical_id IS NULL")
        counts["canonical"] = int(canonical[0]) if canonical else 0
        counts["stale"] = counts["canonical"] - counts["current"]
        return counts

    # -- queries -------------------------------------------------------------------------
    def _article_scope(self, article_id: int | None, article_ids: list[int] | None, story_id: int | None,
                       column: str) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if article_id is not None:
            clauses.append(f"{column} = ?")
            params.append(int(article_id))
        ids: set[int] | None = None if article_ids is None else {int(i) for i in article_ids}
        if story_id is not None:
            members = set(self._story_member_ids(int(story_id)))
            ids = members if ids is None else ids & members
        if ids is not None:
            clauses.append(f"{column} IN (SELECT value FROM json_each(?))")
            params.append("[" + ",".join(str(i) for i in sorted(ids)) + "]")
        return clauses, params

    def _story_member_ids(self, story_id: int) -> list[int]:
        """The canonical article ids of a story, through the stories part of the store."""
        story = self.get_story(story_id)
        if story is None:
            raise QueryError(f"no story with id {story_id}")
        return [member.article_id for member in story.members]

    def events(self, flt: EventFilter | None = None) -> list[StoredEvent]:
        flt = flt or EventFilter()
        clauses, params = self._event_clauses(flt)
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        limit = -1 if flt.limit is None else max(0, int(flt.limit))
        order = "e.event_date DESC, e.id DESC" if flt.newest_first else "e.event_date, e.id"
        rows = self._read(f"{_EVENT_SELECT}{where} ORDER BY e.event_date IS NULL, {order} "
                          "LIMIT ? OFFSET ?", [*params, limit, max(0, int(flt.offset))])
        return [StoredEvent(id=r["id"], article_id=r["article_id"], event=_event_record(r),
                            sentence=r["sentence_text"] or "", article_title=r["a_title"], article_url=r["a_url"],
                            article_published=_day(r["a_published"]), outlet=r["a_outlet"]) for r in rows]

    def _event_clauses(self, flt: EventFilter) -> tuple[list[str], list[Any]]:
        clauses, params = self._article_scope(flt.article_id, flt.article_ids, flt.story_id, "e.article_id")
        if flt.modes:
            clauses.append("e.mode IN (SELECT value FROM json_each(?))")
            params.append("[" + ",".join(f'"{m}"' for m in flt.modes if m.isalpha()) + "]")
        elif not flt.include_unasserted:
            clauses.append("e.mode = 'asserted'")
        if flt.actor:
            sql, args = _actor_match(flt.actor)
            # A UNION of two indexed lookups: with "source IN (..) OR target IN (..)"
            # SQLite scans every event instead of using events_source / events_target.
            clauses.append(f"e.id IN (SELECT id FROM events WHERE source_id IN ({sql}) "
                           f"UNION SELECT id FROM events WHERE target_id IN ({sql}))")
            params += args + args
        if flt.dyad is not None:
            first, first_args = _actor_match(flt.dyad[0])
            second, second_args = _actor_match(flt.dyad[1])
            forward = f"(e.source_id IN ({first}) AND e.target_id IN ({second}))"
            if flt.directed:
                clauses.append(forward)
                params += first_args + second_args
            else:
                clauses.append(f"e.id IN (SELECT id FROM events WHERE source_id IN ({first}) AND target_id IN "
                               f"({second}) UNION SELECT id FROM events WHERE source_id IN ({second}) "
                               f"AND target_id IN ({first}))")
                params += first_args + second_args + second_args + first_args
        if flt.category:
            clauses.append("e.category = ?")
            params.append(flt.category.strip().upper())
        if flt.quad_class is not None:
            if flt.quad_class not in QUAD_CLASSES:
                raise QueryError(f"quad class {flt.quad_class} is not one of 1, 2, 3, 4")
            clauses.append("e.quad_class = ?")
            params.append(int(flt.quad_class))
        if flt.since is not None:
            clauses.append("e.event_date >= ?")
            params.append(_day_text(flt.since))
        if flt.until is not None:
            clauses.append("e.event_date < ?")
            params.append(_day_text(flt.until))
        return clauses, params

    def quotes(self, flt: QuoteFilter | None = None) -> list[StoredQuote]:
        flt = flt or QuoteFilter()
        clauses, params = self._article_scope(flt.article_id, flt.article_ids, flt.story_id, "q.article_id")
        if flt.speaker:
            text = " ".join(flt.speaker.split())
            actor_sql, actor_args = _actor_match(text)
            if _CODE.match(text):
                clauses.append(f"q.actor_id IN ({actor_sql})")
                params += actor_args
            else:
                clauses.append("(q.speaker LIKE ? ESCAPE '\\' OR q.speaker_name LIKE ? ESCAPE '\\' "
                               f"OR q.actor_id IN ({actor_sql}))")
                params += [_like(text), _like(text), *actor_args]
        if flt.kind:
            clauses.append("q.kind = ?")
            params.append(flt.kind)
        if flt.since is not None:
            clauses.append("a.published >= ?")
            params.append(_day_text(flt.since))
        if flt.until is not None:
            clauses.append("a.published < ?")
            params.append(_day_text(flt.until))
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        limit = -1 if flt.limit is None else max(0, int(flt.limit))
        rows = self._read(f"{_QUOTE_SELECT}{where} ORDER BY a.date_ts DESC, q.article_id DESC, q.idx "
                          "LIMIT ? OFFSET ?", [*params, limit, max(0, int(flt.offset))])
        return [StoredQuote(id=r["id"], article_id=r["article_id"], quote=_quote_record(r),
                            sentence=r["sentence_text"] or "", speaker_name=r["speaker_name"],
                            article_title=r["a_title"], article_url=r["a_url"],
                            article_published=_day(r["a_published"]), outlet=r["a_outlet"]) for r in rows]

    def actors(self, limit: int = 20, since: date | None = None, until: date | None = None, *,
               include_unasserted: bool = False) -> list[ActorActivity]:
        event_clauses = [] if include_unasserted else ["e.mode = 'asserted'"]
        event_params: list[Any] = []
        if since is not None:
            event_clauses.append("e.event_date >= ?")
            event_params.append(_day_text(since))
        if until is not None:
            event_clauses.append("e.event_date < ?")
            event_params.append(_day_text(until))
        event_where = "".join(f" AND {c}" for c in event_clauses)
        quote_clauses: list[str] = []
        quote_params: list[Any] = []
        if since is not None:
            quote_clauses.append("a.published >= ?")
            quote_params.append(_day_text(since))
        if until is not None:
            quote_clauses.append("a.published < ?")
            quote_params.append(_day_text(until))
        quote_where = "".join(f" AND {c}" for c in quote_clauses)
        join = "JOIN articles a ON a.id = {}.article_id AND a.canonical_id IS NULL"
        rows = self._read(
            "SELECT ac.code, ac.name, sum(x.src) AS src, sum(x.tgt) AS tgt, sum(x.quo) AS quo FROM ("
            f" SELECT e.source_id AS actor_id, 1 AS src, 0 AS tgt, 0 AS quo FROM events e {join.format('e')}"
            f"  WHERE e.source_id IS NOT NULL{event_where}"
            f" UNION ALL SELECT e.target_id, 0, 1, 0 FROM events e {join.format('e')}"
            f"  WHERE e.target_id IS NOT NULL{event_where}"
            f" UNION ALL SELECT q.actor_id, 0, 0, 1 FROM quotes q {join.format('q')}"
            f"  WHERE q.actor_id IS NOT NULL{quote_where}"
            ") x JOIN actors ac ON ac.id = x.actor_id GROUP BY ac.id",
            [*event_params, *event_params, *quote_params])
        by_code: dict[str, ActorActivity] = {}
        name_weight: dict[str, dict[str, int]] = defaultdict(dict)
        for r in rows:
            item = by_code.setdefault(r["code"], ActorActivity(code=r["code"]))
            item.as_source += int(r["src"])
            item.as_target += int(r["tgt"])
            item.quotes += int(r["quo"])
            if r["name"]:
                name_weight[r["code"]][r["name"]] = int(r["src"]) + int(r["tgt"]) + int(r["quo"])
        for code, weights in name_weight.items():
            by_code[code].names = sorted(weights, key=lambda n: (-weights[n], n))
        ranked = sorted(by_code.values(), key=lambda x: (-x.events, -x.quotes, x.code))
        return ranked[:max(0, int(limit))]

    def dyad_series(self, a: str, b: str, bucket: str = "day", since: date | None = None,
                    until: date | None = None, *, directed: bool = False,
                    include_unasserted: bool = False) -> list[DyadPoint]:
        if bucket not in BUCKETS:
            raise QueryError(f"bucket {bucket!r} is not one of {', '.join(BUCKETS)}")
        flt = EventFilter(dyad=(a, b), directed=directed, since=since, until=until,
                          include_unasserted=include_unasserted, limit=None)
        clauses, params = self._event_clauses(flt)
        clauses.append("e.event_date IS NOT NULL")
        rows = self._read("SELECT e.id, e.event_date, e.quad_class, e.intensity FROM events e "
                          "JOIN articles a ON a.id = e.article_id AND a.canonical_id IS NULL "
                          "WHERE " + " AND ".join(clauses) + " ORDER BY e.event_date, e.id", params)
        points: dict[date, DyadPoint] = {}
        sums: dict[date, float] = defaultdict(float)
        for r in rows:
            day = _day(r["event_date"])
            if day is None:
                continue
            start = _bucket_start(day, bucket)
            point = points.get(start)
            if point is None:
                point = points[start] = DyadPoint(start=start, end=_bucket_end(start, bucket),
                                                  counts={q: 0 for q in QUAD_CLASSES})
            point.counts[int(r["quad_class"])] = point.counts.get(int(r["quad_class"]), 0) + 1
            point.event_ids.append(int(r["id"]))
            sums[start] += float(r["intensity"])
        for start, point in points.items():
            point.mean_intensity = round(sums[start] / max(1, len(point.event_ids)), 3)
        return [points[k] for k in sorted(points)]
