"""Where the customer map's boxes and lines go: customers on the left, suppliers on the right,
one line per edge, as wide as its volume, styled by how well its commitments were kept."""

from __future__ import annotations

from dataclasses import dataclass

from catalog.commitments.customer_map import CustomerMap, Edge
from catalog.models import Department

WIDTH = 820
BOX_WIDTH = 230
ROW = 36
BOX_HEIGHT = 26
TOP = 34  # room for the column headings
MAX_LINE = 16


@dataclass(frozen=True)
class Box:
    department: Department | None  # None: home department not known
    x: int
    y: int
    side: str  # "customer" or "supplier"


@dataclass(frozen=True)
class Line:
    edge: Edge
    path: str
    width: float
    kind: str  # good, fair, poor or unknown (no outcome known yet)


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    boxes: list[Box]
    lines: list[Line]
    box_width: int = BOX_WIDTH
    box_height: int = BOX_HEIGHT


def kind_of(share: float | None) -> str:
    """The same bands as the weekly charts: 90 % and more good, 70 % and more fair."""
    if share is None:
        return "unknown"
    return "good" if share >= 0.9 else ("fair" if share >= 0.7 else "poor")


def draw(customer_map: CustomerMap) -> Drawing:
    customers, suppliers = customer_map.customers, customer_map.suppliers
    rows = max(len(customers), len(suppliers), 1)
    height = TOP + rows * ROW
    left = {(d.id if d else None): TOP + i * ROW for i, d in enumerate(customers)}
    right = {d.id: TOP + i * ROW for i, d in enumerate(suppliers)}
    boxes = [Box(d, 0, left[d.id if d else None], "customer") for d in customers] + \
        [Box(d, WIDTH - BOX_WIDTH, right[d.id], "supplier") for d in suppliers]
    most = max((e.requests for e in customer_map.edges), default=1)
    lines = []
    # The biggest last, so thin lines are not hidden under them.
    for edge in sorted(customer_map.edges, key=lambda e: e.requests):
        y1 = left[edge.customer.id if edge.customer else None] + BOX_HEIGHT / 2
        y2 = right[edge.supplier.id] + BOX_HEIGHT / 2
        x1, x2 = BOX_WIDTH, WIDTH - BOX_WIDTH
        middle = (x1 + x2) / 2
        lines.append(Line(edge, f"M{x1} {y1:g} C{middle:g} {y1:g} {middle:g} {y2:g} {x2} {y2:g}",
                          round(1.5 + (MAX_LINE - 1.5) * edge.requests / most, 1),
                          kind_of(edge.kept)))
    return Drawing(WIDTH, height, boxes, lines)
