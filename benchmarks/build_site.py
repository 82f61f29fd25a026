"""Benchmark: build the site for every area of the full KWB 2017 + 2024 files.

    python benchmarks/build_site.py [--keep DIR] [--workers N]

Imports both national files into a whole-country workspace (not timed), then builds the
site twice from the same warehouse: the real build (pages, charts, twins, embeds, big
screen) and a baseline that renders the same page contexts with a bare template and no
charts (same twins and number of files).  Prints areas per second, total time, peak
memory (this process and its forked workers, from getrusage), output size, the largest
area page and the ratio to the baseline.  Targets (issue 3): <= 2.5x the baseline,
>= 100 areas/s on a 2-core machine, < 1 GB peak, an area page < 150 KB.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from conftest import KWB_2017, KWB_2024_CSV  # noqa: E402

from wijkboekhouding.site import build_site  # noqa: E402
from wijkboekhouding.warehouse.imports import import_cbs_file  # noqa: E402
from wijkboekhouding.workspace import Workspace  # noqa: E402


def peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build here and keep the output (default: a temporary folder)")
    parser.add_argument("--workers", type=int, default=None, help="processes for pass 2 (default: one per core, max 4)")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="wbh-site-bench-"))
    try:
        ws = Workspace.init(base / "ws", [])
        t = time.perf_counter()
        for path, table in ((KWB_2017, "83765NED"), (KWB_2024_CSV, "85984NED")):
            print(import_cbs_file(ws, path, table_id=table).summary())
        print(f"import (not part of the measure): {time.perf_counter() - t:.1f} s")

        baseline = build_site(ws, base / "baseline", bare=True, workers=args.workers)
        shutil.rmtree(base / "baseline")
        full = build_site(ws, base / "site", workers=args.workers)
        own, children = peak_mb()
        pages = sorted((p.stat().st_size, str(p.relative_to(base / "site")))
                       for level in ("gemeente", "wijk", "buurt") for p in (base / "site" / level).glob("*/index.html"))
        print()
        print(f"areas:            {full.areas} ({full.pages} area pages incl. other years, {full.embeds} embeds, "
              f"{full.files} files)")
        print(f"total time:       {full.seconds:.1f} s (pass 1 {full.pass1_seconds:.1f} s)")
        print(f"areas per second: {full.areas / full.seconds:.0f}   (area pages per second: "
              f"{full.pages / full.seconds:.0f})")
        print(f"baseline:         {baseline.seconds:.1f} s (bare template, no charts, same contexts and twins)")
        print(f"ratio:            {full.seconds / baseline.seconds:.2f} x baseline")
        print(f"peak memory:      {own:.0f} MB main process, {children:.0f} MB largest worker")
        print(f"output size:      {full.bytes / 1e6:.0f} MB")
        print(f"largest page:     {full.largest_page[0] / 1024:.1f} KB ({full.largest_page[1]}); "
              f"largest gemeente/wijk/buurt page {pages[-1][0] / 1024:.1f} KB ({pages[-1][1]})")
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
