#!/usr/bin/env python3
"""Quote attribution benchmark: span and speaker F1 on our hand-labelled quotes.

The gold set (``tests/fixtures/quotes_gold.jsonl``) holds every direct quote
and every piece of reported speech in the demo corpus's 28 canonical articles
and in the seed article, each with its speaker's canonical name and actor code.
The demo articles are ours, so their rows carry the quote's text; the seed is
third-party, so its rows carry only a 40-character prefix and a length, and the
text is read from ``../shared`` at run time (its rows are skipped where that is
absent).

What counts as a quote (the labelling rules): every span between quotation
marks that reports someone's words (partial quotes included, headline quotes
included — a page that repeats its headline above the body has it twice), not
names, terms or scare quotes ("known as a “Fix It”"); and as indirect speech,
the clause a speech verb reports (said/told/added/confirmed/wrote/… that …,
"…, officials said", "…, according to X", "made clear that …"), without the
writer's trailing comment (", while urging …", ", a day before …"); not
negated or open questions ("did not say what …", "declined to say whether …"),
not noun complements ("an assurance that …"), not verdicts without a clause
("called the test unacceptable").  Where a quote covers most of a reported
clause only the quote is labelled; where it is a fragment of it, both.  The
speaker is the canonical name of who spoke (a statement's issuer, a pronoun's
person), or the words as written where they name no entity ("participants").

The held-out set (``tests/fixtures/quotes_gold_ecbplus.jsonl``): 57 quotes in
9 real news documents of ECB+ (``../shared/data/clustering``), prefix and
length only, labelled by the same rules before newsgrasp was first run on
them.  ECB+ gives one sentence per line, so each document's lines are joined
into one paragraph under its title.

What is analysed is what the understanding pipeline reads: ``title + "\\n\\n" +
body``, the body as extraction leaves it (``extract_html`` for the demo pages,
``parse_text_article`` for the seed).

Scoring, per kind (direct, indirect) and over both (the sums):

* span: a predicted quote matches a gold quote of the same kind when their
  character spans overlap by at least half of the longer one (each covers at
  least half of the other); matching is one-to-one, largest overlap first.
  Precision = matches / predictions, recall = matches / gold quotes.
* speaker: a match whose speaker is right counts; same denominators.  The
  predicted speaker is the resolved entity's name, else the words as written;
  names compare case-folded, without accents, a leading "the", possessive
  "'s" or hyphens; one may be a whole-word part of the other ("Trump" /
  "Donald Trump", "statements" / "statements from both governments") or its
  acronym ("KCNA").
* actor: among span matches whose gold speaker has an actor code, the share
  whose predicted actor code is the same.

The baseline, in the same run: every text between double quotation marks, and
every clause after "said"/"says"/"told <someone>" (optionally "that") up to the
sentence's end, each spoken by the nearest PERSON entity mention before it.

    .venv/bin/python benchmarks/bench_quotes.py [--show] [--no-seed]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "data" / "seed" / "article.txt"
SEED_DATE = date(2017, 1, 29)
GOLD = ROOT / "tests" / "fixtures" / "quotes_gold.jsonl"
ECB = SHARED / "data" / "clustering" / "ecbplus.dev.jsonl.gz"
ECB_GOLD = ROOT / "tests" / "fixtures" / "quotes_gold_ecbplus.jsonl"
DEMO = ROOT / "src" / "newsgrasp" / "demo"

sys.path.insert(0, str(ROOT / "src"))

from newsgrasp.records import EntityRecord, QuoteRecord  # noqa: E402

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

KINDS = ("direct", "indirect")


@dataclass(slots=True)
class Article:
    key: str            # demo path, or "seed"
    text: str           # title + blank line + body, as the pipeline analyses it
    on: date | None


@dataclass(slots=True)
class Gold:
    article: str
    start: int
    end: int
    kind: str
    speaker: str
    actor: str | None


@dataclass(slots=True)
class Predicted:
    start: int
    end: int
    kind: str
    speaker: str | None
    actor: str | None


@dataclass(slots=True)
class Score:
    gold: int = 0
    predicted: int = 0
    spans: int = 0
    speakers: int = 0
    actor_gold: int = 0
    actors: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.spans += other.spans
        self.speakers += other.speakers
        self.actor_gold += other.actor_gold
        self.actors += other.actors
        self.misses.extend(other.misses)

    @staticmethod
    def _f1(hits: int, predicted: int, gold: int) -> tuple[float, float, float]:
        p = hits / predicted if predicted else 0.0
        r = hits / gold if gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    @property
    def span(self) -> tuple[float, float, float]:
        return self._f1(self.spans, self.predicted, self.gold)

    @property
    def speaker(self) -> tuple[float, float, float]:
        return self._f1(self.speakers, self.predicted, self.gold)

    @property
    def actor_accuracy(self) -> float:
        return self.actors / self.actor_gold if self.actor_gold else 0.0


# --- corpus -------------------------------------------------------------------------------------


def joined(title: str | None, body: str) -> str:
    title = " ".join((title or "").split())
    body = body.strip()
    return f"{title}\n\n{body}" if title else body


def demo_articles() -> list[Article]:
    """The canonical demo articles (copies skipped), as extraction leaves them."""
    from newsgrasp.extract import extract_html

    manifest = json.loads((DEMO / "MANIFEST.json").read_text("utf-8"))
    out = []
    for entry in manifest["articles"]:
        if entry.get("copy_of"):
            continue
        html = (DEMO / "site" / entry["path"]).read_text("utf-8")
        article = extract_html(html, entry["url"].replace("DEMO_HOST", "127.0.0.1"))
        on = date.fromisoformat(entry["published"][:10])
        out.append(Article(entry["path"], joined(article.title, article.text), on))
    return out


def seed_article(path: Path = SEED) -> Article | None:
    """The cleaned seed article, or None where ../shared is absent."""
    if not path.exists():
        return None
    from newsgrasp.extract import parse_text_article

    article = parse_text_article(path.read_text("utf-8"))
    return Article("seed", joined(article.title, article.text), SEED_DATE)


def ecbplus_articles(path: Path = ECB, gold: Path = ECB_GOLD) -> list[Article]:
    """The ECB+ documents the held-out gold labels, or [] where ../shared is absent.

    ECB+ gives one sentence per line and no paragraphs, so the lines are joined
    into one paragraph under the title (its first sentence).
    """
    if not path.exists():
        return []
    wanted = {json.loads(line)["article"].removeprefix("ecbplus:")
              for line in gold.read_text("utf-8").splitlines() if line.strip()}
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as rows:
        for line in rows:
            row = json.loads(line)
            if row["id"] in wanted:
                body = " ".join(part.strip() for part in row["text"].splitlines() if part.strip())
                out.append(Article("ecbplus:" + row["id"], joined(row["title"], body), None))
    return out


def load_gold(articles: Sequence[Article], path: Path = GOLD) -> list[Gold]:
    """Gold rows placed on the articles' text; rows of absent articles are dropped."""
    texts = {a.key: a.text for a in articles}
    out = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        text = texts.get(row["article"])
        if text is None:
            continue
        needle = row["text"] if "text" in row else row["prefix"]
        length = len(row["text"]) if "text" in row else int(row["length"])
        # "nth": the quote's occurrence in the text when it occurs more than once (1 = first).
        start = -1
        for _ in range(int(row.get("nth", 1))):
            start = text.find(needle, start + 1)
            if start < 0:
                break
        if start < 0:
            raise ValueError(f"{path.name}:{n}: quote not found in {row['article']}: "
                             f"{(row.get('text') or row.get('prefix'))!r}")
        if row["kind"] not in KINDS:
            raise ValueError(f"{path.name}:{n}: kind must be one of {KINDS}, got {row['kind']!r}")
        out.append(Gold(row["article"], start, start + length, row["kind"], row["speaker"], row.get("actor")))
    return out


