"""Machine-readable twins of an area page: ``data.json``, ``data.csv`` and ``ledger.csv``.

``data.json`` and ``data.csv`` hold every figure of the area's years (one row per
indicator and year) with its status and provenance; ``data.json`` also holds each year's
money-flow ledger under ``geldstromen``.  ``ledger.csv`` beside each year's page is that
year's ledger (``accounts.ledger.ledger_csv``).  A CSV cell that would start with ``=``, ``+``, ``-`` or ``@``
(or a tab/carriage return) is neutralised with a leading ``'`` so spreadsheets do not
run it as a formula.  Values are numbers we format ourselves (``-3.5``, decimal point),
never text from a source, so they are written as numbers.
"""

from __future__ import annotations

import csv
import io
import json

from ..accounts.ledger import ledger_csv

CSV_COLUMNS = ("gebied_code", "gebied_naam", "jaar", "zelfde_gebied_als_nieuwste_jaar", "indicator", "omschrijving",
               "waarde", "eenheid", "status", "periode", "bron", "tabel", "licentie", "bron_url")
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    return "'" + cell if cell.startswith(_DANGEROUS) else cell


def twin_rows(pages) -> list[dict]:
    """One record per figure of every page (years) of one area."""
    rows = []
    series = _series_of(pages)
    for page in pages:
        for fig in page.figures.values():
            src = page.sources[fig.source - 1]
            rows.append({
                "gebied_code": page.code, "gebied_naam": page.name, "jaar": page.year,
                "zelfde_gebied_als_nieuwste_jaar": page.year in series,
                "indicator": fig.id, "omschrijving": fig.label, "waarde": fig.value, "eenheid": fig.unit,
                "status": fig.status, "periode": fig.period, "bron": src["publisher"] if src["kind"] == "cbs" else
                f"{src['publisher']}: {src['title']}", "tabel": src["table_id"], "licentie": src["licence"],
                "bron_url": src["url"],
            })
    return rows


def _series_of(pages) -> list[int]:
    for page in pages:
        if page.is_latest:
            return page.series_years
    return []


def to_json(pages, page_url: str, ledgers: dict | None = None) -> str:
    """The figures of every year; ``geldstromen`` holds each year's ledger (``Ledger.as_dict()``)."""
    latest = next(p for p in pages if p.is_latest)
    doc = {
        "gebied": {"code": latest.code, "naam": latest.name, "niveau": latest.level, "pagina": page_url,
                   "jaren_zelfde_gebied": latest.series_years, "andere_jaren": latest.other_years},
        "bronnen": [s for p in pages for s in p.sources],
        "cijfers": twin_rows(pages),
    }
    if ledgers:
        doc["geldstromen"] = {str(year): ledger.as_dict() for year, ledger in sorted(ledgers.items(), reverse=True)}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def ledger_to_csv(ledger) -> str:
    """``ledger.csv`` beside each page: :func:`~wijkboekhouding.accounts.ledger.ledger_csv`
    with every text cell neutralised."""
    return ledger_csv(ledger, cell=neutralise)


def to_csv(pages) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for row in twin_rows(pages):
        w.writerow([_cell(row[c]) for c in CSV_COLUMNS])
    return buf.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    return neutralise(str(value))
