"""The shape of ``reverie.cli``: the workspace options declared once and given to every workspace command, and noun
modules that import only ``cli.common`` (no import circle)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main
from typer.testing import CliRunner

import reverie.cli
from reverie.cli import app
from reverie.cli.common import JsonOpt, WorkspaceOptions, with_workspace, with_workspace_options

CLI = Path(reverie.cli.__file__).parent
COMMON = {"--workspace": ["--workspace", "-w"], "--db": ["--db"], "--key-file": ["--key-file"], "--user": ["--user"]}
# Commands that never open an existing workspace, and `serve` (it authenticates each person itself, so takes no
# --user claim): anything else must take the four options.
NO_WORKSPACE = {"init", "demo", "serve", "analyzers list", "measures list", "measures items", "measures score", "eval defenses",
                "eval risk", "eval dreams", "eval patterns", "eval interventions", "corpus analyze"}
HELPERS = {"common", "views"}  # modules a noun module may import


def _commands(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, Any]]:
    if hasattr(command, "commands"):
        return [found for name in command.commands for found in _commands(command.commands[name], path + (name,))]
    return [(" ".join(path), command)]


COMMANDS = _commands(typer.main.get_command(app))


def test_cli_package_every_workspace_command_takes_the_four_common_options() -> None:
    with_options = {name: cmd for name, cmd in COMMANDS if getattr(cmd.callback, "workspace_options", False)}
    assert set(with_options) == {name for name, _ in COMMANDS} - NO_WORKSPACE
    assert {"clients", "show session", "import transcript", "safety ack", "erase", "analyze", "users list"} <= set(with_options)
    for name, cmd in with_options.items():
        opts = {p.opts[0]: p for p in cmd.params if p.opts and p.opts[0] in COMMON}
        assert {o: p.opts for o, p in opts.items()} == COMMON, name
        assert "REVERIE_USER" in opts["--user"].help and "REVERIE_WORKSPACE" in opts["--workspace"].help, name
        if any(p.name == "as_json" for p in cmd.params):  # the options sit just before --json, as they always did
            names = [p.name for p in cmd.params]
            assert names[names.index("as_json") - 4:names.index("as_json")] == list(WorkspaceOptions._fields), name


class _FakeWorkspace:
    def __init__(self, role: str, log: list[Any]) -> None:
        self.user = type("User", (), {"role": role, "name": "someone"})()
        self.log = log

    def close(self) -> None:
        self.log.append("closed")


def _probe(log: list[Any], fail: bool = False) -> typer.Typer:
    probe = typer.Typer()

    @probe.command()
    @with_workspace
    def touch(ws: Any, client: str, as_json: JsonOpt = False) -> None:
        log.append(("ran", client, as_json, ws.log is log))
        if fail:
            raise RuntimeError("the command failed")

    @probe.command()
    @with_workspace_options
    def later(options: WorkspaceOptions) -> None:
        log.append(options)
    return probe


@pytest.mark.parametrize("fail", [False, True])
def test_cli_package_with_workspace_opens_with_the_options_and_closes_after(monkeypatch: pytest.MonkeyPatch,
                                                                           fail: bool) -> None:
    log: list[Any] = []

    def fake_open(workspace: Any, db: Any = None, key_file: Any = None, user: Any = None) -> _FakeWorkspace:
        log.append(("open", workspace, db, key_file, user))
        return _FakeWorkspace("therapist", log)
    monkeypatch.setattr("reverie.workspace.open", fake_open)
    result = CliRunner().invoke(_probe(log, fail), ["touch", "c1", "-w", "ws", "--db", "sqlite://",
                                                                  "--key-file", "k", "--user", "ruth", "--json"])
    assert log[:3] == [("open", Path("ws"), "sqlite://", Path("k"), "ruth"), ("ran", "c1", True, True), "closed"]
    assert (result.exception is not None) is fail


def test_cli_package_with_workspace_refuses_a_client_user_before_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    log: list[Any] = []
    monkeypatch.setattr("reverie.workspace.open", lambda *a, **k: _FakeWorkspace("client", log))
    result = CliRunner().invoke(_probe(log), ["touch", "c1", "--user", "sam"])
    assert log == ["closed"] and "is a client" in str(result.exception)


def test_cli_package_with_workspace_options_hands_them_over_unopened(monkeypatch: pytest.MonkeyPatch) -> None:
    log: list[Any] = []
    monkeypatch.setattr("reverie.workspace.open", lambda *a, **k: log.append("opened"))
    CliRunner().invoke(_probe(log), ["later", "--db", "sqlite://", "--user", "ruth"])
    assert log == [WorkspaceOptions(None, "sqlite://", None, "ruth")]


def test_cli_package_a_command_cannot_declare_a_common_option_twice() -> None:
    def clashing(ws: Any, user: str = "x") -> None: ...
    with pytest.raises(TypeError, match="user"):
        with_workspace(clashing)


def _cli_imports(path: Path) -> set[str]:
    """The ``reverie.cli`` modules a module imports (``from reverie.cli import x`` names module x)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("reverie.cli")}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: relative import"
            if node.module == "reverie.cli":
                found |= {f"reverie.cli.{a.name}" for a in node.names}
            elif (node.module or "").startswith("reverie.cli."):
                found.add(node.module)
    return found


@pytest.mark.parametrize("module", sorted(p.stem for p in CLI.glob("*.py") if p.stem != "__init__"))
def test_cli_package_noun_modules_import_only_the_shared_helpers(module: str) -> None:
    allowed = {"reverie.cli.common"} if module == "views" else {f"reverie.cli.{h}" for h in HELPERS}
    imported = _cli_imports(CLI / f"{module}.py")
    assert imported <= (set() if module == "common" else allowed), f"{module} imports {imported - allowed}"


def test_cli_package_mounts_every_noun_module() -> None:
    nouns = {p.stem for p in CLI.glob("*.py")} - HELPERS - {"__init__"}
    assert {f"reverie.cli.{n}" for n in nouns} <= _cli_imports(CLI / "__init__.py")