# --- entities -----------------------------------------------------------------------------------


def entity_step() -> Callable[[Doc, date | None, int], list[EntityRecord]]:
    """The pipeline's entity step (merged mentions with actors), which the quotes step reads."""
    from newsgrasp.understand.entities import extract_entities

    return extract_entities


# --- systems ------------------------------------------------------------------------------------


def _name(quote: QuoteRecord, entities: Sequence[EntityRecord]) -> str | None:
    if quote.speaker_entity is not None:
        return entities[quote.speaker_entity].name
    if quote.speaker_actor is not None and quote.speaker_actor.name:
        return quote.speaker_actor.name
    return quote.speaker


def newsgrasp_quotes(doc: Doc, entities: list[EntityRecord], on: date | None) -> list[Predicted]:
    from newsgrasp.understand.quotes import extract_quotes

    return [Predicted(q.start, q.end, q.kind, _name(q, entities),
                      q.speaker_actor.code if q.speaker_actor else None)
            for q in extract_quotes(doc, entities, on)]


_QUOTED = re.compile(r"[“\"]([^”\"\n]+)[”\"]")
_SAID = re.compile(r"\b(?:said|says|told \w+)(?: that)? ([^.\n]+)")


def baseline_quotes(doc: Doc, entities: list[EntityRecord], on: date | None) -> list[Predicted]:
    """Quote marks and "said …" clauses, each given to the nearest PERSON mention before it."""
    people = sorted((m.start, e) for e in entities if e.label == "PERSON" for m in e.mentions)

    def speaker(at: int) -> tuple[str | None, str | None]:
        before = [e for start, e in people if start < at]
        if not before:
            return None, None
        return before[-1].name, before[-1].actor.code if before[-1].actor else None

    out = []
    for kind, pattern in (("direct", _QUOTED), ("indirect", _SAID)):
        for m in pattern.finditer(doc.text):
            name, actor = speaker(m.start())
            out.append(Predicted(m.start(1), m.end(1), kind, name, actor))
    return out


