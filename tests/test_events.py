"""PLOVER events: categories, actors, dates, places, modes; the seed article; GSR floors."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path

import pytest

from newsgrasp.records import EVENT_CATEGORIES, EventRecord

from .conftest import shared_path

SUNDAY = date(2017, 1, 29)
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def nlp():
    from newsgrasp.understand.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def events_of(nlp):
    from newsgrasp.understand.entities import extract_entities
    from newsgrasp.understand.events import extract_events

    def run(text: str, on: date | None = SUNDAY) -> list[EventRecord]:
        doc = nlp(text)
        return extract_events(doc, extract_entities(doc, on, 0), on, 0)

    return run


def _one(events: list[EventRecord], category: str) -> EventRecord:
    found = [e for e in events if e.category == category]
    assert found, f"no {category} event among {[(e.category, e.trigger) for e in events]}"
    return found[0]


def _code(actor) -> str | None:
    return actor.code if actor is not None else None


# --- categories, actors, dates, places ------------------------------------------------------------


def test_assault_with_date_place_and_scores(events_of) -> None:
    ev = _one(events_of("Russian troops attacked Ukrainian positions in eastern Ukraine on Friday."), "ASSAULT")
    assert (_code(ev.source), _code(ev.target)) == ("RUS MIL", "UKR")
    assert (ev.date, ev.date_text, ev.date_precision) == (date(2017, 1, 27), "Friday", "day")
    assert ev.location == "eastern Ukraine"
    assert ev.quad_class == 4 and ev.intensity == -9.0 and ev.mode == "asserted"
    assert ev.trigger == "attacked" and ev.sentence == 0


def test_sanction_with_relative_week(events_of) -> None:
    ev = _one(events_of("The United States imposed sanctions on Iran last week."), "SANCTION")
    assert (_code(ev.source), _code(ev.target)) == ("USA", "IRN")
    assert ev.date == date(2017, 1, 16) and ev.date_text == "last week"


def test_consult_between_officials_yesterday(events_of) -> None:
    ev = _one(events_of("Japan's prime minister met with the Indian president in Tokyo yesterday."), "CONSULT")
    assert (_code(ev.source), _code(ev.target)) == ("JPN GOV", "IND GOV")
    assert ev.date == date(2017, 1, 28) and ev.location == "Tokyo" and ev.quad_class == 1


def test_passive_voice_swaps_roles(events_of) -> None:
    ev = _one(events_of("Syrian rebels were attacked by Russian jets near Aleppo."), "ASSAULT")
    assert (_code(ev.source), _code(ev.target)) == ("RUS MIL", "SYR REB")
    assert ev.location == "Aleppo"


@pytest.mark.parametrize(("text", "category", "source", "target"), [
    ("The annexation of Crimea by Russia drew condemnation.", "COERCE", "RUS", "UKR"),
    ("Russia's backing of separatists in eastern Ukraine angered Kiev.", "SUPPORT", "RUS", "UKR REB"),
    ("Sanctions imposed on Russia by the Obama administration remain in place.", "SANCTION", "USA GOV", "RUS"),
    ("Pakistan expelled two Indian diplomats.", "SANCTION", "PAK", "IND GOV"),
    ("Egyptian police arrested 40 protesters in Cairo on Monday.", "COERCE", "EGY COP", "EGY CVL"),
])
def test_nominal_and_material_events(events_of, text: str, category: str, source: str, target: str) -> None:
    ev = _one(events_of(text), category)
    assert (_code(ev.source), _code(ev.target)) == (source, target)


def test_missile_launch_is_a_show_of_force_not_an_attack(events_of) -> None:
    events = events_of("North Korea fired a ballistic missile into the sea on Sunday.")
    assert [(e.category, _code(e.source)) for e in events] == [("MOBILIZE", "PRK")]
    attack = _one(events_of("Hamas fired rockets at Israel on Sunday."), "ASSAULT")
    assert _code(attack.target) == "ISR"


def test_background_clause_is_its_own_event(events_of) -> None:
    events = events_of("Sanctions were imposed by the European Union after Russia annexed Crimea.")
    sanction = _one(events, "SANCTION")
    assert _code(sanction.source) == "IGO" and _code(sanction.target) != "UKR"
    annex = _one(events, "COERCE")
    assert (_code(annex.source), annex.mode) == ("RUS", "asserted")


def test_street_protest_addresses_the_local_government(events_of) -> None:
    ev = _one(events_of("Thousands of protesters rallied against the government in Caracas."), "PROTEST")
    assert _code(ev.target) == "VEN GOV" and ev.quad_class == 4


# --- modes ---------------------------------------------------------------------------------------


def test_negated_event(events_of) -> None:
    ev = _one(events_of("Israel did not withdraw its troops from Gaza."), "RETREAT")
    assert ev.mode == "negated" and ev.intensity == 0.0


def test_refusal_is_a_rejection_and_negates_what_was_refused(events_of) -> None:
    events = events_of("Iran refused to release the British sailors.")
    reject = _one(events, "REJECT")
    assert (_code(reject.source), _code(reject.target), reject.mode) == ("IRN", "GBR", "asserted")
    assert _one(events, "RETREAT").mode == "negated"


def test_future_cooperation_is_agree(events_of) -> None:
    ev = _one(events_of("France and Germany will hold talks on Tuesday."), "AGREE")
    assert ev.mode == "future" and {_code(ev.source), _code(ev.target)} == {"FRA", "DEU"}
    assert ev.date == date(2017, 1, 31)  # the coming Tuesday, not the last one
    assert not [e for e in events_of("France and Germany will hold talks on Tuesday.") if e.category == "CONSULT"]


def test_conditional_is_hypothetical(events_of) -> None:
    events = events_of("China could impose tariffs on Japan if the talks fail.")
    assert events and all(e.mode == "hypothetical" for e in events)


def test_threat_and_request_govern_what_they_announce(events_of) -> None:
    events = events_of("North Korea threatened to attack South Korea.")
    threat = _one(events, "THREATEN")
    assert (_code(threat.source), _code(threat.target), threat.mode) == ("PRK", "KOR", "asserted")
    assert _one(events, "ASSAULT").mode == "hypothetical"
    request = _one(events_of("The German chancellor urged Turkey to release the journalists."), "REQUEST")
    assert (_code(request.source), _code(request.target)) == ("DEU GOV", "TUR")



@pytest.mark.parametrize("text", [
    "The chancellor said it was far too early to talk about lifting sanctions against Russia.",
    "Paris said it was premature to discuss easing sanctions on Iran.",
    "The cabinet is considering lifting sanctions on Venezuela.",
    "Lawmakers opened a debate over easing sanctions on Cuba.",
    "Italy raised the question of lifting sanctions on Russia.",
    "Brussels weighed whether to withdraw its envoys from Turkey.",
])
def test_acts_only_talked_about_are_not_asserted(events_of, text: str) -> None:
    events = events_of(text)
    retreats = [e for e in events if e.category in ("RETREAT", "CONCEDE")]
    assert retreats, f"no retreat coded in {text!r}: {[(e.category, e.trigger) for e in events]}"
    assert all(e.mode != "asserted" for e in retreats), [(e.category, e.trigger, e.mode) for e in retreats]


def test_talks_happen_but_their_topic_does_not(events_of) -> None:
    events = events_of("Merkel talked with Putin on Friday about easing sanctions on Russia.")
    talk = _one(events, "CONSULT")
    assert (_code(talk.source), _code(talk.target), talk.mode) == ("DEU GOV", "RUS GOV", "asserted")
    assert all(e.mode == "hypothetical" for e in events if e.category in ("RETREAT", "CONCEDE"))
    # What a modifier says of the topic is a fact: these sanctions were imposed.
    imposed = _one(events_of("The ministers discussed sanctions that Washington imposed on Moscow."), "SANCTION")
    assert (_code(imposed.source), _code(imposed.target), imposed.mode) == ("USA GOV", "RUS GOV", "asserted")


@pytest.mark.parametrize(("text", "code"), [
    # Obama left office on 2017-01-20: a past act is coded by the office he held then.
    ("In early November, President Barack Obama accused Russia of hacking.", "USA GOV"),
    ("In 2015, Barack Obama accused Russia of hacking.", "USA GOV"),
    ("On Monday, Barack Obama accused Russia of hacking.", "USA ELI"),
    # "January" spans both terms: the article date's coding stands.
    ("In January, Barack Obama accused Russia of hacking.", "USA ELI"),
])
def test_people_are_coded_by_their_office_on_the_event_date(events_of, text: str, code: str) -> None:
    ev = _one(events_of(text, date(2017, 2, 14)), "ACCUSE")
    assert (_code(ev.source), _code(ev.target)) == (code, "RUS")


def test_future_events_keep_the_article_date_coding(events_of) -> None:
    # Offices to come are unknown to the reporter: the article date's office stands.
    ev = _one(events_of("In March, Barack Obama will accuse Russia of hacking.", date(2017, 1, 10)), "ACCUSE")
    assert _code(ev.source) == "USA GOV" and ev.date == date(2017, 3, 1)

# --- no political event ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Brazil beat Argentina 3-1 in a friendly match.",
    "The patient suffered a heart attack.",
    "Liverpool's attack looked sharp as they beat Chelsea 2-0 at Anfield.",
    "The merger agreement between the two supermarket chains values the group at 10 billion dollars.",
    "The chef fought back tears as he accepted the award.",
])
def test_no_event_in_ordinary_senses(events_of, text: str) -> None:
    assert events_of(text) == []


# --- classify_event ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "source", "target", "category"), [
    ("Pakistan threatened to break off diplomatic relations with Congo.", "Pakistan", "Congo", "THREATEN"),
    ("Serbia eased the curfew in Montenegro.", "Serbia", "Montenegro", "CONCEDE"),
    ("Israeli soldiers arrested 100 Palestinians in Hebron.", "Israeli", "Palestinians", "COERCE"),
    ("Britain said Libya must hand over the suspects.", "Britain", "Libya", "REQUEST"),
    ("Syria says it will not accept any more refugees.", "Syria", None, "REJECT"),
    ("Hungary said it will support the resolution.", "Hungary", None, "AGREE"),
    ("Czechia and China signed an agreement to increase trade.", "Czechia", "China", "SUPPORT"),
])
def test_classify_event_given_actors(nlp, text: str, source: str, target: str | None, category: str) -> None:
    from newsgrasp.understand.events import classify_event

    assert classify_event(text, source, target) == category
    assert classify_event(nlp(text), source, target) == category


def test_classify_event_on_our_news_sentences() -> None:
    from newsgrasp.understand.events import classify_event

    rows = [line.rstrip("\n").split("\t") for line in
            (REPO / "tests" / "fixtures" / "event_sentences.tsv").read_text("utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    assert len(rows) >= 40 and {r[0] for r in rows} == set(EVENT_CATEGORIES)
    right = sum(classify_event(text, source, None if target == "-" else target) == category
                for category, source, target, text in rows)
    # 43 of 43 when pinned; the first unseen run got 38 of 43 (see the fixture's header).
    assert right / len(rows) >= 0.9


def test_classify_event_bad_input() -> None:
    from newsgrasp.understand.events import classify_event

    with pytest.raises(ValueError, match="non-empty"):
        classify_event("  ", None, None)
    with pytest.raises(TypeError, match="spaCy Doc"):
        classify_event(42, None, None)  # type: ignore[arg-type]
    assert classify_event("The weather was mild.", None, None) is None


def test_extract_events_bad_input() -> None:
    from newsgrasp.understand.events import extract_events

    with pytest.raises(TypeError, match="spaCy Doc"):
        extract_events("Russia attacked Ukraine.", [], SUNDAY)  # type: ignore[arg-type]
    import spacy

    with pytest.raises(ValueError, match="dependency-parsed"):
        extract_events(spacy.blank("en")("Russia attacked Ukraine."), [], SUNDAY)


def test_lexicon_and_scores_are_consistent() -> None:
    from newsgrasp.understand.event_lexicon import _parse_line, category_info, lexicon

    lex = lexicon()
    assert {e.category for entries in (*lex.verbs.values(), *lex.nouns.values()) for e in entries} \
        == set(EVENT_CATEGORIES)
    for category in EVENT_CATEGORIES:
        info = category_info(category)
        assert 1 <= info.quad <= 4 and -10 <= info.score <= 10
        assert all(-10 <= s <= 10 for s in info.modes.values())
    assert category_info("AID").quad == 2 and category_info("ASSAULT").intensity("aerial") == -9.5
    with pytest.raises(ValueError, match="unknown category"):
        _parse_line("ATTACK\tverb\tattack\t-", 7)
    with pytest.raises(ValueError, match="4 tab-separated"):
        _parse_line("ASSAULT verb attack", 8)
    with pytest.raises(ValueError, match=r"\+ > ~ or !"):
        _parse_line("ASSAULT\tverb\tattack ?x\t-", 9)
    with pytest.raises(ValueError, match="unknown event category"):
        category_info("FIGHT")


def test_offsets_and_sentence_indexes(nlp) -> None:
    """Events of a doc that starts later in the article keep article offsets for entities."""
    from newsgrasp.understand.entities import extract_entities
    from newsgrasp.understand.events import extract_events

    doc = nlp("The weather was mild. Pakistan expelled two Indian diplomats on Friday.")
    events = extract_events(doc, extract_entities(doc, SUNDAY, 100), SUNDAY, 100)
    ev = _one(events, "SANCTION")
    assert ev.sentence == 1 and ev.date == date(2017, 1, 27) and _code(ev.source) == "PAK"


# --- the seed article ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def seed_events(nlp):
    from newsgrasp.extract import parse_text_article
    from newsgrasp.understand.entities import extract_entities
    from newsgrasp.understand.events import extract_events

    article = parse_text_article(shared_path("data", "seed", "article.txt").read_text("utf-8"))
    doc = nlp(f"{article.title}\n\n{article.text}")
    events = extract_events(doc, extract_entities(doc, SUNDAY, 0), SUNDAY, 0)
    return doc, events


def test_seed_phone_call_is_consult_between_governments(seed_events) -> None:
    _, events = seed_events
    calls = [e for e in events if e.category == "CONSULT" and "call" in (e.trigger or "")]
    assert calls, [(e.category, e.trigger) for e in events]
    call = calls[0]
    assert {_code(call.source), _code(call.target)} == {"USA GOV", "RUS GOV"}
    assert (call.date, call.date_precision, call.mode) == (date(2017, 1, 28), "day", "asserted")
    # "the two men discussed the sanctions": Trump and Putin themselves.
    talk = next(e for e in events if e.trigger == "discussed")
    assert {talk.source_text, talk.target_text} == {"Donald Trump", "Vladimir Putin"}


def test_seed_crimea_annexation_and_backing_of_separatists(seed_events) -> None:
    _, events = seed_events
    annex = next(e for e in events if e.trigger == "annexed")
    assert (annex.category, annex.quad_class) == ("COERCE", 4)
    assert (_code(annex.source), _code(annex.target)) == ("RUS", "UKR")
    assert (annex.date, annex.date_text, annex.date_precision) == (date(2014, 1, 1), "2014", "year")
    backing = next(e for e in events if e.trigger == "backed")
    assert (backing.category, _code(backing.source), _code(backing.target)) == ("SUPPORT", "RUS", "UKR REB")
    assert backing.location == "eastern Ukraine" and backing.date_precision == "year"


def test_seed_sanctions_by_the_obama_administration(seed_events) -> None:
    _, events = seed_events
    sanctions = [e for e in events if e.category == "SANCTION" and e.mode == "asserted"]
    assert any(e.source is not None and e.source.country == "USA" and e.target is not None
               and e.target.country == "RUS" and "Obama" in (e.source_text or "") for e in sanctions)


def test_seed_noncommittal_lifting_is_not_a_fact(seed_events) -> None:
    doc, events = seed_events
    sentences = list(doc.sents)
    lifting = [e for e in events if "noncommittal" in sentences[e.sentence].text]
    assert lifting and all(e.mode != "asserted" for e in lifting)
    future = [e for e in events if "preparations" in sentences[e.sentence].text]
    assert future and all(e.mode == "future" for e in future)


# --- floors on the PLOVER gold-standard records ----------------------------------------------------


def test_plover_gsr_floors(capsys) -> None:
    gsr = shared_path("data", "events", "plover_gsr", "PLOVER_GSR_CAMEO.txt")
    spec = importlib.util.spec_from_file_location("bench_events", REPO / "benchmarks" / "bench_events.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_events"] = bench
    spec.loader.exec_module(bench)
    figures = bench.run(gsr, None)
    capsys.readouterr()
    # Figures reached when pinned: accuracy 0.789, macro-F1 0.768, triple F1 0.453, FP rate 0.000 (130).
    assert figures["accuracy"] >= 0.77
    assert figures["macro_f1"] >= 0.75
    assert figures["triple_f1"] >= 0.42
    assert figures["fp_rate"] <= 0.05


# --- meetings and calls: the "with" counterpart, the clause's date ----------------------------------


def test_consult_with_every_counterpart_dated_by_the_governing_clause(events_of) -> None:
    events = events_of("The Japanese prime minister spent most of Friday on the phone, holding his first talks "
                       "as premier with China's Xi Jinping, Germany's Angela Merkel and Mexico's Enrique Pena Nieto.")
    consults = [e for e in events if e.category == "CONSULT"]
    assert sorted(_code(e.target) for e in consults) == ["CHN GOV", "DEU GOV", "MEX GOV"]
    assert {_code(e.source) for e in consults} == {"JPN GOV"}
    assert {(e.date, e.date_text) for e in consults} == {(date(2017, 1, 27), "Friday")}


@pytest.mark.parametrize("text, source, target, day", [
    # The parser hangs "with" on the role noun, not on the call.
    ("Merkel's first phone call as chancellor with Mexico's president took place on Thursday.",
     "DEU GOV", "MEX GOV", date(2017, 1, 26)),
    # The date on the event noun a support verb carries.
    ("Theresa May held Monday's talks on trade with Chinese Premier Li Keqiang.", "GBR GOV", "CHN GOV",
     date(2017, 1, 23)),
    ("The Turkish president had a meeting with Iran's foreign minister on Tuesday.", "TUR GOV", "IRN GOV",
     date(2017, 1, 24)),
])
def test_nominal_consult_takes_the_with_object(events_of, text: str, source: str, target: str, day: date) -> None:
    ev = _one(events_of(text), "CONSULT")
    assert (_code(ev.source), _code(ev.target), ev.date) == (source, target, day)


def test_past_tense_trigger_keeps_a_bare_month_in_the_past(nlp):
    from newsgrasp.understand.entities import extract_entities
    from newsgrasp.understand.events import extract_events

    doc = nlp("Toyota, whose plans for a plant in Mexico Trump criticized in January, "
              "has said it will invest $10 billion in the United States over five years.")
    on = date(2017, 2, 11)
    events = extract_events(doc, extract_entities(doc, on), on)
    dated = [e for e in events if e.date_text == "January"]
    assert dated, events
    assert all(e.mode == "asserted" for e in dated), dated
    assert all(e.date is not None and e.date.year == 2017 for e in dated), dated
