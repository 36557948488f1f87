"""Lay an article's analysis over its text: sentences with anchors, entities, quotes, events.

The analysis indexes ``title + blank line + body`` (see
:func:`newsgrasp.understand.pipeline.analysed_text`).  The page gets plain
data — paragraphs of sentences of pieces, each piece a run of text with its
marks — and the template escapes every piece; no HTML is built here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..records import Analysis
from ..understand.pipeline import analysed_text


@dataclass(slots=True)
class Piece:
    text: str
    entity: str | None = None      # the actor code or entity name the run belongs to
    entity_link: str | None = None  # actor spec for /actors/<spec>, when it resolves to an actor
    quote: bool = False


@dataclass(slots=True)
class Sentence:
    index: int
    pieces: list[Piece] = field(default_factory=list)
    events: list[str] = field(default_factory=list)   # "USA GOV CONSULT RUS GOV" labels


@dataclass(slots=True)
class Paragraph:
    sentences: list[Sentence] = field(default_factory=list)
    heading: bool = False


def lay_out(title: str, text: str, analysis: Analysis) -> list[Paragraph] | None:
    """Paragraphs of annotated sentences, or None when the analysis no longer fits the text
    (the article was re-extracted after it was analysed)."""
    full, _ = analysed_text(title, text)
    if analysis.chars and analysis.chars != len(full):
        return None
    for s in analysis.sentences:
        if full[s.start:s.end] != s.text:
            return None
    marks: list[tuple[int, int, Piece]] = []
    for entity in analysis.entities:
        code = entity.actor.code if entity.actor else None
        link = code or None
        for m in entity.mentions:
            marks.append((m.start, m.end, Piece("", entity=code or entity.name, entity_link=link)))
    for q in analysis.quotes:
        marks.append((q.start, q.end, Piece("", quote=True)))
    events: dict[int, list[str]] = {}
    for e in analysis.events:
        if e.mode != "asserted":
            continue
        who = e.source.code if e.source else (e.source_text or "?")
        whom = e.target.code if e.target else (e.target_text or "?")
        events.setdefault(e.sentence, []).append(f"{who} \u2192 {e.category} \u2192 {whom}")

    paragraphs: list[Paragraph] = []
    current = Paragraph(heading=bool(title.strip()))
    previous_end = 0
    for s in sorted(analysis.sentences, key=lambda x: x.start):
        gap = full[previous_end:s.start]
        if "\n" in gap and current.sentences:
            paragraphs.append(current)
            current = Paragraph()
        current.sentences.append(Sentence(index=s.index, pieces=_pieces(full, s.start, s.end, marks),
                                          events=events.get(s.index, [])))
        previous_end = s.end
    if current.sentences:
        paragraphs.append(current)
    return paragraphs


def _pieces(full: str, start: int, end: int, marks: list[tuple[int, int, Piece]]) -> list[Piece]:
    inside = [(max(a, start), min(b, end), p) for a, b, p in marks if a < end and b > start]
    cuts = sorted({start, end, *(a for a, _, _ in inside), *(b for _, b, _ in inside)})
    out: list[Piece] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = Piece(full[a:b])
        for ma, mb, mark in inside:
            if ma <= a and b <= mb:
                if mark.quote:
                    piece.quote = True
                elif piece.entity is None:
                    piece.entity, piece.entity_link = mark.entity, mark.entity_link
        if out and (out[-1].entity, out[-1].entity_link, out[-1].quote) == (piece.entity, piece.entity_link,
                                                                              piece.quote):
            out[-1].text += piece.text
        else:
            out.append(piece)
    return out
