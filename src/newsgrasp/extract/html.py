"""HTML pages: main text by two extractors that check each other, plus metadata.

Decision rule (measured on the ScrapingHub set, see benchmarks/bench_extraction.py):
trafilatura in fast mode (its own algorithm, no internal fallbacks) and
readability-lxml each propose a body.  Their disagreements have two common,
recognisable shapes:

* readability's body is almost entirely contained in trafilatura's, and clearly
  shorter: trafilatura kept boilerplate around the article (related links,
  captions, teasers), so readability's tighter body wins;
* trafilatura's body is almost entirely contained in readability's, and
  readability's is at least twice as long: trafilatura stopped early (a body
  split over several containers), so readability's fuller body wins.

Otherwise trafilatura's body stands.  Containment is measured on word 4-grams,
which ignores whitespace and layout differences between the two outputs.

Figures on the 181 pages (F1): trafilatura fast alone .962, default .960,
favor_precision .964, readability-lxml .954; this rule .974 (the rule fires on
12 pages).  Neighbouring thresholds (subset .90-.95, shrink .75-.85, grow
1.5-2.5) all land between .969 and .974, so the gain is not one lucky cut-off.
Fast mode is used because the rule replaces what trafilatura's default mode
does internally (compare with its own readability port, then justext), which
scores lower here and costs as much as running readability-lxml itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import lxml.etree as etree
import lxml.html
import trafilatura
from readability import Document as _ReadabilityDocument
from readability.htmls import build_doc
from readability.readability import REGEXES

from newsgrasp.records import Article

from .charset import decode_html
from .clean import clean_body, strip_title_source
from .errors import ExtractionError
from .language import detect_language, normalize_language
from .sniff import looks_binary

# Containment above which one body counts as a subset of the other.
SUBSET = 0.95
# readability wins a subset case when it is at most this share of trafilatura's length...
SHRINK = 0.8
# ...or at least this multiple of it.
GROW = 2.0
# Below this, what is left is a caption or a cookie notice, not an article.
MIN_ARTICLE_CHARS = 100

_WORD = re.compile(r"\w+", re.UNICODE)
_BLOCK_TAGS = frozenset([
    "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "blockquote", "pre",
    "section", "article", "ul", "ol", "dl", "dt", "dd", "table", "figure", "figcaption", "header",
    "footer", "main", "aside", "hr",
])


# Subtrees that are never article text.  They are dropped once, right after
# parsing, so neither extractor walks them: trafilatura removes them itself
# anyway, and readability picks the same body without them, ~10% faster
# overall.  <form> is deliberately absent (ASP.NET pages wrap the whole page in
# one) and JSON-LD scripts stay for metadata and trafilatura's rescue path.
_NEVER_CONTENT = ("style", "noscript", "nav", "footer", "aside", "svg", "select", "button", "iframe",
                  "template", "canvas", "video", "audio", "object", "embed")


def _prepare(html: str) -> Any:
    """Parse once for both extractors and drop what can never be article text."""
    try:
        tree = trafilatura.load_html(html)
    except Exception:  # lxml refuses some pathological inputs outright
        return None
    if tree is None:
        return None
    for script in [s for s in tree.iter("script") if (s.get("type") or "").lower() != "application/ld+json"]:
        script.drop_tree()
    etree.strip_elements(tree, *_NEVER_CONTENT, with_tail=False)
    return tree


class _Readability(_ReadabilityDocument):
    """readability-lxml on an already parsed tree, without rendering-only work.

    Its stock parse runs lxml_html_clean (rewriting every javascript: link) and
    makes every link absolute; for text neither changes a word, and together they
    cost about 40% of its time.  It works on the caller's tree in place (the
    caller is done with it) and re-parses ``html`` only if it retries, because
    the first pass has already mutated the tree.
    """

    def __init__(self, tree: Any, html: str) -> None:
        super().__init__(tree)
        self._source_html = html
        self._tree_used = False

    def _parse(self, input: Any) -> Any:
        if self._tree_used:
            doc, self.encoding = build_doc(self._source_html)
        else:
            doc, self.encoding, self._tree_used = input, "utf-8", True
        for elem in doc.xpath("//*[@hidden]"):
            elem.drop_tree()
        for elem in doc.xpath("//*[@style]"):
            if REGEXES["displayNoneRe"].search(elem.get("style")):
                elem.drop_tree()
        etree.strip_elements(doc, "script", "link", etree.Comment, etree.ProcessingInstruction,
                             *_NEVER_CONTENT, with_tail=False)
        return doc


def tree_text(element: Any) -> str:
    """Visible text of an element, one line per block element."""
    parts: list[str] = []

    def walk(el: Any) -> None:
        if not isinstance(el.tag, str):  # comments, processing instructions
            if el.tail:
                parts.append(el.tail)
            return
        block = el.tag in _BLOCK_TAGS
        if block:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
        if block:
            parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    walk(element)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def readability_text(tree: Any, html: str) -> str:
    """readability-lxml's article body as text ("" when it finds nothing).

    ``tree`` is the parsed ``html``; it is consumed (mutated) in the process.
    """
    try:
        summary = _Readability(tree, html).summary(html_partial=True)
        return tree_text(lxml.html.fromstring(summary)) if summary.strip() else ""
    except Exception:  # readability raises bare Unparseable / lxml errors on junk input
        return ""


def _shingles(text: str) -> set[int]:
    """Hashed word 4-grams; a set is enough to tell whether one body holds the other."""
    words = _WORD.findall(text.casefold())
    if len(words) < 4:
        return {hash(tuple(words))} if words else set()
    return {hash((words[i], words[i + 1], words[i + 2], words[i + 3])) for i in range(len(words) - 3)}


def containment(part: str, whole: str) -> float:
    """Share of ``part``'s distinct word 4-grams that also occur in ``whole``."""
    a = _shingles(part)
    return len(a & _shingles(whole)) / len(a) if a else 0.0


