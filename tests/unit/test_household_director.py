"""The case director: one at a time, replaced by another, released by a handover.

The household aggregate's rules, one domain error at a time (no storage).
"""

from __future__ import annotations

from household_builders import (
    ACTOR,
    DAY,
    DIRECTOR,
    LATER,
    OTHER_DIRECTOR,
    REPLACE_REASON,
    accepted,
    refused,
    with_intake,
)

from ledger.aggregates import Personal, StaffRef, errors


# ------------------------------------------------------------- case director
def test_a_second_case_director_cannot_be_assigned() -> None:
    """Assigning a case director while one is assigned is refused; the first stays."""
    h = with_intake()
    h.assign_case_director(actor=ACTOR, on=DAY, director=DIRECTOR)
    refused(h, errors.CaseDirectorAlreadyAssignedError,
            lambda h: h.assign_case_director(actor=ACTOR, on=DAY, director=OTHER_DIRECTOR))
    assert h.case_director is not None and h.case_director.director == DIRECTOR


def test_replacing_needs_an_assigned_case_director() -> None:
    """Replacing the case director when none is assigned is refused."""
    h = with_intake()
    refused(h, errors.NoCaseDirectorError,
            lambda h: h.replace_case_director(actor=ACTOR, on=DAY, director=DIRECTOR))
    assert h.case_director is None


def test_replacing_the_case_director_by_the_same_person_is_refused() -> None:
    """A replacement must be a different person from the current case director."""
    h = with_intake()
    h.assign_case_director(actor=ACTOR, on=DAY, director=DIRECTOR)
    refused(h, errors.SameCaseDirectorError,
            lambda h: h.replace_case_director(actor=ACTOR, on=DAY, director=StaffRef("u-200", "gemeente-x")))


def test_replacing_the_case_director_leaves_exactly_the_new_one() -> None:
    """After a replacement the new person is the one case director, since the replacement date."""
    h = with_intake()
    h.assign_case_director(actor=ACTOR, on=DAY, director=DIRECTOR)
    accepted(h, lambda h: h.replace_case_director(
        actor=ACTOR, on=LATER, director=OTHER_DIRECTOR, reason=Personal(REPLACE_REASON)))
    assert h.case_director is not None
    assert h.case_director.director == OTHER_DIRECTOR
    assert h.case_director.since == LATER


def test_handover_needs_a_case_director_and_releases_them() -> None:
    """Only a case with a case director can be handed over; afterwards it has none."""
    h = with_intake()
    refused(h, errors.NoCaseDirectorError, lambda h: h.hand_over(actor=ACTOR, on=DAY, to_organisation="veilig-thuis"))
    h.assign_case_director(actor=ACTOR, on=DAY, director=DIRECTOR)
    accepted(h, lambda h: h.hand_over(actor=ACTOR, on=DAY, to_organisation="veilig-thuis"))
    assert h.case_director is None
    accepted(h, lambda h: h.assign_case_director(actor=ACTOR, on=DAY, director=OTHER_DIRECTOR))
