"""Arguments of event triggers: who acts, on whom, when and where, read off a spaCy parse.

The helpers of :mod:`newsgrasp.understand.events`: actor and recipient of verbal
and nominal triggers (subjects, ``by``-agents, objects, possessives, ``of`` and
``between`` phrases, reported-speech pronouns, "the two men"), the date
expression nearest a trigger, its place, and the filters that keep sport and
market sentences out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ..records import Actor, EntityRecord, Mention
from .dates import resolve_date
from .event_lexicon import LexEntry, lexicon, object_tokens

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


_REPORTING = frozenset({
    "say", "tell", "announce", "state", "add", "report", "claim", "note", "confirm", "quote", "write",
    "explain", "stress", "insist", "reiterate", "tweet", "comment", "argue", "acknowledge", "reveal",
    "disclose", "mention", "assert", "declare", "believe", "think", "hint",
})
_NEGATIONS = frozenset({"not", "n't", "never", "no", "without", "neither", "nor"})
# Object-control verbs: the object of "urged Iran to release" is who releases.
_OBJECT_CONTROL = frozenset({"urge", "ask", "call", "press", "order", "force", "persuade", "tell", "invite",
                             "allow", "encourage", "pressure", "push", "help", "compel", "instruct"})

# Edges followed when looking for the recipient inside a trigger's phrase.
_TARGET_EDGES = frozenset({"dobj", "dative", "iobj", "attr", "oprd", "prep", "pobj", "pcomp", "poss",
                           "compound", "amod", "nmod", "appos", "acl", "xcomp", "npadvmod"})
_LOCATION_PREPS = frozenset({"in", "near", "at", "inside", "outside", "across", "throughout", "around",
                             "along", "within"})
# Prepositions whose object is a place, a time or the doer, never the recipient.
_NOT_RECIPIENT_PREPS = _LOCATION_PREPS | {"by", "during", "since", "after", "before", "ahead", "amid"}
# Prepositions that open background, not the act itself: "after Russia annexed Crimea".
_BACKGROUND_PREPS = frozenset({"after", "before", "because", "since", "despite", "amid", "following", "during",
                               "until", "while", "as", "over"})
_TARGET_PREPS = frozenset({"with", "to", "against", "on", "upon", "at", "from", "into", "toward", "towards",
                           "over", "for", "of", "between", "about", "among"})
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LAW", "WORK_OF_ART", "PRODUCT",
                          "LANGUAGE", "EVENT", "LOC"})
# Support verbs whose object noun carries the event: "began preparations", "issued a warning",
# "voiced support", "paid a visit"; their subject is the event's actor.
_LIGHT_VERBS = frozenset({
    "begin", "start", "continue", "resume", "step", "intensify", "escalate", "conduct", "make", "give", "pay",
    "announce", "complete", "finish", "lead", "organize", "organise", "issue", "deliver", "voice", "express",
    "offer", "extend", "lodge", "file", "level", "send", "launch", "stage", "hold", "mount", "carry",
    "initiate", "undertake", "renew", "reiterate", "pledge", "demand", "accept", "reject", "seek", "call",
    "attend", "host", "join", "order", "approve", "unveil", "propose", "sign", "reach", "impose",
    "have", "spend", "engage",
})
_CLAUSE_TARGET = frozenset({"REQUEST", "ACCUSE", "THREATEN", "REJECT", "AGREE", "SUPPORT"})
_PHRASE_LEFT = frozenset({"det", "amod", "compound", "poss", "nummod", "nmod", "quantmod", "case", "predet",
                          "punct", "cc", "conj", "advmod", "npadvmod"})
_PRONOUNS = frozenset({"it", "they", "its", "their", "them", "he", "she", "him", "her", "his", "we", "our"})
_POLITICAL_SECTORS = frozenset({"GOV", "MIL", "REB", "OPP", "COP", "LEG", "JUD", "IGO", "SPY", "PTY", "ELI",
                                "INS", "SEP", "UAF", "IMG", "MOD", "RAD", "NGO", "IGOGOV"})
_NONPOLITICAL_SECTORS = frozenset({"BUS", "CVL", "MED", "EDU", "LAB", "REL", "HLH", "AGR", "ENV", "SPT",
                                   "CRM", "REF", "MNC"})
# Words that say a sentence is about sport, markets or weather: there "attack",
# "beat" and "fight" are not political, and country names are teams or economies.
_DOMAIN_CUES = frozenset({
    # sport
    "match", "league", "cup", "tournament", "championship", "semifinal", "quarterfinal", "coach", "striker",
    "midfielder", "goalkeeper", "innings", "wicket", "medal", "olympic", "olympics", "lap", "playoff",
    "touchdown", "stadium", "squad", "kickoff", "inning", "quarterback", "pitcher", "batsman", "bowler",
    "jockey", "golfer", "birdie", "grandmaster", "fan", "football", "soccer", "rugby", "cricket", "tennis", "golf",
    "basketball", "baseball", "hockey", "chess", "marathon", "cyclist", "swimmer",
    # markets and business results
    "stock", "investor", "earnings", "revenue", "profit", "dow", "nasdaq", "trader", "shareholder",
    # weather
    "forecast", "forecaster", "temperature", "rain", "snow", "weather", "celsius", "fahrenheit", "heatwave",
    # culture
    "album", "film", "movie", "novel", "recipe", "museum", "orchestra", "festival", "oscar",
})
_SCORELINE = re.compile(r"\b\d{1,3}\s*[-–]\s*\d{1,3}\b")
# "the two men", "both leaders": people only; "the two countries" is too often not the last two named.
_PAIR_NOUNS = re.compile(r"^(?:the\s+)?(?:(?:two|both)\s+)?(men|leaders|presidents|heads of state|ministers|women)$",
                         re.I)


@dataclass(slots=True)
class _Trigger:
    token: Token
    entry: LexEntry
    governor: _Trigger | None = None
    mode: str = "asserted"
    category: str = ""
    governed: list[_Trigger] = field(default_factory=list)
    anchor: Token | None = None


@dataclass(slots=True)
class _Arg:
    actor: Actor | None
    text: str
    head: Token
    direct: bool = True          # read off the parse, not a positional fallback


class _Context:
    """What the extractor knows about one document: entities by token, the article date."""

    def __init__(self, doc: Doc, entities: list[EntityRecord], on: date | None, offset: int) -> None:
        self.doc = doc
        self.entities = entities
        self.on = on
        self.offset = offset
        self.entity_at: dict[int, EntityRecord] = {}
        for ent in entities:
            for m in ent.mentions:
                span = doc.char_span(m.start - offset, m.end - offset, alignment_mode="expand")
                if span is None:
                    continue
                for tok in span:
                    self.entity_at.setdefault(tok.i, ent)
        self._cache: dict[tuple[int, int], tuple[Actor | None, str]] = {}
        self.verb_triggers: set[int] = set()

    def actor_for(self, span: Span) -> tuple[Actor | None, str]:
        key = (span.start, span.end)
        if key not in self._cache:
            self._cache[key] = _actor_for_span(span, self.entities, self.on, self.offset)
        return self._cache[key]


def _actor_for_span(span: Span, entities: list[EntityRecord], on: date | None,
                    offset: int) -> tuple[Actor | None, str]:
    """The actor a phrase names, through the actors module (which knows leaders, capitals, IGOs)."""
    try:
        from .actors import actor_for_span
    except ImportError:  # pragma: no cover - the actors module ships with this package
        return _country_only(span.text), span.text
    return actor_for_span(span, entities, on, offset)


def _country_only(text: str) -> Actor | None:
    import countrynames

    code = countrynames.to_code_3(text.removeprefix("the ").strip())
    return Actor(code) if code and re.fullmatch(r"[A-Z]{3}", code) else None


def _resolve(text: str, on: date | None) -> Actor | None:
    try:
        from .actors import resolve_actor
    except ImportError:  # pragma: no cover
        return _country_only(text)
    return resolve_actor(text, on)


def _dated_actor(actor: Actor | None, when: date | None, precision: str, on: date | None) -> Actor | None:
    """A person coded by the office they held when the event happened, not when it was reported:
    "in late December, President Obama ordered ..." in a February 2017 story is USA GOV, not ELI.

    Only past events are recoded (offices to come are unknown), and only when the whole period the
    date stands for ("December" is a month) agrees on the office.
    """
    if actor is None or actor.kind != "person" or not actor.name or when is None or on is None:
        return actor
    try:
        from .actors import as_day, resolve_actor
    except ImportError:  # pragma: no cover
        return actor
    today = as_day(on)
    if today is None or when >= today:
        return actor
    if precision == "year":
        first, last = date(when.year, 1, 1), date(when.year, 12, 31)
    elif precision == "month":
        first = date(when.year, when.month, 1)
        last = date(when.year + when.month // 12, when.month % 12 + 1, 1) - timedelta(days=1)
    else:
        first = last = when
    last = min(last, today - timedelta(days=1))
    # Recode only what the name alone gives on the article date; context ("former") stays.
    if resolve_actor(actor.name, today) != actor:
        return actor
    then = resolve_actor(actor.name, first)
    if then is None or then.name != actor.name or then != resolve_actor(actor.name, last):
        return actor
    return then


def _sector_of(text: str) -> str | None:
    try:
        from .actors import sector_of
    except ImportError:  # pragma: no cover
        return None
    return sector_of(text)


def _is_name_part(tok: Token) -> bool:
    return tok.ent_type_ in _NAME_LABELS and not (tok.pos_ == "VERB" and tok.ent_iob_ == "B")


def _reporting_head(tok: Token) -> Token | None:
    head = tok
    while head.dep_ in ("conj", "xcomp") and head.head.i != head.i:
        head = head.head
    return head.head if head.dep_ == "ccomp" else None


def _demand_clause(tok: Token) -> bool:
    """A verb with "must" or "should" in a clause reported by someone else."""
    if tok.pos_ != "VERB" or not any(c.dep_ == "aux" and c.lower_ in ("must", "should") for c in tok.children):
        return False
    head = tok
    while head.dep_ in ("conj", "xcomp") and head.head.i != head.i:
        head = head.head
    return head.dep_ == "ccomp" and head.head.lemma_.lower() in _REPORTING | {"conclude", "issue", "remind",
                                                                            "reiterate", "warn"}


def _phrase(tok: Token) -> Span:
    """The noun phrase a head token stands for, without relative clauses or trailing modifiers,
    but with "of" complements of titles ("the president of Russia")."""
    doc = tok.doc
    left = tok.i
    for child in tok.lefts:
        if child.dep_ in _PHRASE_LEFT and child.pos_ not in ("VERB", "AUX") and child.tag_ not in ("VBD", "VBN") \
                and child.lower_ not in lexicon().verb_forms:
            left = min(left, child.left_edge.i)
    right = tok.i
    for child in tok.rights:
        if child.dep_ == "prep" and child.lower_ == "from" and tok.ent_type_ not in ("GPE", "LOC"):
            # "doctors from two American aid groups", "officials from Russia"
            right = max(right, child.right_edge.i)
        elif child.dep_ in ("prep",) and child.lower_ == "of" and tok.lemma_.lower() in (
                "thousands", "hundreds", "dozens", "scores", "millions", "group", "member", "number",
                "republic", "kingdom", "state", "emirate", "federation", "union", "island", "commonwealth",
                "president", "government", "minister", "leader", "king", "ministry", "army", "people",
                "parliament", "head", "chief", "foreign", "secretary", "prime"):
            right = max(right, child.right_edge.i)
        elif child.dep_ in ("compound", "flat", "case") or (child.dep_ == "appos" and child.i == tok.i + 1):
            right = max(right, child.i)
    while left < tok.i and doc[left].dep_ in ("punct", "cc", "prep"):
        left += 1
    return doc[left:right + 1]


def _conjuncts(tok: Token) -> list[Token]:
    out = [tok]
    for child in tok.children:
        if child.dep_ == "conj" and child.pos_ in ("NOUN", "PROPN", "PRON", "ADJ"):
            out.extend(_conjuncts(child))
    return out


def _pair(ctx: _Context, tok: Token, text: str) -> list[_Arg]:
    """ "the two men", "both leaders": the last two distinct actors of that kind mentioned before."""
    m = _PAIR_NOUNS.match(text.strip())
    if not m:
        return []
    before = tok.idx + ctx.offset
    seen: list[tuple[int, EntityRecord]] = []
    for ent in ctx.entities or _doc_entities(ctx, tok):
        if ent.actor is None or ent.label != "PERSON":
            continue
        last = max((mm.start for mm in ent.mentions if mm.end <= before), default=None)
        if last is not None:
            seen.append((last, ent))
    seen.sort(key=lambda p: p[0], reverse=True)
    chosen: list[EntityRecord] = []
    # Sitting office-holders before former ones ("the two leaders" are not Obama once he has left).
    seen.sort(key=lambda p: p[1].actor is not None and p[1].actor.sector == "ELI")
    for _, ent in seen:
        if all(ent.actor != c.actor and (ent.actor is None or c.actor is None or
                                         ent.actor.country != c.actor.country) for c in chosen):
            chosen.append(ent)
        if len(chosen) == 2:
            break
    if len(chosen) < 2:
        return []
    chosen.reverse()
    return [_Arg(e.actor, e.name, tok) for e in chosen]


def _doc_entities(ctx: _Context, before: Token) -> list[EntityRecord]:
    """Entities straight from spaCy's tagger, for callers that pass none."""

    out: list[EntityRecord] = []
    for ent in ctx.doc.ents:
        if ent.end > before.i or ent.label_ not in ("PERSON", "GPE", "ORG", "NORP"):
            continue
        actor, said = ctx.actor_for(ent)
        if actor is not None:
            out.append(EntityRecord(said or ent.text, ent.label_, [Mention(
                ent.start_char + ctx.offset, ent.end_char + ctx.offset, 0, ent.text)], actor))
    return out


