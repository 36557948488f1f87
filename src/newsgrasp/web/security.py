"""What keeps the desk safe to open: headers, link hygiene, write tokens, and the SSRF guard.

Everything shown comes from pages on the open web, so it is hostile by default:
templates autoescape, only http(s) URLs ever become links, and the
Content-Security-Policy forbids inline script so an escaping slip still runs
nothing.  Writes need a bearer token; without one configured the server is
read-only.  URLs a client asks us to fetch must not reach the operator's own
network (SSRF) unless the operator says so.
"""

from __future__ import annotations

import hmac
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import httpx
from fastapi import HTTPException, Request
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import Response

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Article URLs can carry tracking tokens; do not leak the desk's URLs to outlets.
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeaders(BaseHTTPMiddleware):
    """Adds :data:`SECURITY_HEADERS` to every response, errors included."""

    async def dispatch(self, request: Request,
                       call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def safe_url(value: object) -> str | None:
    """``value`` when it is an absolute http(s) URL with a host, else None.

    ``javascript:``, ``data:``, protocol-relative and control-character tricks
    all fall out here, so a template can make a link only from what this returns.
    """
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or any(ord(ch) < 0x20 or ch in "\x7f<>\"'` " for ch in url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return url


# -- write tokens -----------------------------------------------------------------

def require_token(request: Request) -> None:
    """FastAPI dependency: the request carries the configured bearer token.

    403 when the server has no token (read-only), 401 when the token is missing
    or wrong.  The comparison takes constant time.
    """
    token: str | None = request.app.state.token
    if not token:
        raise HTTPException(403, "this server is read-only: start it with --token or NEWSGRASP_TOKEN "
                                 "to allow writes")
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise HTTPException(401, "send the write token as 'Authorization: Bearer <token>'",
                            headers={"WWW-Authenticate": "Bearer"})
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise HTTPException(401, "wrong token", headers={"WWW-Authenticate": "Bearer"})


# -- SSRF ---------------------------------------------------------------------------

class UnsafeURL(ValueError):
    """A URL the server refuses to fetch on a client's behalf."""


def _address_problem(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    for flag in ("is_loopback", "is_private", "is_link_local", "is_reserved", "is_multicast",
                 "is_unspecified"):
        if getattr(addr, flag):
            return flag.removeprefix("is_").replace("_", "-")
    if not addr.is_global:
        return "not globally routable"
    return None


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (an IP literal resolves to itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeURL(f"cannot resolve host {host!r}: {exc}") from None
    return sorted({str(info[4][0]).split("%", 1)[0] for info in infos})


def check_public_url(url: str, *, allow_private: bool = False) -> str:
    """``url`` if it is http(s) and its host resolves only to public addresses.

    Raises :class:`UnsafeURL` naming the problem.  Every resolved address must be
    public: a name that resolves to one public and one private address is refused.
    """
    checked = safe_url(url)
    if checked is None:
        raise UnsafeURL(f"not an absolute http(s) URL: {url!r}")
    if allow_private:
        return checked
    parts = urlsplit(checked)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise UnsafeURL(f"bad port in {url!r}") from None
    for text in resolve(host, port):
        problem = _address_problem(ipaddress.ip_address(text))
        if problem:
            raise UnsafeURL(f"{host} resolves to {text}, a {problem} address; the server does not fetch "
                            "its own network for clients (start it with --allow-private-feeds to allow)")
    return checked


class PublicOnlyTransport(httpx.HTTPTransport):
    """An httpx transport that re-checks every request, redirects included.

    The check before queueing a job is not enough: a public feed can redirect
    to http://127.0.0.1/admin, and every hop passes through here.
    """

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            check_public_url(str(request.url))
        except UnsafeURL as exc:
            raise httpx.ConnectError(str(exc), request=request) from None
        return super().handle_request(request)
