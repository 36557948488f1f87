"""Quotations and reported speech, each with its speaker resolved to an entity and actor.

Two kinds of record come out of :func:`extract_quotes`:

* ``direct``: words between quotation marks — straight or curly double marks,
  « », „ “, and single marks outside a double quote (headlines quote with
  them: "Trump says it is 'very early'").  A quote may run over several
  sentences and paragraphs: the newsroom convention leaves a paragraph's quote
  open and reopens it with a mark at the start of the next paragraph.
* ``indirect``: the clause a speech verb reports ("the Kremlin said that …",
  "Trump told reporters the sanctions would stay", "…, South Korea's military
  said", "…, according to officials").  An indirect record is dropped where a
  direct quote covers most of its clause, so one statement is not counted
  twice; where a quote is only part of the clause ("said the administration
  was putting Iran “on notice”") both are kept.

The speaker is looked for in the quote's own sentence first (``"…," the Kremlin
said``, ``said Trump``, ``Trump said: "…"``, ``telling reporters Friday,
"…"``, ``according to X``, ``what he called "…"``), then in the sentences
around it (``"…" That was how the spokesman put it.`` / ``Peskov told
reporters. "…"``).  A quoted sentence with no speaker of its own that follows
an attributed quote is that speaker's ("“…,” Payton said. “I was in Dallas …”");
a short fragment right after an attributed statement continues it.  "he"/"she"
go to the most salient person before them (the subject of the nearest earlier
sentence that has a person as subject, people named inside quotes left out);
"it"/"they" continue the previous speaker; "who" is the noun its clause hangs
from; a document noun ("the statement said") goes to whoever issued the
statement earlier in the article, "the company" to the organisation named last.
A short quote with no speaker, or one that is a name or term ("known as a
“Fix It”", "the so-called “reset”", "a “zero day” flaw"), is skipped.

Offsets are character offsets into ``doc.text`` plus ``offset`` — the
coordinates of the entities' mentions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from newsgrasp.records import Actor, EntityRecord, QuoteRecord
from newsgrasp.understand.quote_marks import Marks, quote_text, scan_marks
from newsgrasp.understand.quote_syntax import (
    DOCUMENT_NOUNS,
    INDIRECT_VERBS,
    SPEECH_VERBS,
    SUBJECT_DEPS,
    Speaker,
    Tokens,
    according_to,
    governing_verb,
    is_speech,
    paragraph_of,
    speaker_words,
    subject_child,
    subject_of,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["INDIRECT_VERBS", "MIN_UNATTRIBUTED_WORDS", "SPEECH_VERBS", "VERSION", "extract_quotes"]

# Bump when what the module finds changes, so stored analyses can be redone.
VERSION = "1"

# Verbs that, coordinated inside a reported clause without a subject of their
# own, belong to the speaker rather than to the clause: "Alloush said the
# opposition had come to strengthen the truce and accused government forces …".
_SPEAKER_ACTS = frozenset({
    "accuse", "criticize", "criticise", "object", "urge", "reject", "dismiss", "condemn", "welcome",
    "call", "demand", "praise", "blame", "deny", "refuse", "decline", "describe",
}) | INDIRECT_VERBS

# Nouns whose possessor is the speaker: "Hollande's office said", "the Guards' website".
_ISSUER_NOUNS = DOCUMENT_NOUNS | {"office", "website", "site", "spokesman", "spokeswoman", "spokesperson"}
# Nouns that, with "the", stand for the organisation named just before ("the company said").
_ORG_NOUNS = frozenset({"company", "firm", "group", "organization", "organisation", "agency", "maker",
                        "manufacturer", "carrier", "retailer", "bank", "lender", "insurer", "airline",
                        "club", "team", "league", "network", "broadcaster", "publisher", "charity", "union"})
# Verbs by which someone issues a document ("the Kremlin released a statement").
_ISSUE_VERBS = frozenset({"say", "release", "issue", "publish", "put", "post", "send", "make", "give",
                          "deliver", "agree", "adopt", "sign", "tweet", "write"})

# A quote with no speaker must carry at least this many words to be kept:
# shorter ones are scare quotes, nicknames and titles.
MIN_UNATTRIBUTED_WORDS = 6
# Words right before a mark that announce a name or title, not a quotation.
_TITLE_CUES = frozenset({"so-called", "dubbed", "titled", "entitled", "named", "nicknamed", "headlined",
                         "branded", "labelled", "labeled", "film", "movie", "book", "song", "album",
                         "novel", "show", "series", "play", "operation", "codenamed", "code-named"})

_PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
_PRONOUNS_GROUP = frozenset({"it", "they"})
_PRONOUNS_SELF = frozenset({"i", "we", "you"})
_PRONOUNS_ALL = _PRONOUNS_PERSON | _PRONOUNS_GROUP | _PRONOUNS_SELF
_WH_WORDS = frozenset({"whether", "if", "what", "how", "why", "when", "where", "who", "which", "whom"})
_REFUSALS = frozenset({"decline", "refuse", "fail", "hesitate"})
# Words that open a clause's trailing comment, which is the writer's, not the speaker's:
# "…, while urging all sides …", "…, after emergency consultations …".
_TRAILING_MARKS = frozenset({"while", "as", "after", "before", "without", "despite", "amid", "even",
                             "although", "though", "ahead"})
_POINTERS = re.compile(r"(that|this|those|these|such|with (that|this|those|these|the)|the words)\b")

ResolveActor = Callable[[str, date | None], Actor | None]


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    text: str
    kind: str
    speaker: Speaker | None
    short: bool = False          # a direct quote too short to stand without a speaker
    standalone: bool = False     # a direct quote that is a sentence of its own


# --- attribution of direct quotes ---------------------------------------------------------------


class _Attributor:
    """Finds the speaker of each direct quote, from the marks and the parse around them."""

    def __init__(self, doc: Doc, tokens: Tokens, quotes: Sequence[Marks]) -> None:
        self.doc = doc
        self.tokens = tokens
        self.quotes = quotes
        self.spans = [(q.open_mark, q.close_mark + 1) for q in quotes]

    def inside_quote(self, char: int) -> bool:
        return any(a <= char < b for a, b in self.spans)

    def speaker_for_verb(self, verb: Token) -> Speaker | None:
        doc = self.doc
        if verb.lower_ == "according":
            obj = according_to(verb)
            return speaker_words(doc, obj) if obj is not None else None
        subject = subject_of(verb)
        if subject is None:
            # "…," said Trump: the parser sometimes hangs the inverted subject elsewhere.
            nxt = doc[verb.i + 1] if verb.i + 1 < len(doc) else None
            if nxt is not None and nxt.pos_ == "PROPN" and nxt.dep_ not in ("dobj", "dative"):
                while nxt.dep_ in ("compound", "flat") and nxt.head.i > nxt.i:
                    nxt = nxt.head
                return speaker_words(doc, nxt)
            return None
        if subject.dep_ == "nsubjpass" or self.inside_quote(subject.idx):
            return None
        if subject.lemma_.lower() in DOCUMENT_NOUNS and subject.dep_ in ("dobj", "pobj"):
            # "The two governments issued a joint statement affirming …": the issuer speaks.
            issuer = governing_verb(subject)
            issuer_subject = subject_child(issuer) if issuer is not None else None
            if issuer is not None and issuer.lemma_.lower() in _ISSUE_VERBS and issuer_subject is not None:
                return speaker_words(doc, issuer_subject)
        return speaker_words(doc, subject)

    def _window_after(self, k: int) -> list[Token]:
        """Tokens after the closing mark, up to that sentence's end, the paragraph's or the next quote."""
        marks = self.quotes[k]
        stop = self.quotes[k + 1].open_mark if k + 1 < len(self.quotes) else len(self.doc.text)
        first = self.tokens.at(marks.close_mark + 1)
        out: list[Token] = []
        if first is None:
            return out
        for token in self.doc[first:]:
            if token.idx >= stop or "\n" in token.text:
                break
            out.append(token)
            if token.text in (".", "!", "?"):
                break
        return out

    def _window_before(self, k: int) -> list[Token]:
        """Tokens from the opening mark's sentence start (or the previous quote) to the mark."""
        marks = self.quotes[k]
        stop = self.quotes[k - 1].close_mark + 1 if k > 0 else 0
        open_i = self.tokens.at(marks.open_mark)
        if open_i is None:
            return []
        sent = self.tokens.sentences[self.tokens.sentence_index(open_i)]
        out = [t for t in self.doc[sent.start:open_i] if t.idx >= stop]
        # Never across a paragraph break (a headline and the first paragraph may share a sentence).
        for n in range(len(out) - 1, -1, -1):
            if "\n" in out[n].text:
                return out[n + 1:]
        return out

    @staticmethod
    def _speech_in(tokens: Sequence[Token], reverse: bool) -> Token | None:
        according = [t for t in tokens if t.lower_ == "according" and according_to(t) is not None]
        if according:
            return according[0]
        for token in reversed(tokens) if reverse else tokens:
            if is_speech(token, SPEECH_VERBS):
                return token
        return None

    def direct_speaker(self, k: int) -> tuple[Speaker | None, Token | None]:
        """The quote's speaker, and the speech verb after the quote that named them, if any."""
        marks = self.quotes[k]
        text = self.doc.text
        inner = text[marks.start:marks.end].rstrip()
        after = self._window_after(k)
        before = self._window_before(k)
        # "“…,” and Trump said the United States …" starts a new statement, not an attribution.
        after_verb = self._speech_in(after[:8], reverse=False) if after and after[0].dep_ != "cc" else None
        before_verb = self._speech_in(before, reverse=True)
        # "…," the Kremlin said / "…!" he wrote: the words after the quote come first, unless a
        # speech verb leads straight into the quote ("had yelled, “Hide!” Vanore said").
        leads = before_verb is not None and all(t.is_punct for t in before if t.i > before_verb.i)
        trails = not leads and (inner.endswith((",", "!", "?")) or bool(after) and after[0].is_lower)
        for verb in (after_verb, before_verb) if trails else (before_verb, after_verb):
            if verb is not None:
                speaker = self.speaker_for_verb(verb)
                if speaker is not None:
                    return speaker, verb if verb is after_verb else None
        return self._neighbour_speaker(k, before), None

    def _neighbour_speaker(self, k: int, before: Sequence[Token]) -> Speaker | None:
        """A quote standing as its own sentence(s): the sentence before or after names the speaker."""
        doc, text, marks = self.doc, self.doc.text, self.quotes[k]
        if not self.standalone(k):
            return None
        lead = "".join(t.text_with_ws for t in before).strip()
        if lead.endswith(":"):
            verb = self._speech_in(before, reverse=True)
            return self.speaker_for_verb(verb) if verb is not None else None
        if lead and not re.search(r"[.!?]$", lead):
            return None
        para_start, para_end = paragraph_of(text, marks.open_mark)
        # "Peskov told reporters on Monday. “…”": a speech verb with nothing reported.
        prev_i = self.tokens.at(max(para_start, marks.open_mark - 2)) if marks.open_mark > para_start else None
        if prev_i is not None and doc[prev_i].idx < marks.open_mark:
            sent = self.tokens.sentences[self.tokens.sentence_index(prev_i)]
            bare = [t for t in sent if t.idx < marks.open_mark and is_speech(t, SPEECH_VERBS)
                    and not any(c.dep_ in ("ccomp", "dobj", "xcomp") and c.lower_ not in ("reporters", "journalists")
                                for c in t.children)]
            if bare:
                return self.speaker_for_verb(bare[-1])
        # "“…” That was how the spokesman put it." / "With that sentence, … Flynn signaled …"
        if k + 1 < len(self.quotes) and not text[marks.close_mark + 1:self.quotes[k + 1].open_mark].strip():
            return None
        next_i = self.tokens.at(marks.close_mark + 1)
        if next_i is None or doc[next_i].idx >= max(para_end, marks.close_mark + 1):
            return None
        sent = self.tokens.sentences[self.tokens.sentence_index(next_i)]
        following = [t for t in sent if t.idx > marks.close_mark]
        if not following or not _POINTERS.match(" ".join(t.lower_ for t in following[:3])):
            return None
        subjects = [t for t in following if t.dep_ == "nsubj" and t.pos_ in ("PROPN", "NOUN")
                    and t.lower_ not in ("that", "this")]
        subjects.sort(key=lambda t: (t.head.dep_ != "ROOT", t.i))
        return speaker_words(doc, subjects[0]) if subjects else None

    def sentence_subject(self, k: int) -> Speaker | None:
        """The single subject of the quote's sentence ("Pence followed with … “unwavering”")."""
        marks = self.quotes[k]
        open_i = self.tokens.at(marks.open_mark)
        if open_i is None:
            return None
        sent = self.tokens.sentences[self.tokens.sentence_index(open_i)]
        subject = subject_child(sent.root)
        if subject is None or subject.dep_ != "nsubj" or self.inside_quote(subject.idx) or \
                any(c.dep_ == "conj" for c in subject.children) or subject.lower_ in _PRONOUNS_GROUP:
            return None
        return speaker_words(self.doc, subject)

    def standalone(self, k: int) -> bool:
        """A quoted sentence: capitalised, and followed by nothing but a new sentence."""
        marks, text = self.quotes[k], self.doc.text
        rest = text[marks.close_mark + 1:marks.close_mark + 40].lstrip(" ")
        return text[marks.start:marks.end].lstrip()[:1].isupper() and not rest[:1].islower()

    def looks_like_title(self, k: int) -> bool:
        """A name or term rather than words spoken: "known as a “Fix It”", "the so-called “reset”",
        or a quoted noun modifier ("an undiscovered “zero day” vulnerability")."""
        marks = self.quotes[k]
        words = [w.lower().strip(",:") for w in self.doc.text[max(0, marks.open_mark - 30):marks.open_mark].split()]
        if words and words[-1] in _TITLE_CUES or "known" in words[-3:] and "as" in words[-2:]:
            return True
        first, last = self.tokens.at(marks.start), self.tokens.at(max(marks.start, marks.end - 1))
        if first is None or last is None:
            return False
        span = self.doc[first:last + 1]
        root = span.root
        return root.dep_ in ("compound", "amod", "nmod", "poss") and not first <= root.head.i <= last