def _args_of(ctx: _Context, tok: Token) -> list[_Arg]:
    """The actors a noun-phrase head names (several for "Hungarian and Romanian officials")."""
    if tok.ent_type_ == "DATE" or tok.pos_ in ("VERB", "AUX", "ADP", "NUM"):
        return []
    text = _phrase(tok).text
    pair = _pair(ctx, tok, text)
    if pair:
        return pair
    args: list[_Arg] = []
    for head in _conjuncts(tok):
        # Adjective or compound country modifiers joined by "and" each give an actor.
        mods = [c for c in head.children if c.dep_ in ("amod", "compound") and c.ent_type_ in ("NORP", "GPE")]
        mod_conj = [m for mod in mods for m in _conjuncts(mod)]
        if len(mod_conj) > 1:
            sector = _sector_of(head.text)
            for mod in mod_conj:
                actor, said = ctx.actor_for(ctx.doc[mod.i:mod.i + 1])
                if actor is not None:
                    actor = Actor(actor.country, sector or actor.sector, actor.name, actor.kind)
                    args.append(_Arg(actor, f"{said} {head.text}", head))
            continue
        span = _phrase(head) if head is not tok else _phrase(tok)
        if head is not tok:
            span = ctx.doc[max(head.left_edge.i, head.i - 4):head.i + 1]
        if head.lower_ in _PRONOUNS:
            arg = _pronoun(ctx, head)
            if arg is not None:
                args.append(arg)
                continue
        actor, said = ctx.actor_for(span)
        if actor is not None and actor.kind == "person" and head.ent_type_ != "PERSON":
            # "America's newly inaugurated leader" is not whoever was named last: trust the country
            # the phrase itself names.
            named = next((t for t in span if t.ent_type_ in ("GPE", "NORP") and t.i != head.i), None)
            country = _resolve(named.text, None) if named is not None else None
            if country is not None and country.country is not None and country.country != actor.country:
                actor, said = Actor(country.country, _sector_of(head.text) or "GOV", None, "country"), span.text
        if actor is not None and actor.country is None and actor.kind != "organization":
            # "the Obama administration": a named leader's government whatever the date.
            person = next((t for t in span if t.ent_type_ == "PERSON"), None)
            if person is not None:
                known = _resolve(person.text, None)
                if known is not None and known.country is not None:
                    actor = Actor(known.country, actor.sector or known.sector, None, "country")
        if actor is None or (actor.country is None and not actor.name):
            # "the Democratic People's Republic of Korea (DPRK)": the bracketed name says who.
            for appos in (c for c in head.children if c.dep_ == "appos" and c.ent_type_ in ("GPE", "ORG", "NORP")):
                named_actor, named_text = ctx.actor_for(ctx.doc[appos.i:appos.i + 1])
                if named_actor is not None and named_actor.country is not None:
                    actor, said = named_actor, named_text
                    break
        if actor is None:
            sector = _sector_of(head.text) or (_sector_of(span.text) if len(span) <= 3 else None)
            if sector is not None:
                actor = Actor(None, sector, None, "group")
        if actor is not None and actor.country is None and actor.kind != "person" \
                and actor.sector not in ("IGO", "NGO", "IMG", None):
            # "The US Congress" read as a bare legislature: the phrase names the country too.
            for tok in span:
                if tok.i != head.i and (tok.ent_type_ in ("GPE", "NORP") or tok.pos_ == "PROPN"):
                    place = _resolve(tok.text, None)
                    if place is not None and place.country is not None and place.kind == "country":
                        actor = Actor(place.country, actor.sector, actor.name, "country")
                        break
        if actor is not None:
            args.append(_Arg(actor, said or span.text, head))
    return args


