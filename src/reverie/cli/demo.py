"""``reverie demo``: build, analyse and report the fictional demo case in a folder of its own."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reverie.cli.common import KeyOpt, WorkspaceOpt, err, out


def demo(workspace: WorkspaceOpt = None, no_serve: Annotated[bool, typer.Option("--no-serve", help="Build and report only.")] = False,
         key_file: KeyOpt = None) -> None:
    """Build a fresh demo workspace (default ./reverie-demo) from the fictional demo case, analyse it and report it.

    Only a folder the demo built is rebuilt; a folder holding any other workspace is refused.
    """
    from reverie.demo.build import DEFAULT_FOLDER, build_demo
    result = build_demo(workspace or Path(DEFAULT_FOLDER), key_file=key_file,
                        progress=lambda msg: err.print(msg, style="dim"))
    out.print(result["summary"])
    out.print(f"Case report: {result['report']}")
    if not no_serve:
        err.print("The web workspace is not built yet: nothing to serve. The report above is the demo's main view.")