# --- indirect speech ----------------------------------------------------------------------------


def _trim(tokens: list[Token]) -> list[Token]:
    while tokens and (tokens[0].is_punct and tokens[0].text not in "“\"‘'" or tokens[0].is_space
                      or tokens[0].dep_ == "mark" and tokens[0].lower_ == "that" or tokens[0].dep_ == "cc"):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct and tokens[-1].text not in "”\"’'" or tokens[-1].is_space
                      or tokens[-1].dep_ == "cc"):
        tokens = tokens[:-1]
    return tokens


def _cut_point(tokens: list[Token], root: Token) -> int:
    """Where a reported clause ends: before a trailing comment or a verb that is the speaker's own."""
    inside = {t.i for t in tokens}
    for n, token in enumerate(tokens):
        if n == 0:
            continue
        if "\n" in token.text:
            return n
        prev = tokens[n - 1]
        if token.dep_ == "conj" and token.pos_ == "VERB" and token.head.i in inside and \
                subject_child(token) is None and not any(c.dep_ in ("aux", "auxpass") for c in token.children) \
                and (is_speech(token, _SPEAKER_ACTS) or prev.text == "," and token.tag_ == "VBD"):
            return n - 1 if prev.dep_ == "cc" or prev.is_punct else n
        if prev.text != ",":
            continue
        # The largest phrase the comma opens ("a day before …", "while repeating …").
        phrase = token
        while phrase.head is not phrase and phrase.head.i in inside and phrase.head.left_edge.i == token.i:
            phrase = phrase.head
        if phrase.head.i not in inside or phrase.head.pos_ not in ("VERB", "AUX"):
            continue
        if phrase.dep_ == "advcl" and (phrase.tag_ == "VBG" or any(
                c.dep_ == "mark" and c.lower_ in _TRAILING_MARKS for c in phrase.children)):
            return n - 1
        if phrase.dep_ == "npadvmod" or phrase.dep_ == "prep" and phrase.lower_ in _TRAILING_MARKS:
            return n - 1
    return len(tokens)


