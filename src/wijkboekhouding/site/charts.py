"""Inline SVG charts: grouped bars, stacked shares, and lines.

Pass 1 of the build describes a chart as plain data (a :class:`ChartSpec`); pass 2
renders it here to SVG plus the same numbers as a table.  Every SVG has ``role="img"``,
a ``<title>`` and a ``<desc>`` (referenced by ``aria-labelledby``), draws without
script, scales with its container (``viewBox``), and uses colours that reach 3:1
contrast on white.  Values that are unknown are left out of the drawing and say why
in the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from .numbers import format_value

WIDTH = 640
SERIES_COLOURS = ("#1b5e8c", "#a04a00", "#4d5b66", "#2e7d32", "#6a3d9a", "#8c2f39")
FONT = 'font-family="inherit"'


@dataclass(slots=True)
class ChartSpec:
    """A chart as data.  ``kind``: ``bars`` (categories × series), ``stacked`` (each series
    is one 100 % bar split over the categories) or ``line`` (categories are years)."""

    id: str
    kind: str
    title: str
    desc: str
    categories: list[str]
    series: list[tuple[str, list[float | None]]]
    unit: str = ""
    decimals: int = 0
    source: str = ""  # "Bron: CBS, tabel 83765NED, 2017, CC BY 4.0" (several joined by "; ")


@dataclass
class Chart:
    spec: ChartSpec
    svg: str
    columns: list[str]
    rows: list[list[str]]


def render(spec: ChartSpec) -> Chart:
    draw = {"bars": _bars, "stacked": _stacked, "line": _line}[spec.kind]
    return Chart(spec, draw(spec), *_table(spec))


def _fmt(spec: ChartSpec, value: float | None) -> str:
    return format_value(value, spec.decimals, spec.unit)


def _table(spec: ChartSpec) -> tuple[list[str], list[list[str]]]:
    """Categories as rows, series as columns."""
    columns = [""] + [name for name, _ in spec.series]
    rows = [[cat] + [_fmt(spec, values[i]) for _, values in spec.series] for i, cat in enumerate(spec.categories)]
    return columns, rows


def _open(spec: ChartSpec, height: int) -> list[str]:
    cid = escape(spec.id)
    return [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="{cid}-t {cid}-d" xmlns="http://www.w3.org/2000/svg" focusable="false">',
        f'<title id="{cid}-t">{escape(spec.title)}</title>',
        f'<desc id="{cid}-d">{escape(spec.desc)}</desc>',
    ]


def _legend(spec: ChartSpec, y: int) -> list[str]:
    out, x = [], 0
    for i, (name, _) in enumerate(spec.series):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        out.append(f'<rect x="{x}" y="{y}" width="14" height="14" fill="{colour}"/>')
        out.append(f'<text x="{x + 20}" y="{y + 12}" font-size="14" {FONT}>{escape(name)}</text>')
        x += 32 + 9 * len(name)
    return out


def _bars(spec: ChartSpec) -> str:
    """Horizontal bars: one group per category, one bar per series."""
    n_series = len(spec.series)
    bar_h, gap = 18, 14
    label_w = 150 if max((len(c) for c in spec.categories), default=0) > 6 else 70
    value_w = 96
    plot_w = WIDTH - label_w - value_w
    group_h = n_series * (bar_h + 2)
    legend_h = 28 if n_series > 1 else 0
    height = legend_h + len(spec.categories) * (group_h + gap) + 4
    values = [v for _, vals in spec.series for v in vals if v is not None]
    top = max([v for v in values if v > 0], default=1.0) or 1.0
    out = _open(spec, height)
    if n_series > 1:
        out += _legend(spec, 2)
    y = legend_h
    for ci, category in enumerate(spec.categories):
        out.append(f'<text x="0" y="{y + group_h / 2 + 5:.0f}" font-size="14" {FONT}>{escape(_clip(category, label_w))}</text>')
        for si, (name, vals) in enumerate(spec.series):
            value = vals[ci]
            colour = SERIES_COLOURS[si % len(SERIES_COLOURS)]
            by = y + si * (bar_h + 2)
            if value is not None and value > 0:
                w = max(1.0, plot_w * value / top)
                out.append(f'<rect x="{label_w}" y="{by}" width="{w:.1f}" height="{bar_h}" fill="{colour}">'
                           f'<title>{escape(name)}: {escape(_fmt(spec, value))}</title></rect>')
            else:
                w = 0
            out.append(f'<text x="{label_w + w + 6:.1f}" y="{by + 14}" font-size="13" {FONT}>{escape(_fmt(spec, value))}</text>')
        y += group_h + gap
    out.append("</svg>")
    return "".join(out)


def _stacked(spec: ChartSpec) -> str:
    """One 100 % bar per series, split over the categories (shares in %)."""
    label_w, bar_h, gap = 150, 26, 12
    plot_w = WIDTH - label_w - 8
    legend_rows = _legend_rows(spec.categories)
    legend_h = 22 * len(legend_rows) + 6
    height = legend_h + len(spec.series) * (bar_h + gap)
    out = _open(spec, height)
    for row, cats in enumerate(legend_rows):
        x = 0
        for ci, cat in cats:
            colour = SERIES_COLOURS[ci % len(SERIES_COLOURS)]
            out.append(f'<rect x="{x}" y="{row * 22 + 2}" width="14" height="14" fill="{colour}"/>')
            out.append(f'<text x="{x + 20}" y="{row * 22 + 14}" font-size="14" {FONT}>{escape(cat)}</text>')
            x += 32 + 9 * len(cat)
    y = legend_h
    for name, vals in spec.series:
        out.append(f'<text x="0" y="{y + 18}" font-size="14" {FONT}>{escape(_clip(name, label_w))}</text>')
        total = sum(v for v in vals if v is not None and v > 0)
        x = float(label_w)
        if total > 0:
            for ci, value in enumerate(vals):
                if value is None or value <= 0:
                    continue
                w = plot_w * value / total
                colour = SERIES_COLOURS[ci % len(SERIES_COLOURS)]
                out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}" stroke="#fff">'
                           f'<title>{escape(name)}, {escape(spec.categories[ci])}: {escape(_fmt(spec, value))}</title></rect>')
                x += w
        else:
            out.append(f'<text x="{label_w}" y="{y + 18}" font-size="13" {FONT}>geen cijfers</text>')
        y += bar_h + gap
    out.append("</svg>")
    return "".join(out)


def _legend_rows(categories: list[str]) -> list[list[tuple[int, str]]]:
    rows: list[list[tuple[int, str]]] = [[]]
    width = 0
    for i, cat in enumerate(categories):
        w = 32 + 9 * len(cat)
        if width + w > WIDTH and rows[-1]:
            rows.append([])
            width = 0
        rows[-1].append((i, cat))
        width += w
    return rows


def _line(spec: ChartSpec) -> str:
    """Years along x, one line per series; gaps where a year is unknown."""
    left, right, top_pad, bottom = 64, 16, 12, 28
    legend_h = 28 if len(spec.series) > 1 else 0
    height = 240 + legend_h
    plot_h = height - legend_h - top_pad - bottom
    plot_w = WIDTH - left - right
    values = [v for _, vals in spec.series for v in vals if v is not None]
    lo, hi = min(values + [0.0]), max(values + [0.0])
    if hi == lo:
        hi = lo + 1
    n = len(spec.categories)

    def px(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def py(v: float) -> float:
        return legend_h + top_pad + plot_h * (1 - (v - lo) / (hi - lo))

    out = _open(spec, height)
    if legend_h:
        out += _legend(spec, 2)
    base_y = py(lo)
    out.append(f'<line x1="{left}" y1="{base_y:.1f}" x2="{WIDTH - right}" y2="{base_y:.1f}" stroke="#595959"/>')
    for v in (lo, hi):
        out.append(f'<text x="{left - 6}" y="{py(v) + 5:.1f}" font-size="12" text-anchor="end" {FONT}>{escape(_fmt(spec, v))}</text>')
    for i, year in enumerate(spec.categories):
        out.append(f'<text x="{px(i):.1f}" y="{height - 8}" font-size="13" text-anchor="middle" {FONT}>{escape(year)}</text>')
    for si, (name, vals) in enumerate(spec.series):
        colour = SERIES_COLOURS[si % len(SERIES_COLOURS)]
        points = [(px(i), py(v)) for i, v in enumerate(vals) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="3"/>')
        for i, v in enumerate(vals):
            if v is not None:
                out.append(f'<circle cx="{px(i):.1f}" cy="{py(v):.1f}" r="5" fill="{colour}">'
                           f'<title>{escape(name)} {escape(spec.categories[i])}: {escape(_fmt(spec, v))}</title></circle>')
    out.append("</svg>")
    return "".join(out)


def _clip(text: str, width: int) -> str:
    limit = max(4, width // 8)
    return text if len(text) <= limit else text[: limit - 1] + "…"
