"""The indicator catalogue: indicators and their CBS source mappings, as data.

``indicators.yaml`` in this package holds

- ``tables``: CBS table families.  A family is a set of tables whose topics mean the
  same: ``kwb`` (Kerncijfers wijken en buurten) with its table id per year (``ids``),
  or a multi-period table such as 81528NED listed under ``table_ids``.  Per family the
  column keys (``area_keys``) and StatLine headers (``area_paths``) that describe the
  area rather than measure it, and the row ``dimensions`` with their codes;
- ``indicators``: id, theme, Dutch and English label, unit, decimals, kind,
  aggregation rule with its base, and ``sources``: how each table family's topics map
  onto the indicator.

A source mapping matches a table topic by key *stem* (the column key without CBS's
renumbered ``_NN`` suffix) plus ``nth`` (the occurrence of that stem within the table,
default 1, for stems CBS repeats such as ``Appartement``), or by ``path`` (the title
path StatLine CSV headers carry, unit stripped).  ``where`` restricts a mapping to rows
with given dimension codes (``{Woningkenmerken: T001100}``); ``from``/``until``
restrict it to periods of those years.  docs/catalogue.md describes the format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from ..errors import CatalogueError
from ..sources.records import Topic

THEMES = ("geld", "wonen", "groen", "sociaal", "werk", "energie", "talent", "bedrijvigheid", "voorzieningen")
KINDS = ("count", "share", "average", "amount")
AGGREGATIONS = ("sum", "weighted_mean", "share", "none")

_INDICATOR_FIELDS = {"id", "theme", "nl", "en", "unit", "decimals", "kind", "aggregation", "base", "reason",
                     "description", "sources"}
_MAPPING_FIELDS = {"table", "key", "nth", "path", "where", "from", "until"}
_FAMILY_FIELDS = {"title", "url", "publisher", "ids", "table_ids", "area_keys", "area_paths", "dimensions"}


@dataclass(frozen=True)
class SourceMapping:
    table: str  # family name
    key: str | None = None  # key stem
    nth: int = 1
    path: str | None = None
    where: tuple[tuple[str, str], ...] = ()
    first_year: int | None = None  # ``from``: only periods of this year or later
    last_year: int | None = None  # ``until``: only periods of this year or earlier

    def covers(self, year: int | None) -> bool:
        if year is None:
            return True
        return (self.first_year is None or year >= self.first_year) and (
            self.last_year is None or year <= self.last_year)


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
    ids: dict  # year -> table id (one table per year, e.g. KWB)
    publisher: str = "CBS"
    area_keys: frozenset = frozenset()
    url: str = ""
    table_ids: tuple = ()  # tables covering many periods (rows carry Perioden)
    area_paths: frozenset = frozenset()  # normalised StatLine headers describing the area
    dimensions: dict = field(default_factory=dict)  # dimension key -> {code: label}

    def year_of(self, table_id: str) -> int | None:
        for year, tid in self.ids.items():
            if tid.lower() == table_id.lower():
                return int(year)
        return None

    def holds(self, table_id: str) -> bool:
        return self.year_of(table_id) is not None or any(t.lower() == table_id.lower() for t in self.table_ids)


def normalise_path(path: str, strip_unit: bool = True) -> str:
    """Lower-case, single spaces, no unit suffix ``(aantal)``, ``/``-separated."""
    path = path.strip()
    if strip_unit:
        path = re.sub(r"\s*\([^()]*\)\s*$", "", path)
    path = re.sub(r"\s+", " ", path.replace("\n", " "))
    return "/".join(part.strip() for part in path.lower().split("/"))


def _path_variants(path: str) -> list[str]:
    """A topic path as written, then without its trailing unit: ``Leerlingen vo (incl. vavo)``
    is a title, ``(aantal)`` a unit, and only the catalogue knows which."""
    exact = normalise_path(path, strip_unit=False)
    stripped = normalise_path(path)
    return [exact] if stripped == exact else [exact, stripped]


class TopicMapper:
    """Maps a table's topics to indicator ids, per row dimension combination."""

    def __init__(self, catalogue: "Catalogue", family: TableFamily | None, topics: list[Topic]):
        self.family = family
        self.topics = topics
        self._catalogue = catalogue
        self._cache: dict = {}

    def is_area_key(self, topic: Topic) -> bool:
        if self.family is None:
            return False
        if topic.stem in self.family.area_keys:
            return True
        return bool(topic.path) and any(p in self.family.area_paths for p in _path_variants(topic.path))

    def is_dimension(self, topic: Topic) -> bool:
        """A column holding row dimension codes (``Perioden``, ``Woningkenmerken``), not values."""
        return self.family is not None and topic.key.strip() in self.family.dimensions

    def indicators_for(self, dims: tuple = (), period: str | None = None) -> list[str | None]:
        """Indicator id (or None) for every topic, for rows with dimension codes ``dims``
        (and, where mappings are limited to years, of ``period``)."""
        year = int(period[:4]) if period else None
        cache_key = (dims, year)
        hit = self._cache.get(cache_key)
        if hit is None:
            dimset = set(dims)
            hit = [self._match(t, dimset, year) for t in self.topics]
            self._cache[cache_key] = hit
        return hit

    def _match(self, topic: Topic, dims: set, year: int | None) -> str | None:
        if self.family is None:
            return None
        by_key, by_path = self._catalogue._index(self.family.name)
        candidates = list(by_key.get((topic.stem, topic.nth), []))
        if topic.path:
            for variant in _path_variants(topic.path):
                candidates += by_path.get(variant, [])
        for mapping, indicator_id in candidates:
            if mapping.covers(year) and all(pair in dims for pair in mapping.where):
                return indicator_id
        return None

    def unmapped(self) -> list[Topic]:
        """Topics that map to no indicator for any dimension combination seen so far."""
        if not self._cache:
            self.indicators_for(())
        mapped = set()
        for ids in self._cache.values():
            mapped.update(i for i, ind in enumerate(ids) if ind)
        return [t for i, t in enumerate(self.topics)
                if i not in mapped and not self.is_area_key(t) and not self.is_dimension(t)]


