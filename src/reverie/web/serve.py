"""``reverie serve``: the app under uvicorn, on the loopback address unless told otherwise."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve(workspace: Path | None, db: str | None = None, key_file: Path | None = None, host: str = "127.0.0.1",
          port: int = 8765, secure_cookies: bool = False, say: Callable[[str], None] = print) -> None:
    import uvicorn

    from reverie.web.app import create_app
    app = create_app(workspace, db=db, key_file=key_file, secure_cookies=secure_cookies)
    if host not in LOOPBACK and not secure_cookies:
        say(f"Warning: serving on {host} without TLS. Put Reverie behind an HTTPS proxy and pass --secure-cookies.")
    say(f"Reverie is serving {app.state.web.ws.settings.workspace} at http://{host}:{port} (Ctrl+C stops it)")
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
