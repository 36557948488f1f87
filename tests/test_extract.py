"""Extraction: dispatch, HTML metadata, charsets, failures, the seed article."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsgrasp.extract import (
    ExtractionError,
    decode_html,
    detect_language,
    extract_document,
    extract_html,
    main_text,
    parse_text_article,
)
from newsgrasp.records import Article, Document, Hints

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
SEED = Path(__file__).resolve().parents[2] / "shared" / "data" / "seed" / "article.txt"

PARAGRAPHS = [
    "The city council voted on Tuesday to extend the night bus network to the eastern suburbs, after a "
    "two-year campaign by residents who said they had no way to get home from late shifts.",
    "Under the plan, four new routes will run every half hour between midnight and five in the morning, "
    "connecting the hospital, the airport and the industrial estates with the central station.",
    "The transport authority said the service would cost about three million a year and would be paid for "
    "by a small increase in the price of monthly passes, which has not yet been set.",
    "Opposition councillors supported the extension but questioned whether enough drivers could be found, "
    "given that the operator already cancels dozens of daytime services each week.",
]


def page(body: str, head: str = "", lang: str | None = None) -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    return f"<!DOCTYPE html><html{lang_attr}><head>{head}</head><body>{body}</body></html>"


def article_html(paragraphs: list[str] = PARAGRAPHS, head: str = "", lang: str | None = None) -> str:
    body = "<article><h1>Night buses reach the suburbs</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs)
    return page(body + "</article>", head, lang)


# --- the seed article ----------------------------------------------------------------------------


def _check_seed(article: Article) -> None:
    assert article.title == "Trump, Putin discuss trade sanctions, security issues"
    assert article.source == "Japan Today"
    assert article.via == "NewsHub"
    assert article.dateline == "WASHINGTON"
    assert article.text.startswith("Will President Donald Trump usher in")
    # The file's last paragraph ends "...in eastern Ukraine, drawing widespread
    # condemnation in Europe and the United States." before the residue.
    assert article.text.endswith("condemnation in Europe and the United States.")
    assert "in eastern Ukraine" in article.text
    for residue in ("Continue reading", "SHARE", "Home GRASP", "‹", "NewsHub", "324"):
        assert residue not in article.text
    assert article.language == "en"


@pytest.fixture()
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"{SEED} absent (../shared ships beside the repository)")
    return SEED.read_text(encoding="utf-8")


def test_seed_parse_text_article(seed_text: str) -> None:
    _check_seed(parse_text_article(seed_text))


def test_seed_through_extract_document(seed_text: str) -> None:
    doc = Document(url="file:///seed/article.txt", body=seed_text.encode(), origin="file",
                   content_type="text/plain")
    article = extract_document(doc)
    _check_seed(article)
    assert article.url == "file:///seed/article.txt"
    assert article.origin == "file"
    assert article.raw_html is None


def test_seed_as_jsonl_hints(seed_text: str) -> None:
    when = datetime(2017, 1, 28, 22, 0, tzinfo=UTC)
    doc = Document(url=None, body=b"", origin="jsonl", hints=Hints(text=seed_text, published=when))
    article = extract_document(doc)
    _check_seed(article)
    assert article.published == when


# --- the HTML path -------------------------------------------------------------------------------


def test_html_with_jsonld_and_og() -> None:
    html = (FIXTURES / "article_jsonld.html").read_bytes()
    a = extract_html(html, "https://news.example.org/2021/03/harbour-bridge-reopens?utm_source=feed")
    assert a.title == "Harbour bridge reopens after two-year repair"
    assert a.url == "https://news.example.org/2021/03/harbour-bridge-reopens"  # canonical beats og:url
    assert a.published == datetime(2021, 3, 14, 7, 30, tzinfo=UTC)
    assert a.published is not None and a.published.tzinfo is not None
    assert a.authors == ["Maria Ortega", "Tom Becker"]
    assert a.source == "The Daily Example"
    assert a.language == "en"
    assert a.image == "https://news.example.org/images/bridge.jpg"
    assert a.description and a.description.startswith("The city's oldest crossing")
    assert a.text.startswith("The harbour bridge reopened")
    assert a.text.endswith("at its next meeting in April, officials said.")
    for boilerplate in ("Privacy policy", "Ferry timetable", "All rights reserved", "Sport"):
        assert boilerplate not in a.text
    assert a.extractor in {"trafilatura", "readability", "trafilatura+readability"}


def test_html_meta_author_date_og_url_and_title_suffix_source() -> None:
    a = extract_html((FIXTURES / "article_meta.html").read_bytes(), "https://wire.example.com/feed-link")
    assert a.title == "Rail strike called off after late-night deal"
    # The canonical link is relative, so the absolute og:url wins.
    assert a.url == "https://wire.example.com/rail-strike-called-off"
    assert a.authors == ["Sam Okafor"]
    assert a.published == datetime(2022, 11, 2, 21, 15, tzinfo=UTC)
    assert a.source == "Example Wire"  # from the <title> suffix, nothing better on the page
    assert a.description == "Unions and operators agree on pay."


def test_url_falls_back_to_document_url() -> None:
    a = extract_html(article_html(head='<link rel="canonical" href="ftp://x.example/a">'), "https://a.example/n")
    assert a.url == "https://a.example/n"


def test_extract_document_html_dispatch_and_hints() -> None:
    when = datetime(2023, 5, 1, 9, 0, tzinfo=UTC)
    fetched = datetime(2023, 5, 1, 10, 0, tzinfo=UTC)
    body = article_html().encode()
    doc = Document(url="https://a.example/night-buses", body=body, origin="feed:test",
                   content_type="text/plain",  # wrong type: the content decides
                   fetched_at=fetched, hints=Hints(published=when, source="Example Gazette"))
    a = extract_document(doc, keep_html=True)
    assert a.text.startswith("The city council voted on Tuesday")
    assert a.published == when
    assert a.source == "Example Gazette"
    assert a.fetched_at == fetched
    assert a.origin == "feed:test"
    assert a.url == "https://a.example/night-buses"
    assert a.raw_html == body
    assert extract_document(doc).raw_html is None


def test_plain_text_served_as_html_is_parsed_as_text() -> None:
    text = "Night buses reach the suburbs\n\n" + "\n".join(PARAGRAPHS)
    a = extract_document(Document(url=None, body=text.encode(), origin="t", content_type="text/html"))
    assert a.title == "Night buses reach the suburbs"
    assert a.text.startswith("The city council voted")
    assert a.extractor == "text"


def test_malformed_html_still_extracts() -> None:
    broken = ("<html><head><title>Night buses</title><body><div><div class=story></em><p>"
              + "<p>".join(PARAGRAPHS) + "</span></div></td></table><p>unclosed <b>bold <i>x</b>")
    a = extract_html(broken)
    assert "night bus network" in a.text
    assert "three million a year" in a.text


def test_main_text_returns_body_only() -> None:
    text = main_text(article_html())
    assert "night bus network" in text
    assert main_text("") == ""
    assert main_text("<html><body></body></html>") == ""


# --- failures ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"", b"   \n\t  "])
def test_empty_page(body: bytes) -> None:
    with pytest.raises(ExtractionError) as err:
        extract_document(Document(url="https://a.example/", body=body, origin="t"))
    assert err.value.reason == "empty page"


def test_binary_bytes() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    with pytest.raises(ExtractionError) as err:
        extract_document(Document(url="https://a.example/x", body=png, origin="t", content_type="text/html"))
    assert err.value.reason == "binary content"
    with pytest.raises(ExtractionError) as err:
        extract_document(Document(url="https://a.example/x", body=png, origin="t", content_type="image/png"))
    assert err.value.reason == "unsupported content type"
    assert "image/png" in err.value.detail
    with pytest.raises(ExtractionError) as err:
        extract_html(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    assert err.value.reason == "binary content"


def test_page_without_article() -> None:
    with pytest.raises(ExtractionError) as err:
        extract_html((FIXTURES / "no_article.html").read_text())
    assert err.value.reason == "no article text"
    assert err.value.detail


def test_garbage_markup_has_no_article() -> None:
    with pytest.raises(ExtractionError) as err:
        extract_document(Document(url=None, body=b"<<<>>><div></p></div>", origin="t"))
    assert err.value.reason == "no article text"


def test_extraction_error_attributes() -> None:
    err = ExtractionError("empty page", "0 bytes")
    assert (err.reason, err.detail) == ("empty page", "0 bytes")
    assert "empty page" in str(err)


# --- charsets ----------------------------------------------------------------------------------------


def test_utf8_page_declaring_latin1() -> None:
    html = '<html><head><meta charset="iso-8859-1"></head><body><p>Café “Zürich” — naïve</p></body></html>'
    assert "Café “Zürich” — naïve" in decode_html(html.encode("utf-8"))
    assert "Café “Zürich” — naïve" in decode_html(html.encode("utf-8"), declared="ISO-8859-1")


def test_real_cp1252_page() -> None:
    html = '<html><head><meta charset="windows-1252"></head><body><p>“Quoted” café – 5 €</p></body></html>'
    assert "“Quoted” café – 5 €" in decode_html(html.encode("cp1252"))
    # A page that says latin-1 but uses cp1252's curly quotes (the WHATWG rule).
    latin = html.replace("windows-1252", "iso-8859-1").encode("cp1252")
    assert "“Quoted” café – 5 €" in decode_html(latin)


def test_http_equiv_declaration() -> None:
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-2">'
            "</head><body><p>Zażółć gęślą jaźń, Łódź</p></body></html>")
    assert "Zażółć gęślą jaźń, Łódź" in decode_html(html.encode("iso-8859-2"))


def test_http_declared_charset_wins_over_guessing() -> None:
    text = "Москва - столица России, крупнейший город страны."
    html = f"<html><body><p>{text}</p></body></html>".encode("koi8-r")
    assert text in decode_html(html, declared="koi8-r")


def test_charset_normalizer_fallback_without_declaration() -> None:
    text = "Le gouvernement français a présenté mercredi un projet de réforme des retraites très contesté."
    html = f"<html><body><p>{text}</p></body></html>".encode("cp1252")
    assert "français a présenté" in decode_html(html)


def test_extract_html_bytes_with_http_charset() -> None:
    paragraphs = [p.replace("council", "cōuncil") for p in PARAGRAPHS]
    body = article_html(paragraphs, head='<meta charset="iso-8859-1">').encode("utf-8")
    assert "cōuncil" in extract_html(body, charset="iso-8859-1").text


# --- language ----------------------------------------------------------------------------------------


def test_detect_language() -> None:
    assert detect_language(" ".join(PARAGRAPHS)) == "en"
    assert detect_language("Die Bundesregierung hat am Mittwoch einen Gesetzentwurf zur Reform der "
                           "Rente vorgelegt, der von den Gewerkschaften scharf kritisiert wird.") == "de"
    assert detect_language("") is None
    assert detect_language("OK 123") is None


def test_language_from_page_when_text_too_short() -> None:
    a = parse_text_article("Titre\n\nBonjour.", Hints(language="fr"))
    assert a.language == "fr"


def test_language_of_html_article() -> None:
    german = [
        "Der Stadtrat hat am Dienstag beschlossen, das Nachtbusnetz bis in die östlichen Vororte zu "
        "verlängern, nachdem Anwohner zwei Jahre lang dafür gekämpft hatten.",
        "Nach dem Plan sollen vier neue Linien zwischen Mitternacht und fünf Uhr morgens alle halbe Stunde "
        "fahren und das Krankenhaus, den Flughafen und die Gewerbegebiete mit dem Hauptbahnhof verbinden.",
        "Die Verkehrsbehörde teilte mit, der Betrieb werde etwa drei Millionen im Jahr kosten und durch eine "
        "kleine Erhöhung der Monatskarten finanziert.",
    ]
    assert extract_html(article_html(german, lang="en")).language == "de"


def test_published_timezone_from_jsonld_offset() -> None:
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": '
            '"2020-02-03T10:00:00-05:00", "author": {"@type": "Person", "name": "Lee Chan"}, '
            '"publisher": {"@type": "Organization", "name": "Example Post"}}</script>')
    a = extract_html(article_html(head=head))
    assert a.published == datetime(2020, 2, 3, 10, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert a.authors == ["Lee Chan"]
    assert a.source == "Example Post"


def test_index_page_is_not_an_article():
    items = "".join(
        f"<li><a href='/news/{i}'>Council approves new plan number {i} for the harbour district</a> 2017-02-{i:02d}</li>"
        for i in range(1, 20))
    page = f"<html><head><title>Latest news</title></head><body><main><h1>Latest</h1><ul>{items}</ul></main></body></html>"
    with pytest.raises(ExtractionError) as info:
        extract_html(page)
    assert info.value.reason == "not an article"


def test_article_with_inline_links_is_an_article():
    para = ("The <a href='/council'>city council</a> voted late on Tuesday to extend the harbour ferry "
            "service through the winter months, after residents on the northern islands said the "
            "timetable left them without a way to reach the mainland hospital in the evenings. ")
    page = (f"<html><head><title>Ferry service extended</title></head><body><article><h1>Ferry service "
            f"extended</h1>{''.join(f'<p>{para} Point {i}.</p>' for i in range(5))}</article></body></html>")
    assert "harbour ferry" in extract_html(page).text


def test_aggregator_page_names_the_original_publisher():
    para = ("Foreign ministers met in Vienna on Tuesday to discuss monitoring of the ceasefire, and "
            "agreed that inspectors from neutral states would report every two weeks on both armies. ")
    page = ("<html><head><title>Ministers agree ceasefire checks ‹ Harbour Times | Digest Hub</title>"
            "<meta property='og:site_name' content='Digest Hub'></head><body><article>"
            "<h1>Ministers agree ceasefire checks</h1><p>Digest HubVIENNA — " + para + "</p>"
            + "".join(f"<p>{para} Detail {i}.</p>" for i in range(4)) + "</article></body></html>")
    article = extract_html(page)
    assert (article.source, article.via, article.dateline) == ("Harbour Times", "Digest Hub", "VIENNA")
    assert article.title == "Ministers agree ceasefire checks"
