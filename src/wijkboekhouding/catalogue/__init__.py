"""The indicator catalogue: indicators and their CBS source mappings, as data.

``indicators.yaml`` in this package holds

- ``tables``: CBS table families (``kwb`` = Kerncijfers wijken en buurten, with its
  table id per year), and per family the column keys that describe the area rather than
  measure it (``area_keys``);
- ``indicators``: id, theme, Dutch and English label, unit, decimals, kind,
  aggregation rule with its base, and ``sources``: how each table family's topics map
  onto the indicator.

A source mapping matches a table topic by key *stem* (the column key without CBS's
renumbered ``_NN`` suffix) plus ``nth`` (the occurrence of that stem within the table,
default 1, for stems CBS repeats such as ``Appartement``), or by ``path`` (the title
path StatLine CSV headers carry, unit stripped).  ``where`` restricts a mapping to rows
with given dimension codes (``{Woningkenmerken: T001100}``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources

import yaml

from ..errors import CatalogueError
from ..sources.records import Topic

THEMES = ("geld", "wonen", "groen", "sociaal", "werk", "energie", "talent", "bedrijvigheid", "voorzieningen")
KINDS = ("count", "share", "average", "amount")
AGGREGATIONS = ("sum", "weighted_mean", "share", "none")


@dataclass(frozen=True)
class SourceMapping:
    table: str  # family name
    key: str | None = None  # key stem
    nth: int = 1
    path: str | None = None
    where: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Indicator:
    id: str
    theme: str
    label_nl: str
    label_en: str
    unit: str
    decimals: int
    kind: str
    aggregation: str
    base: str | None = None  # indicator id the mean/share is weighted by
    not_aggregatable_reason: str | None = None
    description_nl: str = ""
    origin: str = "cbs"  # cbs | local
    sources: tuple[SourceMapping, ...] = ()


@dataclass(frozen=True)
class TableFamily:
    name: str
    title: str
    ids: dict  # year -> table id
    publisher: str = "CBS"
    area_keys: frozenset = frozenset()
    url: str = ""

    def year_of(self, table_id: str) -> int | None:
        for year, tid in self.ids.items():
            if tid.lower() == table_id.lower():
                return int(year)
        return None


def normalise_path(path: str) -> str:
    """Lower-case, single spaces, no unit suffix ``(aantal)``, ``/``-separated."""
    path = re.sub(r"\s*\([^()]*\)\s*$", "", path.strip())
    path = re.sub(r"\s+", " ", path.replace("\n", " "))
    return "/".join(part.strip() for part in path.lower().split("/"))


class TopicMapper:
    """Maps a table's topics to indicator ids, per row dimension combination."""

    def __init__(self, catalogue: "Catalogue", family: TableFamily | None, topics: list[Topic]):
        self.family = family
        self.topics = topics
        self._catalogue = catalogue
        self._cache: dict = {}

    def is_area_key(self, topic: Topic) -> bool:
        return self.family is not None and topic.stem in self.family.area_keys

    def indicators_for(self, dims: tuple = ()) -> list[str | None]:
        """Indicator id (or None) for every topic, for rows with dimension codes ``dims``."""
        hit = self._cache.get(dims)
        if hit is None:
            dimset = set(dims)
            hit = [self._match(t, dimset) for t in self.topics]
            self._cache[dims] = hit
        return hit

    def _match(self, topic: Topic, dims: set) -> str | None:
        if self.family is None:
            return None
        by_key, by_path = self._catalogue._index(self.family.name)
        path = normalise_path(topic.path) if topic.path else None
        candidates = by_key.get((topic.stem, topic.nth), []) + (by_path.get(path, []) if path else [])
        for mapping, indicator_id in candidates:
            if all(pair in dims for pair in mapping.where):
                return indicator_id
        return None

    def unmapped(self) -> list[Topic]:
        """Topics that map to no indicator for any dimension combination seen so far."""
        if not self._cache:
            self.indicators_for(())
        mapped = set()
        for ids in self._cache.values():
            mapped.update(i for i, ind in enumerate(ids) if ind)
        return [t for i, t in enumerate(self.topics) if i not in mapped and not self.is_area_key(t)]


