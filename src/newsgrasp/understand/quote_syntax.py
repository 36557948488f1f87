"""Syntax shared by the quote finder: speech verbs, speakers' words, subjects, token lookups.

Reads spaCy's dependency parse (en_core_web_sm labels): who the subject of a
speech verb is, climbing out of participles and coordinations ("Trump …,
telling reporters"), relative clauses ("Merkel, who said …") and reported
clauses ("… said the election had left the country divided and said …");
which words name a speaker; where a character falls among tokens and
sentences.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "DOCUMENT_NOUNS", "INDIRECT_VERBS", "SPEECH_VERBS", "SUBJECT_DEPS", "Speaker", "Tokens", "according_to",
    "governing_verb", "is_speech", "paragraph_of", "speaker_words", "subject_child", "subject_of",
]

# Verbs that introduce a direct quote.  "call"/"describe" carry partial quotes
# ("Abe called the launch “absolutely intolerable”"); "put" is "as he put it".
SPEECH_VERBS: frozenset[str] = frozenset({
    "say", "tell", "add", "note", "insist", "warn", "ask", "write", "declare", "state", "explain",
    "stress", "reply", "respond", "answer", "announce", "tweet", "post", "call", "describe",
    "remark", "comment", "acknowledge", "argue", "claim", "confirm", "concede", "recall", "urge",
    "promise", "vow", "predict", "emphasize", "emphasise", "underline", "put", "conclude",
    "continue", "joke", "quip", "shout", "assert", "reiterate", "repeat", "deny", "admit",
    "pledge", "observe", "suggest", "proclaim", "counter", "complain", "boast", "testify", "hint",
    "yell", "scream", "chant", "cry", "plead", "whisper", "exclaim",
})

# Verbs whose clausal complement is reported speech.  Narrower than
# SPEECH_VERBS: "call"/"describe" take no clause, "ask"/"urge" take a request.
INDIRECT_VERBS: frozenset[str] = frozenset({
    "say", "tell", "add", "note", "insist", "warn", "write", "declare", "state", "explain",
    "stress", "reply", "respond", "announce", "tweet", "acknowledge", "argue", "claim", "confirm",
    "concede", "recall", "promise", "vow", "predict", "emphasize", "emphasise", "underline",
    "assert", "reiterate", "repeat", "admit", "pledge", "report", "allege", "contend", "maintain",
    "complain", "boast", "testify", "affirm", "reaffirm", "indicate", "hint", "suggest",
})

# Nouns that stand for a statement's issuer ("the statement said" → the Kremlin).
DOCUMENT_NOUNS = frozenset({
    "statement", "communique", "communiqué", "readout", "account", "release", "declaration",
    "letter", "report", "text", "message", "post", "tweet", "transcript", "note",
})

_RELATIVE = frozenset({"who", "which", "that"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
# Dependency labels through which a verb without a subject inherits its
# head's ("Trump …, telling reporters" / "…, adding that").
_INHERIT_DEPS = frozenset({"advcl", "xcomp", "conj", "pcomp", "prep", "ccomp", "relcl", "parataxis"})


@dataclass(slots=True)
class Speaker:
    """The words naming who spoke, as written."""

    text: str
    start: int          # character span of the words naming the speaker (doc coordinates)
    end: int
    head: int           # token index of the speaker's head word


# --- parse helpers ------------------------------------------------------------------------------


class Tokens:
    """Character → token lookups over a doc."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.starts = [t.idx for t in doc]
        self.sentences = list(doc.sents)
        self.sentence_starts = [s.start for s in self.sentences]

    def at(self, char: int) -> int | None:
        """The token containing ``char``, or the first one after it."""
        i = bisect.bisect_right(self.starts, char) - 1
        if i >= 0 and char < self.starts[i] + len(self.doc[i].text):
            return i
        return i + 1 if i + 1 < len(self.doc) else None

    def sentence_index(self, token_i: int) -> int:
        return bisect.bisect_right(self.sentence_starts, token_i) - 1

    def sentence_at(self, char: int) -> int:
        token_i = self.at(char)
        return self.sentence_index(token_i) if token_i is not None else len(self.sentences) - 1


