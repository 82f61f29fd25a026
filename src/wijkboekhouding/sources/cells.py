"""Turning one CBS cell's text into a value and a status, and an area code into a kept code.

Markers, as the publishers' legends define them:

- CBS StatLine ("Verklaring van symbolen"): ``.`` the figure is unknown, insufficiently
  reliable or secret; ``x`` secret (older tables); ``-`` or ``–`` nihil (older tables and
  the "CSV met statistische symbolen" export); an empty cell cannot occur on logical
  grounds.  A trailing ``*`` marks a provisional *period* (``2024*``), not a cell.
- Klimaatmonitor: ``?`` ontbreekt (missing).
- cijfersoverzwolle.nl (Swing): ``-`` niet van toepassing (not applicable, *not* zero);
  use :data:`SWING_MARKERS` for those exports.

Exports pad numbers with spaces and may use a decimal comma.
"""

from __future__ import annotations

import re

from .records import MISSING, SUPPRESSED, VALUE, level_of, normalise_area_code

# marker -> (value, status)
CBS_MARKERS = {
    "": (None, MISSING),  # CBS: kan op logische gronden niet voorkomen
    ".": (None, SUPPRESSED),  # CBS: cijfer onbekend, onvoldoende betrouwbaar of geheim
    "x": (None, SUPPRESSED),  # CBS: geheim
    "?": (None, MISSING),  # Klimaatmonitor: ontbreekt
    "-": (0.0, VALUE),  # CBS: nihil
    "\u2013": (0.0, VALUE),  # CBS: nihil, written as an en dash
}
MARKERS = CBS_MARKERS  # the default
# cijfersoverzwolle.nl's legend: "- Niet van toepassing".
SWING_MARKERS = {**CBS_MARKERS, "-": (None, MISSING), "\u2013": (None, MISSING)}


class CellError(ValueError):
    """A cell that is neither a number nor a known marker."""


def parse_number(text: str, decimal_comma: bool = False, markers: dict | None = None) -> tuple[float | None, str]:
    """Parse a cell; raises CellError for text that is not a number or marker.

    With ``decimal_comma`` a ``,`` is the decimal separator and ``.`` must not be a
    thousands separator (CBS never writes one).
    """
    s = text.strip()
    marker = (markers or CBS_MARKERS).get(s)
    if marker is not None:
        return marker
    if decimal_comma:
        if "." in s:
            raise CellError(f"{s!r} is not a number (this file uses a decimal comma)")
        s = s.replace(",", ".")
    try:
        value = float(s)
    except ValueError:
        raise CellError(f"{s!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise CellError(f"{s!r} is not a number")
    return value, VALUE


def parse_value(cell, decimal_comma: bool = False, markers: dict | None = None) -> tuple[float | None, str]:
    """Like :func:`parse_number`, but also accepts typed cells (JSON, parquet, xlsx):
    ``None`` is missing, an int or float is a value."""
    if cell is None:
        return None, MISSING
    if isinstance(cell, bool):
        raise CellError(f"{cell!r} is not a number")
    if isinstance(cell, (int, float)):
        if cell != cell:  # NaN
            return None, MISSING
        return float(cell), VALUE
    return parse_number(str(cell), decimal_comma, markers)


# Codes we keep: NL00, PV20, GM0202, WK020202, BU02020211 (Amsterdam uses letters: WK0363AA).
_KEPT_CODE = re.compile(r"^(NL\d{2}|PV\d{2}|GM\d{4}|WK\d{4}[0-9A-Z]{2}|BU\d{4}[0-9A-Z]{4})$")
# CBS's other regional groupings, skipped silently: landsdelen (LD01, LDG4), COROP (CR, CP),
# arbeidsmarktregio's (AM), energy regions (ES01, ET0101), GGD (GG), jeugdzorg (JZ),
# veiligheidsregio's (VR), and "not assignable" codes such as PVZZ, LD99, ET9999.
_GROUPING_CODE = re.compile(r"^(LD|CR|CP|AM|ES|ET|GG|JZ|VR|RE|PV)[0-9A-Z]{2,4}$")


def area_code(raw: str) -> tuple[str, str | None]:
    """``(code, level)`` for a region cell: level ``None`` with an empty code means a
    CBS grouping we do not keep (skip silently); ``None`` with the code means the code is
    not a CBS area code at all (warn)."""
    code = normalise_area_code(raw)
    if _KEPT_CODE.match(code):
        return code, level_of(code)
    if _GROUPING_CODE.match(code):
        return "", None
    return code, None
