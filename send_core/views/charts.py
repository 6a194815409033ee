"""A small line chart of assessment results, drawn on the server as SVG (no script needed)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..selectors.assessments import SeriesPoint

WIDTH, HEIGHT = 480, 230
LEFT, RIGHT, TOP, BOTTOM = 52, 28, 18, 40


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    label: str
    value: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    line: str
    points: list[ChartPoint]
    y_ticks: list[tuple[float, str]]
    x_labels: list[tuple[float, str]]
    left: int
    right: int
    top: int
    bottom: int


def _text(value: Decimal) -> str:
    return f"{value.normalize():f}"


def line_chart(series: list[SeriesPoint]) -> Chart | None:
    """A chart of numeric results in date order; None when there is nothing to draw."""
    points = [p for p in series if isinstance(p.value, Decimal | int | float)]
    if not points:
        return None
    values = [Decimal(p.value) for p in points]
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    first, last = points[0].on, points[-1].on
    span = max((last - first).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(day) -> float:
        return round(LEFT + (plot_w * ((day - first).days / span) if len(points) > 1 else plot_w / 2), 1)

    def y_of(value: Decimal) -> float:
        return round(TOP + plot_h * float((high - value) / (high - low)), 1)

    drawn = [
        ChartPoint(x_of(p.on), y_of(v), f"{p.on.day} {p.on:%b %Y}", _text(v))
        for p, v in zip(points, values, strict=True)
    ]
    middle = ((high + low) / 2).quantize(Decimal("0.1"))
    ticks = [(y_of(v), _text(v)) for v in (high, middle, low)]
    x_labels = [(drawn[0].x, drawn[0].label)]
    if len(drawn) > 1:
        x_labels.append((drawn[-1].x, drawn[-1].label))
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        line=" ".join(f"{p.x},{p.y}" for p in drawn),
        points=drawn,
        y_ticks=ticks,
        x_labels=x_labels,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
    )
