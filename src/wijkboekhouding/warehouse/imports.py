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
    """Import one downloaded CBS file into the workspace (all or nothing).  Files that
    name areas without codes are matched against the area names already in the warehouse;
    CBS's gemeente list fills the provincie of each gemeente instead."""
    from ..sources.files import detect_layout
    from ..sources.statline_csv import AreaNames

    if detect_layout(Path(path)) == "gemeentelijst":
        return import_gemeentelijst(ws, path)
    catalogue = load_catalogue()
    with ws.warehouse() as wh:
        table, content_hash = open_cbs_file(path, catalogue, table_id=table_id, year=year,
                                            resolve_name=AreaNames(wh.areas))
        key = f"cbs:{table.meta.table_id}:{Path(path).name}"
        return load_table(wh, table, catalogue, key=key, content_hash=content_hash, scope=ws.scope,
                          progress=progress)


def import_gemeentelijst(ws: Workspace, path: str | Path):
    """Fill ``gemeente_provincie`` from CBS's "Gemeenten alfabetisch" list (all or nothing)."""
    from ..errors import InvalidDataError
    from ..sources.files import text_encoding
    from ..sources.gemeentelijst import GemeentelijstResult, read_gemeentelijst

    path = Path(path)
    rows, report = read_gemeentelijst(path, text_encoding(path))
    if not report.valid:
        raise InvalidDataError(f"{path.name}: {len(report.errors)} error(s); nothing was imported.\n"
                               + report.format(), report)
    with ws.warehouse() as wh:
        wh.save_gemeente_provincie((r.gemeente_code, r.provincie_code, r.provincie_name) for r in rows)
    return GemeentelijstResult(path.name, len(rows), report)


def import_cbs_table(ws: Workspace, table_id: str, gemeenten: list[str] | None = None, year: int | None = None,
                     progress: Callable[[int], None] | None = None, *, api: str = "auto",
                     client=None) -> LoadResult:
    """Download a CBS table through the OData API (filtered to the gemeenten) and import it.

    ``api``: ``"v3"``, ``"v4"`` or ``"auto"`` (v3, and v4 when v3 does not know the table).
    Every answer goes through the workspace's cache (``.cache/cbs``), so a re-run works
    offline; the source key is ``cbs:<table>:api[:<gemeenten>]`` and the content hash
    covers every body CBS sent, so an unchanged table writes nothing.  ``progress(n)`` is
    called with the row count of each downloaded page.
    """
    from ..errors import UnknownTableError
    from ..sources.http import CBSClient
    from ..sources.odata3 import download_v3, read_v3
    from ..sources.odata4 import download_v4, read_v4

    if api not in ("auto", "v3", "v4"):
        raise ValueError(f"api must be 'auto', 'v3' or 'v4', not {api!r}")
    table_id = table_id.strip()
    codes = sorted({g.strip().upper() for g in (gemeenten if gemeenten is not None else ws.gemeenten)})
    catalogue = load_catalogue()
    own_client = client is None
    client = client or CBSClient.for_workspace(ws)
    try:
        download = None
        if api in ("auto", "v3"):
            try:
                download = download_v3(client, ws.settings["cbs_base_url"], table_id, codes, progress)
                table = read_v3(download, year)
            except UnknownTableError as v3_error:
                if api == "v3":
                    raise
                try:
                    download = download_v4(client, ws.settings["cbs_odata4_url"], table_id, codes, progress)
                except UnknownTableError as v4_error:
                    raise UnknownTableError(
                        f"CBS answered 404 for table {table_id} at {v3_error.url} and at {v4_error.url}: "
                        "no such table; check the table id on opendata.cbs.nl") from None
                table = read_v4(download, year)
        else:
            download = download_v4(client, ws.settings["cbs_odata4_url"], table_id, codes, progress)
            table = read_v4(download, year)
    finally:
        if own_client:
            client.close()
    key = f"cbs:{table.meta.table_id}:api" + (":" + ",".join(codes) if codes else "")
    with ws.warehouse() as wh:
        return load_table(wh, table, catalogue, key=key, content_hash=download.content_hash, scope=ws.scope)
