"""PLOVER events from parsed news sentences: who did what to whom, when, where, how surely.

For each sentence we find trigger words from the lexicon (``event_lexicon``),
read their actor (source) and recipient (target) off the dependency parse —
subject or ``by``-agent → source; object, passive subject or prepositional
object → target; possessives, ``by`` and ``of`` phrases for nominal events
("Russia's backing of separatists", "the annexation of Crimea by Russia") —
and resolve them to actor codes through the article's entities.

Triggers embedded under other triggers ("agreed to *cooperate*", "urged Iran to
*release*", "refused to *meet*") are coded with the outer category as the
sentence's event, the inner one with a mode saying it did not (yet) happen.
Modes follow PLOVER's auxiliary modes: "negated", "hypothetical", "future",
else "asserted".  As the PLOVER manual prescribes, a future cooperative action
is AGREE, a future retreat CONCEDE and a future act of force THREATEN; those
keep mode "future" so callers can tell intentions from facts.

Intensity is the PLOVER score of the category and mode (manual Table 2.2, on
the Goldstein −10..+10 scale), scaled by the mode: × 0.5 hypothetical,
× 0.75 future, 0 when negated (nothing happened).

Precision over recall: an event needs a political actor — a country, an IGO,
an armed group, an official body — on at least one side, and conflict words in
sentences about sport or markets ("Brazil beat Argentina 2-1") are not events.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ..records import Actor, EntityRecord, EventRecord
from .event_args import (
    _LIGHT_VERBS,
    _POLITICAL_SECTORS,
    _REPORTING,
    _Arg,
    _args_of,
    _Context,
    _date_of,
    _dated_actor,
    _demand_clause,
    _domain_sentence,
    _fallback_source,
    _fallback_target,
    _is_name_part,
    _location_of,
    _noun_args,
    _past_tense,
    _phrase,
    _place_country,
    _political,
    _reporting_head,
    _sentence_pair,
    _subject,
    _Trigger,
    _verb_args,
    _with_place,
)
from .event_lexicon import LexEntry, category_info, lexicon, object_tokens

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["VERSION", "classify_event", "extract_events"]

VERSION = "1"

COOPERATIVE = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"})

MATERIAL_CONFLICT = frozenset({"PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"})

# Categories whose participants act together: a compound subject is actor and recipient.
RECIPROCAL = frozenset({"AGREE", "CONSULT", "COOPERATE"})

# Verbs and adjectives that put what they govern in the future or in doubt.
_FUTURE_GOVERNORS = frozenset({
    "plan", "intend", "prepare", "expect", "aim", "hope", "want", "decide", "schedule", "due", "set",
    "willing", "ready", "prepared", "poised", "begin", "start", "preparation", "going", "look",
    "resolve", "determined", "eager", "keen", "likely",
})

_HYPOTHETICAL_GOVERNORS = frozenset({
    "consider", "weigh", "mull", "contemplate", "explore", "debate", "study", "possible", "potential",
    "possibility", "prospect", "whether", "try", "attempt", "seek", "suggest", "propose", "need",
    "fear", "worry", "concern", "risk", "may", "might", "could", "would", "should", "must",
})

# Talk about an act is not the act ("talked about easing sanctions", "the question of lifting them"),
# but what a modifier says of the topic is ("discussed the sanctions, implemented by Obama").
_DISCUSSION_GOVERNORS = frozenset({"talk", "discuss", "discussion", "question", "topic", "idea",
                                   "speculation", "speculate"})

# "it is too early to talk about ...", "premature to discuss ...": the complement is not happening.
_HYPOTHETICAL_STATES = frozenset({"early", "premature", "soon", "unclear", "uncertain", "undecided",
                                  "unlikely", "possible", "impossible"})

_NEGATING_GOVERNORS = frozenset({"fail", "refuse", "decline", "avoid", "stop", "cease", "deny", "reject",
                                 "refusal", "unable", "reluctant"})

_FUTURE_AUX = frozenset({"will", "shall", "'ll", "’ll", "wo"})

_HYPOTHETICAL_AUX = frozenset({"could", "might", "may", "should", "would", "must", "can", "'d", "’d"})

_HYPOTHETICAL_MARKS = frozenset({"if", "whether", "unless", "lest"})

# Outer category → mode of an event it governs.
_EMBEDDED_MODE = {"AGREE": "future", "REQUEST": "hypothetical", "THREATEN": "hypothetical",
                  "REJECT": "negated", "ACCUSE": "hypothetical", "CONCEDE": "future"}

# Dependency edges that make one trigger govern another.
_GOVERNING_EDGES = frozenset({"xcomp", "ccomp", "pcomp", "pobj", "prep", "dobj", "acl", "attr", "oprd",
                              "nsubjpass", "dative", "advcl", "compound", "amod"})

_FORCES = frozenset({"troop", "soldier", "force", "peacekeeper", "warship", "unit", "marine", "paratrooper",
                     "contingent", "battalion", "brigade", "army", "navy", "jet", "tank", "deployment"})


def _find_triggers(sent: Span) -> list[_Trigger]:
    lex = lexicon()
    found: list[_Trigger] = []
    for tok in sent:
        if _is_name_part(tok) or tok.lemma_.lower() in _REPORTING:
            continue
        entry = lex.match(tok)
        if entry is None and _demand_clause(tok):
            # "Britain said Libya must hand over the suspects": a demand, whatever the verb.
            entry = LexEntry("REQUEST", "verb", tok.lemma_.lower(), mode="change")
        if entry is not None:
            found.append(_Trigger(tok, entry, category=entry.category))
    # A noun that is a verb trigger's named object ("impose *sanctions*") or a compound
    # inside another trigger ("*phone* call") belongs to that trigger.
    by_token = {t.token.i: t for t in found}
    kept: list[_Trigger] = []
    for trig in found:
        tok = trig.token
        if trig.entry.pos == "noun":
            owner = None
            if tok.dep_ == "compound" and tok.head.i in by_token:
                owner = by_token[tok.head.i]
            for other in found:
                if other is trig or other.entry.pos != "verb" or other.entry.objects is None:
                    continue
                objects = object_tokens(other.token)
                if (tok in objects or (tok.dep_ == "compound" and tok.head in objects)) \
                        and tok.lemma_.lower() in other.entry.objects:
                    owner = other
            if owner is not None:
                continue
        kept.append(trig)
    by_token = {t.token.i: t for t in kept}
    for trig in kept:
        # A noun carried by a support verb ("began a hunger strike") sits where the verb does.
        if trig.entry.pos == "noun" and trig.token.dep_ == "dobj" and \
                trig.token.head.lemma_.lower() in _LIGHT_VERBS and trig.token.head.i not in by_token:
            by_token[trig.token.head.i] = trig
            trig.anchor = trig.token.head
    for trig in kept:
        tok, hops = trig.anchor or trig.token, 0
        while tok.head.i != tok.i and hops < 5 and tok.dep_ in _GOVERNING_EDGES:
            if tok.dep_ == "advcl" and any(c.dep_ == "mark" for c in tok.children):
                break  # "after Russia annexed ...": a separate event, not what the outer act is about
            tok, hops = tok.head, hops + 1
            if tok.i in by_token and by_token[tok.i] is not trig:
                trig.governor = by_token[tok.i]
                by_token[tok.i].governed.append(trig)
                break
    return kept


def _clause_chain(tok: Token) -> list[Token]:
    """The trigger and the heads up to the end of its clause (through infinitives and
    prepositional phrases), where modality markers that scope over it sit."""
    chain = [tok]
    current = tok
    while current.head.i != current.i and len(chain) < 7:
        dep = current.dep_
        if dep in ("ccomp", "advcl", "relcl", "ROOT", "parataxis"):
            break
        current = current.head
        chain.append(current)
        if dep in ("conj",) and current.pos_ in ("VERB", "AUX"):
            break
    return chain


def _mode(trig: _Trigger) -> tuple[str, str | None]:
    """The PLOVER auxiliary mode of a trigger, and the conditional ("unless", "if") its clause
    is tied to, which makes an announced act a threat."""
    condition: str | None = None
    hypothetical = future = negated = False
    chain = _clause_chain(trig.token)
    head_of_chain = chain[-1]
    modified = False  # the path went through a modifier of a noun, which states a fact about it
    for position, node in enumerate(chain):
        arrived_by = chain[position - 1].dep_ if position else ""
        modified |= arrived_by in ("acl", "relcl", "amod", "appos")
        for child in node.children:
            word = child.lower_
            if child.dep_ == "neg" or (child.dep_ == "det" and word == "no" and node is trig.token):
                negated = True
            elif child.dep_ == "aux" or (child.tag_ == "MD"):
                if child.lemma_.lower() in _FUTURE_AUX or word in _FUTURE_AUX:
                    future = True
                elif word in _HYPOTHETICAL_AUX:
                    # "said it would release": the future seen from the past, not a conjecture.
                    reported = (word in ("would", "'d", "’d") and head_of_chain.dep_ == "ccomp"
                                and head_of_chain.head.lemma_.lower() in _REPORTING)
                    future |= reported
                    hypothetical |= not reported
            elif child.dep_ == "mark" and word in _HYPOTHETICAL_MARKS:
                hypothetical = True
            elif child.dep_ == "advcl" and node is head_of_chain:
                mark = next((m.lower_ for m in child.children if m.dep_ == "mark"), None)
                if mark in ("unless", "if"):
                    condition = mark
            elif child.dep_ in ("amod",) and child.lemma_.lower() in ("possible", "potential", "proposed"):
                hypothetical = True
            elif child.dep_ == "amod" and child.lemma_.lower() in ("planned", "future", "upcoming"):
                future = True
            elif child.dep_ == "acomp" and node is not trig.token and child.lemma_.lower() in _HYPOTHETICAL_STATES:
                hypothetical = True
        # A governor scopes over its complements ("failed to reach"), not its subject ("if talks fail").
        if node is not trig.token and arrived_by not in ("nsubj", "nsubjpass", "csubj"):
            lemma = node.lemma_.lower()
            if lemma in _NEGATING_GOVERNORS:
                negated = True
            elif lemma in _FUTURE_GOVERNORS:
                future = True
            elif lemma in _HYPOTHETICAL_GOVERNORS or (lemma in _DISCUSSION_GOVERNORS and not modified):
                hypothetical = True
    # "whether" often sits on a clause above ("noncommittal about whether he was considering ...").
    for anc in list(head_of_chain.ancestors)[:3] + [head_of_chain]:
        if any(c.dep_ == "mark" and c.lower_ in _HYPOTHETICAL_MARKS for c in anc.children):
            hypothetical = True
    if negated:
        return "negated", condition
    if hypothetical:
        return "hypothetical", condition
    # A verb in the past tense reports what happened ("plans … Trump criticized in
    # January"), whatever future-looking words sit above it.
    if future and not _past_tense(trig.token):
        return "future", condition
    return "asserted", condition


def _settle(trig: _Trigger) -> None:
    """Mode and final category, PLOVER's way: one category, no category+auxiliary pairs."""
    mode, condition = _mode(trig)
    if trig.governor is not None and mode == "asserted":
        mode = _EMBEDDED_MODE.get(trig.governor.entry.category, "asserted")
    category = trig.entry.category
    token = trig.token
    if category != "REQUEST" and _demand_clause(token):
        category = "REQUEST"
    if category == "REQUEST" and _demand_clause(token):
        mode = "asserted"
    elif trig.entry.pos == "verb" and mode == "negated" and category in COOPERATIVE \
            and any(c.lower_ in _FUTURE_AUX or c.lower_ in ("would", "can", "ca") for c in token.children):
        # "will not accept", "would not allow": a refusal is itself an act.
        category, mode = "REJECT", "asserted"
    elif condition == "unless" and mode in ("future", "asserted", "hypothetical"):
        # "will withdraw its force unless ...": an ultimatum.
        category, mode = "THREATEN", "asserted"
    elif category == "AGREE" and any(g.entry.category in MATERIAL_CONFLICT for g in trig.governed):
        # "vowed to fight on", "pledged to retaliate": intent to use force is a threat.
        category = "THREATEN"
    elif mode == "future" or (mode == "hypothetical" and condition == "if"):
        if category in ("CONSULT", "SUPPORT", "COOPERATE", "AID"):
            category = "AGREE"
        elif category == "RETREAT":
            category = "CONCEDE"
        elif category in MATERIAL_CONFLICT:
            category = "THREATEN"
    trig.mode, trig.category = mode, category


