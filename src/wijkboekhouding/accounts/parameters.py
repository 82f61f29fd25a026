"""The ledger's parameter set: prices, benefit amounts, spending, rates and local shares.

A shipped default (``accounts/parameters.toml``) is merged key by key with an optional
workspace override (``WORKSPACE/parameters.toml``).  Every *section* (a TOML table that
holds values) carries its ``source``; sections whose keys are not already a year carry a
``year``.  The schema below is the one list of what may appear; anything else, a value of
the wrong type, or a section without its source is a :class:`ParameterError` that names
the file and the key.

Layout (see docs/ledger.md for every key)::

    [energie.<YEAR>]                    consumer energy prices excl. VAT (CBS 84672NED/85592NED)
    [uitkeringen.<YEAR>.<TYPE>]         average benefit per recipient per year (bijstand|ao|ww|aow)
    [bestedingen.groepen]               spending per household, low-income and other (CBS 85419NED)
    [bestedingen.categorieen]           spending per category, for the category shares (CBS 83676NED)
    [zon]                               solar yield, kWh per kW installed per year
    [lokaal_aandeel]                    share of each outflow that stays in the area (assumptions)
    [gemeente.<GMxxxx>.ozb.<YEAR>]      OZB rate on dwellings (owners), % of WOZ value
    [gemeente.<GMxxxx>.uitgaven.<YEAR>] municipal spending per task, euro per year
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import ParameterError

OVERRIDE_NAME = "parameters.toml"
DEFAULT_NAME = "parameters.toml"

ENERGY_KEYS = (
    "gas_netbeheer_per_jaar", "gas_vastrecht_per_jaar", "gas_levering_per_m3", "gas_ode_per_m3",
    "gas_energiebelasting_per_m3",
    "stroom_netbeheer_per_jaar", "stroom_vastrecht_per_jaar", "stroom_levering_per_kwh", "stroom_ode_per_kwh",
    "stroom_energiebelasting_per_kwh",
    "vermindering_energiebelasting_per_jaar", "btw_pct",
)
BENEFIT_TYPES = ("bijstand", "ao", "ww", "aow")
SPENDING_CATEGORIES = ("wonen_water_energie", "voeding", "vervoer")
LOCAL_SHARE_KEYS = ("stroom_levering", "gas_levering", "voeding", "vervoer", "wonen", "overig", "herbesteding")

# Municipal tasks (a plain grouping of the Iv3 taakvelden) and the driver that apportions
# each to an area: the indicator whose area share of the gemeente total is the area's share.
TASK_DRIVERS = {
    "bestuur": "inwoners",
    "veiligheid": "inwoners",
    "verkeer": "inwoners",
    "economie": "bedrijfsvestigingen",
    "onderwijs": "inwoners_0_15",
    "sport_cultuur": "inwoners",
    "groen": "oppervlakte_land_ha",
    "inkomen": "uitkering_bijstand",
    "participatie": "uitkering_bijstand",
    "wmo": "wmo_clienten",
    "jeugd": "jongeren_jeugdzorg",
    "gezondheid": "inwoners",
    "afval": "huishoudens",
    "riolering": "huishoudens",
    "wonen": "woningvoorraad",
}

_META = {"source": str, "year": int, "table": str, "period": str, "note": str}


def _num(minimum: float | None = None, maximum: float | None = None, negative: bool = False):
    return ("number", minimum, maximum, negative)


# Schema: a path pattern ('*' matches one key; YEAR a four-digit year; GM a gemeente code)
# -> (required metadata, {value key: rule}, every value key required?).
_NUMBER = _num(0)
_SHARE = _num(0, 1)
SCHEMA: dict[tuple[str, ...], tuple[tuple[str, ...], dict, bool]] = {
    ("energie", "YEAR"): (("source", "table", "period"),
                          {**{k: _NUMBER for k in ENERGY_KEYS},
                           "vermindering_energiebelasting_per_jaar": _num(None, 0), "btw_pct": _num(0, 100)}, True),
    ("uitkeringen", "YEAR", "BENEFIT"): (("source",), {"per_ontvanger_per_jaar": _NUMBER}, True),
    ("bestedingen", "groepen"): (("source", "table", "year"),
                                 {"laag_inkomen_per_huishouden": _NUMBER, "overig_per_huishouden": _NUMBER}, True),
    ("bestedingen", "categorieen"): (("source", "table", "year"),
                                     {"totaal": _NUMBER, **{c: _NUMBER for c in SPENDING_CATEGORIES}}, True),
    ("zon",): (("source", "year"), {"opbrengst_kwh_per_kw": _NUMBER}, True),
    ("lokaal_aandeel",): (("source", "year"), {k: _SHARE for k in LOCAL_SHARE_KEYS}, True),
    ("gemeente", "GM", "ozb", "YEAR"): (("source",), {"tarief_pct": _num(0, 100)}, True),
    ("gemeente", "GM", "uitgaven", "YEAR"): (("source",), {t: _NUMBER for t in TASK_DRIVERS}, False),
}
_CONTAINERS = {("meta",): {"version": str, "description": str}}


@dataclass(frozen=True)
class Section:
    """One parameter section: its values and where they come from."""

    path: str  # dotted, e.g. "energie.2024"
    values: dict[str, float]
    source: str
    year: int | None = None
    table: str = ""
    period: str = ""
    note: str = ""
    origin: str = ""  # the file the source line came from

    def __getitem__(self, key: str) -> float:
        return self.values[key]

    def cite(self) -> str:
        """``CBS 85592NED, 2024JJ00`` style citation for method cards."""
        parts = [self.source]
        if self.table and self.table not in self.source:
            parts.append(self.table)
        if self.period:
            parts.append(f"periode {self.period}")
        elif self.year:
            parts.append(str(self.year))
        return ", ".join(parts)


@dataclass(frozen=True)
class Parameters:
    sections: dict[str, Section]
    files: tuple[str, ...]
    version: str = ""

    def get(self, path: str) -> Section | None:
        return self.sections.get(path)

    def energy(self, year: int) -> Section | None:
        return self.sections.get(f"energie.{year}")

    def energy_years(self) -> list[int]:
        return sorted(int(p.split(".")[1]) for p in self.sections if p.startswith("energie."))

    def benefit(self, year: int, kind: str) -> Section | None:
        return self.sections.get(f"uitkeringen.{year}.{kind}")

    def ozb(self, gemeente: str, year: int) -> Section | None:
        return self.sections.get(f"gemeente.{gemeente}.ozb.{year}")

    def municipal_spending(self, gemeente: str, year: int) -> Section | None:
        return self.sections.get(f"gemeente.{gemeente}.uitgaven.{year}")


def default_path():
    return resources.files(__package__).joinpath(DEFAULT_NAME)


def load_parameters(workspace_dir: str | Path | None = None, override: dict | None = None) -> Parameters:
    """The default parameters, merged with ``WORKSPACE/parameters.toml`` when it exists
    and then with ``override`` (a dict, for tests and the API)."""
    default = default_path()
    layers = [(DEFAULT_NAME, _read_toml(default.read_text(encoding="utf-8"), DEFAULT_NAME))]
    if workspace_dir is not None:
        path = Path(workspace_dir) / OVERRIDE_NAME
        if path.exists():
            layers.append((str(path), _read_toml(path.read_text(encoding="utf-8"), str(path))))
    if override:
        layers.append(("override", override))
    return parse_parameters(layers)


def parse_parameters(layers: list[tuple[str, dict]]) -> Parameters:
    """Validate each layer (named by its file), then merge them key by key, later wins."""
    merged: dict = {}
    origins: dict[str, str] = {}
    for name, data in layers:
        _check(data, (), name)
        _merge(merged, data, origins, name, ())
    sections: dict[str, Section] = {}
    _collect(merged, (), origins, sections)
    version = str(merged.get("meta", {}).get("version", ""))
    return Parameters(sections, tuple(name for name, _ in layers), version)


def _read_toml(text: str, name: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ParameterError(f"{name}: not valid TOML ({e}); fix the file") from None


def _match(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    if len(pattern) != len(path):
        return False
    for p, k in zip(pattern, path):
        if p == "YEAR":
            if not re.fullmatch(r"(19|20)\d\d", k):
                return False
        elif p == "GM":
            if not re.fullmatch(r"GM\d{4}", k):
                return False
        elif p == "BENEFIT":
            if k not in BENEFIT_TYPES:
                return False
        elif p != k:
            return False
    return True


def _is_prefix(path: tuple[str, ...]) -> bool:
    return any(_match(pattern[:len(path)], path) for pattern in SCHEMA if len(pattern) > len(path))


def _schema_for(path: tuple[str, ...]):
    for pattern, rule in SCHEMA.items():
        if _match(pattern, path):
            return rule
    return None


def _expected_children(path: tuple[str, ...]) -> str:
    options = set()
    for pattern in SCHEMA:
        if len(pattern) > len(path) and _match(pattern[:len(path)], path):
            nxt = pattern[len(path)]
            options.add({"YEAR": "a year such as 2024", "GM": "a gemeente code such as GM0202",
                         "BENEFIT": " | ".join(BENEFIT_TYPES)}.get(nxt, nxt))
    for pattern in _CONTAINERS:
        if len(pattern) > len(path):
            options.add(pattern[len(path)])
    return ", ".join(sorted(options))


def _check(data: dict, path: tuple[str, ...], name: str) -> None:
    dotted = ".".join(path)
    if path in _CONTAINERS:
        allowed = _CONTAINERS[path]
        for key, value in data.items():
            if key not in allowed:
                raise ParameterError(f"{name}: unknown key {dotted}.{key}; known keys are {', '.join(allowed)}")
            if not isinstance(value, allowed[key]):
                raise ParameterError(f"{name}: {dotted}.{key} must be a {allowed[key].__name__}, not {value!r}")
        return
    rule = _schema_for(path)
    if rule is not None:
        _check_section(data, dotted, rule, name)
        return
    for key, value in data.items():
        child = (*path, str(key))
        here = f"{dotted}.{key}" if dotted else str(key)
        if child in _CONTAINERS or _schema_for(child) is not None or _is_prefix(child):
            if not isinstance(value, dict):
                raise ParameterError(f"{name}: {here} must be a table ([{here}]), not {value!r}")
            _check(value, child, name)
        else:
            raise ParameterError(f"{name}: unknown key {here}; expected {_expected_children(path) or 'nothing here'}")


def _check_section(data: dict, dotted: str, rule, name: str) -> None:
    required_meta, values, all_required = rule
    if "source" not in data and any(key in values for key in data):
        raise ParameterError(f"{name}: {dotted} has no 'source'; every value needs its source "
                             "(who published it, which table or law)")
    for key, value in data.items():
        here = f"{dotted}.{key}"
        if key in _META:
            expected = _META[key]
            if not isinstance(value, expected) or isinstance(value, bool):
                raise ParameterError(f"{name}: {here} must be a {'text' if expected is str else 'whole number'}, "
                                     f"not {value!r}")
            continue
        if key not in values:
            known = ", ".join([*values, *(_META)])
            raise ParameterError(f"{name}: unknown key {here}; known keys are {known}")
        _, lo, hi, _ = values[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParameterError(f"{name}: {here} must be a number, not {value!r}")
        if lo is not None and value < lo:
            raise ParameterError(f"{name}: {here} must be at least {lo:g}, not {value!r}")
        if hi is not None and value > hi:
            raise ParameterError(f"{name}: {here} must be at most {hi:g}, not {value!r}")


def _merge(into: dict, data: dict, origins: dict, name: str, path: tuple[str, ...]) -> None:
    for key, value in data.items():
        child = (*path, str(key))
        if isinstance(value, dict):
            _merge(into.setdefault(key, {}), value, origins, name, child)
        else:
            into[key] = value
            origins[".".join(path)] = name


def _collect(data: dict, path: tuple[str, ...], origins: dict, out: dict) -> None:
    rule = _schema_for(path)
    if rule is not None:
        required_meta, values, all_required = rule
        dotted = ".".join(path)
        origin = origins.get(dotted, "")
        for key in required_meta:
            if key not in data:
                raise ParameterError(f"{origin}: {dotted} has no {key!r}; every value needs its "
                                     f"{'source (who published it, which table or law)' if key == 'source' else key}")
        if all_required:
            for key in values:
                if key not in data:
                    raise ParameterError(f"{origin}: {dotted}.{key} is missing; give its value with the section's source")
        year = data.get("year")
        if year is None and "YEAR" in next(p for p in SCHEMA if _match(p, path)):
            year = int(next(k for k, p in zip(path, next(p for p in SCHEMA if _match(p, path))) if p == "YEAR"))
        out[dotted] = Section(
            path=dotted,
            values={k: float(v) for k, v in data.items() if k in values},
            source=data.get("source", ""), year=year, table=data.get("table", ""),
            period=data.get("period", ""), note=data.get("note", ""), origin=origin)
        return
    for key, value in data.items():
        if isinstance(value, dict):
            _collect(value, (*path, str(key)), origins, out)

