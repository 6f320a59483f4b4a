"""One household's story, its plumbing: steps, texts, ZRM scores, referral, intake, involvements and costs."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from ledger.aggregates.dates import add_years
from ledger.aggregates.instruments import INSTRUMENTS
from .steps import Ref, Step
from .names import MUNICIPALITY, PROFESSIONALS, VOLUNTEERS
from .texts import (
    CHILD_SOURCES, CONSENT_BASE_CATEGORIES, COST_SHARES, COST_TEXT, GOAL_CATEGORY, LABELS, NETWORK_RELATIONS,
    PROBLEM_WEIGHTS, REFERRAL_REASONS, SHORT, SOURCES, YOUTH_LAW_CONSENT,
)
from .people import _Population, _Profile, _about_children, _euros, _weighted


# ================================================================ one story
class _StorySteps:
    """The steps one household's story is made of; :class:`ledger.demo.story._Story` arranges them."""

    def __init__(self, profile: _Profile, rng: random.Random, population: _Population) -> None:
        self.p = profile
        self.rng = rng
        self.pop = population
        self.steps: list[Step] = []
        self._keys: Counter[str] = Counter()
        self.naam = profile.adults[0].given
        self.kind = profile.children[0].given if profile.children else self.naam
        self.matrix = INSTRUMENTS[profile.instrument]
        self.zrm_member = "m1" if rng.random() < 0.3 else None
        # The other instruments (issue 15), drawn from their own generator so the ZRM story stays as it was:
        # about half the households also get the participation ladder, a satisfaction score and a life score.
        self.others = random.Random(f"instruments-{profile.index}")
        self.other_scores: dict[str, tuple[str, int]] = {}
        if self.others.random() < 0.5:
            satisfaction = self.others.choice(("satisfaction_5", "satisfaction_10"))
            self.other_scores = {
                "ladder": ("participation", self.others.choice((1, 2, 2, 3, 3, 4))),
                satisfaction: ("satisfaction", self.others.randint(2, 4) * (2 if satisfaction.endswith("10") else 1)),
                "life_score": ("life_score", self.others.randint(2, 6)),
            }
        self.problems = self._problem_domains()
        self.scores = self._intake_scores()
        self.director: str | None = None
        self.goals: list[tuple[Ref, str, date | None]] = []  # ref, category, target date
        self.last_open = date.max  # the last day commands that need an open case may use

    # ----------------------------------------------------------- plumbing
    def add(self, on: date, command: str, produce: str | None = None, *, business_on: date | None = None,
            **args: Any) -> Ref | None:
        """A step recorded on ``on`` (never before the referral); ``business_on``: an earlier business date, only for
        an agency already involved at the referral (``start_involvement`` with ``already_involved=True``)."""
        assert on >= self.p.referred_on, "a step before the referral is a bug in the demo"
        assert business_on is None or (command == "start_involvement" and args.get("already_involved") is True
                                       and business_on <= self.p.referred_on <= on), "only an already-involved agency"
        key = None
        if produce is not None:
            self._keys[produce] += 1
            key = f"{produce}{self._keys[produce]}"
        self.steps.append(Step(self.p.index, len(self.steps), on, command, dict(args), key, business_on))
        return Ref(key) if key else None

    def text(self, template: str, **extra: str) -> str:
        return template.format(naam=self.naam, kind=self.kind, **extra)

    def pick_text(self, templates: Sequence[str], **extra: str) -> str:
        if not self.p.children:  # no texts about children in a household without them
            templates = [t for t in templates if not _about_children(t)] or list(templates)
        return self.text(self.rng.choice(templates), **extra)

    # ------------------------------------------------------------- ZRM
    def _problem_domains(self) -> list[str]:
        domains = list(self.matrix.domains)
        if self.p.children and self.matrix.has("parenting"):
            domains.append("parenting")
        weights = {d: PROBLEM_WEIGHTS.get(d, 0.1) for d in domains}
        chosen: list[str] = []
        for _ in range(self.rng.randint(2, 5)):
            d = _weighted(self.rng, {k: w for k, w in weights.items() if k not in chosen})
            chosen.append(d)
        return chosen

    def _intake_scores(self) -> dict[str, int]:
        rng = self.rng
        domains = list(self.matrix.domains)
        if self.p.children and self.matrix.has("parenting"):
            domains.append("parenting")
        problem, other = ((1, 2, 3), (25, 50, 25)), ((3, 4, 5), (30, 50, 20))  # mostly 1-3 on problem domains
        return {d: rng.choices(*(problem if d in self.problems else other))[0] for d in domains}

    def _evolve(self, up: float) -> dict[str, int]:
        rng = self.rng
        for d, s in self.scores.items():
            u = rng.random()
            if d in self.problems:
                delta = 1 if u < up else (-1 if u > 0.9 else 0)
            else:
                delta = 1 if u < 0.05 else (-1 if u > 0.95 else 0)
            self.scores[d] = min(5, max(1, s + delta))
        return dict(self.scores)

    def measure(self, on: date, moment: str) -> None:
        scores = dict(self.scores) if moment == "intake" else self._evolve(0.5 if moment == "final" else 0.4)
        self.add(on, "record_zrm_measurement", "zrm", instrument=self.p.instrument, moment=moment,
                 scores=scores, member_id=self.zrm_member)
        for instrument, (domain, score) in self.other_scores.items():
            if moment != "intake":  # a small step, mostly up
                matrix = INSTRUMENTS[instrument]
                score = min(matrix.max_score, max(matrix.min_score, score + self.others.choice((-1, 0, 1, 1, 2))))
                self.other_scores[instrument] = (domain, score)
            self.add(on, "record_measurement", "zrm", instrument=instrument, moment=moment, scores={domain: score})

    # ---------------------------------------------------------- the story

    def refer(self) -> None:
        p, rng = self.p, self.rng
        weights = {k: w for k, w in SOURCES.items() if p.children or k not in CHILD_SOURCES}
        sources = [_weighted(rng, weights)]
        if rng.random() < 0.15:  # referred by two sources at once
            sources.append(_weighted(rng, {k: w for k, w in weights.items() if k not in sources}))
        reason = " ".join(self.text(REFERRAL_REASONS[s]) for s in sources)
        relations: dict[str, Any] = {"relations": p.relations()} if p.relations_at_referral else {}
        self.add(p.referred_on, "refer_household", sources=sources, members=[m.as_member() for m in p.people],
                 address=self.pop.address(), reason=reason, **relations)

    def revise_composition(self, intake: date, decision: date) -> None:
        """The relations learnt at intake where the referral gave none; a couple with children that separated."""
        p = self.p
        if not p.relations_at_referral and (len(p.adults) > 1 or p.children):
            self.add(intake, "revise_composition", relations=p.relations())
        elif len(p.adults) == 2 and p.children and p.index % 7 == 3:  # the first adult stays with the children
            stays = "mother_with_children" if p.adults[0].female else "father_with_children"
            self.add(decision, "revise_composition", composition=stays, relations=p.relations(partners=False))

    def intake_day(self, day: date) -> list[Ref]:
        p, rng = self.p, self.rng
        categories = [c for c in LABELS if c != "parenting" or p.children]
        problem_categories = list(dict.fromkeys(GOAL_CATEGORY[d] for d in self.problems))
        # professionals already involved: those for the problem domains first, then others
        n_prof = rng.randint(4, 10) if p.outcome not in SHORT else rng.randint(3, 7)
        matching = [x for x in PROFESSIONALS if set(x[2]) & set(problem_categories)]
        if not p.children:
            matching = [x for x in matching if "parenting" not in x[2]]
        rng.shuffle(matching)
        others = [x for x in PROFESSIONALS if x not in matching and (p.children or "parenting" not in x[2])]
        rng.shuffle(others)
        self.professionals = (matching + others)[:n_prof]
        network = [(rel, self.pop.name() if rng.random() < 0.85 else None)
                   for rel in rng.sample(NETWORK_RELATIONS, rng.randint(1, 4))]
        labels = ", ".join(LABELS[c] for c in problem_categories)
        with_partner = " en partner" if len(p.adults) > 1 else ""
        summary = (f"Integrale intake met {self.naam}{with_partner}. Zorgen over {labels}. "
                   f"Nu {n_prof} hulpverleners betrokken; {self.naam} wil één plan en één aanspreekpunt.")
        self.intake_on = day
        self.network = network
        self.add(day, "record_intake", domains_discussed=categories, network=network,
                 agencies_involved=[org for org, _, _ in self.professionals], summary=summary)
        # consent at intake, for sharing within the plan
        orgs = [MUNICIPALITY] + [org for org, _, _ in rng.sample(self.professionals, min(5, len(self.professionals)))]
        cats = list(CONSENT_BASE_CATEGORIES) + problem_categories
        consents = [self.add(day, "grant_consent", "consent", basis="consent", member_id="m1", organisations=orgs,
                             data_categories=cats, purpose="coordination")]
        if len(p.adults) > 1 and rng.random() < 0.6:
            consents.append(self.add(day, "grant_consent", "consent", basis="consent", member_id="m2",
                                     organisations=orgs, data_categories=cats, purpose="coordination",
                                     valid_until=add_years(day, 2)))
        if p.children and rng.random() < 0.3:
            self.add(day, "grant_consent", "consent", basis="public_task", member_id=None,
                     organisations=["jeugdteam-demodorp", MUNICIPALITY],
                     data_categories=["identity", "composition", "parenting", "plan"], purpose="coordination",
                     legal_reference=YOUTH_LAW_CONSENT)
        self.measure(day, "intake")
        self.involvements: list[tuple[Ref, date, str]] = []
        # some agencies were involved before the referral (issue 15): recorded at the intake, dated months or years
        # back; drawn from a generator of its own, so the rest of the story stays as it was
        sub = random.Random(f"already-involved-{p.index}")
        already = sub.random() < 0.4
        for org, discipline, _ in self.professionals:
            since = (p.referred_on - timedelta(days=sub.randint(30, 3 * 365))
                     if already and sub.random() < 0.5 else None)
            self.start_involvement(day, "professional", org, discipline, since=since)
        if rng.random() < 0.35:
            self.start_involvement(day, "volunteer", *rng.choice(VOLUNTEERS))
        if "costs" in p.flags:
            self.baseline_costs(day)
        return [c for c in consents if c is not None]

    def start_involvement(self, day: date, kind: str, org: str, discipline: str, since: date | None = None) -> None:
        """An involvement recorded on ``day``; ``since``: already involved at the referral, since that earlier day."""
        rng = self.rng
        worker = f"w-{rng.randint(1000, 9999)}" if kind == "professional" and rng.random() < 0.5 else None
        contact = self.pop.name() if rng.random() < 0.6 else None
        extra: dict[str, Any] = {"already_involved": True, "business_on": since} if since is not None else {}
        ref = self.add(day, "start_involvement", "involvement", kind=kind, organisation=org, discipline=discipline,
                       worker_id=worker, contact_name=contact, **extra)
        assert ref is not None
        self.involvements.append((ref, day, kind))

    # ------------------------------------------------------------ costs
    def baseline_costs(self, day: date) -> None:
        rng, r = self.rng, self.p.referred_on
        self.annual = min(75_000.0, max(20_000.0, rng.gauss(40_000, 13_000)))
        for stream, share in COST_SHARES.items():
            amount = self.annual * 2 * share * rng.uniform(0.8, 1.2)
            self.add(day, "record_cost", "cost", kind="baseline", stream=stream, amount_eur=_euros(amount),
                     period_start=add_years(r, -2), period_end=r - timedelta(days=1),
                     description=f"Nulmeting: {COST_TEXT[stream]}")

    def intervention_costs(self, day: date) -> None:
        """The joint intake, then quarterly costs per stream, falling as the plan takes hold."""
        rng, r, intake = self.rng, self.p.referred_on, self.intake_on
        annual = getattr(self, "annual", None) or min(75_000.0, max(20_000.0, rng.gauss(40_000, 13_000)))
        self.add(day, "record_cost", "cost", kind="intervention", stream="transaction",
                 amount_eur=_euros(rng.uniform(350, 900)), period_start=intake, period_end=intake,
                 description="Integrale intake en gezamenlijke analyse")
        for k in range(8):
            q_start = r + timedelta(days=91 * k)
            q_end = q_start + timedelta(days=90)
            recorded = q_end + timedelta(days=rng.randint(3, 20))
            if recorded > self.last_open:
                break
            factor = max(0.4, 0.9 - 0.08 * k)
            for stream, share in COST_SHARES.items():
                f = factor * (0.6 if stream == "transaction" else 1.0) * rng.uniform(0.8, 1.2)
                self.add(recorded, "record_cost", "cost", kind="intervention", stream=stream,
                         amount_eur=_euros(annual / 4 * share * f), period_start=q_start, period_end=q_end,
                         description=COST_TEXT[stream])