def _analyse_sentence(ctx: _Context, sent: Span) -> list[tuple[_Trigger, list[_Arg], list[_Arg]]]:
    triggers = _find_triggers(sent)
    ctx.verb_triggers = {t.token.i for t in triggers if t.entry.pos == "verb"}
    for trig in sorted(triggers, key=lambda t: t.token.i):
        _settle(trig)
    out: list[tuple[_Trigger, list[_Arg], list[_Arg]]] = []
    for trig in triggers:
        if trig.category == "REQUEST" and _demand_clause(trig.token):
            # "Britain said Libya must hand over ...": Britain asks, Libya is asked.
            reporter = _reporting_head(trig.token)
            sources = _subject(ctx, reporter) if reporter is not None else []
            targets = next((_args_of(ctx, c) for c in trig.token.children if c.dep_ in ("nsubj", "nsubjpass")), [])
        elif trig.entry.pos == "verb":
            sources, targets = _verb_args(ctx, trig)
            if not sources and trig.governor is None:
                sources = _fallback_source(ctx, trig, {a.head.i for a in targets})
        else:
            sources, targets = _noun_args(ctx, trig)
        sources = [a for a in sources if a.actor is not None]
        targets = [a for a in targets if a.actor is not None and
                   all(a.head.i != s.head.i and a.actor != s.actor for s in sources)]
        if len(sources) > 1 and (trig.entry.category in RECIPROCAL or
                                 (not targets and trig.entry.head in _MUTUAL_HEADS)):
            # "Ethiopia and Eritrea signed an agreement": each side is the other's recipient.
            sources, targets = sources[:1], sources[1:]
        if trig.entry.category in RECIPROCAL and trig.entry.pos == "noun" and not sources and not targets:
            pair = _sentence_pair(ctx, sent)
            sources, targets = pair[:1], pair[1:]
        _recode_by_actor(trig, sources)
        if not targets and sources and trig.category not in ("CONSULT", "PROTEST"):
            targets = _fallback_target(ctx, trig, sources)
        out.append((trig, sources, targets))
    # "threatened to break relations with Russia": the inner act's recipient is the outer one's.
    found = {id(t): (s, g) for t, s, g in out}
    for trig, sources, targets in out:
        if not targets:
            for inner in trig.governed:
                inner_sources, inner_targets = found[id(inner)]
                extra = [a for a in inner_targets if all(a.head.i != s.head.i for s in sources)]
                if extra:
                    targets.extend(extra)
                    break
    return out


