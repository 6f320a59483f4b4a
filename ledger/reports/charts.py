"""The evaluation report's HTML parts: number formats, tables, legends and inline SVG charts.

Pure functions of their arguments, no scripts: :mod:`ledger.reports.render_html` puts them
together into the report's sections. Values are written on the bars, so nothing depends
on colour alone; the colours are Okabe-Ito's (distinguishable with colour-blindness).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape, unescape
from typing import Any

from .labels import Words

__all__ = ["BLUE", "DARK", "GREEN", "GREY", "LIGHT", "ORANGE", "SKY", "Fmt", "caseload", "distribution", "hbars", "legend",
           "num", "ranges", "stacked", "table"]

# Okabe-Ito colours (distinguishable with colour-blindness), plus greys.
BLUE, DARK, ORANGE, GREEN, GREY, LIGHT = "#0072B2", "#08306b", "#D55E00", "#009E73", "#9a9a9a", "#9ecae1"
SKY = "#56B4E9"


# ------------------------------------------------------------------ small helpers
def num(value: Any) -> float | None:
    """A drawable number, or None for no data and suppressed cells."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


class Fmt:
    def __init__(self, w: Words) -> None:
        self.w = w

    def count(self, v: Any) -> str:
        if v is None:
            return "–"
        return escape(v) if isinstance(v, str) else self.w.number(v)

    def dec(self, v: Any, decimals: int = 1) -> str:
        if v is None:
            return "–"
        if isinstance(v, str):
            return escape(v)
        return self.w.number(v, 0 if float(v).is_integer() else decimals)

    def pct(self, v: Any) -> str:
        if v is None:
            return "–"
        if isinstance(v, str):
            return escape(v)
        return ("+" if v > 0 else "") + self.w.number(v, 1) + "%"

    def share(self, part: Any, whole: Any) -> str:
        p, t = num(part), num(whole)
        return "–" if p is None or not t else self.w.number(p / t * 100, 0) + "%"

    def eur(self, v: Any) -> str:
        if v is None:
            return "–"
        if isinstance(v, str):
            return escape(v)
        return "€ " + self.w.number(v, 0)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1,
           total_last: bool = False) -> str:
    head = "".join(f'<th class="{"n" if i >= numeric_from else ""}">{h}</th>' for i, h in enumerate(headers))
    body = []
    for k, row in enumerate(rows):
        cls = ' class="total"' if total_last and k == len(rows) - 1 else ""
        cells = "".join(f'<td class="{"n" if i >= numeric_from else ""}">{c}</td>' for i, c in enumerate(row))
        body.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def legend(items: Sequence[tuple[str, str]]) -> str:
    return '<div class="legend">' + "".join(
        f'<span style="--c:{c}">{escape(name)}</span>' for name, c in items) + "</div>"


def _nice_max(value: float) -> float:
    """A round upper bound for an axis."""
    if value <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 25_000,
                 50_000, 100_000, 200_000, 250_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000):
        if value <= step * 5:
            return step * (int(value / step) + (0 if value % step == 0 else 1))
    return value


def _svg(width: int, height: int, title: str, body: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
            f"<title>{escape(title)}</title>{body}</svg>")


def _text(x: float, y: float, text: str, *, size: int = 14, anchor: str = "start", fill: str = "#1b1b1b",
          weight: str = "normal", halo: bool = False) -> str:
    """Text; with ``halo`` a white outline keeps it readable over grid and norm lines.

    ``text`` may come escaped already (the formatters escape for tables): it is escaped exactly once.
    """
    outline = ' stroke="#fff" stroke-width="4" paint-order="stroke"' if halo else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}"{outline}>{escape(unescape(text))}</text>')


# ------------------------------------------------------------------ charts
def _label_width(labels: Sequence[str], size: int = 14) -> int:
    """Room for the longest label (DejaVu Sans averages about 0.6 em per character)."""
    return min(340, max(110, int(max((len(t) for t in labels), default=0) * size * 0.6) + 16))


