"""PLOVER event coding measured on the PLOVER gold-standard records, beside trivial baselines.

Run:  .venv/bin/python benchmarks/bench_events.py [--gsr PATH] [--limit N]

Reads ../shared/data/events/plover_gsr/PLOVER_GSR_CAMEO.txt (322 sentences from
the CAMEO manual, coded in PLOVER 0.5b1) and tests/fixtures/no_event_sentences.txt.
Labels are mapped to today's names as the data's README says (DEMAND→REQUEST,
DISAPPROVE→ACCUSE, INVESTIGATE→ACCUSE, FIGHT→ASSAULT).  CONCEDE and RETREAT
are scored merged as YIELD, as the PLV benchmark (Hu et al. 2024) does: the
0.5b1 coders drew the line between them differently from PLOVER 2.0 (which we
follow); the strict 16-class figures are printed too.

1. category accuracy and macro-F1 given the gold actor texts (classify_event);
2. end-to-end (source country, category, target country) triples from raw text: every
   asserted or future event with a source country counts (negated and hypothetical ones
   are not facts); a reciprocal gold pair (SRC/TAR) matches in either order;
4. false-positive rate: share of no-event sentences that yield any event.
Baselines in the same run: the majority class; a keyword baseline that takes
the first lexicon word of the sentence, ignoring syntax; for triples, that
keyword with the first two countries named in the sentence.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

GSR = REPO.parent / "shared" / "data" / "events" / "plover_gsr" / "PLOVER_GSR_CAMEO.txt"
NO_EVENTS = REPO / "tests" / "fixtures" / "no_event_sentences.txt"

LABEL_MAP = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
# Country codes the GSR kept from before its ISO-3166 edit.
CODE_MAP = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}


def merged(label: str | None) -> str | None:
    return "YIELD" if label in ("CONCEDE", "RETREAT") else label


def load_gsr(path: Path) -> list[dict]:
    records = json.loads(path.read_text("utf-8"))
    out = []
    for rec in records:
        if rec.get("event") == "DOCUMENT":
            continue
        rec = dict(rec)
        rec["label"] = LABEL_MAP.get(rec["event"], rec["event"])
        out.append(rec)
    return out


def actors_of(field: object) -> list[dict]:
    return [a for a in field if isinstance(a, dict)] if isinstance(field, list) else []


def gold_code(actor: dict) -> str:
    code = str(actor.get("code", "")).upper()
    return CODE_MAP.get(code, code)


def accuracy_f1(gold: list[str], pred: list[str | None]) -> tuple[float, float]:
    from sklearn.metrics import f1_score

    labels = sorted(set(gold))
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    f1 = f1_score(gold, [p or "NONE" for p in pred], labels=labels, average="macro", zero_division=0)
    return acc, float(f1)


def keyword_category(doc) -> str | None:
    """Baseline: the first word of the sentence that is a lexicon head, whatever its role."""
    from newsgrasp.understand.event_lexicon import lexicon

    lex = lexicon()
    for tok in doc:
        lemma = tok.lemma_.lower()
        entries = lex.verbs.get(lemma) or lex.nouns.get(lemma)
        if entries:
            return entries[0].category
    return None


def actor_key(actor) -> str | None:
    if actor is None:
        return None
    if actor.country:
        return actor.country
    if actor.sector in ("IGO", "NGO"):
        return actor.sector
    return None


def gold_units(rec: dict) -> list[tuple[str, str, str | None, bool]]:
    """(source, category, target, reciprocal) units a system should find in a record."""
    sources = [gold_code(a) for a in actors_of(rec.get("source"))]
    targets = [gold_code(a) for a in actors_of(rec.get("target"))]
    info = rec.get("textInfo")
    markup = info.get("markup", "") if isinstance(info, dict) else ""
    cat = merged(rec["label"]) or ""
    if not targets and len(sources) > 1 and "SRC/TAR" in markup:
        units = []
        for i, a in enumerate(sources):
            for b in sources[i + 1:]:
                if a != b:
                    units.append((a, cat, b, True))
        return units or [(sources[0], cat, None, False)]
    return [(s, cat, t, False) for s in sources for t in (targets or [None])]


def unit_matches(unit: tuple[str, str, str | None, bool], triple: tuple[str | None, str, str | None]) -> bool:
    s, c, t, recip = unit
    if triple[1] != c:
        return False
    if (triple[0], triple[2]) == (s, t):
        return True
    if recip and (triple[0], triple[2]) == (t, s):
        return True
    # A reciprocal pair coded as source only, or a target the gold leaves out, still names the actor.
    return t is None and triple[0] == s


def prf(gold_sets: list[list], pred_sets: list[list]) -> tuple[float, float, float]:
    tp_pred = n_pred = tp_gold = n_gold = 0
    for units, triples in zip(gold_sets, pred_sets, strict=True):
        n_pred += len(triples)
        n_gold += len(units)
        tp_pred += sum(any(unit_matches(u, tr) for u in units) for tr in triples)
        tp_gold += sum(any(unit_matches(u, tr) for tr in triples) for u in units)
    p = tp_pred / n_pred if n_pred else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def entities_for(doc, on):
    try:
        from newsgrasp.understand.entities import extract_entities
    except ImportError:
        return []
    return extract_entities(doc, on, 0)


def country_mentions(doc) -> list[str]:
    from newsgrasp.understand.actors import resolve_actor

    codes: list[str] = []
    for ent in doc.ents:
        if ent.label_ in ("GPE", "NORP", "ORG", "PERSON"):
            key = actor_key(resolve_actor(ent.text))
            if key and key not in codes:
                codes.append(key)
    return codes


def run(gsr_path: Path, limit: int | None) -> dict[str, float]:
    from newsgrasp.understand.events import classify_event, extract_events
    from newsgrasp.understand.nlp import load_nlp

    nlp = load_nlp()
    records = load_gsr(gsr_path)[:limit]
    texts = [r["text"] for r in records]
    started = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=32))
    parse_s = time.perf_counter() - started

    gold = [merged(r["label"]) or "" for r in records]
    gold16 = [r["label"] for r in records]
    started = time.perf_counter()
    pred16: list[str | None] = []
    for rec, doc in zip(records, docs, strict=True):
        src = actors_of(rec.get("source"))
        tgt = actors_of(rec.get("target"))
        pred16.append(classify_event(doc, src[0]["actorText"] if src else None,
                                     tgt[0]["actorText"] if tgt else None))
    classify_s = time.perf_counter() - started
    pred = [merged(p) for p in pred16]
    majority = Counter(gold).most_common(1)[0][0]
    keyword16 = [keyword_category(d) for d in docs]
    keyword = [merged(k) for k in keyword16]

    acc, f1 = accuracy_f1(gold, pred)
    acc16, f116 = accuracy_f1(gold16, pred16)
    m_acc, m_f1 = accuracy_f1(gold, [majority] * len(gold))
    k_acc, k_f1 = accuracy_f1(gold, keyword)
    k_acc16, k_f116 = accuracy_f1(gold16, keyword16)

    print(f"PLOVER GSR: {len(records)} sentences ({gsr_path.name}); parse {parse_s:.1f}s, "
          f"classify {classify_s:.1f}s")
    print("\n1. Category given gold actors (CONCEDE+RETREAT scored as YIELD; strict 16-class after /)")
    print(f"   {'system':<28}{'accuracy':>16}{'macro-F1':>18}")
    print(f"   {'newsgrasp classify_event':<28}{acc:>9.3f} / {acc16:.3f}{f1:>11.3f} / {f116:.3f}")
    print(f"   {'baseline: keyword':<28}{k_acc:>9.3f} / {k_acc16:.3f}{k_f1:>11.3f} / {k_f116:.3f}")
    print(f"   {'baseline: majority ' + majority:<28}{m_acc:>9.3f}{m_f1:>18.3f}")

    # 2. end to end
    gold_sets = [gold_units(r) for r in records]
    pred_sets: list[list] = []
    base_sets: list[list] = []
    started = time.perf_counter()
    for doc, kw in zip(docs, keyword, strict=True):
        ents = entities_for(doc, None)
        triples = set()
        for ev in extract_events(doc, ents, None, 0):
            # Facts only: negated and hypothetical events are not coded as having happened.
            if ev.mode in ("negated", "hypothetical"):
                continue
            s, t = actor_key(ev.source), actor_key(ev.target)
            if s is None:
                continue
            triples.add((s, merged(ev.category), t))
        pred_sets.append(sorted(triples, key=str))
        codes = country_mentions(doc)
        base_sets.append([(codes[0], kw, codes[1] if len(codes) > 1 else None)] if codes and kw else [])
    e2e_s = time.perf_counter() - started
    p, r, f = prf(gold_sets, pred_sets)
    bp, br, bf = prf(gold_sets, base_sets)
    print(f"\n2. End-to-end (source country, category, target country) triples; {e2e_s:.1f}s")
    print(f"   {'system':<40}{'P':>7}{'R':>7}{'F1':>7}")
    print(f"   {'newsgrasp extract_events':<40}{p:>7.3f}{r:>7.3f}{f:>7.3f}")
    print(f"   {'baseline: keyword + first two countries':<40}{bp:>7.3f}{br:>7.3f}{bf:>7.3f}")

    # 4. false positives
    sentences = [line.strip() for line in NO_EVENTS.read_text("utf-8").splitlines()
                 if line.strip() and not line.startswith("#")]
    fp = fp_asserted = base_fp = 0
    for doc in nlp.pipe(sentences, batch_size=32):
        events = extract_events(doc, entities_for(doc, None), None, 0)
        fp += bool(events)
        fp_asserted += any(e.mode == "asserted" for e in events)
        base_fp += bool(keyword_category(doc) and country_mentions(doc))
    n = len(sentences)
    print(f"\n4. False positives on {n} sentences without a political event")
    print(f"   {'newsgrasp: any event':<40}{fp / n:>7.3f}")
    print(f"   {'newsgrasp: any asserted event':<40}{fp_asserted / n:>7.3f}")
    print(f"   {'baseline: keyword + a country':<40}{base_fp / n:>7.3f}")
    return {"accuracy": acc, "macro_f1": f1, "accuracy16": acc16, "macro_f1_16": f116,
            "triple_p": p, "triple_r": r, "triple_f1": f, "fp_rate": fp / n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gsr", type=Path, default=GSR)
    parser.add_argument("--limit", type=int, default=None, help="first N records only")
    parser.add_argument("--errors", action="store_true", help="print the misclassified sentences")
    args = parser.parse_args()
    if not args.gsr.exists():
        sys.exit(f"{args.gsr} not found: the shared PLOVER data sits beside the repository")
    if args.errors:
        print_errors(args.gsr, args.limit)
        return
    run(args.gsr, args.limit)


def print_errors(gsr_path: Path, limit: int | None) -> None:
    from newsgrasp.understand.events import classify_event
    from newsgrasp.understand.nlp import load_nlp

    nlp = load_nlp()
    records = load_gsr(gsr_path)[:limit]
    for rec, doc in zip(records, nlp.pipe([r["text"] for r in records]), strict=True):
        src = actors_of(rec.get("source"))
        tgt = actors_of(rec.get("target"))
        got = classify_event(doc, src[0]["actorText"] if src else None, tgt[0]["actorText"] if tgt else None)
        if merged(got) != merged(rec["label"]):
            print(f"{rec['label']:<10} {got or '-':<10} {rec['eventText']!r:<40} {rec['text']}")


if __name__ == "__main__":
    main()