def choose_body(traf: str, read: str, *, label_agreement: bool = False) -> tuple[str, str]:
    """Pick between trafilatura's and readability's bodies; returns (text, extractor).

    Containment is only computed when the lengths already say a rule could
    apply, which keeps the check off the common path.  With
    ``label_agreement`` the winner is labelled "trafilatura+readability" when
    both bodies are essentially the same text.
    """
    if not traf.strip():
        return (read, "readability") if read.strip() else ("", "")
    if not read.strip():
        return traf, "trafilatura"
    lt, lr = len(traf), len(read)
    # Each body's shingles are computed at most once, and only when a rule needs them.
    cache: dict[str, set[int]] = {}

    def inside(part: str, whole: str) -> float:
        a = cache.setdefault(part, _shingles(part))
        b = cache.setdefault(whole, _shingles(whole))
        return len(a & b) / len(a) if a else 0.0

    if lr <= SHRINK * lt and inside(read, traf) >= SUBSET:
        return read, "readability"
    if lr >= GROW * lt and inside(traf, read) >= SUBSET:
        return read, "readability"
    if (label_agreement and SHRINK * lt < lr < lt / SHRINK
            and inside(traf, read) >= SUBSET and inside(read, traf) >= SUBSET):
        return traf, "trafilatura+readability"
    return traf, "trafilatura"


def _trafilatura(html: Any, url: str | None, *, with_metadata: bool) -> Any:
    try:
        return trafilatura.bare_extraction(
            html, url=url, fast=True, include_comments=False, include_tables=True,
            with_metadata=with_metadata,
        )
    except Exception:  # trafilatura lets lxml/htmldate errors through on broken pages
        return None


def main_text(html: str, url: str | None = None) -> str:
    """The article body of an HTML page as text, nothing else ("" when there is none)."""
    if not html or not html.strip():
        return ""
    tree = _prepare(html)
    if tree is None:
        return ""
    doc = _trafilatura(tree, url, with_metadata=False)  # works on its own copy of the tree
    traf = (doc.text or "") if doc is not None else ""
    text, _ = choose_body(traf, readability_text(tree, html))
    return clean_body(text, datelines=False).text