def _clause(tokens: list[Token], root: Token) -> tuple[int, int] | None:
    tokens = _trim(tokens)
    tokens = _trim(tokens[:_cut_point(tokens, root)])
    if len(tokens) < 3:
        return None
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _reported(doc: Doc, inside_quote: Callable[[int], bool]) -> list[tuple[int, int, Token]]:
    """(clause start, clause end, speech verb or "according") for each reported clause."""
    text = doc.text
    found: list[tuple[int, int, Token]] = []
    for token in doc:
        if inside_quote(token.idx):
            continue
        if token.lower_ == "according" and according_to(token) is not None:
            head = token.head
            while head.dep_ == "conj" and head.head is not head:
                head = head.head
            if head.pos_ not in ("VERB", "AUX") or is_speech(head, INDIRECT_VERBS):
                continue
            phrase = {t.i for t in token.subtree}
            para = paragraph_of(text, token.idx)
            tokens = [t for t in head.subtree if t.i not in phrase and para[0] <= t.idx < para[1]]
            span = _clause(tokens, head)
            if span is not None and len(text[span[0]:span[1]].split()) >= 4:
                found.append((span[0], span[1], token))
            continue
        if not is_speech(token, INDIRECT_VERBS):
            continue
        if any(c.dep_ == "neg" for c in token.children) or token.head.lemma_.lower() in _REFUSALS:
            continue
        para = paragraph_of(text, token.idx)
        # The clause may follow the verb ("said that …") or precede it ("…, officials said").
        comps = [c for c in token.children if c.dep_ == "ccomp"]
        tail = False
        if not comps and token.dep_ in ("parataxis", "ccomp", "advcl") and token.head.i < token.i and \
                token.left_edge.i > 0 and "," in (token.left_edge.text, doc[token.left_edge.i - 1].text) and \
                (subject_child(token) is not None or token.i + 1 < len(doc) and doc[token.i + 1].pos_ in (
                    "PROPN", "NOUN", "DET")) and \
                not any(c.dep_ in ("dobj", "ccomp", "xcomp", "dative") for c in token.children):
            # "…, South Korea's military said": the clause before the verb is what was said.
            comps, tail = [token.head], True
        for comp in comps:
            if not para[0] <= comp.idx < para[1]:
                continue
            if comp.lower_ in _WH_WORDS or any(c.dep_ in ("mark", "advmod", "nsubj", "dobj") and c.i < comp.i
                                                and c.lower_ in _WH_WORDS for c in comp.children):
                continue
            if tail:
                skip = {t.i for t in token.subtree}
                tokens = [t for t in comp.subtree if t.i not in skip and t.i < token.left_edge.i]
            else:
                tokens = list(comp.subtree)
            tokens = [t for t in tokens if para[0] <= t.idx < para[1]]
            span = _clause(tokens, comp)
            if span is not None:
                found.append((span[0], span[1], token))
    return found


