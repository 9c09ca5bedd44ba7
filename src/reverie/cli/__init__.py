"""The ``reverie`` command: thin faces over the workspace API, one module per noun, all mounted here.

Each noun module declares its commands (and its sub-command group) and imports only ``cli.common``, where the
consoles, the exit codes and the four workspace options live; this module alone puts them together. A command
parses, calls one library function and prints (rich tables for people, --json for scripts). The exit statuses
are listed in ``EXIT_CODES`` (shown under ``reverie --help``).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from reverie.cli import (admin, analyze, case, consent, corpus, demo, erasure, evaluate, importing, measures, notes,
                         records, safety, web)
from reverie.cli.common import EXIT_CODES, exit_status, set_debug

__all__ = ["app", "main", "run"]

app = typer.Typer(help="Reverie: a workbench for psychodynamic psychotherapy.", epilog=EXIT_CODES, no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)


@app.callback()
def _global_options(debug: Annotated[bool, typer.Option("--debug", help="Show the Python trace of an unexpected error (for a bug report).")] = False) -> None:
    set_debug(debug)


# The order here is the order of `reverie --help`: single commands first, then the groups.
for command in (records.init, records.clients, records.sessions, records.entries, records.export, demo.demo, web.serve,
                analyze.analyze, case.patterns, case.themes, case.progress, case.report, case.dreams,
                erasure.erase, erasure.hold, admin.backup, admin.restore):
    app.command()(command)
for group, name in ((importing.import_app, "import"), (records.show_app, "show"), (analyze.analyzers_app, "analyzers"),
                    (measures.measures_app, "measures"), (evaluate.eval_app, "eval"), (consent.consent_app, "consent"),
                    (notes.notes_app, "notes"), (safety.safety_app, "safety"), (admin.audit_app, "audit"),
                    (admin.keys_app, "keys"), (admin.users_app, "users"), (corpus.corpus_app, "corpus")):
    app.add_typer(group, name=name)


def main(argv: list[str] | None = None) -> int:
    """Entry point: no traceback reaches a user unless they ask for it with ``--debug`` (see ``common.exit_status``)."""
    return exit_status(lambda: app(args=argv, standalone_mode=False, prog_name="reverie"))


def run() -> None:
    sys.exit(main())