@dataclass
class Catalogue:
    indicators: dict[str, Indicator]
    tables: dict[str, TableFamily]
    _indexes: dict = field(default_factory=dict, repr=False)

    def family_of(self, table_id: str) -> TableFamily | None:
        for family in self.tables.values():
            if family.holds(table_id) or family.name == table_id:
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
                        by_path.setdefault(normalise_path(m.path, strip_unit=False), []).append((m, ind.id))
            # mappings with a ``where`` are more specific: try them first
            for index in (by_key, by_path):
                for cands in index.values():
                    cands.sort(key=lambda c: -len(c[0].where))
            self._indexes[family] = (by_key, by_path)
        return self._indexes[family]


def _parse_family(name: str, t: dict) -> TableFamily:
    where = f"table family {name!r}"
    if not isinstance(t, dict):
        raise CatalogueError(f"{where}: expected a mapping with at least 'title'")
    unknown = sorted(set(t) - _FAMILY_FIELDS)
    if unknown:
        raise CatalogueError(f"{where}: unknown field {unknown[0]!r}; known fields: {', '.join(sorted(_FAMILY_FIELDS))}")
    if "title" not in t:
        raise CatalogueError(f"{where}: missing field 'title'")
    if not (t.get("ids") or t.get("table_ids")):
        raise CatalogueError(f"{where}: needs 'ids' (table id per year) or 'table_ids' (multi-period tables)")
    dimensions = {}
    for dim, codes in (t.get("dimensions") or {}).items():
        dimensions[str(dim)] = {str(code): str(label) for code, label in (codes or {}).items()}
    return TableFamily(
        name=name,
        title=t["title"],
        ids={int(y): str(i) for y, i in (t.get("ids") or {}).items()},
        publisher=t.get("publisher", "CBS"),
        area_keys=frozenset(t.get("area_keys") or ()),
        url=t.get("url", ""),
        table_ids=tuple(str(i) for i in t.get("table_ids") or ()),
        area_paths=frozenset(normalise_path(p, strip_unit=False) for p in t.get("area_paths") or ()),
        dimensions=dimensions,
    )


