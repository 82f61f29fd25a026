"""Dutch number formatting and plain-language comparisons."""

from __future__ import annotations

from ..sources.records import MISSING, PROVISIONAL, SUPPRESSED

STATUS_TEXT = {
    SUPPRESSED: "geheim",
    MISSING: "–",
}
STATUS_EXPLANATION = {
    SUPPRESSED: "CBS maakt dit cijfer niet bekend (geheim), omdat het over te weinig mensen of woningen gaat.",
    MISSING: "Geen cijfer: de bron heeft dit cijfer voor dit gebied en jaar (nog) niet gepubliceerd.",
    PROVISIONAL: "Voorlopig cijfer: CBS kan het later nog bijstellen.",
}


def nl_number(value: float | None, decimals: int = 0) -> str:
    """``1234.5`` -> ``1.234,5`` (Dutch thousands dot, decimal comma)."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if text.startswith("-"):
        text = "−" + text[1:]
    return "0" if text in ("−0", "−0,0") else text


def format_value(value: float | None, decimals: int, unit: str) -> str:
    """A value with its unit as people read it: ``€ 155.000``, ``7,9 %``, ``1.234 m³``."""
    if value is None:
        return "–"
    if unit.startswith("x 1 000 euro"):
        return f"€ {nl_number(value * 1000, max(0, decimals - 3))}"
    if unit in ("euro", "euro per jaar"):
        return f"€ {nl_number(value, decimals)}" + (" per jaar" if unit == "euro per jaar" else "")
    if unit.startswith("euro per "):
        return f"€ {nl_number(value, decimals)} per {unit[len('euro per '):]}"
    text = nl_number(value, decimals)
    if unit in ("", "aantal"):
        return text
    if unit in ("%", "procent"):
        return f"{text} %"
    return f"{text} {unit}"


def ratio_phrase(value: float | None, reference: float | None, kind: str, whose: str) -> str:
    """Plain-language comparison: ``1,4 × het gemeentelijk gemiddelde``.

    ``whose`` is ``gemeentelijk`` or ``landelijk``.  For counts the comparison is a share of
    the reference total; nothing is said when either number is unknown or zero.
    """
    if value is None or reference is None or reference == 0:
        return ""
    if kind == "count":
        share = 100.0 * value / reference
        if share >= 100:
            return ""
        decimals = 1 if share >= 0.1 else 2
        noun = "gemeentelijk totaal" if whose == "gemeentelijk" else "landelijk totaal"
        return f"{nl_number(share, decimals)} % van het {noun}"
    ratio = value / reference
    if 0.95 <= ratio <= 1.05:
        return f"ongeveer gelijk aan het {whose} gemiddelde"
    return f"{nl_number(ratio, 1)} × het {whose} gemiddelde"
