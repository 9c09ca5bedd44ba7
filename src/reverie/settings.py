"""Settings in layers: declared defaults < the workspace's ``workspace.json`` < environment < explicit arguments.

Each setting declares its name, default, environment variable and help; the
filled settings are kept with every analysis run.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from reverie.errors import InputError

CONFIG_FILE = "workspace.json"
JURISDICTIONS = {
    "none": "no analyser is switched off",
    "us-il": "Illinois (Wellness and Oversight for Psychological Resources Act, 2025): analysers that infer emotions "
             "or mental states are switched off; safety (risk) screening stays on",
}


@dataclass(frozen=True)
class Declared:
    name: str
    default: Any
    env: str
    help: str


DECLARED: tuple[Declared, ...] = (
    Declared("workspace", "reverie-workspace", "REVERIE_WORKSPACE", "the workspace folder"),
    Declared("db", None, "REVERIE_DATABASE_URL", "database URL; default: a SQLite file in the workspace"),
    Declared("key_file", None, "REVERIE_KEY_FILE", "the workspace key file; default ~/.config/reverie/<id>.key"),
    Declared("passphrase", None, "REVERIE_PASSPHRASE", "derive the workspace key from a passphrase instead of a key file"),
    Declared("user", None, "REVERIE_USER", "the acting user; default: the user made by `reverie init`"),
    Declared("jurisdiction", "none", "REVERIE_JURISDICTION", "jurisdiction profile: " + ", ".join(JURISDICTIONS)),
    Declared("locale", "en-US", "REVERIE_LOCALE", "default locale for crisis contacts"),
)


@dataclass
class Settings:
    workspace: Path
    db: str | None = None
    key_file: Path | None = None
    passphrase: str | None = None
    user: str | None = None
    jurisdiction: str = "none"
    locale: str = "en-US"
    workspace_id: str | None = None
    key_source: str = "file"  # file | passphrase
    crisis_contacts: dict[str, Any] | None = None

    @property
    def db_url(self) -> str:
        return self.db or f"sqlite:///{(self.workspace / 'reverie.db').resolve()}"

    def public(self) -> dict[str, Any]:
        """The settings worth recording beside results (never the passphrase)."""
        return {"jurisdiction": self.jurisdiction, "locale": self.locale,
                "database": "sqlite" if self.db_url.startswith("sqlite") else "postgresql"}


def read_config(workspace: Path) -> dict[str, Any]:
    path = workspace / CONFIG_FILE
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON (line {exc.lineno}): {exc.msg}", hint="fix or restore the file") from exc


def write_config(workspace: Path, config: dict[str, Any]) -> None:
    from reverie.outputs import atomic_write
    atomic_write(workspace / CONFIG_FILE, json.dumps(config, indent=2) + "\n")


def resolve(**explicit: Any) -> Settings:
    """Fill every setting from the layers; ``explicit`` values (e.g. CLI flags) win when not None."""
    values: dict[str, Any] = {d.name: d.default for d in DECLARED}
    for d in DECLARED:
        if os.environ.get(d.env):
            values[d.name] = os.environ[d.env]
    if explicit.get("workspace") is not None:
        values["workspace"] = explicit["workspace"]
    workspace = Path(values["workspace"]).expanduser()
    config = read_config(workspace)
    for name in ("db", "jurisdiction", "locale"):
        if config.get(name) is not None and not os.environ.get(next(d.env for d in DECLARED if d.name == name)):
            values[name] = config[name]
    for key, value in explicit.items():
        if value is not None:
            values[key] = value
    if values["jurisdiction"] not in JURISDICTIONS:
        raise InputError(f"unknown jurisdiction profile '{values['jurisdiction']}'",
                         hint=f"profiles: {', '.join(JURISDICTIONS)}")
    known = {f.name for f in fields(Settings)}
    settings = Settings(**{k: v for k, v in values.items() if k in known and k != "workspace"}, workspace=workspace)
    if settings.key_file is not None:
        settings.key_file = Path(settings.key_file).expanduser()
    settings.workspace_id = config.get("workspace_id")
    settings.key_source = config.get("key_source", "passphrase" if settings.passphrase else "file")
    settings.crisis_contacts = config.get("crisis_contacts")
    if settings.user is None:
        settings.user = config.get("default_user")
    return settings