def _recode_by_actor(trig: _Trigger, sources: list[_Arg]) -> None:
    """Categories that depend on who acts: an organisation "protesting" complains (ACCUSE);
    troops "arriving" somewhere deploy (MOBILIZE), or keep the peace (AID)."""
    actor = sources[0].actor if sources else None
    head = sources[0].head if sources else None
    if trig.category == "PROTEST" and trig.entry.pos == "verb" and trig.token.lemma_.lower() == "protest" \
            and actor is not None and (actor.kind == "organization" or actor.sector in ("GOV", "IGO", "NGO", "LEG", "JUD")):
        trig.category = "ACCUSE"
    elif trig.category in ("CONSULT", "AGREE") and trig.entry.mode == "visit" and head is not None \
            and head.lemma_.lower() in _FORCES:
        words = {t.lemma_.lower() for t in head.subtree} | {t.lemma_.lower() for t in trig.token.subtree}
        peace = bool(words & {"peacekeeping", "peacekeeper", "peace-keeping", "relief", "humanitarian"})
        trig.category = "AID" if peace else "MOBILIZE"


def extract_events(doc: Doc, entities: list[EntityRecord], on: date | None,
                   offset: int = 0) -> list[EventRecord]:
    """PLOVER events of every sentence of ``doc``, each pointing at its evidence sentence.

    ``entities`` are the article's entities (their mentions carry article
    offsets; ``offset`` is where ``doc`` starts in the article text), ``on`` the
    article's date, against which "Saturday" or "last week" are resolved.
    """
    if not hasattr(doc, "sents"):
        raise TypeError(f"extract_events expects a parsed spaCy Doc, got {type(doc).__name__}")
    if len(doc) and not doc.has_annotation("DEP"):
        raise ValueError("extract_events needs a dependency-parsed Doc: the spaCy pipeline ran without "
                         "its parser (load it with newsgrasp.understand.nlp.load_nlp)")
    ctx = _Context(doc, entities, on, offset)
    events: list[EventRecord] = []
    for index, sent in enumerate(doc.sents):
        domain = _domain_sentence(sent)
        seen: set[tuple[str, str, str, int]] = set()
        for trig, sources, targets in _analyse_sentence(ctx, sent):
            actor_heads = {a.head.i for a in sources + targets}
            location = _location_of(ctx, trig, actor_heads)
            place = _place_country(location, on)
            for src, tgt in _dyads(trig, sources, targets):
                event = _record(ctx, trig, src, tgt, index, location, place, domain)
                if event is None:
                    continue
                key = (event.category, _code(event.source), _code(event.target), trig.token.i)
                if key not in seen:
                    seen.add(key)
                    events.append(event)
    return events


