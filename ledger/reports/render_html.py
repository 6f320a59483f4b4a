"""The evaluation report as one self-contained HTML file: tables and inline SVG bar charts.

No scripts, no fonts or images from elsewhere, no network fetches: the file opens the
same offline, in five years, and prints readably (A4, charts kept whole, values written
on the bars so nothing depends on colour alone). Dutch labels by default, English with
``lang="en"``. It shows exactly the numbers of the JSON it is given, suppressed cells
(``"<N"``) included, and states the period, the as-of date, what the figures rest on
and the ledger position and hash-chain head they were computed from. The sections are
here; their parts (number formats, tables, legends, the SVG charts) in :mod:`ledger.reports.charts`.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ledger.aggregates.instruments import INSTRUMENTS

from . import charts
from .charts import BLUE, DARK, GREEN, GREY, LIGHT, ORANGE, SKY
from .labels import Lang, Words
from .trends import trends

__all__ = ["render_html", "render_series_html"]

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
.legend span.tl::before {{ content: none; }}
.legend span.tl svg {{ display: inline-block; vertical-align: middle; }}
details summary {{ cursor: pointer; color: #444; font-size: 14px; margin: 2px 0 8px; }}
footer {{ margin-top: 36px; border-top: 1px solid #ccc; padding-top: 8px; color: #444; font-size: 13.5px; }}
@media print {{
  body {{ margin: 0; max-width: none; padding: 0; font-size: 10.5pt; }}
  h2 {{ margin-top: 18pt; }}
  .legend span::before, svg rect, .basis {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
}}
"""


# ------------------------------------------------------------------ sections
def _basis(r: dict[str, Any], w: Words) -> str:
    fmt = charts.Fmt(w)
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


def _referrals(r: dict[str, Any], w: Words, fmt: charts.Fmt) -> str:
    ref = r["referrals"]
    items = [(k, v) for k, v in ref["by_source"].items() if v != 0]
    chart = charts.hbars(w("s_referrals"), [(w.code("source", k), [(v, BLUE)]) for k, v in items], fmt.count) if items else ""
    table = charts.table([w("source"), w("households")], [(escape(w.code("source", k)), fmt.count(v)) for k, v in items])
    combos = (f'<p>{w("referrals_total")}: {fmt.count(ref["referrals"])}; {w("referred_once")}: '
              f'{fmt.count(ref["referred_once"])}; {w("referred_more_than_once")}: '
              f'{fmt.count(ref["referred_more_than_once"])}.</p>'
              f'<p><b>{w("multiple_sources")}: {fmt.count(ref["multiple_sources"])}</b></p>')
    if ref["source_combinations"]:
        combos += charts.table([w("combination"), w("households")], [
            (escape(" + ".join(w.code("source", s) for s in k.split("+"))), fmt.count(v))
            for k, v in ref["source_combinations"].items()])
    return (f'<section><h2>1. {w("s_referrals")}</h2><p class="note">{w("sources_note")} '
            f'{w("households")}: {fmt.count(ref["households"])}.</p>'
            f'<div class="row"><div class="keep">{chart}</div>{table}</div>{combos}</section>')


def _side_by_side(heading: str, chart: str, table: str) -> str:
    return f'<section><h2>{heading}</h2><div class="row"><div class="keep">{chart}</div>{table}</div></section>'


def _composition(r: dict[str, Any], w: Words, fmt: charts.Fmt) -> str:
    c = r["composition"]
    items = list(c["by_kind"].items())
    chart = charts.hbars(w("s_composition"), [(w.code("composition", k), [(v, BLUE)]) for k, v in items], fmt.count)
    table = charts.table([w("composition"), w("households")],
                   [(escape(w.code("composition", k)), fmt.count(v)) for k, v in items]
                   + [(w("with_children"), fmt.count(c["with_children"])), (w("adults"), fmt.count(c["adults"])),
                      (w("children"), fmt.count(c["children"]))])
    now = list(c["as_revised"].items())
    chart_now = charts.hbars(w("s_composition_revised"), [(w.code("composition", k), [(v, BLUE)]) for k, v in now],
                             fmt.count)
    table_now = charts.table([w("composition"), w("households")],
                             [(escape(w.code("composition", k)), fmt.count(v)) for k, v in now]
                             + [(w("revised_households"), fmt.count(c["revised"]))])
    return (_side_by_side(f'2. {w("s_composition")}', chart, table)
            + _side_by_side(f'2b. {w("s_composition_revised")}', chart_now, table_now))


