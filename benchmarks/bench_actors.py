#!/usr/bin/env python3
"""Actor coding given the gold actor text, on the PLOVER gold-standard records.

For every source/target actor of ``../shared/data/events/plover_gsr/PLOVER_GSR_CAMEO.txt``
the gold gives the mention text ("Russian Foreign Minister Andrei Kozyrev"), a code
(ISO3, or IGO/NGO/IMG for organisations) and often a sector (GOV, MIL, REB, ...).
We code the text with ``newsgrasp.understand.actors.resolve_actor`` and, in the
same run, with a trivial baseline: ``countrynames.to_code_3`` on the raw text.

Scoring conventions, stated so the figures can be compared:

* legacy non-ISO codes in the gold are mapped to ISO before scoring: JAP→JPN,
  ITL→ITA, VTN→VNM; ISM ("Muslim hackers": no country) is left out of the ISO3 figure;
* "ISO3 accuracy" counts the actors whose gold code is a country; "code accuracy"
  adds the IGO/NGO/IMG ones (our code: the country, else the IGO/NGO/IMG sector);
* the records carry a placeholder date (2000-01-01 for all), so actors are coded
  without a date (``on=None``): a person counts by any office in our tables;
* sector accuracy is over country actors whose gold has a sector (its first three
  letters; "***" skipped).  Our sectors follow CAMEO (MED = media, HLH = health),
  the gold's older PLOVER labels use JRN for media and MED for medical: mapped
  JRN→MED, MED→HLH, CIV→CVL.  The sector baseline always answers the commonest
  gold sector (GOV).

A second table scores our own hand-labelled mentions in the style of current news
(``tests/fixtures/actors/news_actors.tsv``, with article dates), written to check that
the tables generalise beyond the textbook sentences of the 1990s.

    .venv/bin/python benchmarks/bench_actors.py [--errors] [--data FILE] [--news FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "events" / "plover_gsr" / "PLOVER_GSR_CAMEO.txt"
NEWS = ROOT / "tests" / "fixtures" / "actors" / "news_actors.tsv"

LEGACY = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}
NON_COUNTRY = ("IGO", "NGO", "IMG")
SECTOR_LABELS = {"JRN": "MED", "MED": "HLH", "CIV": "CVL"}


def gold_actors(path: Path) -> list[dict[str, str | None]]:
    """Every (text, code, sector) of the records' sources and targets."""
    records = json.loads(path.read_text(encoding="utf-8"))
    actors: list[dict[str, str | None]] = []
    for record in records:
        if not isinstance(record, dict) or "text" not in record:
            continue
        for side in ("source", "target"):
            value = record.get(side)
            if not isinstance(value, list):
                continue
            for actor in value:
                code = LEGACY.get(actor.get("code", ""), actor.get("code"))
                sector = (actor.get("sector") or "")[:3].upper() or None
                if sector == "***":
                    sector = None
                actors.append({"text": actor["actorText"], "code": code,
                               "sector": SECTOR_LABELS.get(sector or "", sector), "side": side})
    return actors


def our_code(text: str) -> tuple[str | None, str | None]:
    from newsgrasp.understand.actors import resolve_actor

    actor = resolve_actor(text, None)
    if actor is None:
        return None, None
    if actor.country is not None:
        return actor.country, actor.sector
    if actor.sector in NON_COUNTRY:
        return actor.sector, None
    return None, actor.sector


def baseline_code(text: str) -> str | None:
    import countrynames

    try:
        return countrynames.to_code_3(text)
    except KeyError:  # countrynames raises for some names it maps to a code with no ISO3 ("UN")
        return None


