"""The synthetic municipality (ledger/demo/): reproducible, complete, sealed, synthetic only."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest

from ledger import demo
from ledger.aggregates import Actor, Household, is_valid_bsn
from ledger.bootstrap import Ledger, build
from ledger.config import Settings

OPERATOR = Actor(user_id="op-demo", organisation="gemeente-demodorp", role="operator")
SEED = 1
HOUSEHOLDS = 30


@dataclass
class DemoRun:
    data_dir: Path
    report: demo.DemoReport
    clock: demo.SimClock


def run_demo(settings: Settings, households: int, seed: int) -> DemoRun:
    clock, new_id, new_household_id = demo.demo_wiring(seed)
    with build(settings, clock=clock, new_id=new_id, new_household_id=new_household_id) as ledger:
        report = demo.generate(ledger, households=households, seed=seed, operator=OPERATOR, clock=clock)
    return DemoRun(settings.data_dir, report, clock)


def event_types(ledger: Ledger, household_ids: list[UUID]) -> dict[UUID, list[str]]:
    return {hid: [type(e).__name__ for e in ledger.app.history(OPERATOR, hid)] for hid in household_ids}


@pytest.fixture(scope="module")
def municipality(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """One demo of 30 households on SQLite, shared by the read-only tests below."""
    return run_demo(Settings(data_dir=tmp_path_factory.mktemp("demo")), HOUSEHOLDS, SEED)


@pytest.fixture
def reopened(municipality: DemoRun) -> Iterator[Ledger]:
    with build(Settings(data_dir=municipality.data_dir)) as ledger:
        yield ledger


def test_same_seed_gives_the_same_municipality(tmp_path: Path) -> None:
    """The same seed gives the same household ids and the same events, in two separate data dirs."""
    first = run_demo(Settings(data_dir=tmp_path / "a"), 12, seed=7)
    second = run_demo(Settings(data_dir=tmp_path / "b"), 12, seed=7)
    assert first.report.household_ids == second.report.household_ids
    assert first.report.events == second.report.events
    assert first.report.event_counts == second.report.event_counts
    assert first.report.personal_values == second.report.personal_values
    with build(Settings(data_dir=first.data_dir)) as a, build(Settings(data_dir=second.data_dir)) as b:
        ids = first.report.household_ids
        assert event_types(a, ids) == event_types(b, ids)
        assert [h.household_id for h in a.app.list_households(OPERATOR)] == ids
        assert sum(len(types) for types in event_types(a, ids).values()) == first.report.events
    other = run_demo(Settings(data_dir=tmp_path / "c"), 12, seed=8)
    assert set(other.report.household_ids).isdisjoint(ids)


def test_covers_every_household_event_type(municipality: DemoRun, reopened: Ledger) -> None:
    """Thirty households between them record every event type the Household aggregate defines."""
    defined = {
        name for name, cls in vars(Household).items()
        if inspect.isclass(cls) and issubclass(cls, Household.Event)
        # Event is the base; Created is the library's generated default (Referred creates a household)
        and cls not in (Household.Event, Household.Created)
    }
    assert len(defined) >= 24
    recorded = {t for types in event_types(reopened, municipality.report.household_ids).values() for t in types}
    assert defined - recorded == set()
    assert set(municipality.report.event_counts) == recorded
    assert municipality.report.erased >= 1 and municipality.report.closed > municipality.report.erased


def test_most_households_have_orientation_talks_and_some_are_decided_without_an_intake(
        municipality: DemoRun, reopened: Ledger) -> None:
    """Issue 15, as in the pilots: most households have an orientation talk; some get their coordination decision
    after talks only, without an integral intake; plans are made at a scheduled plan meeting."""
    types = event_types(reopened, municipality.report.household_ids).values()
    talked = [t for t in types if "OrientationTalkHeld" in t]
    assert len(talked) > HOUSEHOLDS // 2
    without_intake = [t for t in talked if "CoordinationDecided" in t and "IntakeHeld" not in t]
    assert without_intake
    assert all(t.index("OrientationTalkHeld") < t.index("CoordinationDecided") for t in without_intake)
    assert any("PlanMeetingScheduled" in t and "PlanGoalSet" in t for t in types)


def test_no_personal_value_is_stored_in_plaintext(municipality: DemoRun) -> None:
    """No name, BSN, birth date, address, phone, e-mail or free text the demo wrote appears in any stored file."""
    files = [p for p in municipality.data_dir.rglob("*") if p.is_file()]
    raw = b"".join(p.read_bytes() for p in files)
    assert len(raw) > 100_000 and b"finances" in raw  # the scan sees the stored event data
    values = [v for v in municipality.report.personal_values if len(v) >= 5]
    assert len(values) > 300
    leaked = [v for v in values if v.encode("utf-8") in raw]
    assert leaked == [], f"{len(leaked)} personal values found in plaintext"


def test_zrm_moments_and_test_range_bsns(municipality: DemoRun, reopened: Ledger) -> None:
    """Measurements include intake, interim and final, and the other instruments; every BSN lies in the 99999xxxx test range."""
    moments: set[str] = set()
    instruments: set[str] = set()
    life_domains: set[str] = set()
    bsns: list[str] = []
    for hid in municipality.report.household_ids:
        household = reopened.app.get_household(OPERATOR, hid)
        if household.is_erased:
            continue
        moments |= {m.moment.value for m in household.zrm.values()}
        instruments |= {m.instrument for m in household.zrm.values()}
        life_domains |= {str(g.life_domain) for g in household.goals.values()}
        bsns += [m.bsn.value for m in household.referral.members if m.bsn is not None and m.bsn.value]
    assert {"intake", "interim", "final"} <= moments
    # issue 15: the other instruments beside the ZRM, and goals in the life domains that are no data category
    assert {"ladder", "life_score", "satisfaction_5", "satisfaction_10"} <= instruments
    assert {"adl", "daytime_activities", "social_participation"} & life_domains
    written = [v for v in municipality.report.personal_values if len(v) == 9 and v.isdigit()]
    assert bsns and set(bsns) <= set(written)  # the report's BSNs include the erased households'
    for bsn in written:
        assert bsn.startswith("99999") and 999_990_000 <= int(bsn) <= 999_999_999 and is_valid_bsn(bsn)
    assert len(set(written)) == len(written)  # each person has their own


def test_some_households_have_agencies_already_involved_before_their_referral(municipality: DemoRun,
                                                                             reopened: Ledger) -> None:
    """Issue 15: for some households an agency was already involved at the referral, dated before it; every other
    involvement starts on or after the referral, and each already-involved one no later than the referral day."""
    with_already = 0
    for hid in municipality.report.household_ids:
        household = reopened.app.get_household(OPERATOR, hid)
        if household.is_erased:
            continue
        referred = household.referral.on
        already = [i for i in household.involvements.values() if i.already_involved]
        assert all(i.started_on <= referred for i in already)
        assert all(i.started_on >= referred for i in household.involvements.values() if not i.already_involved)
        with_already += any(i.started_on < referred for i in already)
    assert 0 < with_already < HOUSEHOLDS


def test_history_lies_in_the_past_and_spans_months(municipality: DemoRun) -> None:
    """The simulated clock ends before the real present, after more than a year of history."""
    report = municipality.report
    assert municipality.clock() < datetime.now(tz=UTC)
    assert report.last_day - report.first_day > timedelta(days=365)
    assert report.households == HOUSEHOLDS == len(set(report.household_ids))


def test_a_clock_past_the_start_is_refused(tmp_path: Path) -> None:
    """generate() refuses a clock that already stands after the first demo event, writing nothing."""
    clock = demo.demo_clock(datetime.now(tz=UTC) - timedelta(days=1))
    with build(Settings(data_dir=tmp_path), clock=clock) as ledger:
        with pytest.raises(ValueError, match="demo clock"):
            demo.generate(ledger, households=3, seed=SEED, operator=OPERATOR, clock=clock)
        assert list(ledger.app.list_households(OPERATOR)) == []


@pytest.mark.postgres
def test_postgresql_gets_the_same_municipality(tmp_path: Path, pg_url: str) -> None:
    """On PostgreSQL the same seed gives the same households and events as on SQLite."""
    on_sqlite = run_demo(Settings(data_dir=tmp_path / "sqlite"), 6, seed=3)
    on_pg = run_demo(Settings(data_dir=tmp_path / "pg", database_url=pg_url), 6, seed=3)
    assert on_pg.report.household_ids == on_sqlite.report.household_ids
    with build(Settings(data_dir=tmp_path / "sqlite")) as a, build(Settings(data_dir=tmp_path / "pg",
                                                                             database_url=pg_url)) as b:
        ids = on_sqlite.report.household_ids
        assert event_types(a, ids) == event_types(b, ids)