def _coordination(r: dict[str, Any], w: Words, fmt: charts.Fmt) -> str:
    c = r["coordination"]
    items = list(c["by_outcome"].items())
    chart = charts.hbars(w("s_coordination"), [(w.code("outcome", k), [(v, BLUE)]) for k, v in items], fmt.count)
    table = charts.table([w("outcome"), w("households")],
                   [(escape(w.code("outcome", k)), fmt.count(v)) for k, v in items]
                   + [(f"<b>{w('decided')}</b>", fmt.count(c["decided"])), (w("undecided"), fmt.count(c["undecided"]))])
    return _side_by_side(f'3. {w("s_coordination")}', chart, table)


def _phases(r: dict[str, Any], w: Words, fmt: charts.Fmt) -> str:
    p = r["phases"]
    whole = p["referred"]
    items = list(p.items())
    colours = {"closed": GREY, "dropped_out": ORANGE, "refused": ORANGE}
    chart = charts.hbars(w("s_phases"), [(w.code("phase", k), [(v, colours.get(k, BLUE))]) for k, v in items], fmt.count)
    table = charts.table([w("phase"), w("households"), w("share")],
                   [(escape(w.code("phase", k)), fmt.count(v), fmt.share(v, whole)) for k, v in items])
    return _side_by_side(f'4. {w("s_phases")}', chart, table)


def _zrm(r: dict[str, Any], w: Words, fmt: charts.Fmt) -> str:
    z = r["zrm"]
    out = [f'<section><h2>5. {w("s_zrm")}</h2><p class="note">{w("zrm_rule")}</p>']
    if z["households_with_two_instruments"]:
        out.append(f'<p class="note">{w("two_instruments")}: {fmt.count(z["households_with_two_instruments"])}.</p>')
    if not z["instruments"]:
        out.append(f'<p class="note">{w("none")}.</p>')
    for instrument, data in z["instruments"].items():
        domains = data["domains"]
        out.append(f'<h3>{escape(w.instrument(instrument))} · {fmt.count(data["households"])} '
                   f'{w("households_lc")}</h3>')
        rows = [(escape(w.domain(instrument, d)), fmt.count(v["intake_measured"]), fmt.count(v.get("intake_at_most_3")),
                 fmt.count(v["compared"]), fmt.count(v["up"]), fmt.count(v["same"]), fmt.count(v["down"]))
                for d, v in domains.items()]
        out.append(charts.table([w("domain"), w("measured"), w("at_most_3"), w("compared"), w("up"), w("same"),
                           w("down")], rows))
        out.append('<div class="keep">' + charts.legend([(w("up"), BLUE), (w("same"), GREY), (w("down"), ORANGE)]))
        out.append(charts.stacked(f'{w.instrument(instrument)}: {w("up")} / {w("same")} / {w("down")}', [
            (w.domain(instrument, d), [(v["up"], BLUE), (v["same"], GREY), (v["down"], ORANGE)])
            for d, v in domains.items()], fmt.count) + "</div>")
        matrix = INSTRUMENTS.get(instrument)
        legend = (w("score_legend") if matrix is None or matrix.zrm
                  else w("scale_legend", lo=matrix.min_score, hi=matrix.max_score))
        out.append(f'<h3>{w("distribution")}</h3><p class="note">{w("distribution_note")}<br>{legend}</p>')
        out.append(charts.legend([(w("at_intake"), LIGHT), (w("latest"), BLUE)]))
        figures = []
        for d, v in domains.items():
            caption = f'{escape(w.domain(instrument, d))} <span class="note">(n = {fmt.count(v["compared"])})</span>'
            chart = charts.distribution(w.domain(instrument, d), v["intake_scores_compared"], v["latest_scores"],
                                  (w("at_intake"), w("latest")))
            figures.append(f"<figure><figcaption>{caption}</figcaption>{chart}</figure>")
        out.append(f'<div class="multiples">{"".join(figures)}</div>')
    out.append("</section>")
    return "".join(out)