def score(data: Path, show_errors: bool) -> dict[str, float]:
    from newsgrasp.understand import actors as actors_module
    from newsgrasp.understand.gazetteer import gazetteer

    actors = gold_actors(data)
    gazetteer()                                  # table loading is not part of the speed,
    baseline_code("France")                      # nor countrynames' (the fallback's) first load,
    actors_module._resolve.cache_clear()         # nor are cached answers
    t0 = time.perf_counter()
    ours = [our_code(str(a["text"])) for a in actors]
    per_second = len(actors) / (time.perf_counter() - t0)
    base = [baseline_code(str(a["text"])) for a in actors]

    def accuracy(rows: list[int], predicted: list[str | None]) -> float:
        return sum(predicted[i] == actors[i]["code"] for i in rows) / len(rows)

    iso_rows = [i for i, a in enumerate(actors) if a["code"] not in NON_COUNTRY and a["code"] != "ISM"]
    all_rows = [i for i, a in enumerate(actors) if a["code"] != "ISM"]
    sector_rows = [i for i in iso_rows if actors[i]["sector"]]
    our_codes = [c for c, _ in ours]
    commonest = Counter(actors[i]["sector"] for i in sector_rows).most_common(1)[0][0]
    figures = {
        "iso3_ours": accuracy(iso_rows, our_codes), "iso3_base": accuracy(iso_rows, base),
        "code_ours": accuracy(all_rows, our_codes), "code_base": accuracy(all_rows, base),
        "sector_ours": sum(ours[i][1] == actors[i]["sector"] for i in sector_rows) / len(sector_rows),
        "sector_base": sum(commonest == actors[i]["sector"] for i in sector_rows) / len(sector_rows),
        "unresolved_ours": sum(our_codes[i] is None for i in all_rows) / len(all_rows),
        "unresolved_base": sum(base[i] is None for i in all_rows) / len(all_rows),
    }
    print(f"PLOVER GSR actors: {len(actors)} mentions; {len(iso_rows)} with an ISO3 gold code, "
          f"{len(all_rows) - len(iso_rows)} IGO/NGO/IMG, {len(sector_rows)} country actors with a gold sector")
    print(f"{'':34}{'newsgrasp':>12}{'baseline':>12}")
    print(f"{'ISO3 accuracy (country actors)':34}{figures['iso3_ours']:12.3f}{figures['iso3_base']:12.3f}")
    print(f"{'code accuracy (incl. IGO/NGO/IMG)':34}{figures['code_ours']:12.3f}{figures['code_base']:12.3f}")
    print(f"{'sector accuracy (gold sector)':34}{figures['sector_ours']:12.3f}{figures['sector_base']:12.3f}")
    print(f"{'left unresolved (None)':34}{figures['unresolved_ours']:12.3f}{figures['unresolved_base']:12.3f}")
    print(f"baseline: countrynames.to_code_3(raw text); sector baseline: always {commonest}")
    print(f"speed: {per_second:,.0f} mentions/s (resolve_actor, one core, uncached)")
    if show_errors:
        print("\nerrors (text | gold | ours):")
        for i in all_rows:
            code, sector = ours[i]
            a = actors[i]
            if code != a["code"] or (i in sector_rows and sector != a["sector"]):
                print(f"  {a['text']!r:60} {a['code']} {a['sector'] or '-':4} | {code} {sector}")
    return figures


def news_set(path: Path) -> list[tuple[str, date, str | None, str | None]]:
    """Our own hand-labelled mentions in the style of current news (tests/fixtures/actors)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(("#", "text\t")):
            continue
        text, day, expected = line.split("\t")
        if expected == "-":
            rows.append((text, date.fromisoformat(day), None, None))
        else:
            code, _, sector = expected.partition(" ")
            rows.append((text, date.fromisoformat(day), code, sector or None))
    return rows


def score_news(path: Path, show_errors: bool) -> dict[str, float]:
    from newsgrasp.understand.actors import resolve_actor

    rows = news_set(path)
    hits = full = base_hits = 0
    errors = []
    for text, day, code, sector in rows:
        actor = resolve_actor(text, day)
        ours = (None, None) if actor is None else (
            (actor.country, actor.sector) if actor.country else
            (actor.sector, None) if actor.sector in NON_COUNTRY else (None, None))
        hits += ours[0] == code
        full += ours == (code, sector)
        base_hits += baseline_code(text) == code
        if ours != (code, sector):
            errors.append(f"  {text!r:50} {code} {sector or '-':4} | {ours[0]} {ours[1]}")
    figures = {"news_code_ours": hits / len(rows), "news_code_base": base_hits / len(rows),
               "news_full_ours": full / len(rows)}
    print(f"\nown news-style set ({path.name}, labelled by hand, {len(rows)} mentions, with dates):")
    print(f"{'':34}{'newsgrasp':>12}{'baseline':>12}")
    print(f"{'code accuracy (ISO3/IGO/NGO/IMG)':34}{figures['news_code_ours']:12.3f}{figures['news_code_base']:12.3f}")
    print(f"{'code + sector accuracy':34}{figures['news_full_ours']:12.3f}{'-':>12}")
    if show_errors:
        print("errors (text | expected | ours):")
        print("\n".join(errors))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--news", type=Path, default=NEWS)
    parser.add_argument("--errors", action="store_true", help="list every mis-coded actor")
    args = parser.parse_args(argv)
    if args.data.exists():
        score(args.data, args.errors)
    else:
        print(f"PLOVER GSR skipped: {args.data} is absent (../shared sits beside the repository)")
    score_news(args.news, args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
