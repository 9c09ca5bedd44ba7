"""The Python API: ``reverie.open(path)`` (or ``reverie.workspace.open``) gives a ``Workspace`` that wires ingest,
store, analysis, measures, safety and reports.

The CLI and the web app are thin faces over this package; nothing below it imports it. Every call acts as one user
and goes through the scoped, audited, encrypting store. One module per concern: ``opening`` (open, init, keys),
``core`` (the ``Workspace`` class, which binds the concern modules' functions as its methods), ``records``,
``analysis``, ``care``, ``safety``, ``exchange``, ``governance``, ``rooms``, and ``files`` (the rooms over a file,
nothing stored).
"""

from reverie.analysis.base import TextUnit, select_analyzers
from reverie.workspace.analysis import analyze_file
from reverie.workspace.core import Workspace
from reverie.workspace.opening import init, open  # noqa: A004

__all__ = ["TextUnit", "Workspace", "analyze_file", "init", "open", "select_analyzers"]