def _involvement(r: dict[str, Any], w: Words, fmt: charts.Fmt) -> str:
    inv = r["involvement"]
    kinds = (("professionals", w("professionals")), ("volunteers", w("volunteers")))
    rows = [(name, fmt.count(inv[k]["at_start"]), fmt.count(inv[k]["at_report_date"]), fmt.pct(inv[k]["change_pct"]),
             f'{fmt.dec(inv[k]["per_household_at_start"], 2)} → {fmt.dec(inv[k]["per_household_at_report_date"], 2)}')
            for k, name in kinds]
    table = charts.table([w("kind"), w("at_start"), w("at_report_date"), w("change"), w("per_household")], rows)
    chart = charts.hbars(w("s_involvement"), [(name, [(inv[k]["at_start"], LIGHT), (inv[k]["at_report_date"], BLUE)])
                                        for k, name in kinds], fmt.count, bar=22)
    return (f'<section><h2>6. {w("s_involvement")}</h2><p class="note">{w("involvement_note")} '
            f'{w("households")}: {fmt.count(inv["households"])}.</p><div class="keep">'
            f'{charts.legend([(w("at_start"), LIGHT), (w("at_report_date"), BLUE)])}{chart}</div>{table}'
            f'{_involvement_flows(inv, w, fmt, kinds)}</section>')


def _involvement_flows(inv: dict[str, Any], w: Words, fmt: charts.Fmt, kinds: tuple[tuple[str, str], ...]) -> str:
    """Issue 15: who came and went (by reason), distinct organisations, already involved, volunteers took over."""
    flows = charts.table([w("kind"), w("already_involved"), w("engaged"), w("left"), w("followed")],
                         [(name, fmt.count(inv[k]["already_involved"]), fmt.count(inv[k]["engaged"]),
                           fmt.count(inv[k]["left"]), fmt.count(inv[k]["followed"])) for k, name in kinds])
    reasons = list(dict.fromkeys(r for k, _ in kinds for r in inv[k]["left_by_reason"]))  # the vocabulary's order
    by_reason = charts.table([w("end_reason"), *(name for _, name in kinds)],
                             [(w.code("end_reason", r), *(fmt.count(inv[k]["left_by_reason"].get(r, 0))
                                                         for k, _ in kinds)) for r in reasons])
    orgs = inv["organisations"]
    others = charts.table([w("organisations"), w("at_start"), w("at_report_date"), w("ever")],
                          [("", fmt.count(orgs["at_start"]), fmt.count(orgs["at_report_date"]), fmt.count(orgs["ever"]))])
    return (f'<p class="note">{w("involvement_flow_note")}</p>{flows}{by_reason}{others}'
            f'<p>{w("already_involved_households")}: {fmt.count(inv["households_with_already_involved"])}. '
            f'{w("volunteers_took_over_households")}: {fmt.count(inv["households_volunteers_took_over"])}.</p>')


def _network(r: dict[str, Any], w: Words, fmt: charts.Fmt) -> str:
    """Issue 15: the own network at the intake against on the report date, and how supportive contacts moved."""
    net = r["network"]
    sides = (("at_intake", w.field("at_intake")), ("at_report_date", w.field("at_report_date")))
    table = charts.table([w("kind"), *(name for _, name in sides)], [
        (w.field(k), *(fmt.count(net[s][k]) for s, _ in sides)) for k in ("contacts", "supportive")] + [
        (w.field(k), *(fmt.dec(net[s][k], 2) for s, _ in sides))
        for k in ("contacts_per_household", "supportive_per_household")])
    moved = charts.table([w("households"), *(w.field(k) for k in ("supportive_rose", "supportive_same",
                                                                  "supportive_fell"))],
                         [(fmt.count(net["households"]), *(fmt.count(net[k]) for k in ("supportive_rose",
                          "supportive_same", "supportive_fell")))])
    return (f'<section><h2>7. {w("s_network")}</h2><p class="note">{w("network_note")} {w("households")}: '
            f'{fmt.count(net["households"])}; {w.field("recorded_again")}: {fmt.count(net["recorded_again"])}.</p>'
            f'{table}{moved}</section>')


