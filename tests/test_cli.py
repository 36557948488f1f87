"""The CLI as a user drives it: every command documented, errors clear, no tracebacks."""

from __future__ import annotations

import csv
import io
import json

import click
import pytest
from click.testing import CliRunner

from newsgrasp.cli import cli

from .test_ingest import article_html


def _commands() -> list[str]:
    return sorted(cli.commands)


def test_every_command_has_help():
    runner = CliRunner()
    assert runner.invoke(cli, ["--help"]).exit_code == 0
    for name in _commands():
        command = cli.commands[name]
        assert command.help and len(command.help.strip()) > 20, name
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{name} {param.opts} has no help"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, demo_site):
    from newsgrasp.demo import demo_sources

    db = tmp_path_factory.mktemp("cli") / "demo.db"
    result = CliRunner().invoke(cli, ["ingest", *demo_sources(demo_site), "--db", str(db), "--delay", "0",
                                      "--json"])
    assert result.exit_code == 0, result.output
    return db


def test_ingest_search_show_export(demo_db, tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["search", "Putin", "--db", str(demo_db), "--json"])
    assert result.exit_code == 0, result.output
    hits = [json.loads(line) for line in result.output.splitlines()]
    assert hits and all("Putin" in h["title"] + h["snippet"] for h in hits)

    copies_hit = next((h for h in hits if h["copies"]), None)
    target = copies_hit or hits[0]
    shown = runner.invoke(cli, ["show", str(target["id"]), "--db", str(demo_db), "--json"])
    data = json.loads(shown.output)
    assert data["title"] == target["title"] and len(data["copies"]) == target["copies"]
    text = runner.invoke(cli, ["show", str(target["id"]), "--db", str(demo_db)]).output
    if target["copies"]:
        assert "Also carried by" in text

    out = runner.invoke(cli, ["export", "--format", "csv", "--db", str(demo_db)])
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert rows and {"id", "title", "url", "text"} <= set(rows[0])
    parquet = tmp_path / "a.parquet"
    assert runner.invoke(cli, ["export", "--format", "parquet", "-o", str(parquet),
                               "--db", str(demo_db)]).exit_code == 0
    import pyarrow.parquet as pq

    assert pq.read_table(parquet).num_rows == len(rows)
    opml = runner.invoke(cli, ["export", "--format", "opml", "--db", str(demo_db)]).output
    assert "<opml" in opml and "xmlUrl" in opml
    feeds = json.loads(runner.invoke(cli, ["feeds", "--json", "--db", str(demo_db)]).output)
    assert feeds and all(f["last_success"] for f in feeds)
    assert "articles" in runner.invoke(cli, ["stats", "--db", str(demo_db)]).output


@pytest.mark.parametrize("query", ['"unbalanced', "AND", "title:", "foo NOT", "("])
def test_malformed_query_is_a_clear_error(demo_db, query):
    result = CliRunner().invoke(cli, ["search", query, "--db", str(demo_db)])
    assert result.exit_code == 1
    assert "bad search query" in result.output
    assert "Traceback" not in result.output and result.exception is None or \
        isinstance(result.exception, SystemExit)


def test_search_filters_and_punctuation(demo_db):
    runner = CliRunner()
    ok = runner.invoke(cli, ["search", "U.S.-Russian", "--db", str(demo_db), "--since", "2017-01-01",
                             "--lang", "en"])
    assert ok.exit_code == 0
    bad = runner.invoke(cli, ["search", "x", "--db", str(demo_db), "--since", "yesterday"])
    assert bad.exit_code == 2 and "not a date" in bad.output


def test_extract_file_and_stdin(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(article_html("Bridge tolls cut", "bridge tolls"), "utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["extract", str(page), "--json"])
    data = json.loads(result.output)
    assert data["title"] == "Bridge tolls cut" and "bridge tolls" in data["text"]
    plain = runner.invoke(cli, ["extract", "-"], input=page.read_bytes())
    assert "bridge tolls" in plain.output and "<p>" not in plain.output
    missing = runner.invoke(cli, ["extract", str(tmp_path / "nope.html")])
    assert missing.exit_code == 1 and "no such file" in missing.output
    empty = tmp_path / "e.html"
    empty.write_bytes(b"")
    assert runner.invoke(cli, ["extract", str(empty)]).exit_code == 1


def test_reextract_from_kept_html(demo_db):
    result = CliRunner().invoke(cli, ["reextract", "--all", "--db", str(demo_db)])
    assert result.exit_code == 0 and "Re-extracted" in result.output
    assert "0 without kept HTML" in result.output


def test_unknown_article_and_bad_db(tmp_path):
    runner = CliRunner()
    db = tmp_path / "x.db"
    assert "no article with id 99" in runner.invoke(cli, ["show", "99", "--db", str(db)]).output
    not_a_db = tmp_path / "junk.db"
    not_a_db.write_bytes(b"this is not sqlite" * 100)
    result = runner.invoke(cli, ["stats", "--db", str(not_a_db)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert not_a_db.read_bytes() == b"this is not sqlite" * 100


def test_demo_command_ingests_and_searches(tmp_path):
    db = tmp_path / "demo.db"
    result = CliRunner().invoke(cli, ["demo", "--db", str(db), "--quiet", "--no-enrich", "--query", "Kremlin"])
    assert result.exit_code == 0, result.output
    assert "Search 'Kremlin'" in result.output
    stats = CliRunner().invoke(cli, ["stats", "--db", str(db)]).output
    assert "copies" in stats


def test_update_polls_known_feeds_without_refetching(demo_db):
    result = CliRunner().invoke(cli, ["update", "--db", str(demo_db), "--delay", "0", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "new articles" in result.output
    lines = {line.split()[-1] for line in result.output.splitlines() if "new articles" in line}
    assert lines == {"0"}


def test_update_without_feeds_says_what_to_do(tmp_path):
    result = CliRunner().invoke(cli, ["update", "--db", str(tmp_path / "empty.db")])
    assert result.exit_code == 1 and "no feeds known yet" in result.output


def test_extract_url_and_missing_source(demo_site, demo_manifest, tmp_path):
    runner = CliRunner()
    entry = next(a for a in demo_manifest["articles"] if a["outlet"] == "continental-wire")
    result = runner.invoke(cli, ["extract", f"{demo_site}/{entry['path']}", "--json", "--delay", "0"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["source"] == "Continental Wire" and data["published"].startswith(entry["published"][:10])
    assert "Demo corpus" not in data["text"]
    gone = runner.invoke(cli, ["extract", f"{demo_site}/no/such/page.html", "--delay", "0"])
    assert gone.exit_code == 1 and "http 404" in gone.output
    missing = runner.invoke(cli, ["ingest", str(tmp_path / "nope"), "--db", str(tmp_path / "x.db"), "--json"])
    assert missing.exit_code == 1
    assert json.loads(missing.stdout)["failed_by_reason"] == {"not found": 1}
