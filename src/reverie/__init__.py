"""Reverie: a workbench for psychodynamic psychotherapy.

``reverie.open(path)`` opens a workspace (see ``reverie.workspace``); importing ``reverie`` itself loads nothing
else, so the command line and scripts that need only a part stay quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reverie.workspace import Workspace

__version__ = "0.1.0"


def open(workspace: Any = None, **options: Any) -> Workspace:  # noqa: A001
    """Open an existing workspace as a user: ``reverie.open("~/therapy", user="ruth")`` (see ``reverie.workspace.open``)."""
    from reverie.workspace import open as open_workspace
    return open_workspace(workspace, **options)


__all__ = ["__version__", "open"]
