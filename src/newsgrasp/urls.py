"""URL canonicalisation: one spelling per page, so copies and re-fetches line up.

``courlan`` (trafilatura's URL library) has ``normalize_url``/``clean_url``, but
it is tuned for crawl frontiers rather than identity: its tracker pattern drops
any parameter that merely contains words like ``source``, ``ref``, ``session``
or starts with ``gl`` (``?global=1`` vanishes), it keeps fragments, turns hosts
*into* Unicode instead of IDNA, collapses ``//`` in paths, re-encodes query
spaces as ``+`` and drops blank parameters.  Each of those can merge two
different pages or split one, so the rules here are written out explicitly
with the standard library and ``idna``.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

import idna

__all__ = ["TRACKING_PARAMS", "TRACKING_PREFIXES", "canonicalize_url", "host_of", "is_http_url"]

_DEFAULT_PORTS = {"http": 80, "https": 443}

# Parameters that only say how a reader arrived, never which page they read:
# ad-click ids, mailing-list tags, analytics cookies, social-share tags.
# Compared case-insensitively.
_TRACKING_NAMES = """
    fbclid gclid gclsrc dclid gbraid wbraid msclkid yclid ysclid twclid ttclid li_fat_id
    epik rdt_cid srsltid wickedid irclickid
    mc_cid mc_eid mkt_tok _hsenc _hsmi __hssc __hstc __hsfp hsctatracking vero_id vero_conv
    oly_anon_id oly_enc_id rb_clickid s_cid sc_cid et_rid ss_email_id ss_source ss_campaign_id
    _ga _gl _ke _kx
    igshid igsh ref_src ref_url smid sr_share xtor at_medium at_campaign at_custom1 at_custom2
    at_custom3 at_custom4 ocid ncid cmpid __twitter_impression fb_action_ids fb_action_types
    fb_ref fb_source action_object_map action_type_map action_ref_map wt_mc wt.mc_id trk trkcampaign
"""
TRACKING_PARAMS: frozenset[str] = frozenset(_TRACKING_NAMES.split())
# Whole families of tracking parameters, matched on the lower-cased name.
TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "pk_", "mtm_", "hsa_", "matomo_", "piwik_", "ga_")

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_SUB_DELIMS = "!$&'()*+,;="
# Characters left literal in each component; everything else is percent-encoded.
_PATH_SAFE = frozenset(_UNRESERVED | set(_SUB_DELIMS) | set(":@/"))
# Inside one query key or value '&' and '=' would change the split, so they
# stay encoded; '+' stays as written because servers disagree on its meaning.
_QUERY_SAFE = frozenset((_UNRESERVED | set(_SUB_DELIMS) | set(":@/?")) - set("&="))
_USERINFO_SAFE = frozenset(_UNRESERVED | set(_SUB_DELIMS) | set(":"))

_PCT = re.compile(r"%([0-9A-Fa-f]{2})")
_HOST_ASCII = re.compile(r"^[a-z0-9_\-]+(?:\.[a-z0-9_\-]+)*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def _normalize_pct(component: str, safe: frozenset[str]) -> str:
    """Decode needless escapes, upper-case the rest, encode what must be.

    Escapes of unreserved characters are decoded (RFC 3986 §6.2.2.2); escapes of
    reserved ones (``%2F``, ``%26``) are kept because decoding them changes the
    meaning.  A ``%`` not followed by two hex digits is itself escaped.
    """
    out: list[str] = []
    i = 0
    n = len(component)
    while i < n:
        ch = component[i]
        if ch == "%":
            m = _PCT.match(component, i)
            if m:
                decoded = chr(int(m.group(1), 16))
                out.append(decoded if decoded in _UNRESERVED else "%" + m.group(1).upper())
                i += 3
                continue
            out.append("%25")
        elif ch in safe:
            out.append(ch)
        else:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass")))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4, so ``/a/./b/../c`` and ``/a/c`` are one page."""
    if "." not in path:
        return path
    output: list[str] = []
    segments = path.split("/")
    # A leading "" comes from the leading "/"; it is re-added on join.
    for idx, seg in enumerate(segments):
        last = idx == len(segments) - 1
        if seg == ".":
            if last:
                output.append("")
        elif seg == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(seg)
    result = "/".join(output)
    if path.startswith("/") and not result.startswith("/"):
        result = "/" + result
    return result