def _pronoun(ctx: _Context, tok: Token) -> _Arg | None:
    """ "Hungary said it will support ...": a pronoun subject of reported speech is the reporter."""
    clause = tok.head
    while clause.dep_ in ("xcomp", "conj", "aux") and clause.head.i != clause.i:
        clause = clause.head
    if clause.dep_ == "ccomp" and clause.head.lemma_.lower() in _REPORTING:
        for subj in clause.head.children:
            if subj.dep_ in ("nsubj", "nsubjpass") and subj.lower_ not in _PRONOUNS:
                found = _args_of(ctx, subj)
                if found:
                    return found[0]
    if tok.lower_ in ("it", "its", "they", "their", "them"):
        # The nearest non-person actor earlier in the sentence.
        for prev in reversed(list(tok.sent)[:tok.i - tok.sent.start]):
            if prev.dep_ in ("nsubj", "nsubjpass", "poss", "dobj", "pobj") and prev.lower_ not in _PRONOUNS \
                    and (prev.ent_type_ in ("GPE", "ORG", "NORP") or prev.i in ctx.entity_at):
                found = _args_of(ctx, prev)
                if found and found[0].actor is not None and found[0].actor.kind != "person":
                    return found[0]
        return None
    actor, said = ctx.actor_for(ctx.doc[tok.i:tok.i + 1])
    return _Arg(actor, said, tok) if actor is not None else None