# --- metadata ---------------------------------------------------------------------

_ARTICLE_TYPES = {"newsarticle", "article", "reportagenews", "blogposting", "analysisnewsarticle",
                  "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "liveblogposting",
                  "socialmediaposting", "webpage", "report"}
_DATE_META = ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
              "publish-date", "publication_date", "date", "dc.date", "dc.date.issued", "dcterms.created",
              "sailthru.date", "parsely-pub-date", "article.published", "og:article:published_time")


def _metas(tree: Any) -> dict[str, str]:
    """First value of every <meta> by property/name/itemprop, keys lower-cased."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        value = meta.get("content")
        if key and value and value.strip():
            found.setdefault(key.strip().lower(), value.strip())
    for el in tree.xpath("//*[@itemprop='datePublished'][@datetime]|//time[@itemprop='datePublished']"):
        found.setdefault("datepublished", (el.get("datetime") or el.text_content() or "").strip())
    return found


def _jsonld_objects(tree: Any) -> Iterator[dict[str, Any]]:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(reversed(graph))


def _jsonld_article(tree: Any) -> dict[str, Any]:
    """The first JSON-LD object typed as an article (or, failing that, a web page)."""
    best: dict[str, Any] = {}
    for obj in _jsonld_objects(tree):
        types = obj.get("@type")
        names = {t.lower() for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)}
        if names & _ARTICLE_TYPES:
            if "webpage" not in names:
                return obj
            best = best or obj
    return best


def _names(value: Any) -> list[str]:
    """Person names from a JSON-LD author/publisher value (string, object or list)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _url_value(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _url_value(value.get("url") or value.get("contentUrl"))
    if isinstance(value, list) and value:
        return _url_value(value[0])
    return None


def parse_datetime(value: str | None) -> datetime | None:
    """ISO 8601 or RFC 2822 date/time; naive values are taken as UTC."""
    if not value:
        return None
    value = value.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            match = re.match(r"\d{4}-\d{2}-\d{2}", value)
            parsed = datetime.fromisoformat(match.group(0)) if match else None
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _clean_author(name: str) -> str | None:
    name = re.sub(r"^\s*by\s+", "", " ".join(name.split()), flags=re.I).strip(" ,;|")
    if not name or "://" in name or len(name) > 80 or "@" in name:
        return None
    return name


def _authors(*sources: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for names in sources:
        for raw in names:
            for part in re.split(r";|\s+and\s+|\s*&\s*|\|", raw):
                name = _clean_author(part)
                if name:
                    seen.setdefault(name.casefold(), name)
        if seen:  # the first source that names anyone is the authority
            break
    return list(seen.values())


def _absolute_http(url: str | None, base: str | None = None) -> str | None:
    if not url:
        return None
    url = url.strip()
    if base and not url.startswith(("http://", "https://")):
        url = urljoin(base, url)
    return url if re.match(r"https?://[^/\s]+", url) else None


MAX_LINK_SHARE = 0.6


def _link_texts(tree: Any) -> list[str]:
    texts = []
    for anchor in tree.iter("a"):
        text = " ".join(anchor.text_content().split())
        if len(text) >= 8:
            texts.append(text)
    return texts


def link_share(text: str, link_texts: list[str]) -> float:
    """Share of the body's characters on lines that are mostly the text of a link.

    Section fronts and index pages are lists of headlines, each a link; articles
    are prose with a few links inside it.
    """
    linked = total = 0
    for raw in text.splitlines():
        line = raw.strip().lstrip("-*•· ").strip()
        if not line:
            continue
        total += len(line)
        if any(len(link) >= 0.6 * len(line) and link in line for link in link_texts):
            linked += len(line)
    return linked / total if total else 0.0


def extract_html(html: str | bytes, url: str | None = None, *, charset: str | None = None) -> Article:
    """Extract an article, its metadata and a clean body from an HTML page.

    Raises :class:`ExtractionError` for empty or binary input and for pages
    where neither extractor finds an article body.
    """
    if isinstance(html, bytes):
        if not html.strip():
            raise ExtractionError("empty page", "no bytes")
        if looks_binary(html):
            raise ExtractionError("binary content", f"starts with {html[:8]!r}")
        html = decode_html(html, charset)
    if not html.strip():
        raise ExtractionError("empty page", "only whitespace")
    tree = _prepare(html)
    if tree is None:
        raise ExtractionError("no article text", "unparseable HTML")

    doc = _trafilatura(tree, url, with_metadata=True)  # works on its own copy of the tree
    links = _link_texts(tree)
    metas = _metas(tree)
    ld = _jsonld_article(tree)

    canonical = None
    for link in tree.xpath("//link[@href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            canonical = _absolute_http(link.get("href"))
            break
    page_url = canonical or _absolute_http(metas.get("og:url")) or url
    base = page_url or url

    # trafilatura falls back to the host name for the site name; Article.outlet
    # already does that, and a name from the <title> suffix is better.
    sitename = doc.sitename if doc is not None and doc.sitename and " " in doc.sitename.strip() else None
    source = metas.get("og:site_name") or next(iter(_names(ld.get("publisher"))), None) or sitename
    title_el = tree.find(".//title")
    page_title = " ".join(title_el.text_content().split()) if title_el is not None else ""
    raw_title = ((doc.title if doc is not None else None) or metas.get("og:title") or ld.get("headline")
                 or page_title)
    title, stripped = strip_title_source(str(raw_title), source)
    if not source and page_title:
        stripped = stripped or strip_title_source(page_title)[1]
    source = source or stripped

    published = parse_datetime(ld.get("datePublished") if isinstance(ld.get("datePublished"), str) else None)
    for key in _DATE_META:
        if published is not None:
            break
        published = parse_datetime(metas.get(key))
    if published is None and doc is not None:
        published = parse_datetime(doc.date)

    traf_authors = [doc.author] if doc is not None and doc.author else []
    meta_authors = [metas[k] for k in ("author", "article:author", "byl", "dc.creator", "sailthru.author")
                    if k in metas]
    authors = _authors(_names(ld.get("author")), meta_authors, traf_authors)

    image = (_absolute_http(metas.get("og:image"), base) or _absolute_http(metas.get("twitter:image"), base)
             or _absolute_http(_url_value(ld.get("image")), base)
             or (_absolute_http(doc.image, base) if doc is not None else None))
    description = (metas.get("og:description") or metas.get("description")
                   or (doc.description if doc is not None else None))

    page_lang = normalize_language(tree.get("lang") or metas.get("og:locale") or metas.get("content-language"))

    # Last: readability consumes the tree.
    traf = (doc.text or "") if doc is not None else ""
    text, extractor = choose_body(traf, readability_text(tree, html), label_agreement=True)
    body = clean_body(text, title)
    if len(body.text) < MIN_ARTICLE_CHARS:
        raise ExtractionError("no article text", f"{len(body.text)} characters of body text")
    if body.via and source and body.via.casefold() == source.casefold():
        # An aggregator's own page: its site name is the aggregator's, and the
        # original publisher is the name glued to the headline (" ‹ Japan Today").
        for candidate in (str(raw_title), page_title):
            _, original = strip_title_source(strip_title_source(candidate, source)[0])
            if original and original.casefold() != source.casefold():
                source = original
                break
    share = link_share(body.text, links)
    if share >= MAX_LINK_SHARE:
        # Section fronts and index pages sit in sitemaps beside articles: a list of
        # headlines is not an article, however much text it has.
        raise ExtractionError("not an article", f"a listing or index page ({share:.0%} of its text is links)")
    return Article(
        title=title,
        text=body.text,
        url=page_url,
        published=published,
        authors=authors,
        source=source or body.agency,
        via=body.via,
        dateline=body.dateline,
        language=detect_language(body.text) or page_lang,
        image=image,
        description=" ".join(description.split()) if description else None,
        extractor=extractor,
    )
