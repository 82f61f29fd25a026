"""Loading one source table into the warehouse: all or nothing, idempotent.

The loader maps each topic to an indicator through the catalogue, keeps only the
areas in the workspace's scope, and writes areas, observations and the source row in
one transaction.  Importing the same content again changes nothing; new content under
the same source key becomes a new version, and the values it replaces are kept in
``observation_history``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..catalogue import Catalogue
from ..errors import InvalidDataError
from ..sources.records import SourceTable, level_of
from ..sources.report import Report
from .store import Warehouse, utc_now


_BATCH = 20_000  # observations per executemany: bounded memory, few Python-level calls


@dataclass
class Scope:
    """Which areas a workspace keeps: every NL, provincie and gemeente row, and the wijken
    and buurten of its own gemeenten (all of them when ``gemeenten`` is empty)."""

    gemeenten: frozenset = frozenset()

    def keeps(self, code: str, gemeente_code: str | None) -> bool:
        level = level_of(code)
        if level in ("land", "provincie", "gemeente"):
            return True
        if level in ("wijk", "buurt"):
            return not self.gemeenten or gemeente_code in self.gemeenten
        return False


@dataclass
class LoadResult:
    source_id: int | None
    key: str
    version: int
    unchanged: bool
    rows: int = 0
    observations: int = 0
    areas: int = 0
    skipped_rows: int = 0
    report: Report = field(default_factory=Report)

    def summary(self) -> str:
        if self.unchanged:
            return f"{self.key}: unchanged (same content as version {self.version}); nothing written"
        return (f"{self.key}: version {self.version}, {self.rows} rows, {self.areas} areas, "
                f"{self.observations} observations written"
                + (f", {self.skipped_rows} rows outside the workspace skipped" if self.skipped_rows else ""))


def load_table(
    warehouse: Warehouse,
    table: SourceTable,
    catalogue: Catalogue,
    *,
    key: str,
    content_hash: str,
    scope: Scope = Scope(),
    progress: Callable[[int], None] | None = None,
    extra_indicators: Iterable = (),
    contact: str = "",
) -> LoadResult:
    """Write ``table`` into ``warehouse``; raises InvalidDataError (writing nothing) when
    the table's report holds errors."""
    meta = table.meta
    report = table.report
    previous = warehouse.current_source(key)
    if previous is not None and previous.content_hash == content_hash:
        return LoadResult(previous.id, key, previous.version, unchanged=True, report=report)

    mapper = catalogue.mapper(meta.table_id, table.topics)
    file_label = meta.file_name or meta.url or meta.table_id
    counts = {"rows": 0, "obs": 0, "skipped": 0}
    areas: dict = {}
    seen_rows: dict = {}

    with warehouse.transaction() as conn:
        version = previous.version + 1 if previous else 1
        now = utc_now()
        cur = conn.execute(
            """INSERT INTO source (key, version, current, kind, table_id, title, publisher, licence, url,
               file_name, contact, retrieved_at, imported_at, content_hash)
               VALUES (?,?,1,?,?,?,?,?,?,?,?,?,?,?)""",
            (key, version, meta.kind, meta.table_id, meta.title, meta.publisher, meta.licence, meta.url,
             meta.file_name, contact, meta.retrieved_at or now, now, content_hash),
        )
        source_id = cur.lastrowid
        if previous is not None:
            _withdraw(conn, previous.id, source_id, now)
        warehouse.save_indicators(catalogue.indicators.values())
        extra = list(extra_indicators)
        if extra:
            warehouse.save_indicators(extra, source_id)

        insert = """INSERT INTO observation (indicator_id, area_code, year, period, value, status, source_id)
               VALUES (?,?,?,?,?,?,?)
               ON CONFLICT (area_code, period, indicator_id) DO UPDATE SET
                 year=excluded.year, value=excluded.value, status=excluded.status, source_id=excluded.source_id"""
        batch: list[tuple] = []
        for row in table.rows:
            counts["rows"] += 1
            if progress and counts["rows"] % 1000 == 0:
                progress(1000)
            area = row.area
            if not scope.keeps(area.code, area.gemeente_code):
                counts["skipped"] += 1
                continue
            row_key = (area.code, row.period, row.dims)
            if row_key in seen_rows:
                report.error(
                    "duplicate-row", file_label, row.line, None,
                    f"area {area.code}, period {row.period} appears twice (first on row {seen_rows[row_key]}).",
                    "Remove one of the two rows and import again.",
                )
                continue
            seen_rows[row_key] = row.line
            areas[(area.code, area.year)] = area
            code, period, year = area.code, row.period, int(row.period[:4])
            ids = mapper.indicators_for(row.dims, period)
            batch.extend([(indicator_id, code, year, period, value, status, source_id)
                          for indicator_id, value, status in zip(ids, row.values, row.statuses)
                          if indicator_id is not None])
            if len(batch) >= _BATCH:
                counts["obs"] += len(batch)
                conn.executemany(insert, batch)
                batch.clear()
        counts["obs"] += len(batch)
        conn.executemany(insert, batch)
        for topic in mapper.unmapped():
            report.warning(
                "unmapped-topic", file_label, None, topic.key,
                f"topic {topic.key!r} ({topic.path or topic.title or 'no title'}) of table {meta.table_id} "
                "maps to no indicator in the catalogue, so its values were not imported.",
                "Add a mapping for it to the indicator catalogue if it should be shown.",
            )
        if not report.valid:
            raise InvalidDataError(
                f"{file_label}: {len(report.errors)} error(s); nothing was imported.\n" + report.format(), report
            )
        _save_areas(conn, areas.values())
        conn.execute("UPDATE source SET rows=?, observations=? WHERE id=?", (counts["rows"], counts["obs"], source_id))

    return LoadResult(source_id, key, version, unchanged=False, rows=counts["rows"], observations=counts["obs"],
                      areas=len(areas), skipped_rows=counts["skipped"], report=report)


def _withdraw(conn, old_source_id: int, new_source_id: int, now: str) -> None:
    """Move the observations of a superseded version into the history."""
    conn.execute(
        """INSERT INTO observation_history
           SELECT indicator_id, area_code, year, period, value, status, source_id, ?, ?
           FROM observation WHERE source_id=?""",
        (new_source_id, now, old_source_id),
    )
    conn.execute("DELETE FROM observation WHERE source_id=?", (old_source_id,))
    conn.execute("UPDATE source SET current=0 WHERE id=?", (old_source_id,))


def _save_areas(conn, areas) -> None:
    """Upsert areas; a later source does not erase a name or flag an earlier one gave."""
    conn.executemany(
        """INSERT INTO area (code, year, name, level, gemeente_code, wijk_code, indeling_change)
           VALUES (?,?,?,?,?,?,?)
           ON CONFLICT (code, year) DO UPDATE SET
             name=coalesce(excluded.name, area.name),
             indeling_change=coalesce(excluded.indeling_change, area.indeling_change)""",
        [tuple(a) for a in areas],
    )