def _subject(ctx: _Context, tok: Token, depth: int = 0) -> list[_Arg]:
    """Who does what a verb (or verbal adjective) says, inherited through control and conjunction."""
    for child in tok.children:
        if child.dep_ in ("nsubj", "csubj"):
            return _args_of(ctx, child)
    for child in tok.children:
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return _args_of(ctx, pobj)
    if depth > 3 or tok.head.i == tok.i:
        return []
    head, dep = tok.head, tok.dep_
    if dep == "xcomp":
        if head.lemma_.lower() in _OBJECT_CONTROL:
            for child in head.children:
                if child.dep_ in ("dobj", "dative"):
                    return _args_of(ctx, child)
        return _subject(ctx, head, depth + 1)
    if dep in ("conj", "advcl") and head.pos_ in ("VERB", "AUX", "ADJ"):
        return _subject(ctx, head, depth + 1)
    if dep == "acl" and tok.tag_ == "VBG":
        return _args_of(ctx, head)
    if dep == "relcl" and (any(c.dep_ == "nsubj" and c.tag_ in ("WDT", "WP") for c in tok.children) or \
                not any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)):
        return _args_of(ctx, head)
    if dep in ("pcomp",):
        return _subject(ctx, head.head, depth + 1) if head.head.i != head.i else []
    return []


