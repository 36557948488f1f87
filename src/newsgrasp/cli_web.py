"""CLI commands of the web stage, registered on :data:`newsgrasp.cli.cli`.

Imported at the end of ``newsgrasp.cli`` so the shared option decorators exist.
"""

from __future__ import annotations

import ipaddress

import click

from .cli import _open, cli, db_option, err


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback exposes your store to the network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--token", envvar="NEWSGRASP_TOKEN", metavar="TOKEN",
              help="Allow writes (add feeds, ingest URLs) with 'Authorization: Bearer TOKEN' "
                   "(env NEWSGRASP_TOKEN). Without it the server is read-only.")
@click.option("--allow-private-feeds", is_flag=True,
              help="Let API clients add feeds and ingest URLs on private, loopback and link-local addresses.")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]),
              default="info", show_default=True, help="How much the server logs (each request at info).")
def serve(db: str | None, host: str, port: int, token: str | None, allow_private_feeds: bool,
          log_level: str) -> None:
    """Serve the desk (web UI and JSON API under /api/v1/) over your store."""
    import uvicorn

    from .web import create_app

    if token is not None and len(token.strip()) < 8:
        raise click.BadParameter("use a token of at least 8 characters", param_hint="--token")
    if not _is_loopback(host):
        err.print(f"[yellow]warning:[/] listening on {host}: anyone who can reach this address can read "
                  "your store" + ("" if token else " (writes stay off: no token)"))
    with _open(db) as store:
        app = create_app(store, token=token.strip() if token else None, allow_private_feeds=allow_private_feeds)
        mode = "writes allowed with the token" if token else "read-only (no token)"
        err.print(f"newsgrasp desk on http://{host}:{port}/ — {mode}; Ctrl-C stops")
        uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False,
                    proxy_headers=False)
