"""``reverie demo``: build, analyse and report the fictional demo case in a folder of its own, then serve it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from reverie.cli.common import HostOpt, KeyOpt, PortOpt, WorkspaceOpt, err, out


def demo(workspace: WorkspaceOpt = None, no_serve: Annotated[bool, typer.Option("--no-serve", help="Build and report only.")] = False,
         key_file: KeyOpt = None,
         password: Annotated[Optional[str], typer.Option("--password", help="Password of both demo accounts "
                                                                            "(default: generated and printed once).")] = None,
         host: HostOpt = "127.0.0.1", port: PortOpt = 8765) -> None:
    """Build a fresh demo workspace (default ./reverie-demo) from the fictional demo case, analyse it, report it and
    serve it with two web accounts (therapist@demo.local, client@demo.local).

    Only a folder the demo built is rebuilt; a folder holding any other workspace is refused.
    """
    from reverie.demo.build import DEFAULT_FOLDER, build_demo
    folder = workspace or Path(DEFAULT_FOLDER)
    result = build_demo(folder, key_file=key_file, progress=lambda msg: err.print(msg, style="dim"), password=password)
    out.print(result["summary"])
    out.print(f"Case report: {result['report']}")
    if accounts := result.get("accounts"):
        out.print(f"Web accounts: {accounts['therapist']} (therapist) and {accounts['client']} (client), "
                  f"password: {accounts['password']}")
    if not no_serve:
        from reverie.web.serve import serve as run_server
        run_server(folder, None, key_file, host, port, say=lambda m: err.print(m))