def _covered(span: tuple[int, int], direct: Sequence[tuple[int, int]]) -> bool:
    start, end = span
    inside = sum(max(0, min(end, b) - max(start, a)) for a, b in direct)
    return inside / max(1, end - start) >= 0.5


# --- speaker → entity and actor -----------------------------------------------------------------


class _Resolver:
    """Maps speaker words to an entity index and actor, pronouns to earlier speakers and people."""

    def __init__(self, doc: Doc, tokens: Tokens, entities: Sequence[EntityRecord], on: date | None,
                 offset: int, resolve_actor: ResolveActor | None, quoted: Sequence[tuple[int, int]]) -> None:
        self.doc = doc
        self.tokens = tokens
        self.entities = entities
        self.on = on
        self.offset = offset
        self.resolve_actor = resolve_actor
        self.actor_for_span = _actors_function("actor_for_span") if resolve_actor is None else None
        if resolve_actor is None and self.actor_for_span is None:
            self.resolve_actor = _actors_function("resolve_actor")
        # (start, end, entity index, label) in doc coordinates, in text order; people
        # named inside a quotation are not candidates for a pronoun outside it.
        self.mentions = sorted(
            (m.start - offset, m.end - offset, i, e.label)
            for i, e in enumerate(entities) for m in e.mentions)
        self.quoted = quoted
        # spaCy's small model labels some people ORG or NORP; the actor tables know better.
        self.people = {i for i, e in enumerate(entities)
                       if e.label == "PERSON" or e.actor is not None and e.actor.kind == "person"}

    def _mention_at(self, char: int) -> tuple[int, int, int, str] | None:
        found = [m for m in self.mentions if m[0] <= char < m[1]]
        found.sort(key=lambda m: (m[2] not in self.people, m[0] - m[1]))
        return found[0] if found else None

    def entity_of_token(self, token: Token) -> int | None:
        """The entity a noun phrase's head names (or its apposition: "the minister, Sergei Lavrov")."""
        for head in [token, *(c for c in token.children if c.dep_ == "appos")]:
            mention = self._mention_at(head.idx)
            if mention is not None:
                return mention[2]
        return None

    @staticmethod
    def _is_subject(token: Token) -> bool:
        current = token
        for _ in range(3):
            if current.dep_ in SUBJECT_DEPS:
                return True
            if current.dep_ not in ("appos", "compound", "flat"):
                return False
            current = current.head
        return False

    def person_before(self, char: int) -> int | None:
        """The most salient person before ``char``: a subject in the nearest sentence that has one."""
        here = self.tokens.sentence_at(char)
        for k in range(here, max(-1, here - 4), -1):
            sent = self.tokens.sentences[k]
            limit = char if k == here else sent.end_char
            people = [(a, b, index) for a, b, index, _label in self.mentions
                      if index in self.people and sent.start_char <= a and b <= limit
                      and not any(qa <= a < qb for qa, qb in self.quoted)]
            subjects = []
            for a, b, index in people:
                span = self.doc.char_span(a, b, alignment_mode="expand")
                if span is not None and self._is_subject(span.root):
                    subjects.append(index)
            if subjects:
                return subjects[-1] if k == here else subjects[0]
            if people and k < here:
                return people[-1][2]
        return None

    def organization_before(self, char: int) -> int | None:
        """"the company said": the organisation named last before, outside quotes."""
        for a, _b, index, label in reversed(self.mentions):
            if a < char and label == "ORG" and index not in self.people and \
                    not any(qa <= a < qb for qa, qb in self.quoted):
                return index
        return None

    def issuer_of_document(self, noun: Token) -> int | None:
        """Who issued "the statement": whoever released or made one earlier in the article."""
        for token in reversed(self.doc[:noun.i]):
            if token.lemma_.lower() != noun.lemma_.lower():
                continue
            for child in token.children:
                if child.dep_ == "poss":
                    found = self.entity_of_token(child)
                    if found is not None:
                        return found
            verb = governing_verb(token)
            if verb is None or verb.lemma_.lower() not in _ISSUE_VERBS:
                continue
            subject = subject_child(verb)
            if subject is not None and subject.i != token.i:
                found = self.entity_of_token(subject)
                if found is not None:
                    return found
        return None

    def resolve(self, speaker: Speaker) -> tuple[int | None, Actor | None]:
        head = self.doc[speaker.head]
        lemma = head.lemma_.lower()
        index: int | None
        if head.lower_ in _PRONOUNS_PERSON:
            index = self.person_before(head.idx)
        else:
            index = self.entity_of_token(head)
            if index is None and lemma in _ORG_NOUNS and any(c.lower_ in ("the", "this") for c in head.children):
                index = self.organization_before(head.idx)
            if index is None and lemma in _ISSUER_NOUNS:
                for child in head.children:
                    if child.dep_ == "poss":
                        index = self.entity_of_token(child)
                        if index is not None:
                            break
            sourced = any(c.dep_ == "prep" and c.lower_ in ("from", "by") for c in head.children)
            if index is None and lemma in DOCUMENT_NOUNS and not sourced:
                verb = governing_verb(head)
                if head.dep_ in ("dobj", "pobj") and verb is not None:
                    # "the Kremlin released a statement hinting …"
                    subject = subject_child(verb)
                    index = self.entity_of_token(subject) if subject is not None else None
                if index is None:
                    index = self.issuer_of_document(head)
        if index is not None:
            return index, self.entities[index].actor
        return self._actor_of_words(speaker)

    def _actor_of_words(self, speaker: Speaker) -> tuple[int | None, Actor | None]:
        """A speaker that is no entity ("U.S. officials", "the president"), coded from its words."""
        if self.actor_for_span is not None:
            span = self.doc.char_span(speaker.start, speaker.end, alignment_mode="expand")
            if span is None:
                return None, None
            actor, name = self.actor_for_span(span, list(self.entities), self.on, self.offset)
            # A nominal ("the president") the actors module tied to an earlier person.
            if name != span.text:
                for i, entity in enumerate(self.entities):
                    if entity.name == name and entity.label == "PERSON":
                        return i, entity.actor
            return None, actor
        if self.resolve_actor is not None:
            return None, self.resolve_actor(speaker.text, self.on)
        return None, None


