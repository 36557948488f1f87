from __future__ import annotations

import re

import pytest

from newsgrasp.urls import canonicalize_url, host_of, is_http_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # scheme/host case, default ports, empty path
        ("HTTP://Example.COM", "http://example.com/"),
        ("http://example.com:80", "http://example.com/"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:80/a", "https://example.com:80/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),
        ("http://example.com:8080", "http://example.com:8080/"),
        # http and https stay distinct
        ("https://example.com/", "https://example.com/"),
        # fragments go
        ("https://example.com/a#section-2", "https://example.com/a"),
        ("https://example.com/a?x=1#frag?y=2", "https://example.com/a?x=1"),
        # dot segments
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://example.com/../../a", "https://example.com/a"),
        ("https://example.com/a/b/..", "https://example.com/a/"),
        ("https://example.com/a/.", "https://example.com/a/"),
        ("https://example.com/a/%2E%2E/b", "https://example.com/b"),
        # path details that must survive
        ("https://example.com/a//b/", "https://example.com/a//b/"),
        ("https://example.com/a/", "https://example.com/a/"),
        ("https://example.com/a;b=c,d", "https://example.com/a;b=c,d"),
        # percent-encoding: upper-case hex, decode unreserved, keep reserved escapes
        ("https://example.com/%7euser/%e2%82%ac", "https://example.com/~user/%E2%82%AC"),
        ("https://example.com/a%2fb", "https://example.com/a%2Fb"),
        ("https://example.com/%41%42c", "https://example.com/ABc"),
        ("https://example.com/100%", "https://example.com/100%25"),
        ("https://example.com/a b?q=x y", "https://example.com/a%20b?q=x%20y"),
        ("https://example.com/caf\u00e9", "https://example.com/caf%C3%A9"),
        ("https://example.com/?q=a+b", "https://example.com/?q=a+b"),
        ("https://example.com/?q=a%26b&r=%3d", "https://example.com/?q=a%26b&r=%3D"),
        # tracking parameters, any case and spelling, and sorting of the rest
        (
            "https://example.com/story?utm_source=tw&utm_medium=social&id=7&utm_campaign=x",
            "https://example.com/story?id=7",
        ),
        ("https://example.com/?UTM_Source=a&utm_whatever=b&Utm_Content=c", "https://example.com/"),
        ("https://example.com/?utm%5Fsource=a&p=1", "https://example.com/?p=1"),
        (
            "https://example.com/a?fbclid=1&gclid=2&dclid=3&msclkid=4&mc_cid=5&mc_eid=6&igshid=7"
            "&_ga=8&yclid=9&ref_src=twsrc&k=v",
            "https://example.com/a?k=v",
        ),
        ("https://example.com/a?b=2&a=1&c=3", "https://example.com/a?a=1&b=2&c=3"),
        ("https://example.com/a?a=2&a=1", "https://example.com/a?a=1&a=2"),
        ("https://example.com/a?flag&x=", "https://example.com/a?flag&x="),
        ("https://example.com/a?&&x=1&", "https://example.com/a?x=1"),
        ("https://example.com/a?utm_source=x", "https://example.com/a"),
        # params that only look like trackers stay (courlan would drop these)
        (
            "https://example.com/a?source=rss&ref=main&session=3&global=1",
            "https://example.com/a?global=1&ref=main&session=3&source=rss",
        ),
        # hosts: IDNA, trailing dot, IPs
        ("https://B\u00fccher.example/x", "https://xn--bcher-kva.example/x"),
        ("https://xn--bcher-kva.example/x", "https://xn--bcher-kva.example/x"),
        ("http://m\u00fcnchen.de", "http://xn--mnchen-3ya.de/"),
        ("https://example.com./a", "https://example.com/a"),
        ("http://127.0.0.1:8000/x", "http://127.0.0.1:8000/x"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("http://[2001:DB8::1]/", "http://[2001:db8::1]/"),
        ("http://my_host.example.com/", "http://my_host.example.com/"),
        # userinfo is kept (it selects a different resource)
        ("http://user:p%61ss@Example.com/", "http://user:pass@example.com/"),
        # surrounding whitespace
        ("  https://example.com/a \n", "https://example.com/a"),
    ],
)
def test_canonicalize(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected
    # Canonical form is a fixed point.
    assert canonicalize_url(expected) == expected


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("../x?y=1", "https://example.com/a/b/c", "https://example.com/a/x?y=1"),
        ("/abs", "https://example.com/a/b", "https://example.com/abs"),
        ("//cdn.example.com/img", "https://example.com/", "https://cdn.example.com/img"),
        ("?page=2", "https://example.com/list?page=1", "https://example.com/list?page=2"),
        ("#top", "https://example.com/a", "https://example.com/a"),
        ("https://other.org/z", "https://example.com/a", "https://other.org/z"),
        ("", "https://example.com/a?b=1", "https://example.com/a?b=1"),
    ],
)
def test_canonicalize_relative(url: str, base: str, expected: str) -> None:
    assert canonicalize_url(url, base) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/file", "not an http(s) URL"),
        ("mailto:someone@example.com", "not an http(s) URL"),
        ("javascript:alert(1)", "not an http(s) URL"),
        ("file:///etc/passwd", "not an http(s) URL"),
        ("/relative/path", "no scheme"),
        ("example.com/path", "no scheme"),
        ("", "empty URL"),
        ("   ", "empty URL"),
        ("http://", "no host"),
        ("http:///path", "no host"),
        ("http://exa mple.com/", "invalid host"),
        ("http://exa<mple.com/", "invalid host"),
        ("http://example.com:99999/", "invalid port"),
        ("http://example.com:abc/", "invalid port"),
        ("http://[::1/", "malformed URL"),
    ],
)
def test_canonicalize_rejects(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        canonicalize_url(url)


def test_relative_with_non_http_base_rejected() -> None:
    with pytest.raises(ValueError, match="not an http"):
        canonicalize_url("x", "ftp://example.com/")


def test_host_of() -> None:
    assert host_of("https://WWW.Example.com:8443/x?y") == "www.example.com"
    assert host_of("http://B\u00fccher.example/") == "xn--bcher-kva.example"
    assert host_of("http://[::1]:80/") == "::1"
    assert host_of("http://127.0.0.1:5000/") == "127.0.0.1"
    with pytest.raises(ValueError):
        host_of("mailto:a@b.c")
    with pytest.raises(ValueError):
        host_of("/relative")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://example.com", True),
        ("http://127.0.0.1:8000/a?b=c", True),
        ("HTTPS://EXAMPLE.COM/", True),
        ("ftp://example.com", False),
        ("example.com", False),
        ("//example.com/x", False),
        ("http://", False),
        ("http://exa mple.com", False),
        ("", False),
        ("not a url at all", False),
    ],
)
def test_is_http_url(text: str, expected: bool) -> None:
    assert is_http_url(text) is expected


def test_is_http_url_non_string() -> None:
    assert is_http_url(None) is False  # type: ignore[arg-type]
    assert is_http_url(b"https://example.com") is False  # type: ignore[arg-type]
