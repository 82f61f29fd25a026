"""Regenerate the demo extract from the real CBS files with the project's own importer.

    python -m wijkboekhouding.demo.regenerate --shared ../shared/data

Imports every file in :data:`SHARED_FILES` (our readers + loader) into a temporary
workspace for the five pilot gemeenten, then exports that warehouse for NL, the
pilots' provincies, the gemeenten of those provincies (so provincie comparisons
can be aggregated) and the pilots' own wijken and buurten.  A file whose reader cannot
read it yet is reported and left out; ``--strict`` makes that an error.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from ..errors import WijkboekhoudingError
from ..sources.records import gemeente_of, level_of
from ..warehouse.imports import import_cbs_file
from ..workspace import Workspace
from . import EXTRACT_PATH, PILOT_GEMEENTEN
from .extract import export_extract

# (file under the shared data folder, CBS table id, the table's year or None when rows carry a period)
SHARED_FILES = (
    ("gemeenten-lijst-2019/Gemeenten_alfabetisch_2019.csv", None, None),
    # The 2017 wijk map first: it names the 2017 wijken (KWB 2017 names only gemeenten) and adds
    # households; KWB 2017, imported next, wins where both give a figure.
    ("cbs-wijkbuurtkaart-2017-attributes/wijk_2017.dbf", "83765NED", 2017),
    ("kwb-2017-83765NED-typeddataset-extract/indicators_buurt_wijk_gemeente.csv", "83765NED", 2017),
    ("kwb-2024-85984NED-statline-csv/Kerncijfers_wijken_en_buurten_2024_geslachten.csv", "85984NED", 2024),
    ("kwb-2024-wijkbuurtkaart-v2-nprz-parquet/gemeente_2024_stats.parquet", "85984NED", 2024),
    ("kwb-2024-wijkbuurtkaart-v2-nprz-parquet/wijk_2024_stats.parquet", "85984NED", 2024),
    ("kwb-2024-wijkbuurtkaart-v2-nprz-parquet/buurt_2024_stats.parquet", "85984NED", 2024),
    ("cbs-zonnestroom-wijken-buurten-2016-2022/84131NED_full_data.csv", "84131NED", 2016),
    ("cbs-zonnestroom-wijken-buurten-2016-2022/84517NED_full_data.csv", "84517NED", 2017),
    ("cbs-zonnestroom-wijken-buurten-2016-2022/84772NED_full_data.csv", "84772NED", 2018),
    ("cbs-zonnestroom-wijken-buurten-2016-2022/85010NED_full_data.csv", "85010NED", 2019),
    ("cbs-zonnestroom-wijken-buurten-2016-2022/85447NED_full_data.csv", "85447NED", 2020),
    ("cbs-zonnestroom-wijken-buurten-2016-2022/85775NED_full_data.csv", "85775NED", 2021),
    ("cbs-zonnestroom-wijken-buurten-2016-2022/86044NED_full_data.csv", "86044NED", 2022),
    ("cbs-energieverbruik-woningen-regio-81528NED/81528NED_full_data.csv", "81528NED", None),
    ("cbs-energietarieven-84672NED-85592NED/84672NED_full_data.csv", "84672NED", None),
    ("cbs-energietarieven-84672NED-85592NED/85592NED_full_data.csv", "85592NED", None),
)


def demo_area_filter(ws: Workspace):
    """``keep(code)``: NL, the pilots' provincies and every gemeente in them, the pilots'
    wijken and buurten.  Without a gemeente -> provincie list: NL and the pilots only."""
    pilots = set(PILOT_GEMEENTEN)
    with ws.warehouse() as wh:
        provincies = {pv[0] for g in pilots if (pv := wh.provincie_of(g))}
        gemeenten = pilots | {
            g for (g,) in wh.conn.execute("SELECT gemeente_code FROM gemeente_provincie") if
            (pv := wh.provincie_of(g)) and pv[0] in provincies}

    def keep(code: str) -> bool:
        level = level_of(code)
        if level == "land":
            return True
        if level == "provincie":
            return code in provincies
        if level == "gemeente":
            return code in gemeenten
        return gemeente_of(code) in pilots

    return keep


def regenerate(shared: Path, out: Path = EXTRACT_PATH, strict: bool = False, echo=print) -> list[str]:
    """Import the shared files, write the extract to ``out``; returns the files left out."""
    shared = Path(shared)
    if not shared.is_dir():
        raise WijkboekhoudingError(f"{shared}: no such folder; pass --shared with the CBS data folder")
    left_out = []
    with tempfile.TemporaryDirectory(prefix="wijkboekhouding-demo-") as tmp:
        ws = Workspace.init(Path(tmp) / "ws", list(PILOT_GEMEENTEN), name="demo extract")
        for relative, table_id, year in SHARED_FILES:
            path = shared / relative
            try:
                result = import_cbs_file(ws, path, table_id=table_id, year=year)
            except (WijkboekhoudingError, NotImplementedError) as e:
                if strict:
                    raise
                left_out.append(f"{relative}: {str(e).splitlines()[0]}")
                echo(f"left out  {relative}: {str(e).splitlines()[0]}")
                continue
            summary = result.summary() if hasattr(result, "summary") else str(result)
            echo(f"imported  {relative}: {summary}")
        with ws.warehouse() as wh:
            data = export_extract(wh, demo_area_filter(ws), PILOT_GEMEENTEN)
    out = Path(out)
    tmp_out = out.with_suffix(".tmp")
    tmp_out.write_bytes(data)
    tmp_out.replace(out)
    echo(f"wrote {out} ({len(data) / 1024:.0f} KiB)")
    return left_out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wijkboekhouding.demo.regenerate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, required=True, help="folder with the CBS files (../shared/data)")
    parser.add_argument("--out", type=Path, default=EXTRACT_PATH, help="where to write the extract")
    parser.add_argument("--strict", action="store_true", help="fail when any file cannot be imported")
    args = parser.parse_args(argv)
    try:
        regenerate(args.shared, args.out, strict=args.strict)
    except WijkboekhoudingError as e:
        print(f"Error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