def _actions(r: dict[str, Any], w: Words, fmt: charts.Fmt) -> str:
    a = r["plan_actions"]
    by = a["by_performer"]

    def on_time(v: dict[str, Any]) -> Any:
        o, late = charts.num(v["open"]), charts.num(v["late"])
        return None if o is None or late is None else int(o - late)

    chart = charts.stacked(w("s_actions"), [
        (w.code("performer", k), [(v["done"], GREEN), (on_time(v), SKY), (v["late"], ORANGE), (v["cancelled"], GREY)])
        for k, v in by.items()], fmt.count)
    rows = [(escape(w.code("performer", k)), fmt.count(v["added"]), fmt.count(v["done"]), fmt.count(v["open"]),
             fmt.count(v["late"]), fmt.count(v["cancelled"])) for k, v in [*by.items(), ("total", a["total"])]]
    table = charts.table([w("performer"), w("added"), w("done"), w("open"), w("late"), w("cancelled")], rows,
                   total_last=True)
    legend = charts.legend([(w("done"), GREEN), (w("open_not_late"), SKY), (w("late"), ORANGE), (w("cancelled"), GREY)])
    return (f'<section><h2>8. {w("s_actions")}</h2><p class="note">{w("late_note")}</p>'
            f'<div class="keep">{legend}{chart}</div>{table}</section>')


def _lead_times(r: dict[str, Any], w: Words, fmt: charts.Fmt) -> str:
    lt = r["lead_times"]
    chart = charts.ranges(w("s_lead_times"), [(w.code("lead_time", k), s) for k, s in lt.items()], fmt)
    rows = [(escape(w.code("lead_time", k)), fmt.count(s["n"]), fmt.dec(s["q1"]), fmt.dec(s["median"]),
             fmt.dec(s["q3"]), fmt.dec(s["min"]), fmt.dec(s["max"])) for k, s in lt.items()]
    table = charts.table([w("lead_time"), w("n"), w("q1"), w("median"), w("q3"), w("min"), w("max")], rows)
    return (f'<section><h2>9. {w("s_lead_times")}</h2><p class="note">{w("lead_note")}</p>'
            f'<div class="keep">{chart}</div>{table}</section>')


def _caseloads(r: dict[str, Any], w: Words, fmt: charts.Fmt) -> str:
    c = r["caseloads"]
    directors = c["per_director"]
    chart = charts.caseload(w("s_caseloads"), directors, c["norms"], fmt) if directors else f"<p>{w('none')}.</p>"
    phases = sorted({p for d in directors for p in d["by_phase"]},
                    key=lambda p: ["referred", "intake", "coordination", "plan", "aftercare"].index(p)
                    if p in ("referred", "intake", "coordination", "plan", "aftercare") else 9)
    rows = [(escape(d["director"]), escape(d["organisation"]), escape(w.code("norm", d["norm"])),
             fmt.count(d["households"]), *(fmt.count(d["by_phase"].get(p, 0)) for p in phases))
            for d in directors]
    table = charts.table([w("director"), w("organisation"), w("norm"), w("active_households"),
                    *(escape(w.code("phase", p)) for p in phases)], rows, numeric_from=3)
    norm = c["against_norm"]
    summary = (f'{w("directors")}: {c["directors"]} · {w("active_households")}: {fmt.count(c["households"])} · '
               f'{w("median")}: {fmt.dec(c["median"])} · {w("max")}: {fmt.count(c["max"])} · '
               + " · ".join(f"{escape(w.code('norm', k))}: {v}" for k, v in norm.items()))
    return (f'<section><h2>10. {w("s_caseloads")} ({escape(c["on"])})</h2><p class="note">{w("caseload_note")}</p>'
            f'<p>{summary}</p><div class="keep">{chart}</div>{table}</section>')


