"""What every ``reverie`` command shares: the consoles, the exit codes, the four workspace options and the opener.

Text from users (client codes, titles, notes, quotes) is printed as text, never as rich markup: both consoles
have markup and emoji codes switched off, and styled lines are built with ``rich.text.Text``.

A command that works on a workspace declares no options for it: ``@with_workspace`` adds ``--workspace``/``-w``,
``--db``, ``--key-file`` and ``--user`` to its signature (before ``--json``, else last) and hands it the opened
workspace as ``ws``; ``@with_workspace_options`` hands it the four values unopened as ``options``, for a command
that opens the workspace only on some paths or checks its input first.
"""

from __future__ import annotations

import functools
import inspect
import json
import sys
from contextlib import AbstractContextManager, contextmanager
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Callable, Iterator, NamedTuple, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from reverie.errors import InputError, ReverieError
from reverie.ingest.bounds import MAX_INT

if TYPE_CHECKING:
    from reverie.workspace import Workspace

EXIT_CODES = ("Exit codes: 0 done; 1 internal error (--debug shows the trace); 2 bad input or usage, nothing stored; "
              "3 not allowed (access, consent, legal hold); 4 workspace key missing or wrong; 5 database locked, full or "
              "read-only, nothing written; 6 verification failed.")

out = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)
# typer >= 0.22 vendors click: its errors derive from the ClickException that typer.BadParameter derives from
_CLICK_ERROR = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
_debug = {"on": False}

WorkspaceOpt = Annotated[Optional[Path], typer.Option("--workspace", "-w", help="Workspace folder (env REVERIE_WORKSPACE).")]
DbOpt = Annotated[Optional[str], typer.Option("--db", help="Database URL (env REVERIE_DATABASE_URL).")]
KeyOpt = Annotated[Optional[Path], typer.Option("--key-file", help="Workspace key file (env REVERIE_KEY_FILE).")]
UserOpt = Annotated[Optional[str], typer.Option("--user", help="Acting staff user (env REVERIE_USER); a claim, not a "
                                                              "login.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
ClientOpt = Annotated[str, typer.Option("--client", "-c", help="The client's code.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite an existing output file (never the workspace's own files or a key).")]
SessionNumberOpt = Annotated[Optional[int], typer.Option("--session", min=0, max=MAX_INT, help="Session number.")]
HostOpt = Annotated[str, typer.Option("--host", help="Address to listen on (loopback by default).")]
PortOpt = Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")]


# ----- the workspace options, declared once ---------------------------------------------------------------------
class WorkspaceOptions(NamedTuple):
    """The four common options as given (each falls back to its environment variable when opened)."""
    workspace: Optional[Path] = None
    db: Optional[str] = None
    key_file: Optional[Path] = None
    user: Optional[str] = None

    def open(self) -> AbstractContextManager[Workspace]:
        """The opened workspace, as a context manager that closes it."""
        return opened(*self)


_COMMON = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation)
           for name, annotation in zip(WorkspaceOptions._fields, (WorkspaceOpt, DbOpt, KeyOpt, UserOpt))]


@contextmanager
def opened(workspace: Path | None, db: str | None, key_file: Path | None, user: str | None) -> Iterator[Workspace]:
    import reverie.workspace as rw
    ws = rw.open(workspace, db=db, key_file=key_file, user=user)
    if ws.user.role == "client":  # --user is a claim by whoever holds the key: never let it speak for a client
        ws.close()
        raise InputError(f"user '{ws.user.name}' is a client: the command line acts only for staff, since --user "
                         "names a user without proving who you are",
                         hint="clients use the web workspace, which authenticates them (see docs/security.md)")
    try:
        yield ws
    finally:
        ws.close()


def with_workspace(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give ``command`` the four workspace options and call it with the opened workspace as ``ws``, closed after."""
    def call(options: WorkspaceOptions, kwargs: dict[str, Any]) -> Any:
        with options.open() as ws:
            return command(ws=ws, **kwargs)
    return _with_options(command, "ws", call)


def with_workspace_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give ``command`` the four workspace options, passed unopened as ``options`` (a ``WorkspaceOptions``)."""
    return _with_options(command, "options", lambda options, kwargs: command(options=options, **kwargs))


def _with_options(command: Callable[..., Any], injected: str, call: Callable[..., Any]) -> Callable[..., Any]:
    """Typer reads a command's options from its signature: swap the ``injected`` parameter for the four options."""
    declared = inspect.signature(command).parameters
    if injected not in declared:
        raise TypeError(f"{command.__name__} takes no '{injected}' parameter")
    own = [_evaluated(p, command) for p in declared.values() if p.name != injected]
    clash = {p.name for p in own} & set(WorkspaceOptions._fields)
    if clash:
        raise TypeError(f"{command.__name__} declares {sorted(clash)}, which the workspace options provide")
    at = next((i for i, p in enumerate(own) if p.name == "as_json"), len(own))
    params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own[:at] + _COMMON + own[at:]]

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        options = WorkspaceOptions(*(kwargs.pop(name) for name in WorkspaceOptions._fields))
        return call(options, kwargs)

    wrapper.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    wrapper.workspace_options = True  # type: ignore[attr-defined]  (tests find the workspace commands by it)
    return wrapper


def _evaluated(param: inspect.Parameter, command: Callable[..., Any]) -> inspect.Parameter:
    """The parameter with its annotation evaluated (modules here use ``from __future__ import annotations``)."""
    if not isinstance(param.annotation, str):
        return param
    return param.replace(annotation=eval(param.annotation, command.__globals__))  # noqa: S307 (our own source)


# ----- output ----------------------------------------------------------------------------------------------------
def emit_json(data: Any) -> None:
    out.print_json(json.dumps(data, ensure_ascii=False, default=str)) if sys.stdout.isatty() else \
        print(json.dumps(data, ensure_ascii=False, default=str, indent=1))


def table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    """A rich table whose title and cells are plain text: a client code like ``[/]`` prints as typed."""
    t = Table(title=Text(title), title_justify="left")
    for c in columns:
        t.add_column(Text(c))
    for r in rows:
        t.add_row(*[v if isinstance(v, Text) else Text("" if v is None else str(v)) for v in r])
    out.print(t)


def parse_date(value: str | None) -> Date | None:
    if value is None:
        return None
    try:
        return Date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--date '{value}' is not a date", hint="use YYYY-MM-DD") from None


# ----- errors to exit statuses -----------------------------------------------------------------------------------
def set_debug(on: bool) -> None:
    _debug["on"] = on


def exit_status(run: Callable[[], Any]) -> int:
    """Run the command line and turn what it raised into a message and an exit status; no traceback unless --debug.

    Usage errors print the usage and exit 2; expected errors print their message and hint and exit with their
    status (2 for bad input); anything unexpected prints one line and exits 1.
    """
    _debug["on"] = False
    try:
        code = run()  # a typer.Exit comes back as its code
    except ReverieError as exc:
        _trace()
        err.print(Text.assemble(("error:", "bold red"), f" {exc.message}"))
        if exc.hint:
            err.print(f"  hint: {exc.hint}")
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        err.print("aborted")
        return 1
    except KeyboardInterrupt:
        err.print("interrupted: nothing more was done")
        return 130
    except _CLICK_ERROR as exc:  # a mistyped command or option: the usage and what was wrong
        exc.show()
        return exc.exit_code
    except Exception as exc:
        _trace()
        err.print(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the trace)")
        return 1
    return code if isinstance(code, int) else 0


def _trace() -> None:
    if _debug["on"]:
        import traceback
        traceback.print_exc()
