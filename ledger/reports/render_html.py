"""The evaluation report as one self-contained HTML file: tables and inline SVG bar charts.

No scripts, no fonts or images from elsewhere, no network fetches: the file opens the
same offline, in five years, and prints readably (A4, charts kept whole, values written
on the bars so nothing depends on colour alone). Dutch labels by default, English with
``lang="en"``. It shows exactly the numbers of the JSON it is given, suppressed cells
(``"<N"``) included, and states the period, the as-of date, what the figures rest on
and the ledger position and hash-chain head they were computed from.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape, unescape
from typing import Any

from .labels import Lang, Words

__all__ = ["render_html"]

# Okabe-Ito colours (distinguishable with colour-blindness), plus greys.
BLUE, DARK, ORANGE, GREEN, GREY, LIGHT = "#0072B2", "#08306b", "#D55E00", "#009E73", "#9a9a9a", "#9ecae1"
SKY, YELLOW, PURPLE = "#56B4E9", "#E69F00", "#CC79A7"
FONT = "'DejaVu Sans', 'Segoe UI', 'Helvetica Neue', Arial, sans-serif"

CSS = f"""
@page {{ size: A4; margin: 14mm 12mm; }}
* {{ box-sizing: border-box; }}
body {{ font-family: {FONT}; color: #1b1b1b; background: #fff; max-width: 1120px; margin: 24px auto;
       padding: 0 28px 40px; font-size: 15px; line-height: 1.45; }}
