"""Removing what aggregators and page templates leave around an article.

Everything here works on patterns of residue (breadcrumbs, share counters,
"Continue reading..." tails, a site name glued to a title or an aggregator's
name glued to a dateline), never on strings of one particular article.
Cleaning only looks at the edges of the body: residue sits before the first
paragraph and after the last, and a pattern that is safe there (a bare number
on its own line) is not safe in the middle of a table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from newsgrasp.records import Article

# --- titles -----------------------------------------------------------------

# Separators sites put between a headline and their name.  A plain hyphen or a
# colon counts only when a known source name follows: "Brexit: May loses vote"
# is a headline, not "Brexit" published by "May loses vote".
_STRONG_SEPARATORS = ("‹", "›", "|", "«", "»", "·", "•", "—", "–", "::", "~")
_WEAK_SEPARATORS = ("-", ":")
_STRONG_SPLIT = re.compile(r"\s(?:[‹›|«»·•~]|::)\s")
_NAME_CONNECTORS = {"of", "the", "and", "&", "de", "du", "la", "le", "el", "der", "die", "for", "on", "in", "at"}
_MAX_NAME_WORDS = 5
_MAX_NAME_CHARS = 40


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _looks_like_name(text: str) -> bool:
    """A publication name: a few capitalised words ("Japan Today", "BBC News", "The Guardian")."""
    words = text.split()
    if not words or len(words) > _MAX_NAME_WORDS or len(text) > _MAX_NAME_CHARS:
        return False
    if text[-1] in ".?!,;" and not re.search(r"\.\w{2,4}$", text):
        return False
    first = words[0]
    if not (first[0].isupper() or first[0].isdigit()):
        return False
    return all(w[0].isupper() or w[0].isdigit() or w.lower() in _NAME_CONNECTORS for w in words)


def strip_title_source(title: str, known: str | None = None) -> tuple[str, str | None]:
    """Split " ‹ Japan Today" / " - Reuters" / " | BBC News" off a headline.

    Returns the bare headline and the name that was removed (None when nothing
    was).  With ``known`` (the site name from metadata) any separator counts
    when what follows is that name; without it only strong separators and a
    name-shaped suffix do, so ordinary headlines with dashes stay whole.
    """
    title = " ".join(title.split())
    if not title:
        return title, None
    if known:
        k = _norm(known)
        for sep in _STRONG_SEPARATORS + _WEAK_SEPARATORS:
            delim = ": " if sep == ":" else f" {sep} "
            head, mid, tail = title.rpartition(delim)
            if mid and head and _norm(tail) == k:
                return head.strip(), tail.strip()
            # "BBC News | Headline": some sites put their name first.
            head, mid, tail = title.partition(delim)
            if mid and tail and _norm(head) == k:
                return tail.strip(), head.strip()
    # "Headline | Section | Site | Keyword...": with three or more parts the
    # headline is the first and longest; which of the rest is the site is guesswork.
    parts = [p.strip() for p in _STRONG_SPLIT.split(title)]
    if len(parts) >= 3 and len(parts[0].split()) >= 3 and len(parts[0]) == max(len(p) for p in parts):
        return parts[0], None
    for seps in (_STRONG_SEPARATORS, ("-",)):
        best: tuple[str, str] | None = None
        for sep in seps:
            head, mid, tail = title.rpartition(f" {sep} ")
            if mid and (best is None or len(head) > len(best[0])):
                best = (head.strip(), tail.strip())
        if best is None:
            continue
        head, tail = best
        if _looks_like_name(tail) and len(head.split()) >= 3 and len(head) > len(tail):
            return head, tail
    return title, None


# --- residue lines ------------------------------------------------------------

_BREADCRUMB_START = re.compile(r"^(?:home|homepage|start|front page)\b\s*(?:[›»>|/\\:]|\S+/\S)", re.I)
_BREADCRUMB_SEP = re.compile(r"\s[›»>|/]\s")
_YOU_ARE_HERE = re.compile(r"^you are here\b", re.I)
_COUNTER = re.compile(r"^[\d.,\s]*\d[\d.,]*\s*[kKmM]?$")
_SHARE_WORDS = (
    r"share|shares|shared|tweet|retweet|like|likes|pin|pin it|email|e-mail|print|save|"
    r"comment|comments|reply|whatsapp|facebook|twitter|linkedin|reddit|messenger|telegram|"
    r"flipboard|pocket|copy link|share this|share this article|share this story|share on \w+|"
    r"follow us|advertisement|sponsored"
)
_SHARE_LINE = re.compile(rf"^(?:(?:{_SHARE_WORDS})\b[\s:|·•/]*)+$", re.I)
_COUNT_LABEL = re.compile(r"^\d[\d.,]*\s*[kKmM]?\s+(?:comments?|shares?|likes?|views?|reactions?|reads?)$", re.I)
_TAIL = re.compile(
    r"^(?:continue reading|read more|read the (?:full|whole|rest of the|original) (?:story|article|post|piece)|"
    r"full story|click here to read|see more|view original|source link|original article)\b.{0,100}$",
    re.I,
)
_VIA_LINE = re.compile(r"^\(?(?:via|syndicated by|distributed by)\s+(?P<name>[A-Z][\w .&'-]{1,40}?)\)?\.?$")
_GLUED_TAIL = re.compile(r"\s*\b(?:continue reading|read more)\s*(?:\.{2,}|…|»|›|→)?\s*$", re.I)


def is_breadcrumb(line: str) -> bool:
    """"Home › World › Asia", "Home GRASP/Japan Title…", "News > Politics > Europe"."""
    line = line.strip()
    if _BREADCRUMB_START.match(line) or _YOU_ARE_HERE.match(line):
        return True
    parts = _BREADCRUMB_SEP.split(line)
    return len(parts) >= 3 and len(line) <= 150 and all(len(p.split()) <= 4 for p in parts[:-1])


def is_counter_line(line: str) -> bool:
    """Share/like counters and buttons: "324", "0", "SHARE", "Tweet", "12 Comments"."""
    line = line.strip()
    return bool(_COUNTER.match(line) or _SHARE_LINE.match(line) or _COUNT_LABEL.match(line))


def is_tail_residue(line: str) -> bool:
    """"Continue reading...", "Read more", "Read the full story at …"."""
    return bool(_TAIL.match(line.strip()))


# --- datelines --------------------------------------------------------------

# A wire dateline: an upper-case place, optionally a date or region, an agency in
# parentheses, then a dash ("WASHINGTON —", "LONDON (Reuters) -",
# "MOSCOW, Jan 28 —", "NEW YORK, Jan. 28 (AP) --").  An aggregator that pastes
# its own name in front leaves it glued to the place ("NewsHubWASHINGTON —"):
# a capitalised word ending in a lower-case letter directly followed by capitals.
_VIA = r"(?P<via>[A-Z][A-Za-z0-9]*[a-z0-9](?:[ ][A-Z][A-Za-z0-9]*[a-z0-9]){0,3})"
_PLACE = r"(?P<place>[A-Z][A-Z.'’\-]+(?:[ ][A-Z][A-Z.'’\-]*){0,3})"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE = (
    rf"(?P<date>,[ ]*(?:{_MONTH}[ ]+\d{{1,2}}(?:,?[ ]+\d{{4}})?|\d{{1,2}}[ ]+{_MONTH}(?:[ ]+\d{{4}})?"
    r"|[A-Z][a-z]+(?:[ ][A-Z][a-z]+)?))?"
)
_AGENCY = r"(?:[ ]*\((?P<agency>[A-Za-z][\w .&/-]{0,30})\))?"
_DASH = r"[ ]*(?P<dash>—|–|--|-)"
_DATELINE = re.compile(rf"^{_VIA}?{_PLACE}{_DATE}{_AGENCY}{_DASH}(?:[ ]+|$)(?P<rest>.*)$", re.S)


# Capitalised labels that open a paragraph the way a place does but are not one.
_NOT_PLACES = frozenset({
    "EXCLUSIVE", "BREAKING", "BREAKING NEWS", "UPDATE", "UPDATED", "ANALYSIS", "OPINION", "FILE", "PHOTO",
    "PHOTOS", "WATCH", "VIDEO", "LIVE", "CORRECTION", "ADVISORY", "URGENT", "FLASH", "NOTE", "EDITOR'S NOTE",
    "COMMENT", "REVIEW", "INTERVIEW", "FEATURE", "EDITORIAL", "SPONSORED", "ADVERTISEMENT", "WARNING",
    "SPOILER", "SPOILERS", "NEW", "FACT CHECK", "FACT-CHECK", "EXPLAINER",
})


@dataclass(slots=True)
class Dateline:
    place: str
    via: str | None
    agency: str | None
    rest: str


def split_dateline(line: str) -> Dateline | None:
    """Split a leading wire dateline off a paragraph; None when there is none."""
    match = _DATELINE.match(line.strip())
    if not match:
        return None
    place = match.group("place").strip(" .-'’")
    letters = re.sub(r"[^A-Z]", "", place)
    # One- or two-letter "places" are initials or acronyms opening a sentence.
    if len(letters) < 3 or place.replace("’", "'") in _NOT_PLACES:
        return None
    return Dateline(place=place, via=match.group("via"), agency=match.group("agency"), rest=match.group("rest").strip())


# --- bodies -----------------------------------------------------------------


@dataclass(slots=True)
class CleanBody:
    """A body with its residue removed and what the residue told us."""

    text: str
    via: str | None = None
    dateline: str | None = None
    agency: str | None = None


def _paragraphs(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _same_title(line: str, title: str | None) -> bool:
    if not title:
        return False
    norm_title = _norm(title)
    if not norm_title:
        return False
    norm_line = _norm(line)
    if norm_line == norm_title:
        return True
    bare, name = strip_title_source(line)
    return bool(name) and _norm(bare) == norm_title


def clean_body(text: str, title: str | None = None, *, datelines: bool = True) -> CleanBody:
    """Strip edge residue from a body, pulling out an aggregator name and a dateline.

    Paragraphs come back separated by a blank line.
    """
    paras = _paragraphs(text)
    via: str | None = None
    while paras:
        first = paras[0]
        via_line = _VIA_LINE.match(first)
        if via_line:
            via = via or via_line.group("name").strip()
        elif not (is_breadcrumb(first) or is_counter_line(first) or _same_title(first, title)):
            break
        paras.pop(0)
    while paras and (is_tail_residue(paras[-1]) or is_counter_line(paras[-1]) or is_breadcrumb(paras[-1])):
        paras.pop()
    if paras:
        paras[-1] = _GLUED_TAIL.sub("", paras[-1]).rstrip()
        if not paras[-1]:
            paras.pop()
    result = CleanBody(text="", via=via)
    if datelines and paras:
        found = split_dateline(paras[0])
        if found is not None:
            result.via, result.dateline, result.agency = found.via or via, found.place, found.agency
            if found.rest:
                paras[0] = found.rest
            else:
                paras.pop(0)
    result.text = "\n\n".join(paras)
    return result


def clean_article(article: Article) -> Article:
    """The article without aggregator residue, with what the residue named recorded.

    A site name stripped from the title becomes the source when none is known;
    an aggregator glued to the dateline becomes ``via``; a wire agency in the
    dateline is the source of last resort.
    """
    title, stripped = strip_title_source(article.title, article.source)
    body = clean_body(article.text, title, datelines=article.dateline is None)
    source = article.source or stripped or body.agency
    return replace(
        article,
        title=title,
        text=body.text,
        source=source,
        via=article.via or body.via,
        dateline=article.dateline or body.dateline,
    )
