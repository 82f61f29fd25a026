"""The SQLite implementation of the gegevenspakhuis.

All reads and writes go through :class:`Warehouse`, so that a PostgreSQL store can
follow behind the same methods.  Writes happen only in :meth:`Warehouse.load` (one
transaction per imported table: all or nothing) and the small definition methods.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

from ..catalogue import Indicator
from ..errors import WorkspaceError

SCHEMA_VERSION = "1"


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Area(NamedTuple):
    code: str
    year: int
    name: str | None
    level: str
    gemeente_code: str | None
    wijk_code: str | None
    indeling_change: str | None

    @property
    def display_name(self) -> str:
        return self.name or self.code


class Source(NamedTuple):
    id: int
    key: str
    version: int
    current: int
    kind: str
    table_id: str
    title: str
    publisher: str
    licence: str
    url: str
    file_name: str
    contact: str
    retrieved_at: str
    imported_at: str
    content_hash: str
    rows: int
    observations: int
    note: str


class Observation(NamedTuple):
    indicator_id: str
    area_code: str
    year: int
    period: str
    value: float | None
    status: str
    source_id: int


_INDICATOR_COLUMNS = "id, theme, label_nl, label_en, unit, decimals, kind, aggregation, base, reason, description, origin"


def _borrowed_name(years: dict[int, tuple[str | None, str | None]], year: int) -> str | None:
    """The name of the nearest later, else earlier, year reachable without crossing a
    change: moving from year a to b > a crosses the flags of every year in (a, b].
    ``years``: year -> (name, flag); an unknown flag (None) does not block."""

    def changed(y: int) -> bool:
        return years[y][1] not in (None, "1")

    for y in sorted(y for y in years if y > year):
        if changed(y):
            break
        if years[y][0]:
            return years[y][0]
    if year in years and changed(year):
        return None
    for y in sorted((y for y in years if y < year), reverse=True):
        if years[y][0]:
            return years[y][0]
        if changed(y):
            break
    return None


class Warehouse:
    """One workspace's database.  Use as a context manager or call :meth:`close`."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.conn = sqlite3.connect(self.path, isolation_level=None)  # explicit transactions
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        # A bulk load inserts observations out of primary-key order; with SQLite's default
        # 2 MB page cache the B-tree pages are spilled and re-read over and over.
        self.conn.execute("PRAGMA cache_size=-65536")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self._sources: dict[int, Source] | None = None

    # -- lifecycle -------------------------------------------------------------

    @classmethod
    def create(cls, path: str | Path) -> "Warehouse":
        wh = cls(path)
        schema = resources.files(__package__).joinpath("schema.sql").read_text(encoding="utf-8")
        wh.conn.executescript(schema)
        wh.conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
        return wh

    @classmethod
    def open(cls, path: str | Path) -> "Warehouse":
        if not Path(path).exists():
            raise WorkspaceError(f"no warehouse database at {path}; run 'wijkboekhouding init' first")
        return cls.create(path)  # schema statements are idempotent: upgrades add new tables

    def close(self) -> None:
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All-or-nothing: commit on success, roll back on any exception."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            self._sources = None
            raise
        else:
            self.conn.execute("COMMIT")
            self._sources = None

    # -- indicators ------------------------------------------------------------

    def save_indicators(self, indicators: Iterable[Indicator], source_id: int | None = None) -> None:
        """Upsert indicator definitions (call inside a transaction)."""
        self.conn.executemany(
            f"""INSERT INTO indicator ({_INDICATOR_COLUMNS}, source_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
            ON CONFLICT (id) DO UPDATE SET theme=excluded.theme, label_nl=excluded.label_nl,
              label_en=excluded.label_en, unit=excluded.unit, decimals=excluded.decimals,
              kind=excluded.kind, aggregation=excluded.aggregation, base=excluded.base,
              reason=excluded.reason, description=excluded.description, origin=excluded.origin,
              source_id=excluded.source_id""",
            [
                (i.id, i.theme, i.label_nl, i.label_en, i.unit, i.decimals, i.kind, i.aggregation, i.base,
                 i.not_aggregatable_reason, i.description_nl, i.origin, source_id)
                for i in indicators
            ],
        )

    def indicators(self) -> dict[str, Indicator]:
        rows = self.conn.execute(f"SELECT {_INDICATOR_COLUMNS} FROM indicator").fetchall()
        return {
            r[0]: Indicator(id=r[0], theme=r[1], label_nl=r[2], label_en=r[3], unit=r[4], decimals=r[5],
                            kind=r[6], aggregation=r[7], base=r[8], not_aggregatable_reason=r[9],
                            description_nl=r[10], origin=r[11])
            for r in rows
        }

    # -- sources ---------------------------------------------------------------

    def current_source(self, key: str) -> Source | None:
        row = self.conn.execute("SELECT * FROM source WHERE key=? AND current=1", (key,)).fetchone()
        return Source(*row) if row else None

    def source(self, source_id: int) -> Source:
        return self.sources()[source_id]

    def sources(self) -> dict[int, Source]:
        """Every source version, current or not, by id (cached until the next write)."""
        if self._sources is None:
            self._sources = {r[0]: Source(*r) for r in self.conn.execute("SELECT * FROM source ORDER BY id")}
        return self._sources

    def source_history(self, key: str) -> list[Source]:
        return [Source(*r) for r in self.conn.execute("SELECT * FROM source WHERE key=? ORDER BY version", (key,))]

    # -- areas -----------------------------------------------------------------

    def area(self, code: str, year: int | None = None) -> Area | None:
        """The area with this code in ``year``'s indeling, or in the latest year it exists."""
        if year is None:
            row = self.conn.execute("SELECT * FROM area WHERE code=? ORDER BY year DESC LIMIT 1", (code,)).fetchone()
        else:
            row = self.conn.execute("SELECT * FROM area WHERE code=? AND year=?", (code, year)).fetchone()
        return self._named([Area(*row)])[0] if row else None

    def areas(self, year: int | None = None, level: str | None = None, gemeente: str | None = None) -> list[Area]:
        sql, args = "SELECT * FROM area WHERE 1=1", []
        for column, value in (("year", year), ("level", level), ("gemeente_code", gemeente)):
            if value is not None:
                sql += f" AND {column}=?"
                args.append(value)
        return self._named([Area(*r) for r in self.conn.execute(sql + " ORDER BY year, code", args)])

    def _named(self, areas: list[Area]) -> list[Area]:
        """Fill a missing name from the nearest year that names the same area.

        Some tables carry no area names (KWB 2017 names only gemeenten, the solar tables
        none).  A name is borrowed only across years CBS flags as unchanged: a year's
        ``indeling_change`` describes the change since the year before, so Renkum's
        WK027401 of 2016 (Oosterbeek) never borrows 2024's "Renkum Zuid" over 2017's
        flag 3; such an area stays unnamed rather than misnamed.
        """
        unnamed = {a.code for a in areas if a.name is None}
        if not unnamed:
            return areas
        history: dict[str, dict[int, tuple[str | None, str | None]]] = {}
        codes = list(unnamed)
        for i in range(0, len(codes), 500):
            chunk = codes[i:i + 500]
            rows = self.conn.execute(
                f"SELECT code, year, name, indeling_change FROM area WHERE code IN ({','.join('?' * len(chunk))})",
                chunk)
            for code, year, name, change in rows:
                history.setdefault(code, {})[year] = (name, change)
        return [a._replace(name=_borrowed_name(history.get(a.code, {}), a.year)) if a.name is None else a
                for a in areas]

    def area_years(self, code: str) -> list[int]:
        return [r[0] for r in self.conn.execute("SELECT year FROM area WHERE code=? ORDER BY year", (code,))]

    def years(self) -> list[int]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT year FROM area ORDER BY year")]

    def children(self, code: str, year: int) -> list[Area]:
        level = {"NL": "provincie", "PV": "gemeente", "GM": "wijk", "WK": "buurt"}.get(code[:2])
        if level is None:
            return []
        if level == "provincie":
            return self.areas(year=year, level="provincie")
        if level == "gemeente":
            rows = self.conn.execute(
                """SELECT a.* FROM area a JOIN gemeente_provincie g ON g.gemeente_code=a.code
                   WHERE a.level='gemeente' AND a.year=? AND g.provincie_code=? ORDER BY a.code""",
                (year, code),
            )
            return self._named([Area(*r) for r in rows])
        if level == "wijk":
            return self.areas(year=year, level="wijk", gemeente=code)
        rows = self.conn.execute("SELECT * FROM area WHERE wijk_code=? AND year=? ORDER BY code", (code, year))
        return self._named([Area(*r) for r in rows])

    def provincie_of(self, gemeente_code: str) -> tuple[str, str] | None:
        row = self.conn.execute(
            "SELECT provincie_code, provincie_name FROM gemeente_provincie WHERE gemeente_code=?", (gemeente_code,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def save_gemeente_provincie(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Upsert ``(gemeente_code, provincie_code, provincie_name)`` rows in one transaction."""
        with self.transaction() as conn:
            conn.executemany(
                """INSERT INTO gemeente_provincie (gemeente_code, provincie_code, provincie_name) VALUES (?,?,?)
                   ON CONFLICT (gemeente_code) DO UPDATE SET provincie_code=excluded.provincie_code,
                     provincie_name=excluded.provincie_name""",
                list(rows),
            )

    def ancestors(self, area: Area) -> list[Area]:
        """NL, provincie, gemeente, wijk above ``area`` (those present in the warehouse), top first."""
        codes = ["NL00"]
        if area.gemeente_code:
            pv = self.provincie_of(area.gemeente_code)
            if pv:
                codes.append(pv[0])
            codes.append(area.gemeente_code)
        if area.wijk_code:
            codes.append(area.wijk_code)
        found = []
        for code in codes:
            if code == area.code:
                break
            a = self.area(code, area.year) or self.area(code)
            if a is not None:
                found.append(a)
        return found

    # -- observations ----------------------------------------------------------

    def observations(self, code: str, year: int | None = None) -> list[Observation]:
        sql = "SELECT indicator_id, area_code, year, period, value, status, source_id FROM observation WHERE area_code=?"
        args: list = [code]
        if year is not None:
            sql += " AND year=?"
            args.append(year)
        return [Observation(*r) for r in self.conn.execute(sql + " ORDER BY indicator_id, period", args)]

    def values(self, indicator_ids: Iterable[str], year: int, codes: Iterable[str] | None = None) -> dict:
        """``{(area_code, indicator_id): Observation}`` for yearly periods of ``year``."""
        ids = list(indicator_ids)
        marks = ",".join("?" * len(ids))
        sql = (f"SELECT indicator_id, area_code, year, period, value, status, source_id FROM observation "
               f"WHERE period=? AND indicator_id IN ({marks})")
        args: list = [str(year), *ids]
        if codes is not None:
            codes = list(codes)
            sql += f" AND area_code IN ({','.join('?' * len(codes))})"
            args.extend(codes)
        return {(r[1], r[0]): Observation(*r) for r in self.conn.execute(sql, args)}

    def count_observations(self) -> int:
        return self.conn.execute("SELECT count(*) FROM observation").fetchone()[0]