def _passive_target(tok: Token) -> Token | None:
    for child in tok.children:
        if child.dep_ == "nsubjpass":
            return child
    if tok.dep_ == "acl" and tok.tag_ == "VBN":
        return tok.head
    return None


def _search_target(ctx: _Context, start: Token, exclude: set[int], themes: frozenset[int] = frozenset(),
                   doers: tuple[Actor | None, ...] = ()) -> list[_Arg]:
    """Breadth-first through the trigger's phrase for the nearest actor that is not the source
    (never inside another verb trigger's clause: its arguments are its own).  ``themes`` are
    what is acted with ("sent *an aircraft carrier* to ..."): looked through, never the recipient.
    ``doers`` are the source's actors: a phrase naming them again ("as president") is looked
    through too."""
    frontier = [c for c in start.children if c.dep_ in _TARGET_EDGES and c.i not in ctx.verb_triggers]
    seen: set[int] = set()
    backup: list[_Arg] = []
    while frontier:
        nxt: list[Token] = []
        for tok in frontier:
            if tok.i in seen or tok.i in exclude:
                continue
            seen.add(tok.i)
            if (tok.dep_ == "prep" and tok.lower_ in _NOT_RECIPIENT_PREPS) or (tok.dep_ == "poss" and tok.pos_ == "PRON"):
                # Not places, times or doers; nor "his" in "held his first conversation with ...".
                continue
            role = tok.dep_ == "pobj" and tok.head.lower_ == "as"
            if tok.pos_ in ("NOUN", "PROPN", "PRON") and tok.ent_type_ != "DATE" and not role:
                # A theme is a recipient only when it is a country's people ("expelled Indian diplomats").
                # "as president" is the doer's capacity, never the recipient: looked through.
                args = [a for a in _args_of(ctx, tok) if a.actor is not None and a.actor not in doers and
                        (tok.i not in themes or a.actor.country is not None)]
                if args and any(a.actor is not None and (a.actor.country or a.actor.name) for a in args):
                    return args
                # A bare sector ("military intelligence") only if nothing better lies further in.
                backup = backup or args
            nxt.extend(c for c in tok.children if (c.dep_ in _TARGET_EDGES or c.dep_ == "conj")
                       and c.i not in ctx.verb_triggers)
        frontier = nxt
    return backup


