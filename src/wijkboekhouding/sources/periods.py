"""CBS period codes: ``2024JJ00`` -> ``2024``, ``2023MM05`` -> ``2023-05``, ``2024KW02`` -> ``2024-Q2``."""

from __future__ import annotations

import re

_PERIOD = re.compile(r"^(\d{4})(JJ|MM|KW|X|HJ)(\d{2})$")


class PeriodError(ValueError):
    pass


def normalise_period(code: str) -> tuple[str, bool]:
    """Return the period and whether CBS marked it provisional (a trailing ``*``)."""
    raw = code.strip()
    provisional = raw.endswith("*")
    raw = raw.rstrip("*").strip()
    if re.fullmatch(r"\d{4}", raw):
        return raw, provisional
    m = _PERIOD.match(raw)
    if not m:
        raise PeriodError(f"{code.strip()!r} is not a CBS period code such as 2024JJ00 or 2023MM05")
    year, kind, n = m.groups()
    if kind == "JJ":
        return year, provisional
    if kind == "MM":
        return f"{year}-{n}", provisional
    if kind == "KW":
        return f"{year}-Q{int(n)}", provisional
    return f"{year}-{kind}{n}", provisional
