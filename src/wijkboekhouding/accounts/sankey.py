"""An inline, accessible SVG Sankey diagram of a ledger's flows, with the same numbers in a table.

No script and no external CSS: the SVG carries ``role="img"``, a ``<title>`` and a
``<desc>``; every link has its own ``<title>`` (shown as a tooltip) and every flow is also
a row of the ``<table>`` that follows, with the very same formatted amount.

Layout: sources (no inflow) in the first column with their labels on the left, sinks (no
outflow) in the last column with their labels on the right, accounts in between labelled
above their bar.  Each node takes at least the height of its label, so labels never
overlap each other, and links leave and enter a node in the order of the node they go to,
so bands cross as little as possible.  The SVG scrolls sideways inside its own box on a
phone instead of shrinking its labels to nothing (``.sankey-scroll`` in the site's CSS).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from .ledger import KINDS, METHODS, Ledger, Line, euro, euro_or_unknown

WIDTH = 680
NODE_WIDTH = 14
FONT = 13
LINE_HEIGHT = 16
LABEL_CHARS = 24  # wrap side labels after about this many characters
SIDE_LABEL_SPACE = 180  # room for the labels left of the first and right of the last column
BAND_HEIGHT = 280  # the fullest column's total amount in user units
GAP = 12
TOP = 8
COLOURS = {"in": "#2e7d32", "out": "#b34700", "local": "#1565c0"}  # link colour per kind
KIND_LEGEND = (("in", "stroomt binnen"), ("out", "stroomt uit"), ("local", "blijft in de buurt"))


@dataclass
class _Node:
    name: str
    column: int = 0
    inflow: float = 0.0
    outflow: float = 0.0
    y: float = 0.0
    height: float = 0.0
    outgoing: list = field(default_factory=list)
    incoming: list = field(default_factory=list)

    @property
    def value(self) -> float:
        return max(self.inflow, self.outflow)


def _wrap(text: str, width: int = LABEL_CHARS) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return lines + [current] if current else lines


def _columns(flows: list[Line]) -> dict[str, _Node]:
    nodes: dict[str, _Node] = {}
    for line in flows:
        src = nodes.setdefault(line.source_account, _Node(line.source_account))
        dst = nodes.setdefault(line.target_account, _Node(line.target_account))
        src.outflow += line.amount
        dst.inflow += line.amount
        src.outgoing.append(line)
        dst.incoming.append(line)
    # column = longest path from a node without inflows (the graph is small; relax |nodes| times)
    for _ in range(len(nodes)):
        changed = False
        for line in flows:
            src, dst = nodes[line.source_account], nodes[line.target_account]
            if dst.column < src.column + 1 and src is not dst:
                dst.column = min(src.column + 1, len(nodes))
                changed = True
        if not changed:
            break
    last = max((n.column for n in nodes.values()), default=0)
    for node in nodes.values():  # every sink in the last column, with its label on the right
        if not node.outgoing:
            node.column = last
    return nodes


def _label_lines(node: _Node, side: str) -> list[str]:
    if side == "above":
        return [node.name]
    return _wrap(node.name) + [euro(node.value)]


def render_sankey(ledger: Ledger, element_id: str = "geldstromen") -> str:
    """A ``<figure>`` with the SVG Sankey and a table of the same flows."""
    flows = [line for line in ledger.flows if line.amount > 0]
    nodes = _columns(flows)
    last = max((n.column for n in nodes.values()), default=0)
    columns: dict[int, list[_Node]] = {}
    for node in nodes.values():
        columns.setdefault(node.column, []).append(node)
    biggest = max((sum(n.value for n in col) for col in columns.values()), default=1.0) or 1.0
    scale = BAND_HEIGHT / biggest

    def side(node: _Node) -> str:
        return "left" if node.column == 0 else "right" if node.column == last else "above"

    extents = {}
    for column, col_nodes in columns.items():
        y = TOP
        for node in col_nodes:
            node.height = max(node.value * scale, 2.0)
            lines = _label_lines(node, side(node))
            if side(node) == "above":
                y += LINE_HEIGHT + 2
                node.y = y
                y += node.height + GAP
            else:
                room = LINE_HEIGHT * len(lines) + 4
                node.y = y + max(0.0, (room - node.height) / 2)
                y += max(node.height, room) + GAP
        extents[column] = y - GAP
    height = max(extents.values(), default=TOP) + TOP
    for column, col_nodes in columns.items():  # centre each column vertically
        shift = (height - TOP - extents[column]) / 2
        for node in col_nodes:
            node.y += shift

    inner = WIDTH - 2 * SIDE_LABEL_SPACE - NODE_WIDTH
    step = inner / max(1, last)

    def x_of(node: _Node) -> float:
        return SIDE_LABEL_SPACE + node.column * step

    title_id, desc_id = f"{element_id}-titel", f"{element_id}-beschrijving"
    totals = ledger.totals()
    title = f"Geldstromen {ledger.name}, {ledger.year}"
    desc = (f"Stroomt binnen {euro_or_unknown(totals.inflow)}, stroomt weg {euro_or_unknown(totals.outflow)}, "
            f"blijft in de buurt {euro_or_unknown(totals.stays)} per jaar. {len(flows)} geldstromen; de tabel "
            f"bij de figuur geeft ze allemaal.")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
             f'role="img" aria-labelledby="{title_id} {desc_id}" class="sankey" font-size="{FONT}">',
             f'<title id="{title_id}">{escape(title)}</title>', f'<desc id="{desc_id}">{escape(desc)}</desc>']

    # links: leave a node in the order of their targets, enter in the order of their sources
    start: dict[str, float] = {}
    end: dict[str, float] = {}
    for node in nodes.values():
        y = node.y
        for line in sorted(node.outgoing, key=lambda ln: nodes[ln.target_account].y):
            start[line.id] = y + line.amount * scale / 2
            y += line.amount * scale
        y = node.y
        for line in sorted(node.incoming, key=lambda ln: nodes[ln.source_account].y):
            end[line.id] = y + line.amount * scale / 2
            y += line.amount * scale
    for line in sorted(flows, key=lambda ln: -ln.amount):  # thin bands on top of thick ones
        src, dst = nodes[line.source_account], nodes[line.target_account]
        x0, x1 = x_of(src) + NODE_WIDTH, x_of(dst)
        y0, y1 = start[line.id], end[line.id]
        mid = (x0 + x1) / 2
        label = f"{line.source_account} → {line.target_account}: {euro(line.amount)} per jaar ({METHODS[line.method]})"
        parts.append(
            f'<path d="M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f}" fill="none" '
            f'stroke="{COLOURS[line.kind]}" stroke-opacity="0.55" stroke-width="{max(line.amount * scale, 1.0):.1f}" '
            f'data-line="{escape(line.id)}" data-amount="{euro(line.amount)}"><title>{escape(label)}</title></path>')
    for node in nodes.values():
        x = x_of(node)
        parts.append(f'<rect x="{x:.1f}" y="{node.y:.1f}" width="{NODE_WIDTH}" height="{node.height:.1f}" '
                     f'fill="#37474f"><title>{escape(node.name)}: {euro(node.value)} per jaar</title></rect>')
        where = side(node)
        lines = _label_lines(node, where)
        if where == "above":
            tx, ty, anchor = x, node.y - 5, "start"
        else:
            tx = x - 6 if where == "left" else x + NODE_WIDTH + 6
            anchor = "end" if where == "left" else "start"
            ty = node.y + node.height / 2 - LINE_HEIGHT * (len(lines) - 1) / 2 + FONT * 0.35
        bold = ' font-weight="600"'
        spans = "".join(
            f'<tspan x="{tx:.1f}" dy="{0 if i == 0 else LINE_HEIGHT}"'
            f'{bold if i == len(lines) - 1 and where != "above" else ""}>{escape(text)}</tspan>'
            for i, text in enumerate(lines))
        parts.append(f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}" fill="#1a1a1a" stroke="#ffffff" '
                     f'stroke-width="3" paint-order="stroke" aria-hidden="true">{spans}</text>')
    parts.append("</svg>")
    legend = "".join(f'<li><svg width="24" height="10" aria-hidden="true"><rect width="24" height="10" '
                     f'fill="{COLOURS[kind]}" fill-opacity="0.55"/></svg> {text}</li>'
                     for kind, text in KIND_LEGEND if any(line.kind == kind for line in flows))
    return (f'<figure class="geldstromen sankey-box" id="{element_id}">'
            f'<div class="sankey-scroll" tabindex="0" role="group" aria-label="{escape(title)}: schuif opzij om '
            f'de hele figuur te zien">' + "".join(parts) + "</div>"
            '<p class="sankey-hint">Schuif de figuur opzij om alles te zien, of open de tabel eronder.</p>'
            f'<ul class="sankey-legend" aria-label="Kleuren">{legend}</ul>'
            f'<details class="chart-table"><summary>Geldstromen als tabel</summary>'
            f'<div class="table-wrap" tabindex="0" role="group" aria-label="{escape(title)}: tabel">'
            f'{flow_table(flows, title)}</div></details></figure>')


def flow_table(flows: list[Line], caption: str) -> str:
    rows = "".join(
        f'<tr data-line="{escape(line.id)}"><td>{escape(line.source_account)}</td><td>{escape(line.target_account)}</td>'
        f'<td class="bedrag">{euro(line.amount)}</td><td>{escape(KINDS[line.kind])}</td>'
        f'<td>{escape(METHODS[line.method])}</td></tr>'
        for line in flows)
    return (f'<table class="geldstromen-tabel"><caption>{escape(caption)} (euro per jaar)</caption>'
            '<thead><tr><th scope="col">Van</th><th scope="col">Naar</th><th scope="col">Bedrag per jaar</th>'
            '<th scope="col">Soort</th><th scope="col">Methode</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>")
