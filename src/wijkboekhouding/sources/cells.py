"""Turning one CBS cell's text into a value and a status.

CBS writes ``.`` for "not available / suppressed", StatLine's old layout uses ``-``
for "nihil" (nothing) and ``x`` for secret, Klimaatmonitor uses ``?`` for unknown;
exports pad numbers with spaces and may use a decimal comma.
"""

from __future__ import annotations

from .records import MISSING, SUPPRESSED, VALUE

# marker -> (value, status)
MARKERS = {
    "": (None, MISSING),
    ".": (None, SUPPRESSED),  # CBS: cijfer onbekend, onvoldoende betrouwbaar of geheim
    "x": (None, SUPPRESSED),  # CBS: geheim
    "?": (None, MISSING),  # Klimaatmonitor: onbekend
    "-": (0.0, VALUE),  # CBS StatLine symbol: nihil (nothing, zero)
}


class CellError(ValueError):
    """A cell that is neither a number nor a known marker."""


def parse_number(text: str, decimal_comma: bool = False) -> tuple[float | None, str]:
    """Parse a cell; raises CellError for text that is not a number or marker.

    With ``decimal_comma`` a ``,`` is the decimal separator and ``.`` must not be a
    thousands separator (CBS never writes one).
    """
    s = text.strip()
    marker = MARKERS.get(s)
    if marker is not None:
        return marker
    if decimal_comma:
        s = s.replace(",", ".")
    try:
        return float(s), VALUE
    except ValueError:
        raise CellError(f"{text.strip()!r} is not a number") from None
