"""CBS periods: codes (``2024JJ00`` -> ``2024``, ``2023MM05`` -> ``2023-05``, ``2024KW02`` ->
``2024-Q2``) and the labels StatLine CSV exports write instead (``2024*``, ``2023 mei``,
``2024 2e kwartaal``).  A trailing ``*`` (or ``**``) marks a provisional figure."""

from __future__ import annotations

import re

_PERIOD = re.compile(r"^(\d{4})(JJ|MM|KW|X|HJ)(\d{2})$")
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
_MONTH_LABEL = re.compile(r"^(\d{4}) (" + "|".join(MONTHS) + r")$", re.IGNORECASE)
_QUARTER_LABEL = re.compile(r"^(\d{4}) ([1-4])e kwartaal$", re.IGNORECASE)


class PeriodError(ValueError):
    pass


def normalise_period(code: str) -> tuple[str, bool]:
    """Return the period and whether CBS marked it provisional (a trailing ``*``)."""
    raw = code.strip()
    provisional = raw.endswith("*")
    raw = raw.rstrip("*").strip()
    if re.fullmatch(r"\d{4}", raw):
        return raw, provisional
    m = _MONTH_LABEL.match(raw)
    if m:
        return f"{m.group(1)}-{MONTHS.index(m.group(2).lower()) + 1:02d}", provisional
    m = _QUARTER_LABEL.match(raw)
    if m:
        return f"{m.group(1)}-Q{m.group(2)}", provisional
    m = _PERIOD.match(raw)
    if not m:
        raise PeriodError(f"{code.strip()!r} is not a CBS period such as 2024JJ00, 2023MM05, 2024* or 2023 mei")
    year, kind, n = m.groups()
    if kind == "JJ":
        return year, provisional
    if kind == "MM":
        return f"{year}-{n}", provisional
    if kind == "KW":
        return f"{year}-Q{int(n)}", provisional
    return f"{year}-{kind}{n}", provisional
