"""The report's figures, read from a :class:`~ledger.reports.facts_as_of.Facts` (live facts masked to two times, or a replay's).

:func:`compute` gives every figure of docs/evaluation.md for the households referred in the
period, followed up to ``report_day``; :mod:`.evaluation` decides and records the read, signs,
and applies disclosure control around it, and :mod:`.series` and the reference replay call it
directly. Pure reads: the same facts give the same figures.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa

from ledger.aggregates.vocabulary import (
    CoordinationOutcome,
    CostStream,
    HouseholdComposition,
    InvolvementEndReason,
    PerformerKind,
    ReferralSource,
)
from ledger.aggregates.instruments import INSTRUMENTS, ZRM_INSTRUMENTS
from ledger.projections import caseloads as cl
from ledger.projections.base import code_of

from .disclosure import Count, Over
from .facts_as_of import Facts
from .network import network

__all__ = ["CASELOAD_NORMS", "ZRM_RULE", "compute"]

# DOMAIN.md, "caseload norms quoted nationally" (households per FTE).
CASELOAD_NORMS: dict[str, Any] = {
    "recommended_min": 8,
    "recommended_max": 30,
    "most_complex": 8,
    "youth_work": [20, 25],
    "work_and_income": 50,
    "participation_act_over": 100,
    "fte_per_director": 1,
    "source": "National figures quoted in Dutch municipal evaluations (DOMAIN.md): about 8 households per FTE "
              "for the most complex cases, 20-25 in youth work, 50 in work & income, over 100 under the "
              "Participation Act; recommended 8-30.",
}
ZRM_RULE = ("Per household, instrument and domain: the first intake measurement against the latest interim or "
            "final measurement after it, within one instrument (and version), counted as up, same or down by the "
            "instrument's declared direction (higher is better for all of them); ZRM 2013 and 2017, the "
            "participation ladder, client satisfaction 1-5 and 1-10 and the life score are never compared with "
            "each other.")
DAYS_PER_YEAR = 365
BASELINE_YEARS = 2
CENT = Decimal("0.01")


def _cohort(facts: Facts, from_: date | None, to: date) -> sa.Select[Any]:
    r = facts.referrals
    q = sa.select(r.c.household_id).where(r.c.referred_on <= to)
    return q.where(r.c.referred_on >= from_) if from_ is not None else q


def _rows(conn: sa.Connection, table: Any, cohort: sa.Select[Any]) -> Sequence[Any]:
    return conn.execute(sa.select(table).where(table.c.household_id.in_(cohort))).all()


def compute(conn: sa.Connection, facts: Facts, from_: date | None, to: date, report_day: date) -> dict[str, Any]:
    """Every figure (with :class:`Count` / :class:`Over` markers; :func:`finish` makes it plain).

    Also ``_last_position``: the last ledger position among the cohort's events that count (popped by the caller).
    """
    cohort = _cohort(facts, from_, to)
    referrals = conn.execute(sa.select(facts.referrals).where(facts.referrals.c.household_id.in_(cohort))).all()
    ids = {r.household_id for r in referrals}
    ev = facts.events
    per_household = sa.select(ev.c.household_id, sa.func.count()).where(ev.c.household_id.in_(cohort))
    events: dict[str, int] = {h: n for h, n in conn.execute(per_household.group_by(ev.c.household_id))}
    last = conn.execute(sa.select(sa.func.max(ev.c.position)).where(ev.c.household_id.in_(cohort))
                        ).scalar_one_or_none() or 0  # the cohort's: a scan of its rows, not of the ledger
    goals = _rows(conn, facts.plan_goals, cohort)
    evaluations = _rows(conn, facts.evaluations, cohort)
    first_goal: dict[str, date] = {}
    for g in goals:
        first_goal[g.household_id] = min(g.set_on, first_goal.get(g.household_id, g.set_on))
    first_interim: dict[str, date] = {}
    for v in evaluations:
        if not v.final:
            first_interim[v.household_id] = min(v.held_on, first_interim.get(v.household_id, v.held_on))

    return {
        "basis": {
            "households": Count(len(referrals)),
            "events": sum(events.get(h, 0) for h in ids),
            "erased_households": Count(sum(1 for r in referrals if r.erased)),
        },
        "referrals": _referrals(referrals, _rows(conn, facts.added_referrals, cohort)
                                if facts.added_referrals is not None else ()),
        "composition": _composition(referrals),
        "coordination": _coordination(referrals),
        "phases": _phases(referrals, first_goal, first_interim, _rows(conn, facts.orientation_talks, cohort),
                          _rows(conn, facts.plan_meetings, cohort), report_day),
        "zrm": _zrm(_rows(conn, facts.zrm, cohort)),
        "involvement": _involvement(conn, referrals, _rows(conn, facts.involvements, cohort), report_day,
                                    facts.known_at),
        "network": network(referrals, _rows(conn, facts.network_records, cohort)
                           if facts.network_records is not None else ()),
        "plan_actions": _plan_actions(_rows(conn, facts.plan_actions, cohort), report_day),
        "lead_times": _lead_times(referrals, first_goal, first_interim),
        "caseloads": _caseloads(conn, report_day, facts.known_at),
        "costs": _costs(referrals, _rows(conn, facts.costs, cohort), report_day),
        "_last_position": last,
    }


def _counts(keys: Iterable[str], order: Iterable[str]) -> dict[str, Count]:
    """Counts per code: every known code (0 when absent), then unknown codes sorted."""
    counted = Counter(keys)
    known = [code for code in map(code_of, order) if code is not None]
    return {k: Count(counted.get(k, 0)) for k in [*known, *sorted(set(counted) - set(known))]}


def _referrals(referrals: Sequence[Any], added: Sequence[Any] = ()) -> dict[str, Any]:
    """Households by source, counting every referral that counts (the first and each added one, issue 15)."""
    later: dict[str, list[str]] = defaultdict(list)
    for a in sorted(added, key=lambda a: a.position):
        later[a.household_id].extend(a.sources.split(","))
    sources = [[*r.sources.split(","), *later.get(r.household_id, ())] for r in referrals]
    several = [s for s in sources if len(set(s)) > 1]
    again = sum(1 for r in referrals if r.household_id in later)
    return {
        "households": Count(len(referrals)),
        "by_source": _counts((code for s in sources for code in dict.fromkeys(s)), ReferralSource),
        "multiple_sources": Count(len(several)),
        "source_combinations": {k: Count(v) for k, v in sorted(Counter(
            "+".join(sorted(set(s))) for s in several).items())},
        "referrals": Count(len(referrals) + len(added)),  # added: the cohort's rows only
        "referred_once": Count(len(referrals) - again),
        "referred_more_than_once": Count(again),
    }


def _composition(referrals: Sequence[Any]) -> dict[str, Any]:
    """At referral and as revised up to the report date (the facts' as-of day), in the six categories."""
    return {
        "by_kind": _counts((r.composition for r in referrals), HouseholdComposition),
        "as_revised": _counts((r.revised_composition or r.composition for r in referrals), HouseholdComposition),
        "revised": Count(sum(1 for r in referrals if r.revised_composition is not None)),
        "with_children": Count(sum(1 for r in referrals if r.children > 0)),
        "adults": Count(sum(r.adults for r in referrals)),
        "children": Count(sum(r.children for r in referrals)),
    }


def _coordination(referrals: Sequence[Any]) -> dict[str, Any]:
    decided = [r.coordination_outcome for r in referrals if r.coordination_outcome is not None]
    return {
        "decided": Count(len(decided)),
        "undecided": Count(len(referrals) - len(decided)),
        "by_outcome": _counts(decided, CoordinationOutcome),
    }


def _phases(referrals: Sequence[Any], first_goal: dict[str, date], first_interim: dict[str, date],
            talks: Sequence[Any] = (), meetings: Sequence[Any] = (), report_day: date | None = None) -> dict[str, Any]:
    """The funnel (DOMAIN.md, "How a pilot counts"): each step counts the households that reached it."""
    talked_with: dict[str, set[str]] = defaultdict(set)
    for t in talks:
        talked_with[t.household_id].add(t.held_with)
    scheduled = {m.household_id for m in meetings if report_day is None or m.scheduled_on <= report_day}
    ids = {r.household_id for r in referrals}
    talked = {h: w for h, w in talked_with.items() if h in ids}
    return {
        "referred": Count(len(referrals)),
        # orientation talks: with the household at least once, or with the professionals only (these two sum)
        "orientation_talk_held": Count(len(talked)),
        "orientation_with_household": Count(sum(1 for w in talked.values() if "household" in w)),
        "orientation_professionals_only": Count(sum(1 for w in talked.values() if "household" not in w)),
        "coordination_decided": Count(sum(1 for r in referrals if r.coordination_outcome is not None)),
        "intake_held": Count(sum(1 for r in referrals if r.intake_on is not None)),
        "plan_scheduled": Count(len(scheduled & ids)),
        "plan_made": Count(sum(1 for r in referrals if r.household_id in first_goal)),
        "interim_evaluation_held": Count(sum(1 for r in referrals if r.household_id in first_interim)),
        "closed": Count(sum(1 for r in referrals if r.closed_on is not None)),
        "dropped_out": Count(sum(1 for r in referrals if r.dropped_out_kind == "drop_out")),
        "refused": Count(sum(1 for r in referrals if r.dropped_out_kind == "refusal")),
    }


# ------------------------------------------------------------------ ZRM and the other instruments
def _domains_of(instrument: str, seen: Iterable[str]) -> list[str]:
    matrix = INSTRUMENTS.get(instrument)
    order = matrix.order() if matrix is not None else []
    seen = set(seen)
    return [d for d in order if d in seen] + sorted(seen - set(order))


def _step(instrument: str, first: int, later: int) -> int:
    matrix = INSTRUMENTS.get(instrument)
    return matrix.step(first, later) if matrix is not None else (later > first) - (later < first)


def _zrm(rows: Sequence[Any]) -> dict[str, Any]:
    """Per instrument and domain: baseline, latest after it, and the step between (never across instruments).

    Every instrument of ``ledger.aggregates.instruments`` (ZRM 2013 and 2017, the participation ladder,
    client satisfaction, the life score) is counted by the same rule, each on its own scale and with its
    declared direction; ``intake_at_most_3`` (not self-sufficient at intake) is the ZRM's only.
    """
    # (household, instrument, domain) -> subject (member id or "" for the household) -> [(order, moment, score)]
    series: dict[tuple[str, str, str], dict[str, list[tuple[tuple[date, int], str, int]]]] = defaultdict(
        lambda: defaultdict(list))
    versions_of: dict[str, set[str]] = defaultdict(set)  # ZRM versions per household
    for r in rows:
        order = (r.measured_on, r.position)
        series[(r.household_id, r.instrument, r.domain)][r.member_id or ""].append((order, r.moment, r.score))
        if r.instrument in ZRM_INSTRUMENTS:
            versions_of[r.household_id].add(r.instrument)

    pairs: dict[str, dict[str, list[tuple[int, int | None]]]] = defaultdict(lambda: defaultdict(list))
    households: dict[str, set[str]] = defaultdict(set)
    for (household, instrument, domain), subjects in series.items():
        # the household as a whole first, then members in id order: the first with a baseline
        for subject in sorted(subjects):
            measured = sorted(subjects[subject])
            baseline = next((m for m in measured if m[1] == "intake"), None)
            if baseline is None:
                continue
            later = [m for m in measured if m[1] in ("interim", "final") and m[0] > baseline[0]]
            pairs[instrument][domain].append((baseline[2], later[-1][2] if later else None))
            households[instrument].add(household)
            break

    out: dict[str, Any] = {}
    for instrument in sorted(pairs, key=_instrument_order):
        matrix = INSTRUMENTS.get(instrument)
        scores = matrix.scale if matrix is not None else range(1, 6)
        zrm = matrix is None or matrix.zrm
        domains: dict[str, Any] = {}
        for domain in _domains_of(instrument, pairs[instrument]):
            taken = pairs[instrument][domain]
            compared = [(b, last) for b, last in taken if last is not None]
            # one pass per tally (Counters), not one per score: a series computes this at every date
            baselines, compared_baselines = Counter(b for b, _ in taken), Counter(b for b, _ in compared)
            latest = Counter(last for _, last in compared)
            steps = Counter(_step(instrument, b, last) for b, last in compared)
            figures: dict[str, Any] = {"intake_measured": Count(len(taken))}
            if zrm:
                figures["intake_at_most_3"] = Count(sum(n for b, n in baselines.items() if b <= 3))
            domains[domain] = {
                **figures,
                "compared": Count(len(compared)),
                "up": Count(steps[1]),
                "same": Count(steps[0]),
                "down": Count(steps[-1]),
                "intake_scores": {str(s): Count(baselines[s]) for s in scores},
                "intake_scores_compared": {str(s): Count(compared_baselines[s]) for s in scores},
                "latest_scores": {str(s): Count(latest[s]) for s in scores},
            }
        out[instrument] = {"households": Count(len(households[instrument])), "domains": domains}
    return {
        "rule": ZRM_RULE,
        "households_with_two_instruments": Count(sum(1 for v in versions_of.values() if len(v) > 1)),
        "instruments": out,
    }


def _instrument_order(code: str) -> tuple[int, str]:
    """The registry's order (ZRM 2013, 2017, ladder, satisfaction, life score); an unknown code last."""
    order = list(INSTRUMENTS)
    return (order.index(code) if code in INSTRUMENTS else len(order), code)


# ------------------------------------------------------------------ involvement
def _directed(conn: sa.Connection, cohort_ids: set[str], day: date, known_at: int | None) -> set[str]:
    """Households that had a case director (a non-empty span) at some time up to ``day``, as known at ``known_at``."""
    d = cl.known_spans(cl.director_spans_table, day, known_at)
    q = sa.select(d.c.household_id).distinct().where(
        d.c.start_on <= day, sa.or_(d.c.end_on.is_(None), d.c.end_on > d.c.start_on))
    return {h for (h,) in conn.execute(q)} & cohort_ids


def _current(i: Any, day: date) -> bool:
    return i.started_on <= day and (i.ended_on is None or i.ended_on > day)


def _pct(new: int, old: int) -> float | None:
    return None if old == 0 else round((new - old) / old * 100, 1)


def _involvement(conn: sa.Connection, referrals: Sequence[Any], involvements: Sequence[Any],
                 report_day: date, known_at: int | None = None) -> dict[str, Any]:
    intake = {r.household_id: r.intake_on for r in referrals if r.intake_on is not None}
    counted = _directed(conn, set(intake), report_day, known_at)
    n = Count(len(counted))  # the base of every derived figure: withheld with it
    out: dict[str, Any] = {"households": n}
    for kind, key in (("professional", "professionals"), ("volunteer", "volunteers")):
        mine = [i for i in involvements if i.household_id in counted and i.kind == kind]
        start = sum(1 for i in mine if _current(i, intake[i.household_id]))
        now = sum(1 for i in mine if _current(i, report_day))
        left = [i for i in mine if _left(i, intake[i.household_id], report_day)]
        out[key] = {
            "at_start": Count(start),
            "at_report_date": Count(now),
            "change_pct": Over(_pct(now, start), n),
            "per_household_at_start": Over(round(start / n, 2) if n else None, n),
            "per_household_at_report_date": Over(round(now / n, 2) if n else None, n),
            # in the follow-up at all: at start + engaged = followed = on the report date + left (two sums)
            "followed": Count(sum(1 for i in mine if _current(i, intake[i.household_id])
                                  or intake[i.household_id] < i.started_on <= report_day)),
            "engaged": Count(sum(1 for i in mine if intake[i.household_id] < i.started_on <= report_day)),
            "left": Count(len(left)),
            "left_by_reason": _counts((i.end_reason or "not_recorded" for i in left), InvolvementEndReason),
            "already_involved": Count(sum(1 for i in mine if i.already_involved)),
        }
    mine = [i for i in involvements if i.household_id in counted]
    out["organisations"] = {
        "at_start": Count(len({i.organisation for i in mine if _current(i, intake[i.household_id])})),
        "at_report_date": Count(len({i.organisation for i in mine if _current(i, report_day)})),
        "ever": Count(len({i.organisation for i in mine if i.started_on <= report_day})),
    }
    out["households_with_already_involved"] = Count(len({i.household_id for i in mine if i.already_involved}))
    out["households_volunteers_took_over"] = Count(len({
        i.household_id for i in mine if i.kind == "professional" and i.ended_on is not None
        and i.ended_on <= report_day and i.end_reason == InvolvementEndReason.VOLUNTEERS_TOOK_OVER}))
    return out


def _left(i: Any, intake_on: date, day: date) -> bool:
    """Ended in the follow-up: after the household's intake day, on or before ``day``."""
    return i.ended_on is not None and intake_on < i.ended_on <= day


# ------------------------------------------------------------------ plan actions
def _plan_actions(actions: Sequence[Any], report_day: date) -> dict[str, Any]:
    def tally(rows: list[Any]) -> dict[str, Count]:
        open_ = [a for a in rows if a.completed_on is None and a.cancelled_on is None]
        return {
            "added": Count(len(rows)),
            "done": Count(sum(1 for a in rows if a.completed_on is not None)),
            "cancelled": Count(sum(1 for a in rows if a.completed_on is None and a.cancelled_on is not None)),
            "open": Count(len(open_)),
            "late": Count(sum(1 for a in open_ if a.due_on is not None and a.due_on < report_day)),
        }
    kinds = [k.value for k in PerformerKind]
    kinds += sorted({a.performer_kind for a in actions} - set(kinds))
    return {
        "by_performer": {k: tally([a for a in actions if a.performer_kind == k]) for k in kinds},
        "total": tally(list(actions)),
    }


# ------------------------------------------------------------------ lead times
def _quantile(values: Sequence[int], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default, R type 7)."""
    s = sorted(values)
    pos = (len(s) - 1) * q
    low = int(pos)
    high = min(low + 1, len(s) - 1)
    return s[low] + (s[high] - s[low]) * (pos - low)


def _stats(values: list[int]) -> dict[str, Any]:
    n = Count(len(values))
    if not values:
        return {"n": n, "median": None, "q1": None, "q3": None, "min": None, "max": None}
    return {
        "n": n,
        "median": Over(round(_quantile(values, 0.5), 1), n),
        "q1": Over(round(_quantile(values, 0.25), 1), n),
        "q3": Over(round(_quantile(values, 0.75), 1), n),
        "min": Over(min(values), n),
        "max": Over(max(values), n),
    }


def _lead_times(referrals: Sequence[Any], first_goal: dict[str, date],
                first_interim: dict[str, date]) -> dict[str, Any]:
    to_intake, to_plan, to_evaluation, referral_to_plan = [], [], [], []
    for r in referrals:
        plan = first_goal.get(r.household_id)
        if r.intake_on is not None:
            to_intake.append((r.intake_on - r.referred_on).days)
            if plan is not None:
                to_plan.append((plan - r.intake_on).days)
        if plan is not None:
            referral_to_plan.append((plan - r.referred_on).days)
            evaluation = first_interim.get(r.household_id)
            if evaluation is not None:
                to_evaluation.append((evaluation - plan).days)
    return {
        "referral_to_intake": _stats(to_intake),
        "intake_to_plan": _stats(to_plan),
        "plan_to_first_interim_evaluation": _stats(to_evaluation),
        "referral_to_plan": _stats(referral_to_plan),
    }


# ------------------------------------------------------------------ caseloads
def _norm(households: int) -> str:
    if households < CASELOAD_NORMS["recommended_min"]:
        return "below"
    return "above" if households > CASELOAD_NORMS["recommended_max"] else "within"


def _caseloads(conn: sa.Connection, day: date, known_at: int | None = None) -> dict[str, Any]:
    """Every household active on ``day`` per case director (pseudonymised), against the norms."""
    per: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for row in cl.by_director(conn, day, known_at):
        per[(row["user_id"], row["organisation"])][row["phase"]] = row["households"]
    ranked = sorted(per.items(), key=lambda kv: (-sum(kv[1].values()), kv[0][1], kv[0][0]))
    directors = []
    for n, ((_user, organisation), phases) in enumerate(ranked, start=1):
        total = sum(phases.values())
        directors.append({"director": f"R{n}", "organisation": organisation, "households": Count(total),
                          "by_phase": {p: Count(c) for p, c in sorted(phases.items())}, "norm": _norm(total)})
    loads = [sum(p.values()) for _, p in ranked]
    return {
        "on": day.isoformat(),
        "directors": len(directors),
        "households": Count(sum(loads)),
        "median": Over(round(_quantile(loads, 0.5), 1) if loads else None, len(loads)),
        "max": Over(max(loads) if loads else None, len(loads)),
        "against_norm": {k: sum(1 for x in loads if _norm(x) == k) for k in ("below", "within", "above")},
        "per_director": directors,
        "norms": CASELOAD_NORMS,
    }


# ------------------------------------------------------------------ costs
def _money(value: Decimal) -> float:
    return float(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _costs(referrals: Sequence[Any], costs: Sequence[Any], report_day: date) -> dict[str, Any]:
    """Baseline per year (two years before referral) against cost per year during the approach, per stream."""
    streams = [s.value for s in CostStream] + sorted({c.stream for c in costs} - {s.value for s in CostStream})
    baseline: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    approach: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for c in costs:
        (baseline if c.kind == "baseline" else approach)[c.household_id][c.stream] += Decimal(c.amount_eur)
    both = [r for r in referrals if r.household_id in baseline and r.household_id in approach]
    n = Count(len(both))
    per_stream = {s: {"baseline": Decimal(0), "approach": Decimal(0)} for s in streams}
    # per stream, how many households its amounts rest on (a stream one household pays for is a small cell)
    paying: dict[str, dict[str, int]] = {s: {"baseline": 0, "approach": 0} for s in streams}
    for r in both:
        end = r.closed_on if r.closed_on is not None and r.closed_on <= report_day else report_day
        years = Decimal(max((end - r.referred_on).days + 1, 1)) / DAYS_PER_YEAR
        for s in streams:
            paying[s]["baseline"] += s in baseline[r.household_id]  # before the sums: a defaultdict
            paying[s]["approach"] += s in approach[r.household_id]
            per_stream[s]["baseline"] += baseline[r.household_id][s] / BASELINE_YEARS
            per_stream[s]["approach"] += approach[r.household_id][s] / years

    def pair(b: Decimal, a: Decimal, on_b: int, on_a: int) -> dict[str, Any]:
        return {"baseline_per_year": Over(_money(b) if n else None, on_b),
                "approach_per_year": Over(_money(a) if n else None, on_a),
                "change_pct": Over(round(float((a - b) / b * 100), 1) if n and b else None, min(on_b, on_a))}

    total_b = sum((v["baseline"] for v in per_stream.values()), Decimal(0))
    total_a = sum((v["approach"] for v in per_stream.values()), Decimal(0))
    return {
        "households_with_baseline": Count(sum(1 for r in referrals if r.household_id in baseline)),
        "households_with_intervention": Count(sum(1 for r in referrals if r.household_id in approach)),
        "households_with_both": n,
        "by_stream": {s: pair(v["baseline"], v["approach"], paying[s]["baseline"], paying[s]["approach"])
                      for s, v in per_stream.items()},
        "total_per_year": pair(total_b, total_a, n, n),
        "per_household_per_year": pair(total_b / n if n else Decimal(0), total_a / n if n else Decimal(0), n, n),
    }
