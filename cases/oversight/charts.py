"""Server-rendered charts: the geometry of SVG bar charts and trend lines, in whole pixels.

The Content-Security-Policy allows no inline style, so sizes and colours are SVG presentation
attributes (width, x, fill...). Every chart also carries its data as a table for screen readers
(see BarChart.html and TrendChart.html).

A bar chart's markup is built here rather than by a template: the cross-service benchmark draws
one bar per service for each area (450 bars for 150 services), and the template engine took most
of that page's time; the markup is the same. The service trend's lines are written here too (the
template took 2.4 ms of the page; this 0.1 ms).
"""

import functools
import html
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

WIDTH = 640
LABEL_WIDTH = 220
PLOT_WIDTH = 340
BAR_HEIGHT = 22
GAP = 10
TOP = 28

# GOV.UK Frontend colours; each series also differs by dash pattern and marker, not colour only.
SERIES = [
    ("#1d70b8", "", "circle"),
    ("#d4351c", "6 3", "square"),
    ("#00703c", "2 3", "diamond"),
    ("#4c2c92", "8 3 2 3", "circle"),
    ("#f47738", "4 4", "square"),
]


@dataclass
class Bar:
    label: str
    value: int | None
    text: str
    y: int
    width: int
    text_x: int
    text_y: int
    href: str = ""


@dataclass
class Marker:
    label: str
    value: int
    x: int


@dataclass
class BarChart:
    id: str
    title: str
    bars: list[Bar]
    markers: list[Marker]
    height: int
    value_heading: str = "Score"
    label_heading: str = ""
    width: int = WIDTH
    plot_x: int = LABEL_WIDTH
    plot_width: int = PLOT_WIDTH
    axis_bottom: int = 0

    def html(self):
        """The chart as an SVG image with its title, a caption, and its data as a visually hidden table.

        Every text (labels, titles, shown values) is escaped; the numbers are the chart's own integers.
        """
        # Each bar's label and shown value escaped once, for the title, the bar and the data table.
        titled, drawn, tabled = [], [], []
        plot_x, label_x = int(self.plot_x), int(self.plot_x) - 8
        for bar in self.bars:
            label, text, text_y = _e(bar.label), _e(bar.text), int(bar.text_y)
            titled.append(f"{label} {text}")
            drawn.append(
                f'<text x="{label_x}" y="{text_y}" text-anchor="end" font-size="14" fill="#0b0c0c">'
                f"{_e(_short(bar.label))}</text>"
            )
            if bar.width:
                drawn.append(
                    f'<rect x="{plot_x}" y="{int(bar.y)}" width="{int(bar.width)}" height="22" fill="#1d70b8"></rect>'
                )
            drawn.append(
                f'<text x="{int(bar.text_x)}" y="{text_y}" font-size="14" font-weight="bold"'
                f' fill="#0b0c0c">{text}</text>'
            )
            tabled.append(
                f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{label}</th>'
                f'<td class="govuk-table__cell">{text}</td></tr>'
            )
        parts = [
            '<figure class="govuk-!-margin-0 govuk-!-margin-bottom-6">',
            f'<svg class="app-chart" role="img" aria-labelledby="{_e(self.id)}-title"'
            f' viewBox="0 0 {int(self.width)} {int(self.height)}" width="100%" focusable="false">',
            f'<title id="{_e(self.id)}-title">{_e(self.title)}: ' + "; ".join(titled) + "</title>",
            f'<rect x="{plot_x}" y="20" width="{int(self.plot_width)}"'
            f' height="{int(self.axis_bottom) - 20}" fill="#f3f2f1"></rect>',
            *drawn,
        ]
        for marker in self.markers:
            x = int(marker.x)
            parts.append(
                f'<line x1="{x}" x2="{x}" y1="16" y2="{int(self.axis_bottom)}" stroke="#0b0c0c" stroke-width="2"'
                f' stroke-dasharray="4 3"></line><text x="{x}" y="12" text-anchor="middle" font-size="12"'
                f' fill="#0b0c0c">{int(marker.value)}%</text>'
            )
        caption = f"{self.title}."
        if self.markers:
            caption += " Dashed lines: " + "; ".join(m.label for m in self.markers) + "."
        parts += [
            "</svg>",
            f'<figcaption class="govuk-body-s">{_e(caption)}</figcaption>',
            # The hidden box clips the table, so a long table never widens the page.
            '<div class="govuk-visually-hidden"><table class="govuk-table">',
            f'<caption class="govuk-table__caption">{_e(self.title)} (the chart\'s data)</caption>',
            '<thead class="govuk-table__head"><tr class="govuk-table__row">',
            f'<th scope="col" class="govuk-table__header">{_e(self.label_heading or "Group")}</th>',
            f'<th scope="col" class="govuk-table__header">{_e(self.value_heading)}</th></tr></thead>',
            '<tbody class="govuk-table__body">',
            *tabled,
            "</tbody></table></div></figure>",
        ]
        return mark_safe("".join(parts))  # noqa: S308 (every text escaped by _e; numbers are int(); our own markup)