# --- scoring ------------------------------------------------------------------------------------


def _norm(name: str | None) -> str:
    text = unicodedata.normalize("NFKD", (name or "").casefold().replace("’", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[-.]", " ", text)
    text = re.sub(r"^the\s+", "", " ".join(text.split()))
    return text


_MINOR = frozenset({"of", "the", "and", "for"})


def same_speaker(predicted: str | None, gold: str) -> bool:
    a, b = _norm(predicted), _norm(gold)
    if not a or not b:
        return False
    if a == b:
        return True
    # An acronym of the other name: "KCNA" / "Korean Central News Agency".
    for short_name, long_name in ((a, b), (b, a)):
        if " " not in short_name and short_name == "".join(w[0] for w in long_name.split() if w not in _MINOR):
            return True
    short, long_ = sorted((a, b), key=len)
    return f" {short} " in f" {long_} "


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return inter / max(a[1] - a[0], b[1] - b[0], 1) if inter > 0 else 0.0


def score(gold: Sequence[Gold], predicted: Sequence[Predicted], text: str, label: str) -> dict[str, Score]:
    scores = {}
    for kind in KINDS:
        g = [x for x in gold if x.kind == kind]
        p = [x for x in predicted if x.kind == kind]
        s = Score(gold=len(g), predicted=len(p))
        pairs = sorted(((_overlap((gi.start, gi.end), (pi.start, pi.end)), i, j)
                        for i, gi in enumerate(g) for j, pi in enumerate(p)), reverse=True)
        used_g: set[int] = set()
        used_p: set[int] = set()
        for ov, i, j in pairs:
            if ov < 0.5:
                break
            if i in used_g or j in used_p:
                continue
            used_g.add(i)
            used_p.add(j)
            s.spans += 1
            right = same_speaker(p[j].speaker, g[i].speaker)
            s.speakers += right
            if g[i].actor:
                s.actor_gold += 1
                s.actors += p[j].actor == g[i].actor
            if not right:
                s.misses.append(f"{label} {kind} WRONG SPEAKER {p[j].speaker!r} [{p[j].actor}] "
                                f"for {g[i].speaker!r} [{g[i].actor}]: {text[g[i].start:g[i].end][:70]!r}")
        for i, gi in enumerate(g):
            if i not in used_g:
                s.misses.append(f"{label} {kind} MISSED ({gi.speaker}): {text[gi.start:gi.end][:90]!r}")
        for j, pj in enumerate(p):
            if j not in used_p:
                s.misses.append(f"{label} {kind} EXTRA ({pj.speaker}): {text[pj.start:pj.end][:90]!r}")
        scores[kind] = s
    return scores


System = Callable[["Doc", list[EntityRecord], "date | None"], list[Predicted]]


def evaluate(nlp: Language, articles: Sequence[Article], gold: Sequence[Gold],
             systems: dict[str, System]) -> dict[str, dict[str, Score]]:
    """Scores per system, per kind plus "all"; spaCy and the entity step run once per article."""
    extract_entities = entity_step()
    totals = {name: {kind: Score() for kind in (*KINDS, "all")} for name in systems}
    docs = nlp.pipe([a.text for a in articles])
    for article, doc in zip(articles, docs, strict=True):
        entities = extract_entities(doc, article.on, 0)
        g = [x for x in gold if x.article == article.key]
        for name, system in systems.items():
            for kind, s in score(g, system(doc, entities, article.on), article.text, article.key[-40:]).items():
                totals[name][kind].add(s)
                totals[name]["all"].add(s)
    return totals


def corpus(with_seed: bool = True) -> tuple[list[Article], list[Gold]]:
    """The corpus developed on: the demo articles and (where ../shared is there) the seed."""
    articles = demo_articles()
    seed = seed_article() if with_seed else None
    if seed is not None:
        articles.append(seed)
    return articles, load_gold(articles)


def held_out() -> tuple[list[Article], list[Gold]]:
    """Real news from ECB+ (../shared), labelled before newsgrasp was first run on it."""
    articles = ecbplus_articles()
    return articles, load_gold(articles, ECB_GOLD) if articles else []


def _row(name: str, kind: str, s: Score) -> str:
    sp, sr, sf = s.span
    kp, kr, kf = s.speaker
    actor = f"{s.actor_accuracy:5.3f}" if s.actor_gold else "    -"   # no actor codes labelled
    return (f"{name:10} {kind:9} {s.gold:5} {s.predicted:5}   {sp:5.3f} {sr:5.3f} {sf:5.3f}   "
            f"{kp:5.3f} {kr:5.3f} {kf:5.3f}   {actor}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", action="store_true", help="list newsgrasp's misses and extras")
    parser.add_argument("--no-seed", action="store_true", help="demo corpus only")
    args = parser.parse_args(argv)
    from newsgrasp.understand.nlp import load_nlp

    nlp = load_nlp()
    print(f"entities from {entity_step().__module__}")
    sets = [("demo corpus" + ("" if args.no_seed else " + seed") + " (developed on)",
             *corpus(with_seed=not args.no_seed))]
    if not args.no_seed and not SEED.exists():
        print(f"note: {SEED} absent; the seed's rows are left out")
    ecb = held_out()
    if ecb[0]:
        # Labelled before newsgrasp first ran on it (that first run: span F1 0.783, speaker F1 0.574);
        # the generic misses it showed (spaced straight marks, back-to-back quotes, terms in marks)
        # were then fixed, so it is no longer untouched.
        sets.append(("ECB+ sample (labelled blind; first run span 0.783 / speaker 0.574)", *ecb))
    else:
        print(f"note: {ECB} absent; the held-out ECB+ sample is left out")
    for title, articles, gold in sets:
        print(f"\n{title}: {len(gold)} gold quotes in {len(articles)} articles "
              f"({sum(g.kind == 'direct' for g in gold)} direct, {sum(g.kind == 'indirect' for g in gold)} indirect)")
        started = time.perf_counter()
        results = evaluate(nlp, articles, gold, {"newsgrasp": newsgrasp_quotes, "baseline": baseline_quotes})
        elapsed = time.perf_counter() - started
        print(f"{'system':10} {'kind':9} {'gold':>5} {'pred':>5}   {'spanP':5} {'spanR':5} {'spanF':5}   "
              f"{'spkP':5} {'spkR':5} {'spkF':5}   {'actor':5}")
        for kind in (*KINDS, "all"):
            for name in ("newsgrasp", "baseline"):
                print(_row(name, kind, results[name][kind]))
        print(f"({elapsed:.1f} s for parse, entities and both systems)")
        if args.show:
            for line in results["newsgrasp"]["all"].misses:
                print(line)
    return 0


def summary(results: dict[str, dict[str, Score]]) -> dict[str, Any]:
    """Plain figures for tests: {system: {kind: {span_f1, speaker_f1, actor_accuracy}}}."""
    return {name: {kind: {"span_f1": s.span[2], "speaker_f1": s.speaker[2], "actor_accuracy": s.actor_accuracy}
                   for kind, s in by_kind.items()} for name, by_kind in results.items()}


if __name__ == "__main__":
    raise SystemExit(main())
