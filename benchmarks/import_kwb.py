"""Benchmark: import the full national KWB files, against a plain csv + SQLite baseline.

    python benchmarks/import_kwb.py [--repeat 3] [--profile]

For each file (KWB 2017, 16 667 areas; KWB 2024, 18 310 areas) it measures, each in a
fresh child process:

- import: ``import_cbs_file`` into a new whole-country workspace (reader, catalogue
  mapping, validation, loader, one transaction);
- baseline: parse every cell of the same file with the ``csv`` module (strip, float) and
  insert as many rows as the import wrote observations (spread over the file's lines)
  into SQLite with ``executemany`` in one transaction, into a table of the same shape
  and primary key as ``observation``, with the warehouse's PRAGMAs.

It prints wall time (best of ``--repeat``), peak memory (``ru_maxrss`` of the child)
and the import/baseline ratio of wall time (and of CPU time, which a busy machine
disturbs less).  Targets: ratio <= 2, peak < 500 MB.  ``--profile`` (or a
ratio above 2) prints a cProfile of one import.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
FILES = (
    ("KWB 2017", SHARED / "kwb-2017-83765NED-typeddataset-extract" / "indicators_buurt_wijk_gemeente.csv",
     "83765NED", 2017, ",", "WijkenEnBuurten"),
    ("KWB 2024", SHARED / "kwb-2024-85984NED-statline-csv" / "Kerncijfers_wijken_en_buurten_2024_geslachten.csv",
     "85984NED", 2024, ";", "Regioaanduiding/Codering (code)"),
)
TARGET_RATIO, TARGET_MB = 2.0, 500


# -- children ------------------------------------------------------------------------


def child_import(path: str, table_id: str, year: int, workdir: str, profile: bool) -> dict:
    import time

    from wijkboekhouding.warehouse.imports import import_cbs_file
    from wijkboekhouding.workspace import Workspace

    ws = Workspace.init(Path(workdir) / "ws", [])
    start, cpu = time.perf_counter(), time.process_time()
    if profile:
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(import_cbs_file, ws, path, table_id=table_id, year=year)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        sys.stderr.write(out.getvalue())
    else:
        result = import_cbs_file(ws, path, table_id=table_id, year=year)
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "rows": result.rows,
            "observations": result.observations}


def child_baseline(path: str, delimiter: str, code_column: str, lines: int, n: int, workdir: str) -> dict:
    """Parse every cell of the file; insert ``n`` rows, the first ``ceil(n / lines)`` cells of each line."""
    import csv
    import sqlite3
    import time

    start, cpu = time.perf_counter(), time.process_time()
    per_line = -(-n // lines)
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        header = next(reader)
        code_at = header.index(code_column)

        def rows():
            produced = 0
            for line in reader:
                code = line[code_at].strip()
                parsed = []
                for i in range(code_at + 1, len(line)):
                    cell = line[i].strip().replace(",", ".")
                    try:
                        parsed.append((header[i], float(cell), "value"))
                    except ValueError:
                        parsed.append((header[i], None, "suppressed"))
                for key, value, status in parsed[:min(per_line, n - produced)]:
                    yield (key, code, 2000, "2000", value, status, 1)
                    produced += 1

        conn = sqlite3.connect(Path(workdir) / "baseline.sqlite", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA cache_size=-65536")
        conn.execute("""CREATE TABLE observation (indicator_id TEXT NOT NULL, area_code TEXT NOT NULL,
                        year INTEGER NOT NULL, period TEXT NOT NULL, value REAL, status TEXT NOT NULL,
                        source_id INTEGER NOT NULL, PRIMARY KEY (area_code, period, indicator_id)) WITHOUT ROWID""")
        conn.execute("BEGIN")
        conn.executemany("INSERT OR REPLACE INTO observation VALUES (?,?,?,?,?,?,?)", rows())
        conn.execute("COMMIT")
        inserted = conn.execute("SELECT count(*) FROM observation").fetchone()[0]
        conn.close()
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "observations": inserted}


def run_child(*args: str) -> dict:
    """Run one measurement in a fresh interpreter; returns its result plus peak memory (MB)."""
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "child failed")
    if done.stderr:
        sys.stderr.write(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def child_main(args: list[str]) -> None:
    import resource

    kind, *rest = args
    if kind == "import":
        path, table_id, year, workdir, profile = rest
        result = child_import(path, table_id, int(year), workdir, profile == "1")
    else:
        path, delimiter, code_column, lines, n, workdir = rest
        result = child_baseline(path, delimiter, code_column, int(lines), int(n), workdir)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    print(json.dumps(result))


# -- parent --------------------------------------------------------------------------


def measure(label, path, table_id, year, delimiter, code_column, repeat, profile) -> dict | None:
    imports, baselines = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            try:
                imports.append(run_child("import", str(path), table_id, str(year), tmp, "0"))
            except RuntimeError as e:
                print(f"{label}: cannot import {path.name} yet: {e}")
                return None
        with tempfile.TemporaryDirectory() as tmp:
            baselines.append(run_child("baseline", str(path), delimiter, code_column, str(imports[-1]["rows"]),
                                       str(imports[-1]["observations"]), tmp))
    best_import = min(imports, key=lambda r: r["seconds"])
    best_base = min(baselines, key=lambda r: r["seconds"])
    ratio = best_import["seconds"] / best_base["seconds"]
    cpu_ratio = min(r["cpu"] for r in imports) / min(r["cpu"] for r in baselines)
    peak = max(r["peak_mb"] for r in imports)
    ok = ratio <= TARGET_RATIO and peak < TARGET_MB
    print(f"{label}: {best_import['rows']} rows -> {best_import['observations']} observations | "
          f"import {best_import['seconds']:.2f} s, peak {peak:.0f} MB | "
          f"baseline {best_base['seconds']:.2f} s ({best_base['observations']} rows), "
          f"peak {max(r['peak_mb'] for r in baselines):.0f} MB | ratio {ratio:.2f} (CPU time {cpu_ratio:.2f}) "
          f"{'OK' if ok else 'ABOVE TARGET'} (target <= {TARGET_RATIO}x, < {TARGET_MB} MB)")
    if profile or ratio > TARGET_RATIO:
        print(f"--- cProfile of one {label} import (cumulative) ---", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            run_child("import", str(path), table_id, str(year), tmp, "1")
    return {"label": label, "ratio": ratio, "peak_mb": peak, "ok": ok}


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_main(sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="measurements per file (best counts)")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one import per file")
    args = parser.parse_args()
    results = [measure(*spec, args.repeat, args.profile) for spec in FILES]
    return 0 if all(r and r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
