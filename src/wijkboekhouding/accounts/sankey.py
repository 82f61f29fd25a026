"""An inline, accessible SVG Sankey diagram of a ledger's flows, with the same numbers in a table.

No script and no external CSS: the SVG carries ``role="img"``, a ``<title>`` and a
``<desc>``; every link has its own ``<title>`` (shown as a tooltip) and every flow is also
a row of the ``<table>`` that follows, with the very same formatted amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from .ledger import KINDS, METHODS, Ledger, Line, euro, euro_or_unknown

WIDTH = 860
NODE_WIDTH = 14
GAP = 18
MIN_HEIGHT = 240
LABEL_SPACE = 320  # room for the labels right of the last column
COLOURS = {"in": "#2e7d32", "out": "#c25e00", "local": "#1565c0"}  # link colour per kind


@dataclass
class _Node:
    name: str
    column: int = 0
    inflow: float = 0.0
    outflow: float = 0.0
    y: float = 0.0
    in_used: float = 0.0
    out_used: float = 0.0

    @property
    def value(self) -> float:
        return max(self.inflow, self.outflow)


def _layout(flows: list[Line]) -> dict[str, _Node]:
    nodes: dict[str, _Node] = {}
    for line in flows:
        nodes.setdefault(line.source_account, _Node(line.source_account)).outflow += line.amount
        nodes.setdefault(line.target_account, _Node(line.target_account)).inflow += line.amount
    # column = longest path from a node without inflows (the graph is small; relax |nodes| times)
    for _ in range(len(nodes)):
        changed = False
        for line in flows:
            src, dst = nodes[line.source_account], nodes[line.target_account]
            if dst.column < src.column + 1 and line.source_account != line.target_account:
                dst.column = min(src.column + 1, len(nodes))
                changed = True
        if not changed:
            break
    return nodes


def render_sankey(ledger: Ledger, element_id: str = "geldstromen") -> str:
    """A ``<figure>`` with the SVG Sankey and a table of the same flows."""
    flows = [line for line in ledger.flows if line.amount > 0]
    nodes = _layout(flows)
    columns: dict[int, list[_Node]] = {}
    for node in nodes.values():
        columns.setdefault(node.column, []).append(node)
    n_columns = max(columns) + 1 if columns else 1
    biggest = max((sum(n.value for n in col) for col in columns.values()), default=1.0) or 1.0
    most_nodes = max((len(col) for col in columns.values()), default=1)
    height = max(MIN_HEIGHT, 40 * most_nodes + 60)
    scale = (height - 40 - GAP * (most_nodes - 1)) / biggest
    step = (WIDTH - LABEL_SPACE - NODE_WIDTH) / max(1, n_columns - 1)
    for column, col_nodes in columns.items():
        y = 20.0
        for node in col_nodes:
            node.y = y
            y += max(node.value * scale, 2) + GAP

    title_id, desc_id = f"{element_id}-titel", f"{element_id}-beschrijving"
    totals = ledger.totals()
    title = f"Geldstromen {ledger.name}, {ledger.year}"
    desc = (f"Stroomt binnen {euro_or_unknown(totals.inflow)}, stroomt weg {euro_or_unknown(totals.outflow)}, "
            f"blijft in de buurt {euro_or_unknown(totals.stays)} per jaar. {len(flows)} geldstromen; de tabel hieronder geeft ze allemaal.")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
             f'role="img" aria-labelledby="{title_id} {desc_id}" class="sankey">',
             f'<title id="{title_id}">{escape(title)}</title>', f'<desc id="{desc_id}">{escape(desc)}</desc>']
    for line in flows:
        src, dst = nodes[line.source_account], nodes[line.target_account]
        thickness = max(line.amount * scale, 1.0)
        x0 = src.column * step + NODE_WIDTH
        x1 = dst.column * step
        y0 = src.y + src.out_used + thickness / 2
        y1 = dst.y + dst.in_used + thickness / 2
        src.out_used += line.amount * scale
        dst.in_used += line.amount * scale
        mid = (x0 + x1) / 2
        label = f"{line.source_account} → {line.target_account}: {euro(line.amount)} per jaar ({METHODS[line.method]})"
        parts.append(
            f'<path d="M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f}" fill="none" '
            f'stroke="{COLOURS[line.kind]}" stroke-opacity="0.45" stroke-width="{thickness:.1f}" '
            f'data-line="{escape(line.id)}" data-amount="{euro(line.amount)}"><title>{escape(label)}</title></path>')
    for node in nodes.values():
        x = node.column * step
        h = max(node.value * scale, 2)
        parts.append(f'<rect x="{x:.1f}" y="{node.y:.1f}" width="{NODE_WIDTH}" height="{h:.1f}" fill="#37474f">'
                     f'<title>{escape(node.name)}: {euro(node.value)} per jaar</title></rect>')
        parts.append(f'<text x="{x + NODE_WIDTH + 4:.1f}" y="{node.y + h / 2 + 4:.1f}" font-size="12" '
                     f'fill="#1a1a1a" stroke="#ffffff" stroke-width="3" paint-order="stroke">{escape(node.name)}</text>')
    parts.append("</svg>")
    return (f'<figure class="geldstromen" id="{element_id}">' + "".join(parts) + flow_table(flows, title)
            + "</figure>")


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