def _costs(r: dict[str, Any], w: Words, fmt: charts.Fmt) -> str:
    c = r["costs"]
    streams = list(c["by_stream"].items())
    counts = charts.table([w("households"), ""], [
        (w("with_baseline"), fmt.count(c["households_with_baseline"])),
        (w("with_intervention"), fmt.count(c["households_with_intervention"])),
        (f"<b>{w('with_both')}</b>", f"<b>{fmt.count(c['households_with_both'])}</b>")])
    rows: list[tuple[str, ...]] = [
        (escape(w.code("stream", k)), fmt.eur(v["baseline_per_year"]), fmt.eur(v["approach_per_year"]),
         fmt.pct(v["change_pct"])) for k, v in streams]
    total = c["total_per_year"]
    rows.append(tuple(f"<b>{x}</b>" for x in (w.code("stream", "total"), fmt.eur(total["baseline_per_year"]),
                                               fmt.eur(total["approach_per_year"]), fmt.pct(total["change_pct"]))))
    rows.append((w("mean_per_household"), fmt.eur(c["per_household_per_year"]["baseline_per_year"]),
                 fmt.eur(c["per_household_per_year"]["approach_per_year"]),
                 fmt.pct(c["per_household_per_year"]["change_pct"])))
    table = charts.table([w("stream"), w("baseline_per_year"), w("approach_per_year"), w("change")], rows)
    chart = ""
    if c["households_with_both"]:
        chart = (charts.legend([(w("baseline_per_year"), LIGHT), (w("approach_per_year"), BLUE)])
                 + charts.hbars(w("s_costs"), [(w.code("stream", k), [(v["baseline_per_year"], LIGHT),
                                                                (v["approach_per_year"], BLUE)])
                                         for k, v in streams], fmt.eur, bar=18))
    return (f'<section><h2>11. {w("s_costs")}</h2><p class="note">{w("costs_note")}</p>{counts}'
            f'<div class="keep">{chart}</div>{table}</section>')


def _page(lang: Lang, title: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
            f"img-src data:\">"
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>")


def render_series_html(series: dict[str, Any], lang: Lang = "nl") -> str:
    """One self-contained HTML document for ``series`` (the JSON of :func:`ledger.reports.series.evaluation_series`)."""
    w = Words(lang)
    title = f"{w('series_title')} · {series['from']} {w('until')} {series['to']}"
    ledger = series["ledger"]
    cells = series["min_cell"]
    privacy = w("pseudonymous") + " " + (w("suppressed", n=cells) if cells > 1 else w("not_suppressed"))
    basis = (f'<div class="basis keep"><table><tr><th>{w("ledger_position")}</th><td>{ledger["position"]}<br>'
             f'<span class="hash">{escape(ledger["head"])}</span></td></tr><tr><th>{w("signed")}</th><td>'
             f'{escape(ledger["signed_at"])}</td></tr></table><p class="note">{privacy}</p></div>')
    return (f'{_page(lang, title)}<h1>{w("series_title")}</h1><p class="subtitle">{w("subtitle")}</p>{basis}'
            f'{trends(series, w, charts.Fmt(w))}<footer>{w("footer")}</footer></body></html>\n')


def render_html(report: dict[str, Any], lang: Lang = "nl", series: dict[str, Any] | None = None) -> str:
    """One self-contained HTML document for ``report`` (the JSON of :func:`evaluation_report`).

    With ``series`` (the JSON of :func:`ledger.reports.series.evaluation_series`) a last section of trend charts.
    """
    w = Words(lang)
    fmt = charts.Fmt(w)
    period = report["period"]
    title = f"{w('title')} · {period['from'] or w('from_start')} {w('until')} {period['to']}"
    body = "".join(part(report, w, fmt) for part in (
        _referrals, _composition, _coordination, _phases, _zrm, _involvement, _network, _actions, _lead_times, _caseloads,
        _costs))
    if series is not None:
        body += trends(series, w, fmt, "12. ")
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
