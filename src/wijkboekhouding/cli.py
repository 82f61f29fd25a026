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


@cli.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: WORKSPACE/site).")
@workspace_option
@friendly_errors
def build(out_dir, workspace_dir):
    """Build the static site (written to a new folder, then swapped in)."""
    from .site import build_site

    ws = open_workspace(workspace_dir)
    result = build_site(ws, out_dir or ws.path / "site")
    click.echo(result.summary())


@cli.command()
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--dir", "site_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Site folder (default: WORKSPACE/site).")
@workspace_option
@friendly_errors
def serve(port, site_dir, workspace_dir):
    """Preview the built site on http://127.0.0.1:PORT/."""
    from .site.serve import serve_site

    if site_dir is None:
        site_dir = open_workspace(workspace_dir).path / "site"
    serve_site(site_dir, port=port, echo=click.echo)


@cli.group()
def area():
    """Custom areas: named sets of buurten or wijken, with membership per year."""


@area.command(name="define")
@click.argument("slug")
@click.option("--name", required=True, help='Display name, e.g. "Oosterbeek".')
@click.option("--members", required=True,
              help="Comma-separated buurt or wijk codes; CODE:0.4 takes a fraction of a buurt.")
@click.option("--years", default=None, help="Years this membership holds: 2017-, 2014-2016 or 2024.")
@click.option("--description", default="", help="Why these members (shown on the page).")
@workspace_option
@friendly_errors
def area_define(slug, name, members, years, description, workspace_dir):
    """Define (or extend) the custom area SLUG."""
    from .warehouse.custom_areas import define_area

    ws = open_workspace(workspace_dir)
    click.echo(define_area(ws, slug, name=name, members=members, years=years, description=description))


@area.command(name="list")
@workspace_option
@friendly_errors
def area_list(workspace_dir):
    """List custom areas."""
    from .warehouse.custom_areas import format_area_list

    click.echo(format_area_list(open_workspace(workspace_dir)))


@area.command(name="show")
@click.argument("slug")
@workspace_option
@friendly_errors
def area_show(slug, workspace_dir):
    """Show a custom area's members per year."""
    from .warehouse.custom_areas import format_area_definition

    click.echo(format_area_definition(open_workspace(workspace_dir), slug))


@area.command(name="delete")
@click.argument("slug")
@workspace_option
@friendly_errors
def area_delete(slug, workspace_dir):
    """Delete a custom area definition."""
    from .warehouse.custom_areas import delete_area

    click.echo(delete_area(open_workspace(workspace_dir), slug))


@area.command(name="check")
@click.argument("slug", required=False)
@workspace_option
@friendly_errors
def area_check(slug, workspace_dir):
    """Report members missing from the warehouse in a year of their definition."""
    from .warehouse.custom_areas import check_areas

    text, ok = check_areas(open_workspace(workspace_dir), slug)
    click.echo(text)
    if not ok:
        sys.exit(1)


@area.command(name="import")
@click.argument("csv_path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@workspace_option
@friendly_errors
def area_import(csv_path, workspace_dir):
    """Import custom area definitions from a CSV (slug, name, year_from, year_to, member, fraction)."""
    from .warehouse.custom_areas import import_area_definitions

    click.echo(import_area_definitions(open_workspace(workspace_dir), csv_path))


@cli.command()
@click.argument("area_code")
@click.option("--year", type=int, help="Year (default: the latest with data).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@workspace_option
@friendly_errors
def ledger(area_code, year, fmt, workspace_dir):
    """Print the money-flow ledger of an area (CBS code or custom-area slug)."""
    from .accounts.ledger import format_ledger

    click.echo(format_ledger(open_workspace(workspace_dir), area_code, year, fmt))


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
