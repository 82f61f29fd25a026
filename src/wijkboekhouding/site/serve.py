"""Preview a built site on http://127.0.0.1:PORT/ with the standard library's http.server."""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from ..errors import BuildError


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves files only; adds no cookies and no headers beyond the usual ones."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".json": "application/json",
                      ".csv": "text/csv; charset=utf-8", ".js": "text/javascript", ".html": "text/html; charset=utf-8"}

    def end_headers(self):
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format, *args):  # quiet: the CLI prints its own line
        pass


def make_server(site_dir: str | Path, port: int = 8000) -> ThreadingHTTPServer:
    site_dir = Path(site_dir)
    if not (site_dir / "index.html").is_file():
        raise BuildError(f"{site_dir} holds no built site (no index.html); run 'wijkboekhouding build' first")
    handler = functools.partial(SiteHandler, directory=str(site_dir))
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


def serve_site(site_dir: str | Path, port: int = 8000, echo: Callable[[str], None] = print) -> None:
    """Serve ``site_dir`` on 127.0.0.1 until interrupted (Ctrl+C)."""
    server = make_server(site_dir, port)
    echo(f"Serving {site_dir} on http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        echo("Stopped.")
    finally:
        server.server_close()
