"""Geometry of the relations chart, drawn as server-side SVG (see templates/_dyad_chart.html).

Cooperation stacks up from the zero line (verbal, then material), conflict down
from it, one bar per day, week or month with no gaps in time; the mean
intensity (Goldstein-like tone, -10..+10) is a line over the bars.  Each bar is
a link to the events behind it, so the chart works with no JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ..records import DyadPoint

WIDTH, HEIGHT = 960, 340
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 44, 44, 16, 40
MAX_BARS = 400


@dataclass(slots=True)
class Segment:
    quad: int
    y: float
    height: float


@dataclass(slots=True)
class Bar:
    start: date
    end: date
    x: float
    width: float
    total: int
    counts: dict[int, int]
    mean_intensity: float
    segments: list[Segment] = field(default_factory=list)
    tone_y: float | None = None


@dataclass(slots=True)
class Tick:
    pos: float
    label: str


@dataclass(slots=True)
class Chart:
    width: int
    height: int
    zero_y: float
    bars: list[Bar]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    tone_ticks: list[Tick]
    tone_path: str
    left: float = PAD_LEFT
    right: float = WIDTH - PAD_RIGHT
    top: float = PAD_TOP
    bottom: float = HEIGHT - PAD_BOTTOM


def next_start(day: date, bucket: str) -> date:
    if bucket == "day":
        return day + timedelta(days=1)
    if bucket == "week":
        return day + timedelta(days=7)
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _filled(points: list[DyadPoint], bucket: str) -> list[DyadPoint]:
    """Every bucket from the first point to the last, empty ones included (time must not jump)."""
    if not points:
        return []
    by_start = {p.start: p for p in points}
    out: list[DyadPoint] = []
    day = points[0].start
    while day <= points[-1].start and len(out) < MAX_BARS:
        following = next_start(day, bucket)
        out.append(by_start.get(day) or DyadPoint(start=day, end=following, counts={q: 0 for q in (1, 2, 3, 4)}))
        day = following
    return out


def _nice_max(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return step * 4 if step > 1 else max(value, 1)
    return value


def dyad_chart(points: list[DyadPoint], bucket: str) -> Chart | None:
    bars_in = _filled(points, bucket)
    if not bars_in:
        return None
    left, right, top, bottom = PAD_LEFT, WIDTH - PAD_RIGHT, PAD_TOP, HEIGHT - PAD_BOTTOM
    coop_max = max(p.counts.get(1, 0) + p.counts.get(2, 0) for p in bars_in)
    conf_max = max(p.counts.get(3, 0) + p.counts.get(4, 0) for p in bars_in)
    scale_max = _nice_max(max(coop_max, conf_max, 1))
    half = (bottom - top) / 2
    zero = top + half
    unit = half / scale_max
    slot = (right - left) / len(bars_in)
    width = max(1.0, slot * 0.8)
    bars: list[Bar] = []
    tone_points: list[str] = []
    for i, p in enumerate(bars_in):
        x = left + i * slot + (slot - width) / 2
        bar = Bar(start=p.start, end=p.end, x=round(x, 2), width=round(width, 2), total=p.total,
                  counts=dict(p.counts), mean_intensity=p.mean_intensity)
        y = zero
        for quad in (1, 2):  # up from zero: verbal nearest the line, then material
            h = p.counts.get(quad, 0) * unit
            if h:
                y -= h
                bar.segments.append(Segment(quad, round(y, 2), round(h, 2)))
        y = zero
        for quad in (3, 4):  # down from zero
            h = p.counts.get(quad, 0) * unit
            if h:
                bar.segments.append(Segment(quad, round(y, 2), round(h, 2)))
                y += h
        if p.total:
            bar.tone_y = round(zero - p.mean_intensity / 10 * half, 2)
            tone_points.append(f"{round(x + width / 2, 2)},{bar.tone_y}")
        bars.append(bar)
    marks = (scale_max, scale_max // 2, 0, -(scale_max // 2), -scale_max) if scale_max % 2 == 0 \
        else (scale_max, 0, -scale_max)
    y_ticks = [Tick(round(zero - v * unit, 2), str(abs(v))) for v in marks]
    tone_ticks = [Tick(round(zero - v / 10 * half, 2), f"{v:+d}" if v else "0") for v in (10, 5, 0, -5, -10)]
    every = max(1, len(bars) // 8)
    fmt = "%d %b" if bucket != "month" else "%b %Y"
    x_ticks = [Tick(round(b.x + b.width / 2, 2), b.start.strftime(fmt)) for b in bars[::every]]
    path = ("M" + " L".join(tone_points)) if len(tone_points) > 1 else ""
    return Chart(width=WIDTH, height=HEIGHT, zero_y=round(zero, 2), bars=bars, y_ticks=y_ticks,
                 x_ticks=x_ticks, tone_ticks=tone_ticks, tone_path=path)
