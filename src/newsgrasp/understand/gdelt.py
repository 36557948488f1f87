"""Events as rows of GDELT 2.0's event table, so tools that read GDELT read ours.

The 61 columns are in GDELT's order (tab-separated, no header, as in its
``.export.CSV`` files).  What we fill and how:

* ``GLOBALEVENTID``: our event id.  ``SQLDATE``/``MonthYear``/``Year``/``FractionDate``:
  the event's date (the article's when the text gives none; a year-precision
  date such as "in 2014" is the date the events step chose for it).
* ``Actor{1,2}Code``: country + sector codes run together as GDELT writes them
  ("USAGOV"), or a named organisation's CAMEO code ("IGOUNO", whose known group,
  "UNO", goes to ``Actor{1,2}KnownGroupCode``); ``Actor{1,2}Name``: the person's or organisation's name, else the
  country's name, else the words of the text, upper-case; ``Actor{1,2}CountryCode``; ``Actor{1,2}Type1Code``:
  the sector.  Ethnic, religion and Type2/3 codes: empty.
* ``IsRootEvent``: 1 when the evidence is the headline or one of the first two
  sentences of the body (GDELT: the lead paragraph).
* ``EventCode``/``EventBaseCode``/``EventRootCode``: the CAMEO code nearest to the
  PLOVER category, after the PLOVER project's CAMEO→PLOVER table read backwards;
  the trigger word refines a few (a phone call is 041, sanctions 163).
* ``QuadClass``: same numbering as GDELT.  ``GoldsteinScale``: our intensity
  (−10..+10, the same direction as Goldstein's scale).
* ``NumMentions``/``NumArticles``: the article plus the copies folded into it;
  ``NumSources``: the distinct outlets among them.  ``AvgTone``: empty (no tone model).
* Actor geography: empty.  ``ActionGeo_FullName``: the event's location as
  written, when stated; the other ActionGeo columns empty (no geocoder).
* ``DATEADDED``: the article's publication date (YYYYMMDD000000).  ``SOURCEURL``: the
  article's URL.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..records import Actor, EventRecord, StoredEvent

__all__ = ["CAMEO_ROOT", "GDELT_COLUMNS", "cameo_code", "gdelt_row"]

_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
          "Type1Code", "Type2Code", "Type3Code")

GDELT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(f"Actor1{c}" for c in _ACTOR), *(f"Actor2{c}" for c in _ACTOR),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"Actor1Geo_{c}" for c in _GEO), *(f"Actor2Geo_{c}" for c in _GEO), *(f"ActionGeo_{c}" for c in _GEO),
    "DATEADDED", "SOURCEURL",
)

# The general CAMEO code of each PLOVER category (CAMEO2PLOVER-2021: the root whose
# "0" code maps to the category).  CONCEDE and RETREAT both come from CAMEO 08 (yield).
CAMEO_ROOT: dict[str, str] = {
    "AGREE": "030", "CONSULT": "040", "SUPPORT": "050", "COOPERATE": "060", "AID": "070",
    "CONCEDE": "080", "RETREAT": "080", "REQUEST": "100", "ACCUSE": "110", "REJECT": "120",
    "THREATEN": "130", "PROTEST": "140", "MOBILIZE": "150", "SANCTION": "160", "COERCE": "170",
    "ASSAULT": "180",
}

# Trigger words that select a more precise CAMEO code within a category.
_REFINED: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "CONSULT": ((("phone", "call", "telephon"), "041"), (("visit",), "042"), (("host",), "043"),
                (("mediat",), "045"), (("negotiat", "talks"), "046")),
    "SANCTION": ((("sanction", "embargo", "boycott"), "163"), (("expel", "withdr"), "166"),
                 (("cut", "sever", "break"), "161")),
    "COERCE": ((("annex", "occup", "seiz"), "192"), (("arrest", "detain", "charg"), "173"),
               (("deport",), "174"), (("blockad",), "191")),
    "ACCUSE": ((("investigat",), "090"), (("accus",), "112"), (("criticiz", "criticis", "condemn", "denounc"), "111")),
    "SUPPORT": ((("prais", "welcom", "applaud", "endors"), "051"), (("sign",), "057")),
    "PROTEST": ((("demonstrat", "rally", "march"), "141"), (("strike",), "143")),
    "AID": ((("humanitarian",), "073"), (("military",), "072"), (("econom", "loan", "fund"), "071")),
    "ASSAULT": ((("bomb", "blast", "explos"), "183"), (("assassinat", "kill"), "186"),
                (("abduct", "kidnap", "hijack"), "181")),
}


def cameo_code(event: EventRecord) -> str:
    """The CAMEO event code for a PLOVER event (see the module docstring)."""
    category = event.category.upper()
    trigger = (event.trigger or "").lower()
    for stems, code in _REFINED.get(category, ()):
        if any(stem in trigger for stem in stems):
            return code
    if category == "ASSAULT" and any(a is not None and a.sector == "MIL" for a in (event.source, event.target)):
        return "190"   # conventional military force rather than unconventional violence
    return CAMEO_ROOT.get(category, "010")


def _actor_columns(actor: Actor | None, text: str | None) -> list[str]:
    if actor is None and not text:
        return [""] * len(_ACTOR)
    code = "".join(part for part in (actor.country, actor.sector) if part) if actor else ""
    group = ""
    org = _org(actor)
    if org is not None and org.code.startswith(code):
        # "IGOUNO": the known group is what the organisation's code adds to country + sector.
        code, group = org.code, org.code[len(code):len(code) + 3]
    name = (actor.name if actor and actor.name else _country_name(actor) or text) or ""
    return [code, " ".join(name.upper().split()), actor.country or "" if actor else "", group, "", "", "",
            actor.sector or "" if actor else "", "", ""]


def _org(actor: Actor | None) -> Any:
    if actor is None or not actor.name:
        return None
    from .gazetteer import gazetteer

    return gazetteer().orgs.get(actor.name)


def _country_name(actor: Actor | None) -> str | None:
    """GDELT names a country actor by the country ("RUSSIA"), not by the words that coded it."""
    if actor is None or actor.country is None:
        return None
    from .gazetteer import gazetteer

    return gazetteer().country_names.get(actor.country)


def _fraction(day: date) -> str:
    return f"{day.year + (day.timetuple().tm_yday - 1) / 365:.4f}"


def gdelt_row(stored: StoredEvent, *, articles: int = 1, sources: int = 1) -> list[str]:
    """One GDELT 2.0 event row (61 values, in :data:`GDELT_COLUMNS` order).

    ``articles``/``sources`` are the article plus its folded copies and their
    distinct outlets (the caller counts them; 1 and 1 when unknown).
    """
    e = stored.event
    day = e.date or stored.article_published
    code = cameo_code(e)
    empty_geo = [""] * len(_GEO)
    action_geo = ["", e.location or "", "", "", "", "", "", ""]
    published = stored.article_published
    row = [
        str(stored.id),
        day.strftime("%Y%m%d") if day else "", day.strftime("%Y%m") if day else "",
        str(day.year) if day else "", _fraction(day) if day else "",
        *_actor_columns(e.source, e.source_text), *_actor_columns(e.target, e.target_text),
        "1" if e.sentence <= 2 else "0", code, code[:3], code[:2], str(e.quad_class), f"{e.intensity:.1f}",
        str(articles), str(sources), str(articles), "",
        *empty_geo, *empty_geo, *action_geo,
        published.strftime("%Y%m%d000000") if published else "", stored.article_url or "",
    ]
    assert len(row) == len(GDELT_COLUMNS)
    return [value.replace("\t", " ").replace("\n", " ") for value in row]