def _noun_args(ctx: _Context, trig: _Trigger) -> tuple[list[_Arg], list[_Arg]]:
    tok = trig.token
    sources: list[_Arg] = []
    targets: list[_Arg] = []
    of_args: list[_Arg] = []
    modifiers: list[_Arg] = []
    for child in tok.children:
        if child.dep_ == "poss" and child.ent_type_ != "DATE":
            sources = sources or _args_of(ctx, child)
        elif child.dep_ in ("compound", "amod", "nmod") and (
                child.ent_type_ in ("GPE", "NORP", "ORG", "PERSON") or child.pos_ == "PROPN"):
            modifiers.extend(a for a in _args_of(ctx, child) if a.actor is not None)
        elif child.dep_ in ("prep", "agent"):
            word = child.lower_
            objs = [g for g in child.children if g.dep_ == "pobj"]
            for obj in objs:
                found = [a for a in _args_of(ctx, obj) if a.actor is not None]
                if not found:
                    continue
                if word == "by" or child.dep_ == "agent":
                    sources = found
                elif word == "of":
                    of_args = found
                elif word == "between":
                    sources, targets = found[:1], found[1:]
                elif word in _TARGET_PREPS:
                    targets = targets or found
    if not targets and trig.entry.category == "CONSULT":
        targets = _partner(ctx, tok)
    if of_args:
        if sources or modifiers or trig.entry.category not in ("RETREAT", "CONSULT", "PROTEST", "MOBILIZE"):
            targets = targets or of_args
        else:
            sources = of_args
    if modifiers:
        if sources:
            targets = targets or modifiers
        else:
            sources = modifiers
    if not sources:
        # "Putin and Trump will begin preparations for a meeting": the doer of the governing verb.
        node, hops = tok, 0
        while node.dep_ in ("pobj", "prep", "dobj", "attr") and hops < 5 and node.head.i != node.i:
            node, hops = node.head, hops + 1
            if node.pos_ in ("VERB", "AUX"):
                # Only a verb that does the noun ("began preparations for a meeting") lends its doer.
                if node.lemma_.lower() in _LIGHT_VERBS:
                    sources = _subject(ctx, node)
                break
    return sources, targets


def _partner(ctx: _Context, noun: Token, depth: int = 0) -> list[_Arg]:
    """The "with" counterpart of a meeting or call noun, also when the parser hung it on a phrase
    in between ("conversations as president with Putin", "talks on trade with China")."""
    for prep in noun.children:
        if prep.dep_ != "prep" or prep.i in ctx.verb_triggers or \
                (prep.lower_ in _BACKGROUND_PREPS and prep.lower_ != "as"):
            continue
        for obj in (g for g in prep.children if g.dep_ == "pobj"):
            if prep.lower_ == "with":
                found = [a for a in _args_of(ctx, obj) if a.actor is not None]
                if found:
                    return found
            elif depth < 2 and obj.ent_type_ != "DATE":
                found = _partner(ctx, obj, depth + 1)
                if found:
                    return found
    return []


def _verb_args(ctx: _Context, trig: _Trigger) -> tuple[list[_Arg], list[_Arg]]:
    tok = trig.token
    sources = _subject(ctx, tok)
    targets: list[_Arg] = []
    passive = _passive_target(tok)
    if passive is not None:
        targets = [a for a in _args_of(ctx, passive) if a.actor is not None]
        if sources and targets and sources[0].head.i == targets[0].head.i:
            targets = []
    if passive is not None and not sources:
        # "were killed in an attack by al-Shabab": the doer hangs off the event noun.
        for prep in tok.children:
            for noun in (g for g in prep.children if prep.dep_ == "prep" and g.dep_ == "pobj"):
                for by in (c for c in noun.children if c.dep_ == "prep" and c.lower_ == "by"):
                    for pobj in (g for g in by.children if g.dep_ == "pobj"):
                        sources = sources or [a for a in _args_of(ctx, pobj) if a.actor is not None]
    if not targets:
        exclude = {a.head.i for a in sources}
        themes: frozenset[int] = frozenset()
        if trig.entry.objects is not None:
            themes = frozenset(t.i for o in object_tokens(tok) if o.lemma_.lower() in trig.entry.objects
                               for t in (o, *(c for c in o.children if c.dep_ in ("compound", "amod"))))
        targets = _search_target(ctx, tok, exclude, themes, tuple(a.actor for a in sources))
    if not targets and trig.entry.category in _CLAUSE_TARGET:
        # "demanded that the US cancel ...", "warned that police will ...": the clause's subject.
        for child in tok.children:
            if child.dep_ in ("ccomp", "xcomp"):
                subj = next((g for g in child.children if g.dep_ in ("nsubj", "nsubjpass")), None)
                if subj is not None:
                    targets = [a for a in _args_of(ctx, subj) if a.actor is not None]
                    break
    if tok.dep_ == "amod" and not targets:
        # A verb mis-tagged as an adjective: the noun it modifies is its object.
        targets = [a for a in _args_of(ctx, tok.head) if a.actor is not None] or \
            _search_target(ctx, tok.head, {a.head.i for a in sources} | {tok.i})
    return sources, targets


