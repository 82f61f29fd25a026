"""Benchmark: every wijk of the Netherlands from its buurten, for every indicator of one year.

    python benchmarks/aggregate.py [--repeat 5] [--per-area]

Imports the full KWB 2017 file (16 667 areas) into a temporary whole-country workspace,
then measures (best of ``--repeat``, warehouse open, caches warm):

- engine: ``aggregate_many`` for all wijken from their buurten, every indicator in the
  warehouse, with coverage and threshold (one query, then plain Python);
- baseline: one query for the ``inwoners`` column of the year, summed per wijk in plain
  Python (a dict of buurt values, a loop per wijk), with no statuses, bases or coverage.

Prints both times and their ratio, and the ratio per indicator.  ``--per-area`` also
times one ``aggregate`` call per wijk (one query each), as a site would do without the
bulk call.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
KWB_2017 = REPO.parent / "shared" / "data" / "kwb-2017-83765NED-typeddataset-extract" / \
    "indicators_buurt_wijk_gemeente.csv"
YEAR = 2017


def best_of(repeat: int, fn) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def baseline(wh, groups):
    values = {code: o.value for (code, _), o in wh.values(["inwoners"], YEAR).items()}
    return {wijk: sum(values.get(code) or 0.0 for code, _ in buurten) for wijk, buurten in groups.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--per-area", action="store_true", help="also time one aggregate() call per wijk")
    args = parser.parse_args()

    from wijkboekhouding.warehouse.aggregate import aggregate, aggregate_many
    from wijkboekhouding.warehouse.imports import import_cbs_file
    from wijkboekhouding.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.init(Path(tmp) / "ws", [])
        start = time.perf_counter()
        import_cbs_file(ws, KWB_2017, table_id="83765NED")
        print(f"import KWB 2017: {time.perf_counter() - start:.2f} s (not part of the comparison)")
        with ws.warehouse() as wh:
            groups = defaultdict(list)
            for a in wh.areas(year=YEAR, level="buurt"):
                groups[a.wijk_code].append((a.code, 1.0))
            indicators = sorted(wh.indicators())
            n_buurten = sum(len(b) for b in groups.values())

            engine_s, results = best_of(args.repeat, lambda: aggregate_many(wh, groups, YEAR))
            base_s, sums = best_of(args.repeat, lambda: baseline(wh, groups))

            shown = sum(1 for figs in results.values() for a in figs.values() if a.value is not None)
            print(f"{len(groups)} wijken from {n_buurten} buurten, {len(indicators)} indicators "
                  f"({', '.join(indicators)}); {shown} of {len(groups) * len(indicators)} figures shown")
            print(f"engine   (all indicators, coverage): {engine_s * 1000:8.1f} ms")
            print(f"baseline (one column, plain sum):    {base_s * 1000:8.1f} ms")
            print(f"ratio engine/baseline: {engine_s / base_s:.1f}x "
                  f"({engine_s / base_s / len(indicators):.2f}x per indicator)")
            assert all(results[w]["inwoners"].value in (None, sums[w]) for w in groups)

            if args.per_area:
                per_s, _ = best_of(1, lambda: {w: aggregate(wh, b, YEAR) for w, b in groups.items()})
                print(f"one aggregate() call per wijk:       {per_s * 1000:8.1f} ms "
                      f"({per_s / engine_s:.1f}x the bulk call)")


if __name__ == "__main__":
    main()
