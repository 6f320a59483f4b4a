"""Trends from the evaluation series (``series.py``): inline SVG line charts, their tables, and the series as CSV.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` naming what it shows,
axis labels on both axes, markers of different shapes and dashes per line (so nothing depends on
colour alone), and under it the same numbers as a table (the text alternative, marks included).
A suppressed cell (``"<N"``, ``"x"``) or a withheld point is a gap in the line, never a zero.
Pure functions, no scripts: :func:`ledger.reports.render_html.render_series_html` and
:func:`ledger.reports.render_html.render_html` put :func:`trends` into a page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from html import escape
from typing import Any

from .charts import BLUE, GREEN, GREY, ORANGE, SKY, Fmt, _nice_max, _text, num, table
from .labels import Lang, Words

__all__ = ["line_chart", "render_series_csv", "trends"]

DARK_YELLOW, PURPLE = "#B8860B", "#CC79A7"
_STYLES = [(BLUE, "", "circle"), (ORANGE, "6 3", "square"), (GREEN, "2 3", "diamond"), (GREY, "8 3 2 3", "circle"),
           (SKY, "4 2", "square"), (PURPLE, "1 2", "diamond"), (DARK_YELLOW, "10 2", "circle")]
Line = tuple[str, Sequence[Any]]  # a name and one value per date (a number, a mark, or None)


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "diamond":
        return f'<path d="M{x:.1f} {y - 5:.1f}l5 5l-5 5l-5 -5z" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def line_chart(uid: str, title: str, desc: str, dates: Sequence[str], lines: Sequence[Line], fmt: Fmt, *,
               y_label: str, x_label: str, width: int = 900, height: int = 260) -> str:
    """One line per ``lines`` entry over ``dates`` (equally spaced month ends), gaps where a value is not a number."""
    left, right, top, bottom = 58, 20, 14, 52
    plot_w, plot_h = width - left - right, height - top - bottom
    vmax = _nice_max(max([num(v) or 0 for _, values in lines for v in values] + [1]))
    n = len(dates)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / vmax

    parts = []
    for t in range(6):
        tick = vmax * t / 5
        parts.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{width - right}" y2="{y(tick):.1f}" stroke="#e3e3e3"/>')
        parts.append(_text(left - 6, y(tick) + 4, fmt.dec(tick, 0), size=12, anchor="end", fill="#555"))
    every = max(1, -(-n // 12))  # at most about 12 date labels
    for i, d in enumerate(dates):
        if i % every == 0 or i == n - 1:
            parts.append(_text(x(i), top + plot_h + 18, d[:7], size=12, anchor="middle", fill="#333"))
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#555"/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#555"/>')
    parts.append(_text(left + plot_w / 2, height - 6, x_label, size=13, anchor="middle"))
    parts.append(f'<text x="14" y="{top + plot_h / 2:.1f}" font-size="13" text-anchor="middle" '
                 f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">{escape(y_label)}</text>')
    for k, (_name, values) in enumerate(lines):
        colour, dash, shape = _STYLES[k % len(_STYLES)]
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(values):
            value = num(v)
            if value is None:
                runs.append([])
                continue
            runs[-1].append((x(i), y(value)))
            parts.append(_marker(shape, x(i), y(value), colour))
        for run in runs:
            if len(run) > 1:
                path = " ".join(f"{px:.1f},{py:.1f}" for px, py in run)
                stroke = f' stroke-dasharray="{dash}"' if dash else ""
                parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{stroke}/>')
    body = "".join(parts)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} '
            f'{height}" role="img" aria-labelledby="{uid}-t {uid}-d"><title id="{uid}-t">{escape(title)}</title>'
            f'<desc id="{uid}-d">{escape(desc)}</desc>{body}</svg>')


def _legend(names: Sequence[str]) -> str:
    items = []
    for k, name in enumerate(names):
        colour, dash, _ = _STYLES[k % len(_STYLES)]
        stroke = f' stroke-dasharray="{dash}"' if dash else ""
        items.append(f'<span class="tl"><svg width="30" height="10" aria-hidden="true"><line x1="0" y1="5" x2="30" '
                     f'y2="5" stroke="{colour}" stroke-width="3"{stroke}/></svg> {escape(name)}</span>')
    return '<div class="legend">' + "".join(items) + "</div>"


def _block(uid: str, title: str, dates: Sequence[str], lines: Sequence[Line], withheld: Sequence[bool],
           w: Words, fmt: Fmt, y_label: str) -> str:
    what = "; ".join(name for name, _ in lines)
    desc = w("chart_desc", a=dates[0], b=dates[-1], what=what)
    chart = line_chart(uid, title, desc, dates, lines, fmt, y_label=y_label, x_label=w("date"))
    blank = ("",) * (len(lines) - 1)
    rows = [(escape(d), *((w("point_withheld"), *blank) if gone else tuple(fmt.count(values[i]) for _, values in lines)))
            for i, (d, gone) in enumerate(zip(dates, withheld, strict=True))]
    tab = table([w("date"), *(escape(name) for name, _ in lines)], rows)
    return (f'<h3>{escape(title)}</h3><div class="keep">{_legend([n for n, _ in lines])}{chart}</div>'
            f'<details><summary>{w("as_table")}</summary>{tab}</details>')


def _get(point: dict[str, Any], *path: str) -> Any:
    value: Any = point.get("figures")
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def trends(series: dict[str, Any], w: Words, fmt: Fmt, number: str = "") -> str:
    """The trends section: cohort and caseloads, the phase funnel, involvement, plan actions, ZRM per instrument."""
    points = series["points"]
    dates = [p["as_of"] for p in points]
    gone = [p["figures"] is None for p in points]

    def line(name: str, *path: str) -> Line:
        return name, [_get(p, *path) for p in points]

    phases = list(next((p["figures"]["phases"] for p in points if p["figures"]), {}))
    blocks = [
        (w("t_households"), [line(w("t_households"), "households"),
                             line(w("active_households"), "caseloads", "households")], w("households")),
        (w("s_phases"), [line(w.code("phase", k), "phases", k) for k in phases], w("households")),
        (w("t_involved"), [line(w("professionals"), "involvement", "professionals"),
                           line(w("volunteers"), "involvement", "volunteers")], w("n")),
        (w("t_actions"), [line(w("open"), "plan_actions", "open"), line(w("late"), "plan_actions", "late")],
         w("n")),
    ]
    instruments = sorted({i for p in points if p["figures"] for i in p["figures"]["zrm"]})
    for instrument in instruments:
        domains = list(dict.fromkeys(d for p in points if p["figures"]
                                     for d in p["figures"]["zrm"].get(instrument, {})))
        for key in ("up", "same", "down"):
            blocks.append((f'{w("t_zrm", i=w.instrument(instrument))} · {w(key)}',
                           [line(w.domain(instrument, d), "zrm", instrument, d, key) for d in domains],
                           w("households")))
    every = w(f'every_{series["every"]}')
    out = [f'<section><h2>{number}{w("s_trends")}</h2><p class="note">'
           f'{w("trends_note", every=every, p=series["known_at"]["position"])}</p>']
    for k, (title, lines, y_label) in enumerate(blocks):
        if lines:
            out.append(_block(f"trend{k}", title, dates, lines, gone, w, fmt, y_label))
    out.append("</section>")
    return "".join(out)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _flat(prefix: str, value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [row for k, v in value.items() for row in _flat(f"{prefix}.{k}" if prefix else str(k), v)]
    return [(prefix, value)]


def render_series_csv(series: dict[str, Any], lang: Lang = "nl") -> str:
    """One row per date and figure: ``as_of``, ``figure`` (dotted path), ``value`` (marks as they are), ``label``."""
    w = Words(lang)
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    out.writerow(("peildatum", "cijfer", "waarde", "omschrijving") if lang == "nl" else
                 ("as_of", "figure", "value", "label"))
    out.writerow(("", "ledger.position", series["ledger"]["position"], w.field("ledger.position")))
    out.writerow(("", "ledger.head", series["ledger"]["head"], w.field("ledger.head")))
    out.writerow(("", "known_at.position", series["known_at"]["position"], ""))
    out.writerow(("", "min_cell", series["min_cell"], w.field("min_cell")))
    for p in series["points"]:
        if p["figures"] is None:
            out.writerow((p["as_of"], "withheld", p["withheld"], w("point_withheld")))
            continue
        for path, value in _flat("", p["figures"]):
            label = " · ".join(w.field(part) for part in path.split("."))
            text = "" if value is None else value
            if isinstance(text, str) and text.startswith(_FORMULA_START):
                text = "'" + text
            out.writerow((p["as_of"], path, text, label))
    return buffer.getvalue()