# Acts two parties do together even outside the reciprocal categories.
_MUTUAL_HEADS = frozenset({"sign", "ratify", "fight", "clash", "battle", "exchange", "normalize", "restore",
                           "establish", "upgrade", "trade"})


def _code(actor: Actor | None) -> str:
    return actor.code if actor is not None else ""


def _dyads(trig: _Trigger, sources: list[_Arg], targets: list[_Arg]) -> list[tuple[_Arg | None, _Arg | None]]:
    """One event per actor–recipient pair, as dyadic event data has it ("the United States and
    France accused Russia" is two accusations); participants of a meeting stay one pair."""
    if trig.entry.category in RECIPROCAL and len(sources) == 1 and len(targets) > 1:
        # "talks with Putin, Merkel and Hollande": one exchange per counterpart.
        return [(sources[0], t) for t in targets[:4]]
    if trig.entry.category in RECIPROCAL or not (len(sources) > 1 or len(targets) > 1):
        return [(sources[0] if sources else None, targets[0] if targets else None)]
    actors: list[_Arg | None] = list(sources[:4]) or [None]
    recipients: list[_Arg | None] = list(targets[:4]) or [None]
    return [(s, t) for s in actors for t in recipients]


def _record(ctx: _Context, trig: _Trigger, src: _Arg | None, tgt: _Arg | None, index: int,
            location: str | None, place: str | None, domain: bool) -> EventRecord | None:
    """The event record of one dyad, or None when it has no political actor."""
    when, when_text, precision = _date_of(ctx, trig)
    src_actor = _with_place(_dated_actor(src.actor, when, precision, ctx.on), place) if src else None
    tgt_actor = _with_place(_dated_actor(tgt.actor, when, precision, ctx.on), place) if tgt else None
    if trig.category == "PROTEST" and tgt_actor is None and place is not None and src_actor is not None:
        # A street protest addresses the authorities of the place it happens in.
        tgt_actor = Actor(place, "GOV", None, "country")
    if not (_political(src_actor) or _political(tgt_actor)) and not (
            trig.category == "PROTEST" and src_actor is not None and src_actor.country is not None):
        return None
    if domain and (src_actor is None or src_actor.sector not in _POLITICAL_SECTORS):
        # Sport and markets: "Brazil beat Argentina" is a team, not a state, acting.
        return None
    info = category_info(trig.category)
    scale = {"negated": 0.0, "hypothetical": 0.5, "future": 0.75}.get(trig.mode, 1.0)
    intensity = info.intensity(trig.entry.mode if trig.category == trig.entry.category else None)
    direct = (src is None or src.direct) and (tgt is None or tgt.direct)
    return EventRecord(
        category=trig.category, sentence=index, source=src_actor, target=tgt_actor,
        source_text=src.text if src else None, target_text=tgt.text if tgt else None,
        trigger=_trigger_text(trig), date=when, date_text=when_text, date_precision=precision,
        location=location, quad_class=info.quad, intensity=round(intensity * scale, 2) + 0.0,
        mode=trig.mode, confidence=1.0 if direct else 0.6)


