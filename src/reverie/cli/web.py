"""``reverie serve``: the web workspace and the client portal, served locally."""

from __future__ import annotations

from typing import Annotated

import typer

from reverie.cli.common import DbOpt, HostOpt, KeyOpt, PortOpt, WorkspaceOpt, err


def serve(host: HostOpt = "127.0.0.1", port: PortOpt = 8765,
          secure_cookies: Annotated[bool, typer.Option("--secure-cookies", help="Mark cookies Secure (behind HTTPS).")] = False,
          workspace: WorkspaceOpt = None, db: DbOpt = None, key_file: KeyOpt = None) -> None:
    """Serve the web workspace and the client portal (http://127.0.0.1:8765 by default).

    People log in on the page (no --user: the web app authenticates each request itself).
    """
    from reverie.web.serve import serve as run_server
    run_server(workspace, db, key_file, host, port, secure_cookies, say=lambda m: err.print(m))
