"""The synthetic municipality: invented households written through the commands.

``generate`` invents a municipality ("Gemeente Demodorp") of households that each go
through a plausible part of the method (DOMAIN.md): referral by one or two sources,
integral intake with consent and a ZRM intake measurement, a coordination decision,
a case director, a household plan with goals and actions by performer, professionals
and volunteers stepping in and out, interim evaluations and measurements, escalations,
costs (a two-year baseline and intervention costs), handovers, drop-outs and refusals,
closure with aftercare, reopening, retention holds and erasure.

Everything is written through :class:`~ledger.application.CaseLedger`'s commands, never
as hand-made events, so every rule of the domain applies. A domain error raised here is
a bug in the demo's plan, not something to catch.

Two stages, kept apart:

* **planning** (:func:`build_plan`): pure, no ledger. Per household a story of dated
  :class:`Step` s; all households' steps merged into one timeline in date order, each
  given a moment of the day. Reproducible from the seed.
* **execution** (:func:`generate`): moves the simulated clock to each step's moment and
  issues the command, so recorded timestamps and business dates agree and no command
  ever lies in the application's future.

All personal values are invented: given names and surnames from generic lists of common
Dutch names combined at random, invented street names in the invented town Demodorp,
BSNs only from the test range 999990000-999999999 (elfproef-valid), phone numbers
06-0000xxxx and e-mail addresses under ``.invalid``. Children are at least two years old,
so that no date of birth equals a business date or timestamp the ledger stores in clear
(the plaintext check in the tests relies on that).

The package, in the order of the data flow: ``names`` and ``texts`` (the invented
municipality and its Dutch texts), ``people`` (persons and households), ``story_steps`` and
``story`` (one household's dated steps), ``municipality`` (:func:`build_plan`: every
household's story in one timeline), ``clock`` (the simulated clock and seeded ids),
``steps`` (:class:`Step`, :class:`Ref`, :class:`DemoReport`) and ``writer``
(:func:`generate`: the timeline through the commands). ``python -m ledger.demo`` runs
``ledger demo``.

Wiring (what ``ledger demo`` does)::

    clock, new_id, new_household_id = demo_wiring(seed)
    ledger = build(settings, clock=clock, new_id=new_id, new_household_id=new_household_id)
    report = generate(ledger, households=40, seed=seed, operator=actor, clock=clock)
"""

from __future__ import annotations

from .clock import (DEFAULT_HISTORY_DAYS, DEFAULT_TIMEZONE, MIN_HISTORY_DAYS, SimClock, default_start, demo_clock,
                    demo_wiring, seeded_household_ids, seeded_ids)
from .municipality import build_plan
from .names import MUNICIPALITY, ORGANISATIONS, TOWN
from .steps import DemoReport, Ref, Step
from .writer import EVENT_OF, Populated, generate, register_organisations, register_staff, staff_of

__all__ = [
    "DEFAULT_HISTORY_DAYS",
    "DEFAULT_TIMEZONE",
    "DemoReport",
    "EVENT_OF",
    "MIN_HISTORY_DAYS",
    "MUNICIPALITY",
    "ORGANISATIONS",
    "Populated",
    "Ref",
    "SimClock",
    "Step",
    "TOWN",
    "build_plan",
    "default_start",
    "demo_clock",
    "demo_wiring",
    "generate",
    "register_organisations",
    "register_staff",
    "seeded_household_ids",
    "seeded_ids",
    "staff_of",
]
