"""Import commands: a source reader, then :func:`load_table` into a workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..catalogue import load_catalogue
from ..sources.files import open_cbs_file
from ..workspace import Workspace
from .load import LoadResult, load_table


def import_cbs_file(ws: Workspace, path: str | Path, table_id: str | None = None, year: int | None = None,
                    progress: Callable[[int], None] | None = None) -> LoadResult:
    """Import one downloaded CBS file into the workspace (all or nothing)."""
    catalogue = load_catalogue()
    table, content_hash = open_cbs_file(path, catalogue, table_id=table_id, year=year)
    key = f"cbs:{table.meta.table_id}:{Path(path).name}"
    with ws.warehouse() as wh:
        return load_table(wh, table, catalogue, key=key, content_hash=content_hash, scope=ws.scope,
                          progress=progress)


def import_cbs_table(ws: Workspace, table_id: str, gemeenten: list[str] | None = None, year: int | None = None,
                     progress: Callable[[int], None] | None = None) -> LoadResult:
    """Download a CBS table through the OData API (filtered to the gemeenten) and import it."""
    raise NotImplementedError("the CBS API client is being written")  # filled in by the OData client work
