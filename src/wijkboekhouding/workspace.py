"""A workspace: one folder with a config file and its warehouse database.

``wijkboekhouding.toml`` holds the settings below; unknown keys and wrong types are
rejected before any work starts.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

from .errors import WorkspaceError
from .warehouse.load import Scope
from .warehouse.store import Warehouse

CONFIG_NAME = "wijkboekhouding.toml"
DATABASE_NAME = "warehouse.sqlite"

# (name, default, help): the one list of workspace settings.
SETTINGS = (
    ("name", "", "A title for this workspace, shown on the site."),
    ("gemeenten", [], "GM codes this workspace covers; empty means the whole country."),
    ("cbs_base_url", "https://opendata.cbs.nl/ODataApi/odata", "Base URL of CBS's OData v3 API."),
    ("cbs_odata4_url", "https://datasets.cbs.nl/odata/v1/CBS", "Base URL of CBS's OData v4 API."),
    ("cbs_timeout", 30.0, "Seconds to wait for one CBS response."),
    ("cbs_retries", 3, "How often a failed CBS request is retried (with backoff)."),
    ("coverage_threshold", 0.9, "Share of an aggregate's base that must be known before a value is shown."),
    ("site_url", "", "Public address of the published site (used in embed snippets); empty for relative links."),
)
DEFAULTS = {name: default for name, default, _ in SETTINGS}
_GM = re.compile(r"^GM\d{4}$")


def check_settings(settings: dict, origin: str) -> dict:
    out = dict(DEFAULTS)
    for key, value in settings.items():
        if key not in DEFAULTS:
            known = ", ".join(DEFAULTS)
            raise WorkspaceError(f"{origin}: unknown setting {key!r}; known settings are {known}")
        default = DEFAULTS[key]
        expected = (int, float) if isinstance(default, float) else type(default)
        if not isinstance(value, expected) or isinstance(value, bool) != isinstance(default, bool):
            raise WorkspaceError(
                f"{origin}: setting {key!r} must be a {type(default).__name__}, not {value!r}")
        out[key] = value
    for code in out["gemeenten"]:
        if not isinstance(code, str) or not _GM.match(code):
            raise WorkspaceError(f"{origin}: {code!r} in 'gemeenten' is not a gemeente code like GM0202")
    return out


@dataclass
class Workspace:
    path: Path
    settings: dict = field(default_factory=lambda: dict(DEFAULTS))

    @property
    def config_path(self) -> Path:
        return self.path / CONFIG_NAME

    @property
    def database_path(self) -> Path:
        return self.path / DATABASE_NAME

    @property
    def gemeenten(self) -> list[str]:
        return list(self.settings["gemeenten"])

    @property
    def scope(self) -> Scope:
        return Scope(frozenset(self.gemeenten))

    @classmethod
    def init(cls, path: str | Path, gemeenten: list[str], name: str = "", **settings) -> "Workspace":
        path = Path(path)
        codes = [g.strip().upper() for g in gemeenten]
        ws = cls(path, check_settings({"gemeenten": codes, "name": name, **settings}, "init"))
        path.mkdir(parents=True, exist_ok=True)
        if ws.config_path.exists():
            existing = cls.open(path)
            if existing.gemeenten != ws.gemeenten:
                raise WorkspaceError(
                    f"{path} is already a workspace for {', '.join(existing.gemeenten) or 'the whole country'}; "
                    "choose another folder or edit its wijkboekhouding.toml")
            return existing
        ws.save()
        Warehouse.create(ws.database_path).close()
        return ws

    @classmethod
    def open(cls, path: str | Path = ".") -> "Workspace":
        path = Path(path)
        config = path / CONFIG_NAME
        if not config.exists():
            raise WorkspaceError(
                f"{path.resolve()} is not a workspace (no {CONFIG_NAME}); create one with "
                "'wijkboekhouding init DIR --gemeente GM....' or pass --workspace DIR")
        try:
            data = tomllib.loads(config.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            raise WorkspaceError(f"{config}: not valid TOML ({e}); fix the file") from None
        return cls(path, check_settings(data.get("workspace", {}), str(config)))

    def save(self) -> None:
        data = {"workspace": {k: v for k, v in self.settings.items()}}
        tmp = self.config_path.with_suffix(".tmp")
        tmp.write_text(tomli_w.dumps(data), encoding="utf-8")
        tmp.replace(self.config_path)

    def warehouse(self) -> Warehouse:
        return Warehouse.open(self.database_path)