@functools.lru_cache(maxsize=2048)
def _short(label):
    """A bar's label cut to 28 characters, as the template filter truncatechars:28 cuts it."""
    return label if len(label) <= 28 else Truncator(label).chars(28)


def _e(text):
    """Escape text for HTML the way Django's templates do (Django's escape is html.escape of str)."""
    return text if isinstance(text, SafeString) else _escaped(str(text))


# The same few texts recur in every chart (each service's name in three charts, "78%"...).
_escaped = functools.lru_cache(maxsize=4096)(html.escape)


def _x(value):
    return LABEL_WIDTH + round(PLOT_WIDTH * max(0, min(100, value)) / 100)


def bar_chart(chart_id, title, rows, markers=(), label_heading="", value_heading="Score"):
    """rows: [(label, percent or None, text shown, href)]; markers: [(label, percent)] drawn as
    vertical lines, e.g. the bands' thresholds or the average."""
    bars = []
    for index, (label, value, text, *rest) in enumerate(rows):
        y = TOP + index * (BAR_HEIGHT + GAP)
        width = 0 if value is None else round(PLOT_WIDTH * max(0, min(100, value)) / 100)
        bars.append(
            Bar(
                label=str(label),
                value=value,
                text=text,
                y=y,
                width=width,
                text_x=LABEL_WIDTH + width + 6,
                text_y=y + BAR_HEIGHT - 6,
                href=rest[0] if rest else "",
            )
        )
    height = TOP + len(rows) * (BAR_HEIGHT + GAP) + 8
    return BarChart(
        id=chart_id,
        title=title,
        bars=bars,
        markers=[Marker(label, value, _x(value)) for label, value in markers if value is not None],
        height=height,
        value_heading=value_heading,
        label_heading=label_heading,
        axis_bottom=height - 4,
    )


_MARKER_WORDS = {"square": "squares", "diamond": "diamonds"}


@dataclass
class TrendSeries:
    label: str
    colour: str
    dash: str
    marker: str
    points: list[tuple[int, int, str]]  # (x, y, text)

    @property
    def polyline(self):
        return " ".join(f"{x},{y}" for x, y, _ in self.points)


