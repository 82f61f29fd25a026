"""The command line: parses options, calls one library function, turns errors into messages."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from .errors import WijkboekhoudingError

workspace_option = click.option(
    "--workspace", "-w", "workspace_dir", default=".", show_default=True,
    type=click.Path(file_okay=False, path_type=Path), help="Workspace folder.")


def friendly_errors(fn):
    """Show our exceptions as a one-line error and exit 1, without a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except WijkboekhoudingError as e:
            raise click.ClickException(str(e)) from None

    return wrapper


def open_workspace(workspace_dir: Path):
    from .workspace import Workspace

    return Workspace.open(workspace_dir)


@click.group()
@click.version_option(package_name="wijkboekhouding")
def cli():
    """wijkboekhouding: what a neighbourhood is worth and which money flows run through it."""


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--gemeente", "gemeenten", multiple=True, help="GM code, repeatable (e.g. GM0202). None: whole country.")
@click.option("--name", default="", help="A title for the workspace.")
@friendly_errors
def init(directory, gemeenten, name):
    """Create a workspace in DIRECTORY for one or more gemeenten."""
    from .workspace import Workspace

    ws = Workspace.init(directory, list(gemeenten), name=name)
    scope = ", ".join(ws.gemeenten) or "the whole country"
    click.echo(f"Workspace for {scope} ready in {ws.path}")


@cli.group(name="import")
def import_group():
    """Import CBS tables or local datasets into the workspace."""


@import_group.command(name="cbs")
@click.option("--table", "table_id", help="CBS table id, e.g. 85984NED.")
@click.option("--gemeente", "gemeenten", multiple=True, help="Download only these gemeenten (default: the workspace's).")
@click.option("--year", type=int, help="The table's year, when the file or table does not say.")
@click.option("--file", "file_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Import a downloaded CBS file instead of calling the API.")
@workspace_option
@friendly_errors
def import_cbs(table_id, gemeenten, year, file_path, workspace_dir):
    """Import a CBS table from the API (--table) or a downloaded file (--file)."""
    from .warehouse.imports import import_cbs_file, import_cbs_table

    ws = open_workspace(workspace_dir)
    with _progress("rijen") as progress:
        if file_path:
            result = import_cbs_file(ws, file_path, table_id=table_id, year=year, progress=progress)
        elif table_id:
            result = import_cbs_table(ws, table_id, gemeenten=list(gemeenten) or None, year=year, progress=progress)
        else:
            raise click.UsageError("pass --table ID (download from CBS) or --file PATH")
    _print_report(result.report)
    click.echo(result.summary())


@import_group.command(name="local")
@click.argument("file_path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--meta", "meta_path", required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="TOML file describing the dataset (title, publisher, licence, indicators...).")
@workspace_option
@friendly_errors
def import_local(file_path, meta_path, workspace_dir):
    """Import a local dataset (CSV or XLSX) with its metadata file."""
    from .warehouse.local import import_local_file

    ws = open_workspace(workspace_dir)
    result = import_local_file(ws, file_path, meta_path)
    _print_report(result.report)
    click.echo(result.summary())


@cli.command()
@click.argument("area")
@click.option("--year", type=int, help="Year (default: the latest with data).")
@workspace_option
@friendly_errors
def show(area, year, workspace_dir):
    """Print an area's figures by theme, with their sources."""
    from .warehouse.show import format_area

    ws = open_workspace(workspace_dir)
    click.echo(format_area(ws, area, year))


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--no-build", is_flag=True, help="Only set up the workspace; do not build the site.")
@friendly_errors
def demo(directory, no_build):
    """Set up the demo workspace (five pilot areas) from the shipped CBS extract and build its site."""
    from .demo import run_demo

    run_demo(directory or Path("demo-werkruimte"), build=not no_build, echo=click.echo)


def _print_report(report) -> None:
    if report.problems:
        click.echo(report.format(), err=True)


class _progress:
    """A tqdm progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, unit: str):
        self.unit = unit
        self.bar = None

    def __enter__(self):
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(unit=f" {self.unit}", file=sys.stderr, leave=False)
            return self.bar.update
        return None

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()


if __name__ == "__main__":  # pragma: no cover
    cli()