def paragraph_of(text: str, char: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, char) + 1
    end = text.find("\n", char)
    return start, len(text) if end < 0 else end


def is_speech(token: Token, verbs: frozenset[str]) -> bool:
    if token.pos_ not in ("VERB", "AUX"):
        return False
    lemma = token.lemma_.lower()
    if lemma == "put":
        # Only "as he put it"; "putting Iran on notice" says nothing.
        return lemma in verbs and any(c.lower_ == "it" and c.dep_ == "dobj" for c in token.children)
    # "made clear that …" reports speech like "said that …".
    return lemma in verbs or lemma == "make" and any(c.lower_ == "clear" for c in token.children)


def subject_child(verb: Token) -> Token | None:
    """The verb's subject; of several (a headline parsed into the first sentence), the nearest
    one in the verb's own paragraph."""
    subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
    if len(subjects) <= 1:
        return subjects[0] if subjects else None
    doc = verb.doc
    same = [c for c in subjects
            if not any("\n" in t.text for t in doc[min(c.i, verb.i):max(c.i, verb.i)])]
    return min(same or subjects, key=lambda c: abs(c.i - verb.i))


def governing_verb(token: Token) -> Token | None:
    current = token
    for _ in range(4):
        if current.head is current:
            return current if current.pos_ in ("VERB", "AUX") else None
        current = current.head
        if current.pos_ in ("VERB", "AUX"):
            return current
    return None


def subject_of(verb: Token) -> Token | None:
    """Who performs a speech verb: its subject, or the subject of the clause it hangs from.

    A speech verb coordinated inside a clause that another speech verb reports
    ("… said the election had left the country divided and said employees …")
    belongs to the outer speaker, not to the reported clause's subject.
    """
    current = verb
    for _ in range(6):
        subject = subject_child(current)
        if subject is not None:
            if subject.lower_ in _RELATIVE:
                return _relative_antecedent(current) or subject
            return subject
        if current.head is current:
            return None
        head = current.head
        if current.dep_ == "acl" and head.lemma_.lower() in DOCUMENT_NOUNS:
            # "a statement saying …": the statement, whose issuer is found later.
            return head
        if current.dep_ not in _INHERIT_DEPS:
            return None
        if head.dep_ == "ccomp" and is_speech(head.head, INDIRECT_VERBS | SPEECH_VERBS) and \
                current.dep_ in ("conj", "advcl"):
            current = head.head
            continue
        current = head
    return None


def _relative_antecedent(verb: Token) -> Token | None:
    """For "Merkel, who spoke …": the noun a relative clause hangs from."""
    current = verb
    for _ in range(4):
        if current.dep_ == "relcl":
            return current.head
        if current.head is current:
            return None
        current = current.head
    return None


def according_to(token: Token) -> Token | None:
    """For the word "according", the object of its "to"."""
    for child in token.children:
        if child.lower_ == "to":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    return None


def speaker_words(doc: Doc, token: Token) -> Speaker:
    """The words naming a speaker: the head with its modifiers, apposition and "of" phrase."""
    left = token.left_edge.i
    for child in token.lefts:
        if child.dep_ in ("relcl", "acl", "punct", "cc"):
            left = max(left, child.right_edge.i + 1)
    right = token.i
    # "statements from both governments": a document's source is part of its name.
    preps = ("of", "from", "by") if token.lemma_.lower() in DOCUMENT_NOUNS else ("of",)
    for child in token.rights:
        if child.dep_ in ("appos", "compound", "flat") or child.dep_ == "prep" and child.lower_ in preps:
            right = max(right, child.right_edge.i)
        else:
            break
    for n in range(right, left - 1, -1):
        # Never across a paragraph break (a headline and the first paragraph may share a sentence).
        if "\n" in doc[n].text:
            left = n + 1
            break
    span = doc[left:right + 1]
    text = span.text.strip(" ,")
    start = span.start_char + (len(span.text) - len(span.text.lstrip(" ,")))
    return Speaker(text, start, start + len(text), token.i)