def _fallback_source(ctx: _Context, trig: _Trigger, taken: set[int]) -> list[_Arg]:
    """When the parse gives no subject: the nearest subject-like actor to the trigger's left
    that is not already the recipient."""
    sent = trig.token.sent
    before = trig.token.i - 1
    while before > sent.start and ctx.doc[before].pos_ in ("ADV", "AUX", "PART"):
        before -= 1
    if before >= sent.start and ctx.doc[before].ent_type_ in ("GPE", "NORP", "ORG", "PERSON") \
            and before not in taken and trig.token.tag_ in ("VBD", "VBZ", "VBP", "JJ"):
        # "after Russia annexed Crimea" parsed as a noun phrase: the name right before the verb acts.
        args = [a for a in _args_of(ctx, ctx.doc[before]) if a.actor is not None]
        if args:
            return [_Arg(a.actor, a.text, a.head, direct=False) for a in args]
    for tok in reversed(list(sent)[:trig.token.i - sent.start]):
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.lower_ not in _PRONOUNS and tok.i not in taken \
                and not (tok.dep_ == "nsubjpass" and tok.head.i == trig.token.i):
            args = [a for a in _args_of(ctx, tok) if a.actor is not None]
            if args:
                return [_Arg(a.actor, a.text, a.head, direct=False) for a in args]
    return []


def _fallback_target(ctx: _Context, trig: _Trigger, sources: list[_Arg]) -> list[_Arg]:
    """When the parse gives no recipient: the first other political actor after the trigger in
    its own clause ("Serbia lifted a night curfew in Montenegro": places are recipients too)."""
    anchor = trig.anchor or trig.token
    taken = {a.actor for a in sources}
    clause = [t for t in anchor.subtree if t.i > trig.token.i and t.dep_ not in ("ccomp", "relcl")]
    skip: set[int] = set()
    for sub in anchor.subtree:
        if sub.i > trig.token.i and sub is not anchor and (
                sub.dep_ in ("ccomp", "relcl", "advcl", "parataxis") or
                (sub.dep_ == "prep" and sub.lower_ in _BACKGROUND_PREPS)):
            skip.update(t.i for t in sub.subtree)
    for tok in clause:
        if tok.i in skip or tok.ent_type_ not in ("GPE", "NORP", "ORG", "PERSON") or tok.ent_iob_ != "B":
            continue
        span = next((e for e in ctx.doc.ents if e.start == tok.i), None)
        if span is None:
            continue
        actor, said = ctx.actor_for(span)
        if actor is not None and actor not in taken and _political(actor) and \
                all(actor.country is None or actor.country != s.country for s in taken if s is not None):
            return [_Arg(actor, said, span.root, direct=False)]
    return []


def _sentence_pair(ctx: _Context, sent: Span) -> list[_Arg]:
    """The two countries of a sentence, for a meeting or call mentioned without participants."""
    found: list[_Arg] = []
    for ent in sent.ents:
        if ent.label_ not in ("GPE", "ORG", "NORP", "PERSON"):
            continue
        actor, said = ctx.actor_for(ent)
        if actor is None or actor.country is None or any(a.actor and a.actor.country == actor.country
                                                         for a in found):
            continue
        found.append(_Arg(actor, said, ent.root, direct=False))
    official = [a for a in found if a.actor is not None and a.actor.sector in _POLITICAL_SECTORS]
    if len(official) >= 2:
        return official[:2]
    return found if len(found) == 2 else []


# Words for part of a stretch of time: "much of Saturday", "the rest of the week".
_DATE_PORTIONS = frozenset({"much", "most", "part", "all", "rest", "half", "remainder", "some", "bulk",
                            "end", "start", "beginning", "middle"})


