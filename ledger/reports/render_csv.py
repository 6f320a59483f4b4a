"""The evaluation report as CSV: one row per figure, the same numbers as the JSON.

Columns: ``section``, ``figure`` (the JSON path inside the section, dot-separated),
``value`` (machine format: a dot for decimals, empty for "no data", ``<N`` where a
small cell is suppressed) and ``label`` (the figure in words, Dutch or English).
The first rows (section ``report``) state the period, the as-of date and the ledger
position and hash-chain head the figures were computed from. RFC 4180, UTF-8.

No cell hands a spreadsheet a formula: a text cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is prefixed with ``'`` (OWASP, CSV injection).
Text from the ledger reaches the CSV as a case director's organisation and as codes
outside the vocabulary; labels are ours but pass the same guard. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from .labels import Lang, Words

__all__ = ["render_csv"]

_KINDS = {
    "referrals": ("source",), "composition": ("composition",), "coordination": ("outcome",),
    "phases": ("phase",), "plan_actions": ("performer",), "lead_times": ("lead_time",),
    "caseloads": ("phase", "norm"), "costs": ("stream",), "involvement": ("end_reason",),
}
_HEADERS = {"nl": ("sectie", "cijfer", "waarde", "omschrijving"), "en": ("section", "figure", "value", "label")}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SECTIONS = ("basis", "referrals", "composition", "coordination", "phases", "zrm", "involvement", "network",
             "plan_actions", "lead_times", "caseloads", "costs")


def _flat(prefix: list[str], value: Any) -> list[tuple[list[str], Any]]:
    if isinstance(value, dict):
        return [row for k, v in value.items() for row in _flat([*prefix, str(k)], v)]
    if isinstance(value, list):
        if all(isinstance(v, dict) and "director" in v for v in value):  # caseload per director: by pseudonym
            return [row for v in value for row in _flat([*prefix, v["director"]],
                                                         {k: x for k, x in v.items() if k != "director"})]
        return [(prefix, ", ".join(map(str, value)))]
    return [(prefix, value)]


def _label(section: str, parts: list[str], w: Words) -> str:
    """The figure in words: codes as labels, JSON keys as words."""
    out: list[str] = []
    instrument = None
    for i, part in enumerate(parts):
        before = parts[i - 1] if i else None
        if section == "zrm" and before == "instruments":
            instrument = part
            out.append(w.instrument(part))
        elif section == "zrm" and before == "domains" and instrument is not None:
            out.append(w.domain(instrument, part))
        elif section == "zrm" and part.isdigit():
            out.append(f"score {part}")
        elif section == "referrals" and before == "source_combinations":
            out.append(" + ".join(w.code("source", code) for code in part.split("+")))
        elif section == "caseloads" and before == "against_norm":
            out.append(w.code("norm", part))
        else:
            kinds = [k for k in _KINDS.get(section, ()) if w.code(k, part) != part.replace("_", " ")]
            out.append(w.code(kinds[0], part) if kinds else w.field(part))
    return " · ".join(p for p in out if p)


def _cell(value: Any) -> Any:
    """A text cell a spreadsheet would read as a formula, neutralised; anything else as it is."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class _Neutralised:
    """A csv writer whose every text cell passes :func:`_cell`."""

    def __init__(self, buf: io.StringIO) -> None:
        self._out = csv.writer(buf, lineterminator="\r\n")

    def writerow(self, row: list[Any] | tuple[Any, ...]) -> None:
        self._out.writerow([_cell(v) for v in row])


def render_csv(report: dict[str, Any], lang: Lang = "nl") -> str:
    w = Words(lang)
    buf = io.StringIO()
    out = _Neutralised(buf)
    out.writerow(_HEADERS[lang])
    period = report["period"]
    ledger = report["ledger"]
    for figure, value in (("period.from", period["from"]), ("period.to", period["to"]), ("as_of", report["as_of"]),
                          ("min_cell", report.get("min_cell")),
                          *((f"requested.{k}", v) for k, v in (report.get("requested") or {}).items()),
                          ("ledger.position", ledger["position"]),
                          ("ledger.head", ledger["head"]),
                          ("ledger.last_included_position", ledger["last_included_position"]),
                          ("ledger.signed_at", ledger["signed_at"])):
        out.writerow(["report", figure, "" if value is None else value, w.field(figure)])
    for section in _SECTIONS:
        for parts, value in _flat([], report[section]):
            if section == "zrm" and parts and parts[0] == "rule":
                continue
            if section == "caseloads" and parts and parts[0] == "norms" and parts[-1] == "source":
                continue
            shown = "" if value is None else value
            out.writerow([section, ".".join(parts), shown, _label(section, parts, w)])
    return buf.getvalue()
