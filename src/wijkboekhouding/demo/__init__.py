"""The demo: a workspace for the five pilot areas of the 2016 prototype, from real CBS figures.

``wijkboekhouding demo [DIR]`` calls :func:`run_demo`.  The figures come from the extract
shipped in this package (``cbs-extract.json.gz``), made by our own importer from the real
CBS files (see :mod:`wijkboekhouding.demo.regenerate` and docs/demo.md).
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

# Dieze (Zwolle), Spijkerkwartier (Arnhem), Stadswerven (Dordrecht), Delfshaven (Rotterdam), Oosterbeek (Renkum)
PILOT_GEMEENTEN = ("GM0193", "GM0202", "GM0505", "GM0599", "GM0274")
EXTRACT_PATH = Path(__file__).with_name("cbs-extract.json.gz")
# Example local datasets live in the source tree (examples/local/), beside src/.
EXAMPLES_DIR = Path(__file__).resolve().parents[3] / "examples" / "local"
DEFAULT_DIRECTORY = Path("demo-werkruimte")


def run_demo(directory: str | Path = DEFAULT_DIRECTORY, build: bool = True, echo=print):
    """Set up (or bring up to date) the demo workspace in ``directory`` and return it.

    Loads the shipped CBS extract through the loader, defines the demo's custom areas,
    imports the example local datasets and builds the site, each where that part of the
    package is available.  Running it again changes nothing that is already there.
    """
    from ..workspace import Workspace
    from .extract import load_extract, read_extract

    directory = Path(directory)
    ws = Workspace.init(directory, list(PILOT_GEMEENTEN), name="Wijkboekhouding demo: vijf pilotgebieden")
    echo(f"Demo workspace: {directory} (gemeenten {', '.join(PILOT_GEMEENTEN)})")

    data = read_extract(EXTRACT_PATH)
    with ws.warehouse() as wh:
        for result in load_extract(wh, data, ws.scope):
            echo(f"  {result.summary()}")
        echo(f"  {len(wh.areas())} areas, {wh.count_observations()} observations (Bron: CBS)")

    define_demo_areas = _optional("..warehouse.custom_areas", "define_demo_areas")
    if define_demo_areas:
        message = define_demo_areas(ws)
        echo(f"  custom areas: {message}" if isinstance(message, str) and message else "  custom areas defined")

    import_local_file = _optional("..warehouse.local", "import_local_file")
    if import_local_file:
        examples = example_datasets()
        for data_file, meta_file in examples:
            echo(f"  {import_local_file(ws, data_file, meta_file).summary()}")
        if not examples:
            echo("  no example local datasets: examples/local/ is only in a source checkout")

    site_dir = ws.path / "site"
    build_site = _optional("..site", "build_site") if build else None
    if build_site:
        echo(f"  {build_site(ws, site_dir).summary()}")

    echo("\nNext:")
    echo(f"  wijkboekhouding show WK020202 -w {directory}      # Spijkerkwartier, Arnhem")
    if build_site:
        echo(f"  wijkboekhouding serve -w {directory}              # open http://127.0.0.1:8000/")
    else:
        echo(f"  wijkboekhouding build -w {directory} && wijkboekhouding serve -w {directory}")
    return ws


def example_datasets(folder: Path = EXAMPLES_DIR) -> list[tuple[Path, Path]]:
    """``(data file, meta file)`` pairs in examples/local/: ``NAME.csv`` or ``NAME.xlsx``
    with ``NAME.toml`` (or ``NAME.meta.toml``)."""
    if not folder.is_dir():
        return []
    pairs = []
    for data_file in sorted([*folder.glob("*.csv"), *folder.glob("*.xlsx")]):
        for meta_name in (f"{data_file.stem}.toml", f"{data_file.stem}.meta.toml"):
            if (folder / meta_name).exists():
                pairs.append((data_file, folder / meta_name))
                break
    return pairs


def _optional(module: str, name: str):
    """``module.name`` when that part of the package exists (it is being built in parallel)."""
    absolute = importlib.util.resolve_name(module, __name__)
    try:
        spec = importlib.util.find_spec(absolute)
    except ModuleNotFoundError:
        spec = None
    if spec is None:
        return None
    return getattr(importlib.import_module(absolute), name, None)
