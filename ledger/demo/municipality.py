"""The municipality: outcomes and flags drawn over all households, merged into one dated timeline."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .clock import MIN_HISTORY_DAYS
from .steps import Step
from .texts import LONG, OUTCOME_SHARES, SHORT
from .people import _Population, _Profile
from .story import _Story


# ======================================================== the municipality
def _outcomes(rng: random.Random, n: int) -> list[str]:
    """Outcomes in realistic proportions; the earliest six referrals show each outcome once."""
    showcase = list(OUTCOME_SHARES)[: min(n, len(OUTCOME_SHARES))]
    rng.shuffle(showcase)
    rest = n - len(showcase)
    quota = {o: max(0, round(share * n) - 1) for o, share in OUTCOME_SHARES.items()}
    pool = [o for o, k in quota.items() for _ in range(k)]
    pool = (pool + ["broker_coordinates"] * rest)[:rest]
    rng.shuffle(pool)
    return showcase + pool


def _pick(rng: random.Random, candidates: list[_Profile], k: int, end: date, arc: int) -> list[_Profile]:
    """``k`` of the candidates, among the earliest referrals whose story of ``arc`` days ends by ``end``."""
    fits = [c for c in candidates if c.referred_on + timedelta(days=arc) <= end] or candidates
    pool = fits[: max(k, math.ceil(len(fits) * 0.25))]
    return rng.sample(pool, min(k, len(pool)))


def _spread(rng: random.Random, candidates: list[_Profile], share: float, end: date, arc: int) -> list[_Profile]:
    """About ``share`` of the candidates; at least one whose story of ``arc`` days ends by ``end``."""
    if not candidates:
        return []
    k = max(1, round(share * len(candidates)))
    first = _pick(rng, candidates, 1, end, arc)
    rest = [c for c in candidates if c not in first]
    return first + rng.sample(rest, min(k - 1, len(rest)))


def _profiles(rng: random.Random, n: int, start: date, end: date, population: _Population) -> list[_Profile]:
    span = (end - start).days
    referred = sorted(start + timedelta(days=rng.randint(0, max(0, span - 30))) for _ in range(n))
    outcomes = _outcomes(rng, n)
    profiles = [
        _Profile(i, on, outcome, population.household(on), "2017" if rng.random() < 0.8 else "2013")
        for i, (on, outcome) in enumerate(zip(referred, outcomes, strict=True))
    ]
    # Roles and features go to households referred early enough for the whole arc to fit
    # (arcs: the longest story, in days from referral, that the role's steps need).
    special = 1 if n < 30 else 2  # erasures, retention holds, reopenings: one or two of each
    for p in _pick(rng, [p for p in profiles if p.outcome in SHORT], special, end, arc=150):
        p.flags.add("erase")
    holdable = [p for p in profiles if p.children and "erase" not in p.flags
                and p.outcome in (*SHORT, "short_push_then_handover")]
    if not holdable:
        holdable = [p for p in profiles if p.children and "erase" not in p.flags]
    for p in _pick(rng, holdable, special, end, arc=260):
        p.flags |= {"hold", "short"}
    long_cases = [p for p in profiles if p.outcome in LONG]
    for p in _pick(rng, [p for p in long_cases if "hold" not in p.flags], special, end, arc=290):
        p.flags |= {"reopen", "short"}
    plain = [p for p in long_cases if "reopen" not in p.flags]
    for p in _spread(rng, plain, 0.12, end, arc=250):
        p.flags.add("drop_out")
    for p in _spread(rng, [p for p in plain if "drop_out" not in p.flags], 0.12, end, arc=370):
        p.flags.add("hand_over")
    for flag, share in (("escalate", 0.2), ("replace", 0.15), ("withdraw", 0.1), ("revise", 0.1)):
        for p in _spread(rng, long_cases, share, end, arc=250):
            p.flags.add(flag)
    for p in _spread(rng, profiles, 0.5, end, arc=180):
        p.flags.add("costs")
    return profiles


def build_plan(*, households: int, seed: int, start: date, end: date) -> list[Step]:
    """Every household's steps, merged into one timeline in date order (days after ``end`` left out).

    Pure and reproducible: the same arguments give the same steps.
    """
    if households < 1:
        raise ValueError("The demo needs at least one household.")
    if (end - start).days < MIN_HISTORY_DAYS:
        raise ValueError(f"The demo needs at least {MIN_HISTORY_DAYS} days of history before today.")
    rng = random.Random(f"demo-plan-{seed}")
    population = _Population(rng, start)
    steps: list[Step] = []
    for profile in _profiles(rng, households, start, end, population):
        steps.extend(s for s in _Story(profile, rng, population).plan() if s.on <= end)
    # Interleave households: by day, households in a random order that day, each one's own steps in order.
    days = sorted({(s.on, s.household) for s in steps})
    rank = {key: rng.random() for key in days}
    return sorted(steps, key=lambda s: (s.on, rank[(s.on, s.household)], s.household, s.seq))


def _moments(timeline: Sequence[Step], tz: ZoneInfo) -> list[datetime]:
    """A recording moment per step: office hours from 08:00 local, strictly increasing within a day."""
    per_day = Counter(s.on for s in timeline)
    seen: Counter[date] = Counter()
    moments = []
    for s in timeline:
        slot = min(300, (10 * 3600) // per_day[s.on])
        local = datetime.combine(s.on, time(8, 0), tzinfo=tz) + timedelta(seconds=slot * seen[s.on])
        seen[s.on] += 1
        moments.append(local.astimezone(UTC))
    return moments