@dataclass
class Catalogue:
    indicators: dict[str, Indicator]
    tables: dict[str, TableFamily]
    _indexes: dict = field(default_factory=dict, repr=False)

    def family_of(self, table_id: str) -> TableFamily | None:
        for family in self.tables.values():
            if family.year_of(table_id) is not None or family.name == table_id:
                return family
        return None

    def mapper(self, table_id: str, topics: list[Topic]) -> TopicMapper:
        return TopicMapper(self, self.family_of(table_id), topics)

    def by_theme(self) -> dict[str, list[Indicator]]:
        out: dict[str, list[Indicator]] = {t: [] for t in THEMES}
        for ind in self.indicators.values():
            out.setdefault(ind.theme, []).append(ind)
        return out

    def _index(self, family: str):
        if family not in self._indexes:
            by_key: dict = {}
            by_path: dict = {}
            for ind in self.indicators.values():
                for m in ind.sources:
                    if m.table != family:
                        continue
                    if m.key:
                        by_key.setdefault((m.key, m.nth), []).append((m, ind.id))
                    if m.path:
                        by_path.setdefault(normalise_path(m.path), []).append((m, ind.id))
            # mappings with a ``where`` are more specific: try them first
            for index in (by_key, by_path):
                for cands in index.values():
                    cands.sort(key=lambda c: -len(c[0].where))
            self._indexes[family] = (by_key, by_path)
        return self._indexes[family]


def _parse(data: dict, origin: str = "cbs") -> Catalogue:
    tables = {}
    for name, t in (data.get("tables") or {}).items():
        tables[name] = TableFamily(
            name=name,
            title=t["title"],
            ids={int(y): str(i) for y, i in (t.get("ids") or {}).items()},
            publisher=t.get("publisher", "CBS"),
            area_keys=frozenset(t.get("area_keys") or ()),
            url=t.get("url", ""),
        )
    indicators = {}
    for i, raw in enumerate(data.get("indicators") or []):
        where = f"indicator #{i + 1} ({raw.get('id', '?')})"
        try:
            ind = Indicator(
                id=raw["id"],
                theme=raw["theme"],
                label_nl=raw["nl"],
                label_en=raw["en"],
                unit=raw.get("unit", ""),
                decimals=int(raw.get("decimals", 0)),
                kind=raw["kind"],
                aggregation=raw["aggregation"],
                base=raw.get("base"),
                not_aggregatable_reason=raw.get("reason"),
                description_nl=raw.get("description", ""),
                origin=origin,
                sources=tuple(
                    SourceMapping(
                        table=s["table"],
                        key=s.get("key"),
                        nth=int(s.get("nth", 1)),
                        path=s.get("path"),
                        where=tuple(sorted((s.get("where") or {}).items())),
                    )
                    for s in raw.get("sources") or ()
                ),
            )
        except KeyError as e:
            raise CatalogueError(f"{where}: missing field {e.args[0]!r}") from None
        _check(ind, where, tables)
        if ind.id in indicators:
            raise CatalogueError(f"{where}: duplicate indicator id {ind.id!r}")
        indicators[ind.id] = ind
    for ind in indicators.values():
        if ind.base and ind.base not in indicators:
            raise CatalogueError(f"indicator {ind.id!r}: base {ind.base!r} is not an indicator in the catalogue")
    return Catalogue(indicators, tables)


def _check(ind: Indicator, where: str, tables: dict) -> None:
    if ind.theme not in THEMES:
        raise CatalogueError(f"{where}: theme {ind.theme!r} is not one of {', '.join(THEMES)}")
    if ind.kind not in KINDS:
        raise CatalogueError(f"{where}: kind {ind.kind!r} is not one of {', '.join(KINDS)}")
    if ind.aggregation not in AGGREGATIONS:
        raise CatalogueError(f"{where}: aggregation {ind.aggregation!r} is not one of {', '.join(AGGREGATIONS)}")
    if ind.aggregation in ("weighted_mean", "share") and not ind.base:
        raise CatalogueError(f"{where}: aggregation {ind.aggregation!r} needs a base indicator")
    if ind.aggregation == "none" and not ind.not_aggregatable_reason:
        raise CatalogueError(f"{where}: aggregation 'none' needs a reason (shown to readers)")
    for s in ind.sources:
        if tables and s.table not in tables:
            raise CatalogueError(f"{where}: source table family {s.table!r} is not declared under 'tables'")
        if not (s.key or s.path):
            raise CatalogueError(f"{where}: a source mapping needs a key or a path")


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """The catalogue shipped with the package."""
    text = resources.files(__package__).joinpath("indicators.yaml").read_text(encoding="utf-8")
    return _parse(yaml.safe_load(text))


def parse_catalogue(data: dict, origin: str = "cbs") -> Catalogue:
    return _parse(data, origin)
