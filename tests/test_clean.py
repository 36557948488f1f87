"""Aggregator and template residue: titles, datelines, breadcrumbs, counters, tails."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgrasp.extract import (
    clean_article,
    clean_body,
    parse_text_article,
    split_dateline,
    strip_title_source,
)
from newsgrasp.extract.clean import is_breadcrumb, is_counter_line, is_tail_residue
from newsgrasp.records import Article, Hints

FIXTURES = Path(__file__).parent / "fixtures" / "extract"


@pytest.mark.parametrize(
    ("title", "expected", "name"),
    [
        ("Trump, Putin discuss trade sanctions, security issues ‹ Japan Today",
         "Trump, Putin discuss trade sanctions, security issues", "Japan Today"),
        ("Oil prices slide as inventories grow - Reuters", "Oil prices slide as inventories grow", "Reuters"),
        ("Storm Ciara batters northern coasts | BBC News", "Storm Ciara batters northern coasts", "BBC News"),
        ("Museum returns looted bronzes to Nigeria — The Guardian",
         "Museum returns looted bronzes to Nigeria", "The Guardian"),
        ("Election count resumes in key state » NewsHub", "Election count resumes in key state", "NewsHub"),
    ],
)
def test_strip_title_source(title: str, expected: str, name: str) -> None:
    assert strip_title_source(title) == (expected, name)


@pytest.mark.parametrize(
    "title",
    [
        "Brexit: May loses crucial vote in parliament",  # a colon is part of the headline
        "Trump - Putin summit ends without agreement",  # suffix is not a name
        "Stocks fall as oil slides – analysis",  # lower-case: a label, not a site
        "Heat wave - Europe",  # too little headline left
        "A plain headline with no separator",
    ],
)
def test_strip_title_source_leaves_headlines_alone(title: str) -> None:
    assert strip_title_source(title) == (title, None)


def test_strip_title_source_with_known_name() -> None:
    assert strip_title_source("Ports reopen: Example Daily", "Example Daily") == ("Ports reopen", "Example Daily")
    assert strip_title_source("EXAMPLE DAILY | Ports reopen after strike", "Example Daily") == (
        "Ports reopen after strike", "EXAMPLE DAILY")


@pytest.mark.parametrize(
    ("line", "via", "place", "agency", "rest"),
    [
        ("NewsHubWASHINGTON —", "NewsHub", "WASHINGTON", None, ""),
        ("NewsHub DigestBERLIN — German exports rose.", "NewsHub Digest", "BERLIN", None, "German exports rose."),
        ("LONDON (Reuters) - Britain's economy grew.", None, "LONDON", "Reuters", "Britain's economy grew."),
        ("MOSCOW, Jan 28 — The Kremlin said.", None, "MOSCOW", None, "The Kremlin said."),
        ("NEW YORK, Jan. 28 (AP) -- Stocks rose.", None, "NEW YORK", "AP", "Stocks rose."),
        ("PARIS, France – Strikes spread.", None, "PARIS", None, "Strikes spread."),
        ("WireDailyTOKYO - Shares fell.", "WireDaily", "TOKYO", None, "Shares fell."),
    ],
)
def test_split_dateline(line: str, via: str | None, place: str, agency: str | None, rest: str) -> None:
    found = split_dateline(line)
    assert found is not None
    assert (found.via, found.place, found.agency, found.rest) == (via, place, agency, rest)


@pytest.mark.parametrize(
    "line",
    [
        "The president said — and repeated — that talks would go on.",
        "US - China talks resume",  # two letters: an acronym, not a place
        "Will President Donald Trump usher in a new era?",
        "In 2014, Russia annexed Crimea - a move condemned abroad.",
        "EXCLUSIVE - Bank to cut 500 jobs",
        "FILE — In this photo taken on Monday, protesters march.",
    ],
)
def test_no_dateline(line: str) -> None:
    assert split_dateline(line) is None


@pytest.mark.parametrize(
    "line",
    ["Home › World › Asia", "Home GRASP/Japan Trump, Putin discuss trade sanctions ‹ Japan Today",
     "News > Politics > Europe", "Home / Europe / Russia", "You are here: Home", "Home » Sport"],
)
def test_breadcrumbs(line: str) -> None:
    assert is_breadcrumb(line)


@pytest.mark.parametrize(
    "line", ["Home prices rose five percent in March.", "Homeowners face higher bills", "Trump, Putin discuss"]
)
def test_not_breadcrumbs(line: str) -> None:
    assert not is_breadcrumb(line)


@pytest.mark.parametrize(
    "line", ["324", "0", "1.2K", "SHARE", "Tweet", "Share on Facebook", "12 Comments", "Share this article",
             "Facebook Twitter Email", "Advertisement"]
)
def test_counter_lines(line: str) -> None:
    assert is_counter_line(line)


@pytest.mark.parametrize("line", ["Shares in the company fell", "Email from the minister leaked", "Like a storm"])
def test_not_counter_lines(line: str) -> None:
    assert not is_counter_line(line)


@pytest.mark.parametrize(
    "line", ["Continue reading...", "Read more", "Read the full story at Reuters.com", "Read more »",
             "Continue reading →", "Read the original article"]
)
def test_tail_residue(line: str) -> None:
    assert is_tail_residue(line)


def test_clean_body_edges_only() -> None:
    body = "\n".join([
        "Home › World", "Floods hit the north", "SHARE", "57", "First paragraph with 2014 in it.",
        "324", "Middle paragraph after a number line.", "Last paragraph. Continue reading...",
    ])
    cleaned = clean_body(body, "Floods hit the north")
    # A bare number inside the body stays: only the edges hold residue.
    assert cleaned.text.split("\n\n") == [
        "First paragraph with 2014 in it.", "324", "Middle paragraph after a number line.", "Last paragraph.",
    ]


def test_clean_article_records_names() -> None:
    article = Article(
        title="Ceasefire holds for a third day | Example Times",
        text="Ceasefire holds for a third day\n\nNewsHubGAZA — The ceasefire held.\n\nRead more",
    )
    cleaned = clean_article(article)
    assert cleaned.title == "Ceasefire holds for a third day"
    assert cleaned.source == "Example Times"
    assert cleaned.via == "NewsHub"
    assert cleaned.dateline == "GAZA"
    assert cleaned.text == "The ceasefire held."


def test_clean_article_keeps_known_source() -> None:
    article = Article(title="Ceasefire holds for a third day | Example Times", text="Body text.",
                      source="Example Times Online")
    cleaned = clean_article(article)
    assert cleaned.source == "Example Times Online"
    assert cleaned.title == "Ceasefire holds for a third day"


def test_residue_reuters_style() -> None:
    a = parse_text_article((FIXTURES / "residue_reuters.txt").read_text(encoding="utf-8"))
    assert a.title == "UK inflation climbs to three percent"
    assert a.source == "Reuters"
    assert a.via is None
    assert a.dateline == "LONDON"
    assert a.text.startswith("British consumer price inflation climbed")
    assert a.text.endswith("hold steady at two point nine percent.")
    for residue in ("Comments", "Tweet", "Share", "Read the full story", "Home »"):
        assert residue not in a.text


def test_residue_dated_dateline_and_duplicate_title() -> None:
    a = parse_text_article((FIXTURES / "residue_moscow.txt").read_text(encoding="utf-8"))
    assert a.title == "Kremlin rejects new sanctions package"
    assert a.source == "The Moscow Herald"
    assert a.dateline == "MOSCOW"
    assert a.text.startswith("The Kremlin on Saturday rejected")
    assert a.text.endswith("what form a response might take.")
    assert "Kremlin rejects new sanctions package" not in a.text
    assert "1.2K" not in a.text and "SHARE" not in a.text and "Read more" not in a.text


def test_residue_two_word_aggregator() -> None:
    a = parse_text_article((FIXTURES / "residue_digest.txt").read_text(encoding="utf-8"))
    assert a.title == "German exports hit record high"
    assert a.source == "The Guardian"
    assert a.via == "NewsHub Digest"
    assert a.dateline == "BERLIN"
    assert a.text.startswith("German exports rose to a record high")
    assert a.text.endswith("economists said.")


def test_hints_choose_the_title_and_source() -> None:
    text = "Markets\nCentral bank holds rates - Example Daily\nThe central bank left rates unchanged."
    a = parse_text_article(text, Hints(title="Central bank holds rates", source="Example Daily"))
    assert a.title == "Central bank holds rates"
    assert a.source == "Example Daily"
    assert a.text.startswith("Markets") or a.text.startswith("The central bank")
    assert "Central bank holds rates" not in a.text


def test_text_without_title_line_derives_one() -> None:
    a = parse_text_article("The council met on Monday. It agreed a budget for the coming year.")
    assert a.title == "The council met on Monday."
    assert a.text.startswith("The council met")


def test_via_line_at_the_top() -> None:
    cleaned = clean_body("via NewsHub\n\nPARIS — Strikes spread to the railways.\n\nUnions met.")
    assert (cleaned.via, cleaned.dateline) == ("NewsHub", "PARIS")
    assert cleaned.text == "Strikes spread to the railways.\n\nUnions met."


def test_hinted_title_never_promotes_a_body_line() -> None:
    text = "Short first paragraph\nThe council agreed a budget for the coming year."
    a = parse_text_article(text, Hints(title="Council agrees budget"))
    assert a.title == "Council agrees budget"
    assert a.text.startswith("Short first paragraph")


def test_title_with_many_parts_keeps_the_headline() -> None:
    title = "Calendar for the 2018 season | Racing | F1 | Indy | Rally"
    assert strip_title_source(title) == ("Calendar for the 2018 season", None)