def hbars(title: str, rows: Sequence[tuple[str, Sequence[tuple[Any, str]]]], fmt: Any, *,
           label_width: int | None = None, width: int = 520, bar: int = 16, scale_max: float | None = None) -> str:
    """Horizontal bars: per row one bar per series (value, colour), the value written after each bar."""
    label_width = label_width or _label_width([label for label, _ in rows])
    series = max((len(vals) for _, vals in rows), default=1)
    row_h = series * (bar + 3) + 12
    height = 12 + row_h * len(rows) + 6
    plot = width - label_width - 90
    top = max((num(v) or 0 for _, vals in rows for v, _ in vals), default=0)
    vmax = scale_max or _nice_max(top)
    parts = []
    for i, (label, vals) in enumerate(rows):
        y0 = 10 + i * row_h
        parts.append(_text(label_width - 10, y0 + (series * (bar + 3)) / 2 + 4, label, anchor="end"))
        for k, (v, colour) in enumerate(vals):
            y = y0 + k * (bar + 3)
            n = num(v)
            length = 0 if n is None else max(plot * n / vmax, 0)
            if n:
                parts.append(f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar}" fill="{colour}"/>')
            parts.append(_text(label_width + length + 6, y + bar - 3, fmt(v), size=13))
    parts.append(f'<line x1="{label_width}" y1="4" x2="{label_width}" y2="{height - 4}" stroke="#555"/>')
    return _svg(width, height, title, "".join(parts))


def stacked(title: str, rows: Sequence[tuple[str, Sequence[tuple[Any, str]]]], fmt: Any, *,
             label_width: int | None = None, width: int = 900, bar: int = 24) -> str:
    """Horizontal stacked bars scaled to the largest row total; segment values written inside when they fit."""
    label_width = label_width or _label_width([label for label, _ in rows])
    totals = [sum(num(v) or 0 for v, _ in vals) for _, vals in rows]
    vmax = max(totals, default=0) or 1
    plot = width - label_width - 20
    row_h = bar + 12
    height = 8 + row_h * len(rows)
    parts = []
    for i, (label, vals) in enumerate(rows):
        y = 6 + i * row_h
        parts.append(_text(label_width - 10, y + bar / 2 + 5, label, anchor="end"))
        x = float(label_width)
        hidden = []
        for v, colour in vals:
            n = num(v)
            if n is None:
                if isinstance(v, str):
                    hidden.append(v)
                continue
            seg = plot * n / vmax
            if seg <= 0:
                continue
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{seg:.1f}" height="{bar}" fill="{colour}" '
                         f'stroke="#fff" stroke-width="1"/>')
            if seg >= 26:
                parts.append(_text(x + seg / 2, y + bar / 2 + 5, fmt(v), size=13, anchor="middle", fill="#fff",
                                   weight="bold"))
            x += seg
        if hidden:
            parts.append(_text(x + 6, y + bar / 2 + 5, " ".join(hidden), size=13))
    return _svg(width, height, title, "".join(parts))


def distribution(title: str, intake: dict[str, Any], latest: dict[str, Any], names: tuple[str, str]) -> str:
    """Small multiple: scores 1-5, a bar for the baseline and one for the latest measurement."""
    width, height, left, bottom, top = 250, 150, 8, 24, 22
    plot_h = height - bottom - top
    vmax = _nice_max(max([num(v) or 0 for v in [*intake.values(), *latest.values()]] + [1]))
    group = (width - left * 2) / 5
    bw = group / 2 - 5
    parts = []
    for k, score in enumerate(sorted(intake)):
        gx = left + k * group + 3
        for j, (values, colour) in enumerate(((intake, LIGHT), (latest, BLUE))):
            v = values.get(score)
            n = num(v)
            h = 0 if n is None else plot_h * n / vmax
            x = gx + j * (bw + 2)
            if n:
                parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bw:.1f}" height="{h:.1f}" '
                             f'fill="{colour}" stroke="#333" stroke-width="0.6"/>')
            label = "–" if v is None else (v if isinstance(v, str) else str(int(n or 0)))
            parts.append(_text(x + bw / 2, top + plot_h - h - 4, label, size=12, anchor="middle"))
        parts.append(_text(gx + bw + 1, height - 6, score, size=13, anchor="middle", weight="bold"))
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - left}" y2="{top + plot_h}" stroke="#555"/>')
    return _svg(width, height, f"{title}: {names[0]} / {names[1]}", "".join(parts))


