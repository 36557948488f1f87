"""`newsgrasp enrich / events / quotes / actors` as a user drives them."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner

from newsgrasp.cli import cli
from newsgrasp.records import Actor, Analysis, Article, EventRecord, QuoteRecord, SentenceSpan
from newsgrasp.store import SQLiteStore
from newsgrasp.understand.gdelt import GDELT_COLUMNS, cameo_code

from .conftest import shared_path

USA_GOV = Actor("USA", "GOV", "Donald Trump", "person")
RUS_GOV = Actor("RUS", "GOV", "Vladimir Putin", "person")


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def handmade_db(tmp_path):
    """A database with one analysed article and one copy of it, written through the store."""
    db = tmp_path / "hand.db"
    with SQLiteStore(db) as store:
        first = store.add_article(Article(title="Trump and Putin speak", text="Body.", url="https://a.example/1",
                                          published=datetime(2017, 1, 29, tzinfo=UTC), source="Wire A"),
                                  content_hash="x")
        store.add_article(Article(title="Trump and Putin speak", text="Body.", url="https://b.example/1",
                                  source="Paper B"), content_hash="x", canonical_id=first)
        sentence = "Trump and Putin spoke by phone on Saturday."
        store.save_analysis(first, Analysis(
            sentences=[SentenceSpan(0, 0, 21, "Trump and Putin speak"), SentenceSpan(1, 23, 66, sentence)],
            quotes=[QuoteRecord("It went well", 30, 42, 1, "direct", "Trump", None, USA_GOV)],
            events=[EventRecord("CONSULT", 1, USA_GOV, RUS_GOV, "Trump", "Putin", "spoke by phone",
                                date(2017, 1, 28), "Saturday", location="Washington", quad_class=1,
                                intensity=1.0),
                    EventRecord("CONSULT", 1, USA_GOV, RUS_GOV, "Trump", "Putin", "will meet",
                                date(2017, 1, 28), mode="future")],
            version="test"))
    return db, first


def test_events_table_shows_evidence_and_article(handmade_db):
    db, first = handmade_db
    output = run("events", "--db", str(db))
    assert "CONSULT" in output and "USA GOV (Donald Trump) → RUS GOV (Vladimir Putin)" in output
    assert f"article {first}: Trump and Putin spoke by phone on Saturday." in output
    assert "future" not in output
    assert "(future)" in run("events", "--db", str(db), "--include-unasserted")
    assert "No events." in run("events", "--db", str(db), "--dyad", "USA-CHN")


def test_events_jsonl_and_csv(handmade_db):
    db, first = handmade_db
    [row] = [json.loads(line) for line in run("events", "--db", str(db), "--format", "jsonl").splitlines()]
    assert row["source"]["code"] == "USA GOV" and row["date"] == "2017-01-28" and row["article_id"] == first
    assert row["sentence"] == "Trump and Putin spoke by phone on Saturday."
    rows = list(csv.DictReader(io.StringIO(run("events", "--db", str(db), "--format", "csv", "--dyad", "RUS-USA"))))
    assert [(r["source_code"], r["target_code"], r["category"]) for r in rows] == [("USA GOV", "RUS GOV", "CONSULT")]
    assert run("events", "--db", str(db), "--format", "csv", "--dyad", "RUS-USA", "--directed").count("\n") == 1


def test_events_gdelt_rows(handmade_db):
    db, first = handmade_db
    lines = run("events", "--db", str(db), "--format", "gdelt").splitlines()
    assert len(lines) == 1
    values = lines[0].split("\t")
    assert len(values) == len(GDELT_COLUMNS) == 61
    row = dict(zip(GDELT_COLUMNS, values, strict=True))
    assert (row["SQLDATE"], row["MonthYear"], row["Year"]) == ("20170128", "201701", "2017")
    assert row["FractionDate"] == "2017.0740"
    assert (row["Actor1Code"], row["Actor1Name"], row["Actor1CountryCode"], row["Actor1Type1Code"]) == (
        "USAGOV", "DONALD TRUMP", "USA", "GOV")
    assert (row["Actor2Code"], row["Actor2CountryCode"]) == ("RUSGOV", "RUS")
    assert (row["EventCode"], row["EventBaseCode"], row["EventRootCode"]) == ("041", "041", "04")
    assert (row["QuadClass"], row["GoldsteinScale"], row["IsRootEvent"]) == ("1", "1.0", "1")
    # The article and the copy folded into it, from two outlets.
    assert (row["NumMentions"], row["NumSources"], row["NumArticles"]) == ("2", "2", "2")
    assert row["AvgTone"] == "" and row["ActionGeo_FullName"] == "Washington" and row["ActionGeo_Lat"] == ""
    assert (row["DATEADDED"], row["SOURCEURL"]) == ("20170129000000", "https://a.example/1")
    assert row["GLOBALEVENTID"].isdigit()


@pytest.mark.parametrize(("category", "trigger", "code"), [
    ("CONSULT", "spoke by phone", "041"), ("CONSULT", "met", "040"), ("SANCTION", "sanctions", "163"),
    ("COERCE", "annexed", "192"), ("ASSAULT", "shelled", "180"), ("REQUEST", "urged", "100"),
])
def test_cameo_codes(category, trigger, code):
    assert cameo_code(EventRecord(category, 0, None, None, trigger=trigger)) == code
    assert cameo_code(EventRecord("ASSAULT", 0, Actor("RUS", "MIL"), None, trigger="struck")) == "190"


def test_quotes_and_actors(handmade_db):
    db, first = handmade_db
    output = run("quotes", "--db", str(db), "--speaker", "trump")
    assert "Trump [USA GOV]: “It went well”" in output and f"article {first}:" in output
    assert "No quotes." in run("quotes", "--db", str(db), "--speaker", "Kremlin")
    [q] = [json.loads(line) for line in run("quotes", "--db", str(db), "--format", "jsonl").splitlines()]
    assert q["speaker_actor"]["code"] == "USA GOV"
    ranked = [json.loads(line) for line in run("actors", "--db", str(db), "--format", "jsonl").splitlines()]
    assert ranked[0] == {"code": "USA GOV", "names": ["Donald Trump"], "events": 1, "as_source": 1,
                         "as_target": 0, "quotes": 1}
    assert "RUS GOV" in run("actors", "--db", str(db), "--since", "2017-01-01")


@pytest.mark.parametrize(("args", "message"), [
    (["events", "--dyad", "USA"], "is not a dyad"),
    (["events", "--directed"], "--directed needs --dyad"),
    (["events", "--actor", " "], "empty actor"),
    (["events", "--quad", "5"], "5"),
    (["events", "--category", "HUG"], "HUG"),
    (["events", "--since", "last week"], "is not a date"),
    (["enrich", "--all", "--stale"], "exclude each other"),
])
def test_bad_input_is_named(handmade_db, args, message):
    db, _ = handmade_db
    result = CliRunner().invoke(cli, [*args, "--db", str(db)])
    assert result.exit_code != 0 and message in result.output
    assert "Traceback" not in result.output


# -- for real: ingest the seed, enrich, query -------------------------------------------------------
@pytest.fixture(scope="module")
def seed_db(tmp_path_factory):
    for module in ("entities", "quotes", "events"):
        pytest.importorskip(f"newsgrasp.understand.{module}", reason=f"understand.{module} is not written yet")
    seed = shared_path("data", "seed", "article.txt")
    db = tmp_path_factory.mktemp("understand") / "seed.db"
    output = run("ingest", str(seed), "--published", "2017-01-29", "--db", str(db), "--json")
    summary = json.loads(output[output.index("{"):])
    assert summary["new"] == 1 and summary["analysed"] == 1, summary
    return db


def test_seed_through_the_cli(seed_db):
    db = str(seed_db)
    assert "CONSULT" in run("events", "--db", db, "--dyad", "USA-RUS", "--since", "2017-01-28", "--until",
                            "2017-01-29")
    assert "Kremlin" in run("quotes", "--db", db, "--speaker", "RUS GOV")
    assert "RUS" in run("actors", "--db", db)
    stale = json.loads(run("enrich", "--db", db, "--json"))
    assert stale["analysed"] == 0
    again = json.loads(run("enrich", "--db", db, "--all", "--json"))
    assert again["analysed"] == 1 and again["failed"] == 0 and again["events"] > 0


def test_gdelt_names_countries_and_known_groups():
    from newsgrasp.records import StoredEvent
    from newsgrasp.understand.gdelt import gdelt_row

    event = EventRecord("ACCUSE", 5, Actor(None, "IGO", "UN Security Council", "organization"), Actor("PRK"),
                        target_text="Pyongyang", date=date(2017, 2, 13), quad_class=3, intensity=-2.0)
    row = dict(zip(GDELT_COLUMNS, gdelt_row(StoredEvent(9, 4, event, "The council condemned the launch.")),
                   strict=True))
    assert (row["Actor1Code"], row["Actor1KnownGroupCode"], row["Actor1Type1Code"]) == ("IGOUNO", "UNO", "IGO")
    assert (row["Actor2Code"], row["Actor2Name"]) == ("PRK", "NORTH KOREA")
    assert (row["EventCode"], row["QuadClass"], row["GoldsteinScale"], row["IsRootEvent"]) == ("110", "3", "-2.0", "0")
    assert row["DATEADDED"] == "" and row["SOURCEURL"] == ""