def _actors_function(name: str) -> Callable[..., Any] | None:
    """A function of the actors module, where that module is installed in this tree."""
    try:
        from newsgrasp.understand import actors
    except ImportError:
        return None
    found = getattr(actors, name, None)
    return found if callable(found) else None


# --- the entry point ----------------------------------------------------------------------------


def extract_quotes(doc: Doc, entities: list[EntityRecord], on: date | None = None,
                   offset: int = 0, *, resolve_actor: ResolveActor | None = None) -> list[QuoteRecord]:
    """Direct and indirect quotations in ``doc``, in text order, with their speakers.

    ``entities`` are the article's merged entities, their mentions in the
    coordinates ``offset`` gives (``doc.text`` index + ``offset``); ``on`` is the
    article's date, by which speakers are coded for the office they held then.
    ``resolve_actor`` replaces the actors module for speakers that are not
    entities (by default ``actors.actor_for_span``).
    """
    if not hasattr(doc, "sents") or not hasattr(doc, "has_annotation"):
        raise TypeError(f"extract_quotes needs a parsed spaCy Doc, got {type(doc).__name__}")
    if not doc.has_annotation("DEP"):
        raise ValueError("extract_quotes needs a Doc with a dependency parse (the parser was disabled)")
    if len(doc) == 0:
        return []
    text = doc.text
    tokens = Tokens(doc)
    marks = scan_marks(text)
    attributor = _Attributor(doc, tokens, marks)

    candidates: list[_Candidate] = []
    direct_spans: list[tuple[int, int]] = []
    attributing: set[int] = set()      # speech verbs after a quote that name its speaker
    for k, quote in enumerate(marks):
        words = quote_text(text, quote)
        if not words:
            continue
        speaker, verb = attributor.direct_speaker(k)
        if verb is not None:
            attributing.add(verb.i)
        short = len(words.split()) < MIN_UNATTRIBUTED_WORDS
        if short and attributor.looks_like_title(k):
            continue
        if speaker is None and short:
            speaker = attributor.sentence_subject(k)
        direct_spans.append((quote.start, quote.end))
        candidates.append(_Candidate(quote.start, quote.end, words, "direct", speaker, short,
                                     attributor.standalone(k)))

    for start, end, verb in _reported(doc, attributor.inside_quote):
        # "… the “leading spokesperson on public health,” Obama said": the verb attributes the
        # quote at the clause's end, not the narrative before it.
        if _covered((start, end), direct_spans) or verb.i in attributing and verb.idx > end:
            continue
        candidates.append(_Candidate(start, end, text[start:end], "indirect", attributor.speaker_for_verb(verb)))
    candidates.sort(key=lambda c: (c.start, c.kind))
    return _resolve_all(doc, tokens, candidates, entities, on, offset, resolve_actor, direct_spans)