h1 {{ font-size: 30px; margin: 0 0 2px; color: {DARK}; }}
.subtitle {{ font-size: 16px; color: #444; margin: 0 0 18px; }}
h2 {{ font-size: 21px; color: {DARK}; border-bottom: 3px solid {BLUE}; padding-bottom: 4px; margin: 34px 0 10px;
     break-after: avoid; page-break-after: avoid; }}
h3 {{ font-size: 17px; margin: 18px 0 6px; break-after: avoid; }}
section {{ break-inside: auto; }}
.keep {{ break-inside: avoid; page-break-inside: avoid; }}
.basis {{ background: #eef4fa; border: 1px solid #b8cde3; border-radius: 6px; padding: 12px 18px; }}
.basis table {{ margin: 0; }}
.basis th {{ width: 270px; vertical-align: top; border: 0; padding: 3px 10px 3px 0; }}
.basis td {{ border: 0; padding: 3px 0; }}
.hash {{ font-family: 'DejaVu Sans Mono', Consolas, monospace; font-size: 13px; word-break: break-all; }}
.note {{ color: #444; font-size: 14px; margin: 4px 0 10px; }}
.row {{ display: flex; flex-wrap: wrap; gap: 14px 30px; align-items: flex-start; }}
table {{ border-collapse: collapse; margin: 6px 0 12px; font-size: 14.5px; }}
th, td {{ padding: 4px 12px 4px 0; border-bottom: 1px solid #d9d9d9; text-align: left; vertical-align: top; }}
thead th {{ border-bottom: 2px solid #888; font-weight: 600; }}
td.n, th.n {{ text-align: right; font-variant-numeric: tabular-nums; padding-left: 12px; }}
tr.total td {{ font-weight: 600; border-top: 2px solid #888; }}
svg {{ display: block; max-width: 100%; height: auto; }}
svg text {{ font-family: {FONT}; }}
.multiples {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(255px, 1fr)); gap: 14px 18px; }}
.multiples figure {{ margin: 0; border: 1px solid #e1e1e1; border-radius: 4px; padding: 6px 6px 2px;
                     break-inside: avoid; page-break-inside: avoid; }}
.multiples svg {{ width: 100%; }}
.multiples figcaption {{ font-weight: 600; font-size: 14px; margin: 0 0 2px 4px; }}
.legend {{ display: flex; gap: 18px; flex-wrap: wrap; font-size: 14px; margin: 4px 0 8px; }}
.legend span::before {{ content: ""; display: inline-block; width: 13px; height: 13px; margin-right: 6px;
                        vertical-align: -2px; background: var(--c); border: 1px solid #555; }}
footer {{ margin-top: 36px; border-top: 1px solid #ccc; padding-top: 8px; color: #444; font-size: 13.5px; }}
@media print {{
  body {{ margin: 0; max-width: none; padding: 0; font-size: 10.5pt; }}
  h2 {{ margin-top: 18pt; }}
  .legend span::before, svg rect, .basis {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
}}
"""


# ------------------------------------------------------------------ small helpers
def _num(value: Any) -> float | None:
    """A drawable number, or None for no data and suppressed cells."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


class _Fmt:
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
        p, t = _num(part), _num(whole)
        return "–" if p is None or not t else self.w.number(p / t * 100, 0) + "%"

    def eur(self, v: Any) -> str:
        if v is None:
            return "–"
        if isinstance(v, str):
            return escape(v)
        return "€ " + self.w.number(v, 0)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1,
           total_last: bool = False) -> str:
    head = "".join(f'<th class="{"n" if i >= numeric_from else ""}">{h}</th>' for i, h in enumerate(headers))
    body = []
    for k, row in enumerate(rows):
        cls = ' class="total"' if total_last and k == len(rows) - 1 else ""
        cells = "".join(f'<td class="{"n" if i >= numeric_from else ""}">{c}</td>' for i, c in enumerate(row))
        body.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _legend(items: Sequence[tuple[str, str]]) -> str:
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


def _hbars(title: str, rows: Sequence[tuple[str, Sequence[tuple[Any, str]]]], fmt: Any, *,
           label_width: int | None = None, width: int = 520, bar: int = 16, scale_max: float | None = None) -> str:
    """Horizontal bars: per row one bar per series (value, colour), the value written after each bar."""
    label_width = label_width or _label_width([label for label, _ in rows])
    series = max((len(vals) for _, vals in rows), default=1)
    row_h = series * (bar + 3) + 12
    height = 12 + row_h * len(rows) + 6
    plot = width - label_width - 90
    top = max((_num(v) or 0 for _, vals in rows for v, _ in vals), default=0)
    vmax = scale_max or _nice_max(top)
    parts = []
    for i, (label, vals) in enumerate(rows):
        y0 = 10 + i * row_h
        parts.append(_text(label_width - 10, y0 + (series * (bar + 3)) / 2 + 4, label, anchor="end"))
        for k, (v, colour) in enumerate(vals):
            y = y0 + k * (bar + 3)
            n = _num(v)
            length = 0 if n is None else max(plot * n / vmax, 0)
            if n:
                parts.append(f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar}" fill="{colour}"/>')
            parts.append(_text(label_width + length + 6, y + bar - 3, fmt(v), size=13))
    parts.append(f'<line x1="{label_width}" y1="4" x2="{label_width}" y2="{height - 4}" stroke="#555"/>')
    return _svg(width, height, title, "".join(parts))


def _stacked(title: str, rows: Sequence[tuple[str, Sequence[tuple[Any, str]]]], fmt: Any, *,
             label_width: int | None = None, width: int = 900, bar: int = 24) -> str:
    """Horizontal stacked bars scaled to the largest row total; segment values written inside when they fit."""
    label_width = label_width or _label_width([label for label, _ in rows])
    totals = [sum(_num(v) or 0 for v, _ in vals) for _, vals in rows]
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
            n = _num(v)
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


def _distribution(title: str, intake: dict[str, Any], latest: dict[str, Any], names: tuple[str, str]) -> str:
    """Small multiple: scores 1-5, a bar for the baseline and one for the latest measurement."""
    width, height, left, bottom, top = 250, 150, 8, 24, 22
    plot_h = height - bottom - top
    vmax = _nice_max(max([_num(v) or 0 for v in [*intake.values(), *latest.values()]] + [1]))
    group = (width - left * 2) / 5
    bw = group / 2 - 5
    parts = []
    for k, score in enumerate(sorted(intake)):
        gx = left + k * group + 3
        for j, (values, colour) in enumerate(((intake, LIGHT), (latest, BLUE))):
            v = values.get(score)
            n = _num(v)
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


def _ranges(title: str, rows: Sequence[tuple[str, dict[str, Any]]], fmt: _Fmt, *, label_width: int | None = None,
            width: int = 900) -> str:
    """Lead times: a bar from the 1st to the 3rd quartile, a line at the median, whiskers to min and max."""
    label_width = label_width or _label_width([label for label, _ in rows])
    highs = [_num(s.get("max")) or _num(s.get("q3")) or 0 for _, s in rows]
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
        q1, med, q3 = _num(s.get("q1")), _num(s.get("median")), _num(s.get("q3"))
        lo, hi = _num(s.get("min")), _num(s.get("max"))

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


def _caseload_chart(title: str, directors: Sequence[dict[str, Any]], norms: dict[str, Any], fmt: _Fmt) -> str:
    """Vertical bars per (pseudonymised) director, the recommended band 8-30 shaded."""
    lo, hi = norms["recommended_min"], norms["recommended_max"]
    values = [_num(d["households"]) for d in directors]
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
        v = vmax * t / 5
        parts.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{width - right}" y2="{y(v):.1f}" stroke="#e3e3e3"/>')
        parts.append(_text(left - 6, y(v) + 4, fmt.dec(v, 0), size=12, anchor="end", fill="#555"))
    for v, dash in ((lo, "5 3"), (hi, "5 3")):
        parts.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{width - right}" y2="{y(v):.1f}" stroke="{GREEN}" '
                     f'stroke-width="1.5" stroke-dasharray="{dash}"/>')
        parts.append(_text(width - right + 6, y(v) + 4, str(v), size=13, fill="#1b5e20", weight="bold"))
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


# ------------------------------------------------------------------ sections
def _basis(r: dict[str, Any], w: Words) -> str:
    fmt = _Fmt(w)
    period, ledger, basis = r["period"], r["ledger"], r["basis"]
    start = period["from"] or w("from_start")
    rests = w("households_events", h=fmt.count(basis["households"]), e=fmt.count(basis["events"]))
    erased = basis["erased_households"]
    if erased:
        rests += "; " + w("erased", n=fmt.count(erased))
    cells = r.get("min_cell")
    rows = [
        (w("period"), f"{escape(start)} {w('until')} {escape(period['to'])}"),
        (w("as_of"), f"{escape(r['as_of'])} <span class=\"note\">({escape(ledger['as_of_moment'])})</span>"),
        (w("rests_on"), rests),
        (w("ledger_position"), f"{ledger['position']} ({w('last_included')}: {ledger['last_included_position']})"
                               f"<br><span class=\"hash\">{escape(ledger['head'])}</span>"),
        (w("signed"), f"{escape(ledger['signed_at'])} · <span class=\"hash\">{escape(ledger['public_key'])}</span>"),
    ]
    asked = r.get("requested") or {}
    if cells and cells > 1 and any(asked.values()):
        rows.append((w("requested"), escape(" · ".join(
            f"{w.field('requested.' + k).split(': ')[-1]} {v}" for k, v in asked.items() if v is not None))))
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    privacy = w("pseudonymous") + " " + (w("suppressed", n=cells) if cells and cells > 1 else w("not_suppressed"))
    return (f'<div class="basis keep"><table>{table}</table><p class="note">{privacy}</p>'
            f'<p class="note">{w("verify")}</p></div>')


def _referrals(r: dict[str, Any], w: Words, fmt: _Fmt) -> str:
    ref = r["referrals"]
    items = [(k, v) for k, v in ref["by_source"].items() if v != 0]
    chart = _hbars(w("s_referrals"), [(w.code("source", k), [(v, BLUE)]) for k, v in items], fmt.count) if items else ""
    table = _table([w("source"), w("households")], [(escape(w.code("source", k)), fmt.count(v)) for k, v in items])
    combos = f'<p><b>{w("multiple_sources")}: {fmt.count(ref["multiple_sources"])}</b></p>'
    if ref["source_combinations"]:
        combos += _table([w("combination"), w("households")], [
            (escape(" + ".join(w.code("source", s) for s in k.split("+"))), fmt.count(v))
            for k, v in ref["source_combinations"].items()])
    return (f'<section><h2>1. {w("s_referrals")}</h2><p class="note">{w("sources_note")} '
            f'{w("households")}: {fmt.count(ref["households"])}.</p>'
            f'<div class="row"><div class="keep">{chart}</div>{table}</div>{combos}</section>')


def _side_by_side(heading: str, chart: str, table: str) -> str:
    return f'<section><h2>{heading}</h2><div class="row"><div class="keep">{chart}</div>{table}</div></section>'


def _composition(r: dict[str, Any], w: Words, fmt: _Fmt) -> str:
    c = r["composition"]
    items = list(c["by_kind"].items())
    chart = _hbars(w("s_composition"), [(w.code("composition", k), [(v, BLUE)]) for k, v in items], fmt.count)
    table = _table([w("composition"), w("households")],
                   [(escape(w.code("composition", k)), fmt.count(v)) for k, v in items]
                   + [(w("with_children"), fmt.count(c["with_children"])), (w("adults"), fmt.count(c["adults"])),
                      (w("children"), fmt.count(c["children"]))])
    return _side_by_side(f'2. {w("s_composition")}', chart, table)


def _coordination(r: dict[str, Any], w: Words, fmt: _Fmt) -> str:
    c = r["coordination"]
    items = list(c["by_outcome"].items())
    chart = _hbars(w("s_coordination"), [(w.code("outcome", k), [(v, BLUE)]) for k, v in items], fmt.count)
    table = _table([w("outcome"), w("households")],
                   [(escape(w.code("outcome", k)), fmt.count(v)) for k, v in items]
                   + [(f"<b>{w('decided')}</b>", fmt.count(c["decided"])), (w("undecided"), fmt.count(c["undecided"]))])
    return _side_by_side(f'3. {w("s_coordination")}', chart, table)


def _phases(r: dict[str, Any], w: Words, fmt: _Fmt) -> str:
    p = r["phases"]
    whole = p["referred"]
    items = list(p.items())
    colours = {"closed": GREY, "dropped_out": ORANGE, "refused": ORANGE}
    chart = _hbars(w("s_phases"), [(w.code("phase", k), [(v, colours.get(k, BLUE))]) for k, v in items], fmt.count)
    table = _table([w("phase"), w("households"), w("share")],
                   [(escape(w.code("phase", k)), fmt.count(v), fmt.share(v, whole)) for k, v in items])
    return _side_by_side(f'4. {w("s_phases")}', chart, table)


def _zrm(r: dict[str, Any], w: Words, fmt: _Fmt) -> str:
    z = r["zrm"]
    out = [f'<section><h2>5. {w("s_zrm")}</h2><p class="note">{w("zrm_rule")}</p>']
    if z["households_with_two_instruments"]:
        out.append(f'<p class="note">{w("two_instruments")}: {fmt.count(z["households_with_two_instruments"])}.</p>')
    if not z["instruments"]:
        out.append(f'<p class="note">{w("none")}.</p>')
    for instrument, data in z["instruments"].items():
        domains = data["domains"]
        out.append(f'<h3>{w("instrument", v=escape(instrument))} · {fmt.count(data["households"])} '
                   f'{w("households_lc")}</h3>')
        rows = [(escape(w.domain(instrument, d)), fmt.count(v["intake_measured"]), fmt.count(v["intake_at_most_3"]),
                 fmt.count(v["compared"]), fmt.count(v["up"]), fmt.count(v["same"]), fmt.count(v["down"]))
                for d, v in domains.items()]
        out.append(_table([w("domain"), w("measured"), w("at_most_3"), w("compared"), w("up"), w("same"),
                           w("down")], rows))
        out.append('<div class="keep">' + _legend([(w("up"), BLUE), (w("same"), GREY), (w("down"), ORANGE)]))
        out.append(_stacked(f'{w("instrument", v=instrument)}: {w("up")} / {w("same")} / {w("down")}', [
            (w.domain(instrument, d), [(v["up"], BLUE), (v["same"], GREY), (v["down"], ORANGE)])
            for d, v in domains.items()], fmt.count) + "</div>")
        out.append(f'<h3>{w("distribution")}</h3><p class="note">{w("distribution_note")}<br>'
                   f'{w("score_legend")}</p>')
        out.append(_legend([(w("at_intake"), LIGHT), (w("latest"), BLUE)]))
        figures = []
        for d, v in domains.items():
            caption = f'{escape(w.domain(instrument, d))} <span class="note">(n = {fmt.count(v["compared"])})</span>'
            chart = _distribution(w.domain(instrument, d), v["intake_scores_compared"], v["latest_scores"],
                                  (w("at_intake"), w("latest")))
            figures.append(f"<figure><figcaption>{caption}</figcaption>{chart}</figure>")
        out.append(f'<div class="multiples">{"".join(figures)}</div>')
    out.append("</section>")
    return "".join(out)


def _involvement(r: dict[str, Any], w: Words, fmt: _Fmt) -> str:
    inv = r["involvement"]
    kinds = (("professionals", w("professionals")), ("volunteers", w("volunteers")))
    rows = [(name, fmt.count(inv[k]["at_start"]), fmt.count(inv[k]["at_report_date"]), fmt.pct(inv[k]["change_pct"]),
             f'{fmt.dec(inv[k]["per_household_at_start"], 2)} → {fmt.dec(inv[k]["per_household_at_report_date"], 2)}')
            for k, name in kinds]
    table = _table([w("kind"), w("at_start"), w("at_report_date"), w("change"), w("per_household")], rows)
    chart = _hbars(w("s_involvement"), [(name, [(inv[k]["at_start"], LIGHT), (inv[k]["at_report_date"], BLUE)])
                                        for k, name in kinds], fmt.count, bar=22)
    return (f'<section><h2>6. {w("s_involvement")}</h2><p class="note">{w("involvement_note")} '
            f'{w("households")}: {fmt.count(inv["households"])}.</p><div class="keep">'
            f'{_legend([(w("at_start"), LIGHT), (w("at_report_date"), BLUE)])}{chart}</div>{table}</section>')


def _actions(r: dict[str, Any], w: Words, fmt: _Fmt) -> str:
    a = r["plan_actions"]
    by = a["by_performer"]

    def on_time(v: dict[str, Any]) -> Any:
        o, late = _num(v["open"]), _num(v["late"])
        return None if o is None or late is None else int(o - late)

    chart = _stacked(w("s_actions"), [
        (w.code("performer", k), [(v["done"], GREEN), (on_time(v), SKY), (v["late"], ORANGE), (v["cancelled"], GREY)])
        for k, v in by.items()], fmt.count)
    rows = [(escape(w.code("performer", k)), fmt.count(v["added"]), fmt.count(v["done"]), fmt.count(v["open"]),
             fmt.count(v["late"]), fmt.count(v["cancelled"])) for k, v in [*by.items(), ("total", a["total"])]]
    table = _table([w("performer"), w("added"), w("done"), w("open"), w("late"), w("cancelled")], rows,
                   total_last=True)
    legend = _legend([(w("done"), GREEN), (w("open_not_late"), SKY), (w("late"), ORANGE), (w("cancelled"), GREY)])
    return (f'<section><h2>7. {w("s_actions")}</h2><p class="note">{w("late_note")}</p>'
            f'<div class="keep">{legend}{chart}</div>{table}</section>')


def _lead_times(r: dict[str, Any], w: Words, fmt: _Fmt) -> str:
    lt = r["lead_times"]
    chart = _ranges(w("s_lead_times"), [(w.code("lead_time", k), s) for k, s in lt.items()], fmt)
    rows = [(escape(w.code("lead_time", k)), fmt.count(s["n"]), fmt.dec(s["q1"]), fmt.dec(s["median"]),
             fmt.dec(s["q3"]), fmt.dec(s["min"]), fmt.dec(s["max"])) for k, s in lt.items()]
    table = _table([w("lead_time"), w("n"), w("q1"), w("median"), w("q3"), w("min"), w("max")], rows)
    return (f'<section><h2>8. {w("s_lead_times")}</h2><p class="note">{w("lead_note")}</p>'
            f'<div class="keep">{chart}</div>{table}</section>')


def _caseloads(r: dict[str, Any], w: Words, fmt: _Fmt) -> str:
    c = r["caseloads"]
    directors = c["per_director"]
    chart = _caseload_chart(w("s_caseloads"), directors, c["norms"], fmt) if directors else f"<p>{w('none')}.</p>"
    phases = sorted({p for d in directors for p in d["by_phase"]},
                    key=lambda p: ["referred", "intake", "coordination", "plan", "aftercare"].index(p)
                    if p in ("referred", "intake", "coordination", "plan", "aftercare") else 9)
    rows = [(escape(d["director"]), escape(d["organisation"]), escape(w.code("norm", d["norm"])),
             fmt.count(d["households"]), *(fmt.count(d["by_phase"].get(p, 0)) for p in phases))
            for d in directors]
    table = _table([w("director"), w("organisation"), w("norm"), w("active_households"),
                    *(escape(w.code("phase", p)) for p in phases)], rows, numeric_from=3)
    norm = c["against_norm"]
    summary = (f'{w("directors")}: {c["directors"]} · {w("active_households")}: {fmt.count(c["households"])} · '
               f'{w("median")}: {fmt.dec(c["median"])} · {w("max")}: {fmt.count(c["max"])} · '
               + " · ".join(f"{escape(w.code('norm', k))}: {v}" for k, v in norm.items()))
    return (f'<section><h2>9. {w("s_caseloads")} ({escape(c["on"])})</h2><p class="note">{w("caseload_note")}</p>'
            f'<p>{summary}</p><div class="keep">{chart}</div>{table}</section>')


def _costs(r: dict[str, Any], w: Words, fmt: _Fmt) -> str:
    c = r["costs"]
    streams = list(c["by_stream"].items())
    counts = _table([w("households"), ""], [
        (w("with_baseline"), fmt.count(c["households_with_baseline"])),
        (w("with_intervention"), fmt.count(c["households_with_intervention"])),
        (f"<b>{w('with_both')}</b>", f"<b>{fmt.count(c['households_with_both'])}</b>")])
    rows = [(escape(w.code("stream", k)), fmt.eur(v["baseline_per_year"]), fmt.eur(v["approach_per_year"]),
             fmt.pct(v["change_pct"])) for k, v in streams]
    total = c["total_per_year"]
    rows.append(tuple(f"<b>{x}</b>" for x in (w.code("stream", "total"), fmt.eur(total["baseline_per_year"]),
                                               fmt.eur(total["approach_per_year"]), fmt.pct(total["change_pct"]))))
    rows.append((w("mean_per_household"), fmt.eur(c["per_household_per_year"]["baseline_per_year"]),
                 fmt.eur(c["per_household_per_year"]["approach_per_year"]),
                 fmt.pct(c["per_household_per_year"]["change_pct"])))
    table = _table([w("stream"), w("baseline_per_year"), w("approach_per_year"), w("change")], rows)
    chart = ""
    if c["households_with_both"]:
        chart = (_legend([(w("baseline_per_year"), LIGHT), (w("approach_per_year"), BLUE)])
                 + _hbars(w("s_costs"), [(w.code("stream", k), [(v["baseline_per_year"], LIGHT),
                                                                (v["approach_per_year"], BLUE)])
                                         for k, v in streams], fmt.eur, bar=18))
    return (f'<section><h2>10. {w("s_costs")}</h2><p class="note">{w("costs_note")}</p>{counts}'
            f'<div class="keep">{chart}</div>{table}</section>')


def render_html(report: dict[str, Any], lang: Lang = "nl") -> str:
    """One self-contained HTML document for ``report`` (the JSON of :func:`evaluation_report`)."""
    w = Words(lang)
    fmt = _Fmt(w)
    period = report["period"]
    title = f"{w('title')} · {period['from'] or w('from_start')} {w('until')} {period['to']}"
    body = "".join(part(report, w, fmt) for part in (
        _referrals, _composition, _coordination, _phases, _zrm, _involvement, _actions, _lead_times, _caseloads,
        _costs))
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        f"img-src data:\">"
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f'<h1>{w("title")}</h1><p class="subtitle">{w("subtitle")}</p>'
        f"{_basis(report, w)}{body}"
        f'<footer>{w("footer")}</footer></body></html>\n'
    )