def _parse_mapping(s, where: str) -> SourceMapping:
    if not isinstance(s, dict):
        raise CatalogueError(f"{where}: a source mapping must be a mapping like {{table: kwb, key: AantalInwoners}}")
    unknown = sorted(set(s) - _MAPPING_FIELDS)
    if unknown:
        raise CatalogueError(f"{where}: source mapping has unknown field {unknown[0]!r}; "
                             f"known fields: {', '.join(sorted(_MAPPING_FIELDS))}")
    if "table" not in s:
        raise CatalogueError(f"{where}: source mapping misses field 'table'")
    nth = s.get("nth", 1)
    if not isinstance(nth, int) or isinstance(nth, bool) or nth < 1:
        raise CatalogueError(f"{where}: nth must be a whole number of at least 1, not {nth!r}")
    return SourceMapping(
        table=s["table"],
        key=s.get("key"),
        nth=nth,
        path=s.get("path"),
        where=tuple(sorted((str(k), str(v)) for k, v in (s.get("where") or {}).items())),
        first_year=s.get("from"),
        last_year=s.get("until"),
    )


def _parse(data: dict, origin: str = "cbs") -> Catalogue:
    tables = {name: _parse_family(name, t) for name, t in (data.get("tables") or {}).items()}
    indicators = {}
    for i, raw in enumerate(data.get("indicators") or []):
        where = f"indicator #{i + 1} ({raw.get('id', '?')})"
        unknown = sorted(set(raw) - _INDICATOR_FIELDS)
        if unknown:
            raise CatalogueError(f"{where}: unknown field {unknown[0]!r}; "
                                 f"known fields: {', '.join(sorted(_INDICATOR_FIELDS))}")
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
                sources=tuple(_parse_mapping(s, where) for s in raw.get("sources") or ()),
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
        if ind.base == ind.id:
            raise CatalogueError(f"indicator {ind.id!r}: an indicator cannot be its own base")
    _check_ambiguity(indicators)
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
    if ind.aggregation == "none" and ind.base:
        raise CatalogueError(f"{where}: aggregation 'none' takes no base (base {ind.base!r} given)")
    if ind.aggregation == "none" and not ind.not_aggregatable_reason:
        raise CatalogueError(f"{where}: aggregation 'none' needs a reason (shown to readers)")
    for s in ind.sources:
        if tables and s.table not in tables:
            raise CatalogueError(f"{where}: source table family {s.table!r} is not declared under 'tables'")
        if not (s.key or s.path):
            raise CatalogueError(f"{where}: a source mapping needs a key or a path")
        family = tables.get(s.table)
        for dim, code in s.where:
            if family is None:
                continue
            if dim not in family.dimensions:
                raise CatalogueError(f"{where}: 'where' names dimension {dim!r}, which table family "
                                     f"{s.table!r} does not declare under 'dimensions'")
            codes = family.dimensions[dim]
            if codes and code not in codes:
                raise CatalogueError(f"{where}: 'where' names code {code!r} of dimension {dim!r}, which table "
                                     f"family {s.table!r} does not list; known codes: {', '.join(codes)}")


def _check_ambiguity(indicators: dict) -> None:
    """Two indicators must not claim the same topic for the same rows."""
    seen: dict = {}
    for ind in indicators.values():
        for m in ind.sources:
            targets = []
            if m.key:
                targets.append(f"key {m.key!r} (nth {m.nth})")
            if m.path:
                targets.append(f"path {normalise_path(m.path, strip_unit=False)!r}")
            for target in targets:
                for other, other_id in seen.get((m.table, target, m.where), []):
                    if other_id != ind.id and _years_overlap(m, other):
                        rows = f" where {dict(m.where)}" if m.where else ""
                        raise CatalogueError(
                            f"indicators {other_id!r} and {ind.id!r} both map {target} of table family "
                            f"{m.table!r}{rows}; give one of them another nth, where, from or until")
                seen.setdefault((m.table, target, m.where), []).append((m, ind.id))


def _years_overlap(a: SourceMapping, b: SourceMapping) -> bool:
    lo = max(a.first_year or -10**6, b.first_year or -10**6)
    hi = min(a.last_year or 10**6, b.last_year or 10**6)
    return lo <= hi


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """The catalogue shipped with the package."""
    text = resources.files(__package__).joinpath("indicators.yaml").read_text(encoding="utf-8")
    # libyaml's loader when PyYAML has it: six times faster on this file (every CLI start reads it)
    return _parse(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


def parse_catalogue(data: dict, origin: str = "cbs") -> Catalogue:
    return _parse(data, origin)