def _resolve_all(doc: Doc, tokens: Tokens, candidates: Sequence[_Candidate], entities: list[EntityRecord],
                 on: date | None, offset: int, resolve_actor: ResolveActor | None,
                 quoted: Sequence[tuple[int, int]]) -> list[QuoteRecord]:
    """Speakers to entities and actors, in text order so "it said" can continue the last speaker."""
    resolver = _Resolver(doc, tokens, entities, on, offset, resolve_actor, quoted)
    records: list[QuoteRecord] = []
    last: tuple[int, str, int | None, Actor | None] | None = None   # sentence, words, entity, actor
    last_direct: tuple[int, str, int | None, Actor | None] | None = None   # the same, by quote end
    for cand in candidates:
        sentence = tokens.sentence_at(cand.start)
        name: str | None = None
        entity: int | None = None
        actor: Actor | None = None
        speaker = cand.speaker
        head = doc[speaker.head].lower_ if speaker is not None else ""
        continues = last is not None and sentence - last[0] <= 2
        if speaker is not None and head in _PRONOUNS_GROUP and continues and last is not None:
            # "It also said …" / "They said …": the speaker of the statement just reported.
            _, name, entity, actor = last
        elif speaker is not None and head not in _PRONOUNS_SELF:
            name = speaker.text
            entity, actor = resolver.resolve(speaker)
        elif speaker is None and cand.kind == "direct" and cand.standalone and last_direct is not None \
                and sentence - last_direct[0] <= 1:
            # Back-to-back quotes: the next quoted sentence is the same speaker's
            # ("“…,” Payton said. “I was in Dallas when we drafted him …”").
            _, name, entity, actor = last_direct
        elif speaker is None and cand.kind == "direct" and cand.short:
            # A fragment quoted right after an attributed statement continues it
            # ("Putin and Trump will also maintain “regular personal contact”").
            if last is None or sentence - last[0] > 1:
                continue
            _, name, entity, actor = last
        # A named speaker (or a pronoun resolved to one) is what the next "it said" continues.
        if name is not None and (entity is not None or head not in _PRONOUNS_ALL):
            last = (sentence, name, entity, actor)
        if cand.kind == "direct" and name is not None:
            last_direct = (tokens.sentence_at(max(cand.start, cand.end - 1)), name, entity, actor)
        records.append(QuoteRecord(
            text=cand.text, start=cand.start + offset, end=cand.end + offset, sentence=sentence,
            kind=cand.kind, speaker=name, speaker_entity=entity, speaker_actor=actor))
    return records