def _trigger_text(trig: _Trigger) -> str:
    tok = trig.token
    words = [tok]
    for child in tok.children:
        if child.dep_ in ("prt", "neg") or (child.dep_ == "compound" and trig.entry.pos == "noun"):
            words.append(child)
    return " ".join(t.text for t in sorted(words, key=lambda t: t.i))


def _overlaps(arg: _Arg, text: str | None) -> bool:
    if not text:
        return False
    span = _phrase(arg.head).text.lower()
    needle = text.lower()
    return needle in span or span in needle or (arg.text or "").lower() in needle and bool(arg.text)


def classify_event(sentence: str | Doc, source_text: str | None, target_text: str | None) -> str | None:
    """The PLOVER category of the sentence's event between the given actors (gold actors), or None.

    Among the sentence's triggers, the one whose subject holds ``source_text``
    and whose object holds ``target_text`` wins; otherwise the outermost trigger
    nearest the root of the parse.
    """
    if isinstance(sentence, str):
        if not sentence.strip():
            raise ValueError("classify_event needs a non-empty sentence")
        from .nlp import load_nlp

        doc = load_nlp()(sentence)
    elif hasattr(sentence, "sents"):
        doc = sentence
        if len(doc) and not doc.has_annotation("DEP"):
            raise ValueError("classify_event needs a dependency-parsed Doc (or the sentence as a string)")
    else:
        raise TypeError(f"sentence must be a string or a spaCy Doc, not {type(sentence).__name__}")
    ctx = _Context(doc, [], None, 0)
    best: tuple[float, str] | None = None
    for sent in doc.sents:
        for trig, sources, targets in _analyse_sentence(ctx, sent):
            score = 0.0
            if any(_overlaps(a, source_text) for a in sources):
                score += 2
            if any(_overlaps(a, target_text) for a in targets):
                score += 2
            if trig.governor is None:
                score += 1.5
            else:
                # The outer act is the sentence's event ("threatened to shell", "agreed to lift").
                score -= 3
            depth = sum(1 for _ in (trig.anchor or trig.token).ancestors)
            score -= 0.2 * depth
            if trig.entry.pos == "verb" or trig.anchor is not None:
                score += 0.3
            if best is None or score > best[0]:
                best = (score, _classified_category(trig))
    return best[1] if best else None


def _classified_category(trig: _Trigger) -> str:
    # A negated cooperative act is, for coding, a refusal.
    if trig.mode == "negated" and trig.category in COOPERATIVE:
        return "REJECT"
    return trig.category