def ranges(title: str, rows: Sequence[tuple[str, dict[str, Any]]], fmt: Fmt, *, label_width: int | None = None,
            width: int = 900) -> str:
    """Lead times: a bar from the 1st to the 3rd quartile, a line at the median, whiskers to min and max."""
    label_width = label_width or _label_width([label for label, _ in rows])
    highs = [num(s.get("max")) or num(s.get("q3")) or 0 for _, s in rows]
    vmax = _nice_max(max(highs + [1]))
    plot = width - label_width - 150
    row_h, bar = 40, 18
    height = 30 + row_h * len(rows)
    parts = []
    for t in range(0, 6):
        x = label_width + plot * t / 5
        parts.append(f'<line x1="{x:.1f}" y1="18" x2="{x:.1f}" y2="{height - 6}" stroke="#e3e3e3"/>')
        parts.append(_text(x, 13, fmt.dec(vmax * t / 5, 0), size=12, anchor="middle", fill="#555"))
    for i, (label, s) in enumerate(rows):
        y = 26 + i * row_h
        mid = y + bar / 2
        parts.append(_text(label_width - 10, mid + 5, label, anchor="end"))
        q1, med, q3 = num(s.get("q1")), num(s.get("median")), num(s.get("q3"))
        lo, hi = num(s.get("min")), num(s.get("max"))

        def at(v: float) -> float:
            return label_width + plot * v / vmax

        if med is None:
            shown = s.get("median")
            parts.append(_text(label_width + 6, mid + 5, fmt.dec(shown) if isinstance(shown, str) else fmt.w("none"),
                               size=13, fill="#555"))
            continue
        if lo is not None and hi is not None:
            parts.append(f'<line x1="{at(lo):.1f}" y1="{mid}" x2="{at(hi):.1f}" y2="{mid}" stroke="#555"/>')
            for v in (lo, hi):
                parts.append(f'<line x1="{at(v):.1f}" y1="{mid - 6}" x2="{at(v):.1f}" y2="{mid + 6}" stroke="#555"/>')
        if q1 is not None and q3 is not None:
            parts.append(f'<rect x="{at(q1):.1f}" y="{y}" width="{max(at(q3) - at(q1), 2):.1f}" height="{bar}" '
                         f'fill="{SKY}" stroke="{DARK}"/>')
        parts.append(f'<line x1="{at(med):.1f}" y1="{y - 3}" x2="{at(med):.1f}" y2="{y + bar + 3}" '
                     f'stroke="{DARK}" stroke-width="3"/>')
        right = at(hi if hi is not None else med)
        parts.append(_text(right + 8, mid + 5, f"{fmt.w('median').lower()} {fmt.dec(med)}", size=13,
                           weight="bold"))
    return _svg(width, height, title, "".join(parts))


def caseload(title: str, directors: Sequence[dict[str, Any]], norms: dict[str, Any], fmt: Fmt) -> str:
    """Vertical bars per (pseudonymised) director, the recommended band 8-30 shaded."""
    lo, hi = norms["recommended_min"], norms["recommended_max"]
    values = [num(d["households"]) for d in directors]
    vmax = _nice_max(max([v or 0 for v in values] + [hi + 5]))
    left, right, top, bottom = 46, 140, 16, 30
    step = min(70, max(26, 700 // max(len(directors), 1)))
    width = left + right + step * max(len(directors), 1)
    height = 280
    plot_h = height - top - bottom

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / vmax

    parts = [f'<rect x="{left}" y="{y(hi):.1f}" width="{width - left - right}" height="{y(lo) - y(hi):.1f}" '
             f'fill="#dcefd9"/>']
    for t in range(0, 6):
        tick = vmax * t / 5
        parts.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{width - right}" y2="{y(tick):.1f}" stroke="#e3e3e3"/>')
        parts.append(_text(left - 6, y(tick) + 4, fmt.dec(tick, 0), size=12, anchor="end", fill="#555"))
    for norm, dash in ((lo, "5 3"), (hi, "5 3")):
        parts.append(f'<line x1="{left}" y1="{y(norm):.1f}" x2="{width - right}" y2="{y(norm):.1f}" stroke="{GREEN}" '
                     f'stroke-width="1.5" stroke-dasharray="{dash}"/>')
        parts.append(_text(width - right + 6, y(norm) + 4, str(norm), size=13, fill="#1b5e20", weight="bold"))
    parts.append(_text(width - right + 6, (y(lo) + y(hi)) / 2 + 4, fmt.w("norm_band"), size=13, fill="#1b5e20"))
    bw = step * 0.62
    for k, (d, v) in enumerate(zip(directors, values, strict=True)):
        x = left + k * step + (step - bw) / 2
        colour = BLUE if v is None or lo <= v <= hi else ORANGE
        if v:
            parts.append(f'<rect x="{x:.1f}" y="{y(v):.1f}" width="{bw:.1f}" height="{y(0) - y(v):.1f}" '
                         f'fill="{colour}"/>')
        parts.append(_text(x + bw / 2, y(v or 0) - 5, fmt.count(d["households"]), size=14, anchor="middle",
                           weight="bold", halo=True))
        parts.append(_text(x + bw / 2, height - 10, d["director"], size=13, anchor="middle"))
    parts.append(f'<line x1="{left}" y1="{y(0):.1f}" x2="{width - right}" y2="{y(0):.1f}" stroke="#555"/>')
    return _svg(width, height, title, "".join(parts))