def _normalize_host(raw: str, url: str) -> str:
    host = raw
    if "%" in host:
        # Percent-escaped hostnames are legal but rare; decode before checking.
        host = re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), host)
    host = host.rstrip(".") if host.endswith(".") and host != "." else host
    if not host:
        raise ValueError(f"URL has no host: {url!r}")
    if ":" in host:  # IPv6 literal; urlsplit already checked the brackets
        return "[" + host.lower() + "]"
    if host.isascii():
        host = host.lower()
        if not _HOST_ASCII.match(host):
            raise ValueError(f"invalid host {raw!r} in URL {url!r}")
        return host
    try:
        encoded = idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        try:
            # IDNA 2003 accepts some names (e.g. with symbols) that IDNA 2008 rejects.
            encoded = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise ValueError(f"invalid international host {raw!r} in URL {url!r}") from exc
    encoded = encoded.lower()
    if not _HOST_ASCII.match(encoded):
        raise ValueError(f"invalid host {raw!r} in URL {url!r}")
    return encoded


def _is_tracking(name: str) -> bool:
    key = name.lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _normalize_query(query: str) -> str:
    if not query:
        return ""
    pairs: list[tuple[str, str | None]] = []
    for part in query.split("&"):
        if not part:
            continue
        if "=" in part:
            key, value = part.split("=", 1)
            norm_value: str | None = _normalize_pct(value, _QUERY_SAFE)
        else:
            key, norm_value = part, None
        norm_key = _normalize_pct(key, _QUERY_SAFE)
        # Trackers are matched on the decoded name so "utm%5Fsource" goes too.
        decoded_key = _PCT.sub(lambda m: chr(int(m.group(1), 16)), norm_key)
        if _is_tracking(decoded_key):
            continue
        pairs.append((norm_key, norm_value))
    # Sorting on (key, value) keeps repeated keys in a stable order too; a bare
    # "flag" sorts before "flag=" so the two spellings stay distinct.
    pairs.sort(key=lambda kv: (kv[0], kv[1] is not None, kv[1] or ""))
    return "&".join(k if v is None else f"{k}={v}" for k, v in pairs)


def _split_absolute(url: str, base: str | None) -> tuple[str, SplitResult]:
    if not isinstance(url, str):
        raise ValueError(f"URL must be a string, not {type(url).__name__}")
    text = url.strip()
    if base is not None:
        # An empty reference means the base itself (RFC 3986 §5.2.2).
        text = urljoin(base.strip(), text)
    if not text:
        raise ValueError("empty URL")
    if not _SCHEME.match(text):
        raise ValueError(f"not an absolute URL (no scheme): {url!r}")
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise ValueError(f"malformed URL {url!r}: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return scheme, parts


def canonicalize_url(url: str, base: str | None = None) -> str:
    """Return the canonical spelling of an http(s) URL.

    Resolves ``url`` against ``base``, lower-cases scheme and host (IDNA
    encoded), drops default ports, fragments and tracking parameters, sorts the
    remaining query parameters, removes dot segments, turns an empty path into
    ``/`` and normalises percent-encoding (upper-case hex, spaces as ``%20``).
    ``http`` and ``https`` stay distinct.

    Raises ``ValueError`` for relative URLs without a base, non-http(s)
    schemes, missing or invalid hosts and bad ports.
    """
    scheme, parts = _split_absolute(url, base)
    if not parts.netloc:
        raise ValueError(f"URL has no host: {url!r}")
    userinfo = parts.netloc.rpartition("@")[0]
    try:
        port = parts.port
        hostname = parts.hostname
    except ValueError as exc:
        raise ValueError(f"invalid port in URL {url!r}: {exc}") from exc
    if hostname is None:
        raise ValueError(f"URL has no host: {url!r}")
    host = _normalize_host(hostname, url)
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    if userinfo:
        host = _normalize_pct(userinfo, _USERINFO_SAFE) + "@" + host
    path = _remove_dot_segments(_normalize_pct(parts.path, _PATH_SAFE)) or "/"
    if not path.startswith("/"):
        path = "/" + path
    query = _normalize_query(parts.query)
    return urlunsplit((scheme, host, path, query, ""))


def host_of(url: str) -> str:
    """The normalised host of an http(s) URL: lower-case, IDNA, no port.

    Raises ``ValueError`` like :func:`canonicalize_url`.
    """
    _, parts = _split_absolute(url, None)
    try:
        hostname = parts.hostname
    except ValueError as exc:
        raise ValueError(f"malformed URL {url!r}: {exc}") from exc
    if not hostname:
        raise ValueError(f"URL has no host: {url!r}")
    host = _normalize_host(hostname, url)
    return host[1:-1] if host.startswith("[") else host


def is_http_url(s: str) -> bool:
    """True when ``s`` is an absolute http(s) URL that can be canonicalised."""
    if not isinstance(s, str):
        return False
    try:
        canonicalize_url(s)
    except ValueError:
        return False
    return True