@dataclass
class TrendChart:
    id: str
    title: str
    columns: list[tuple[str, int]]  # (label, x)
    series: list[TrendSeries]
    rows: list[tuple[str, list[str]]]  # the data table: (column label, [text per series])
    gridlines: list[tuple[int, int]] = field(default_factory=list)  # (percent, y)
    width: int = WIDTH
    height: int = 300
    plot_top: int = 20
    plot_bottom: int = 240
    left: int = 50

    def html(self):
        """The chart as an SVG image with its title, a caption, and its data as a visually hidden
        table: the markup templates/cases/programme/_run_chart.html's geometry comes from too.

        Every text (titles, labels, shown values) is escaped; the numbers are the chart's own integers.
        """
        left, bottom = int(self.left), int(self.plot_bottom)
        parts = [
            '<figure class="govuk-!-margin-0 govuk-!-margin-bottom-6">\n'
            f'<svg class="app-chart" role="img" aria-labelledby="{_e(self.id)}-title"'
            f' viewBox="0 0 {int(self.width)} {int(self.height)}" width="100%" focusable="false">\n'
            f'<title id="{_e(self.id)}-title">{_e(self.title)}. The data is in the table that follows.</title>'
        ]
        for percent, y in self.gridlines:
            y = int(y)
            parts.append(
                f'<line x1="{left}" x2="{int(self.width) - 20}" y1="{y}" y2="{y}" stroke="#b1b4b6"'
                ' stroke-width="1"></line>\n'
                f'<text x="{left - 6}" y="{y + 4}" text-anchor="end" font-size="12" fill="#0b0c0c">'
                f"{_e(percent)}%</text>"
            )
        parts += [
            f'<text x="{int(x)}" y="{bottom + 20}" text-anchor="middle" font-size="12" fill="#0b0c0c">'
            f"{_e(Truncator(label).chars(30))}</text>"
            for label, x in self.columns
        ]
        for series in self.series:
            colour = _e(series.colour)
            if len(series.points) > 1:
                dash = f' stroke-dasharray="{_e(series.dash)}"' if series.dash else ""
                parts.append(
                    f'<polyline points="{_e(series.polyline)}" fill="none" stroke="{colour}" stroke-width="3"{dash}>'
                    "</polyline>"
                )
            for x, y, text in series.points:
                x, y = int(x), int(y)
                if series.marker == "square":
                    parts.append(f'<rect x="{x - 5}" y="{y - 5}" width="10" height="10" fill="{colour}"></rect>')
                elif series.marker == "diamond":
                    parts.append(
                        f'<rect x="{x - 5}" y="{y - 5}" width="10" height="10" fill="{colour}"'
                        f' transform="rotate(45 {x} {y})"></rect>'
                    )
                else:
                    parts.append(f'<circle cx="{x}" cy="{y}" r="6" fill="{colour}"></circle>')
                parts.append(f'<text x="{x + 8}" y="{y - 8}" font-size="12" fill="#0b0c0c">{_e(text)}</text>')
        lines = "; ".join(
            f"{_e(series.label)} ({_MARKER_WORDS.get(series.marker, 'circles')}{', dashed' if series.dash else ''})"
            for series in self.series
        )
        title = _e(self.title)
        heads = "".join(f'<th scope="col" class="govuk-table__header">{_e(s.label)}</th>' for s in self.series)
        rows = "".join(
            f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{_e(column)}</th>'
            + "".join(f'<td class="govuk-table__cell">{_e(value)}</td>' for value in values)
            + "</tr>"
            for column, values in self.rows
        )
        parts.append(
            f'</svg>\n<figcaption class="govuk-body-s">{title}. Lines: {lines}.</figcaption>\n'
            '<div class="govuk-visually-hidden"><table class="govuk-table">\n'
            f'<caption class="govuk-table__caption">{title} (the chart\'s data)</caption>\n'
            '<thead class="govuk-table__head"><tr class="govuk-table__row">'
            f'<th scope="col" class="govuk-table__header">Inspection</th>{heads}</tr></thead>\n'
            f'<tbody class="govuk-table__body">{rows}</tbody>\n</table></div>\n</figure>'
        )
        return mark_safe("\n".join(parts))  # noqa: S308 (every text escaped by _e; numbers are int(); our own markup)


def trend_chart(chart_id, title, columns, series):
    """columns: [label]; series: [(label, [percent or None per column])]."""
    left, right, top, bottom = 50, WIDTH - 30, 20, 240
    step = (right - left) / max(1, len(columns) - 1)
    xs = [round(left + i * step) if len(columns) > 1 else (left + right) // 2 for i in range(len(columns))]

    def y(value):
        return round(bottom - (bottom - top) * value / 100)

    drawn = []
    for index, (label, values) in enumerate(series):
        colour, dash, marker = SERIES[index % len(SERIES)]
        points = [(xs[i], y(v), f"{v}%") for i, v in enumerate(values) if v is not None]
        drawn.append(TrendSeries(label, colour, dash, marker, points))
    rows = [
        (column, [("Not rated" if values[i] is None else f"{values[i]}%") for _, values in series])
        for i, column in enumerate(columns)
    ]
    return TrendChart(
        id=chart_id,
        title=title,
        columns=list(zip(columns, xs, strict=True)),
        series=drawn,
        rows=rows,
        gridlines=[(v, y(v)) for v in (0, 25, 50, 75, 100)],
        plot_top=top,
        plot_bottom=bottom,
        left=left,
    )