def _date_of(ctx: _Context, trig: _Trigger) -> tuple[date | None, str | None, str]:
    """The date expression nearest the trigger in the tree (its own, its clause's, the sentence's)."""
    doc = ctx.doc
    node: Token | None = trig.token
    visited = 0
    # The event noun of "held Saturday's talks" carries the date for its verb.
    nouns = [o for o in object_tokens(trig.token) if o.pos_ == "NOUN"] if trig.entry.pos == "verb" else []
    while node is not None and visited < 8:
        extra = [c for o in nouns for c in o.children if c.dep_ == "poss"] if node is trig.token else []
        for child in [*node.children, *extra]:
            cand = None
            if child.ent_type_ == "DATE" and child.dep_ in ("npadvmod", "poss", "tmod", "nmod", "obl",
                                                           "compound", "advmod", "dobj"):
                cand = child
            elif child.dep_ == "prep" and child.lower_ in ("in", "on", "during", "since", "at", "by", "from"):
                cand = next((g for g in child.children if g.dep_ == "pobj" and g.ent_type_ == "DATE"), None)
            elif child.dep_ in ("dobj", "npadvmod", "advmod") and child.lemma_.lower() in _DATE_PORTIONS:
                # "spent much of Saturday on the phone": the day the portion is of.
                cand = next((g for of in child.children if of.dep_ == "prep" and of.lower_ == "of"
                             for g in of.children if g.dep_ == "pobj" and g.ent_type_ == "DATE"), None)
            if cand is None:
                continue
            span = next((e for e in doc.ents if e.start <= cand.i < e.end and e.label_ == "DATE"), None)
            text = span.text if span is not None else cand.text
            # A verb in the past tense ("criticized in January") is not about the future,
            # even in a sentence whose main clause is ("…, has said it will invest").
            resolved = resolve_date(text, ctx.on, future=trig.mode == "future" and not _past_tense(trig.token))
            if resolved is not None:
                return resolved.value, text, resolved.precision
        if node.head.i == node.i:
            break
        node = node.head
        visited += 1
    return ctx.on, None, "day"


def _past_tense(token: Token) -> bool:
    """A verb in the past tense or a past participle with no "will/shall" of its own."""
    if token.tag_ == "VBD":
        return True
    return token.tag_ == "VBN" and not any(c.dep_ in ("aux", "auxpass") and c.lower_ in ("will", "shall", "'ll")
                                           for c in token.children)


def _location_of(ctx: _Context, trig: _Trigger, actor_heads: set[int]) -> str | None:
    frontier = [trig.token]
    seen: set[int] = set()
    for _ in range(4):
        nxt: list[Token] = []
        for tok in frontier:
            for child in tok.children:
                if child.i in seen or child.dep_ in ("conj", "ccomp", "advcl", "relcl", "nsubj", "parataxis") \
                        or (child.dep_ == "prep" and child.lower_ in (
                            "as", "because", "after", "before", "despite", "amid", "over", "about")):
                    continue
                seen.add(child.i)
                if child.dep_ == "prep" and child.lower_ in _LOCATION_PREPS:
                    pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
                    if pobj is not None and pobj.ent_type_ in ("GPE", "LOC", "FAC") and pobj.i not in actor_heads:
                        span = ctx.doc[pobj.left_edge.i:pobj.i + 1]
                        return span.text
                nxt.append(child)
        frontier = nxt
        if not frontier:
            break
    return None


def _political(actor: Actor | None) -> bool:
    if actor is None:
        return False
    if actor.sector in _NONPOLITICAL_SECTORS:
        return False
    if actor.country is not None:
        return True
    # Without a country only named or transnational bodies count: "the leader" alone says nothing.
    return actor.sector in ("IGO", "NGO", "IMG") or (actor.name is not None and actor.sector in _POLITICAL_SECTORS)


def _domain_sentence(sent: Span) -> bool:
    lemmas = {t.lemma_.lower() for t in sent}
    return bool(lemmas & _DOMAIN_CUES) or bool(_SCORELINE.search(sent.text))


def _with_place(actor: Actor | None, place_country: str | None) -> Actor | None:
    """ "separatists ... in eastern Ukraine": a sector without a country takes the event's place."""
    if actor is None or actor.country is not None or place_country is None or actor.sector is None:
        return actor
    if actor.sector in ("IGO", "NGO", "IMG") or actor.name or actor.kind in ("person", "organization"):
        return actor
    return Actor(place_country, actor.sector, actor.name, "country")


def _place_country(location: str | None, on: date | None) -> str | None:
    """The country a place phrase lies in ("eastern Ukraine", "Cairo"), or None."""
    if location is None:
        return None
    words = location.split()
    for i in range(len(words)):
        actor = _resolve(" ".join(words[i:]), on)
        if actor is not None and actor.country is not None and actor.kind != "person":
            return actor.country
    return None
