"""Issue 12 item 10: fields stored in clear hold codes and ids, never text; old free text still replays.

The rules are the aggregate's (pure); the register checks are the application's
(tests/contract/test_clear_fields_after_erasure.py). The payloads are the bytes
release c1f5e59 stored (tests/stored_payloads_r12.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, Mapper, StoredEvent, UUIDAsHex

import stored_payloads_r12 as r12
from ledger.aggregates import Actor, Household, Member, NetworkContact, Personal, StaffRef, errors
from ledger.aggregates.codes import is_organisation_id, is_user_id
from ledger.aggregates.legacy import UNREGISTERED
from ledger.aggregates.vocabulary import Discipline, ErasureReason, LegalReference, NetworkRelation
from ledger.privacy.sealing import register_transcodings

ACTOR = Actor("u-100", "gemeente-testdorp", "case_worker")
DAY = date(2026, 3, 2)
NOTE = "buurvrouw van Bep Jansen"  # a caseworker's note naming the client, typed into a code field


def household() -> Household:
    h = Household.refer(household_id=uuid4(), actor=ACTOR, on=DAY, sources=["wmo_desk"],
                        members=[Member("m1", "adult", Personal("Bep Jansen"))])
    h.hold_intake(actor=ACTOR, on=DAY, domains_discussed=["finances"])
    h.assign_case_director(actor=ACTOR, on=DAY, director=StaffRef("u-200", "gemeente-testdorp"))
    h.set_plan_goal(actor=ACTOR, on=DAY, goal_id="g1", life_domain="finances", description=Personal("Rust"))
    return h


def closed() -> Household:
    h = household()
    h.close(actor=ACTOR, on=DAY, reason="goals_achieved")
    return h


# Every command argument that is stored in clear and once took text: (what, command with that value).
CLEAR_INPUTS: dict[str, Callable[[Household, Any], None]] = {
    "involvement organisation": lambda h, v: h.start_involvement(
        actor=ACTOR, on=DAY, involvement_id="i1", kind="professional", organisation=v, discipline="social_work"),
    "involvement discipline": lambda h, v: h.start_involvement(
        actor=ACTOR, on=DAY, involvement_id="i1", kind="professional", organisation="ggd", discipline=v),
    "involvement worker": lambda h, v: h.start_involvement(
        actor=ACTOR, on=DAY, involvement_id="i1", kind="professional", organisation="ggd", discipline="social_work",
        worker_id=v),
    "performing organisation": lambda h, v: h.add_plan_action(
        actor=ACTOR, on=DAY, action_id="a1", goal_id="g1", description=Personal("Bellen"),
        performer_kind="professional", organisation=v),
    "handover target": lambda h, v: h.hand_over(actor=ACTOR, on=DAY, to_organisation=v),
    "consent organisation": lambda h, v: h.grant_consent(
        actor=ACTOR, on=DAY, consent_id="c1", basis="consent", member_id="m1", organisations=[v],
        data_categories=["finances"], purpose="coordination", valid_from=DAY),
    "legal reference": lambda h, v: h.grant_consent(
        actor=ACTOR, on=DAY, consent_id="c1", basis="public_task", member_id=None, organisations=["ggd"],
        data_categories=["finances"], purpose="coordination", valid_from=DAY, legal_reference=v),
    "case director organisation": lambda h, v: h.replace_case_director(
        actor=ACTOR, on=DAY, director=StaffRef("u-300", v)),
    "case director user": lambda h, v: h.replace_case_director(
        actor=ACTOR, on=DAY, director=StaffRef(v, "gemeente-testdorp")),
}


@pytest.mark.parametrize("what", sorted(CLEAR_INPUTS))
def test_a_note_typed_into_a_clear_field_is_refused_and_not_echoed(what: str) -> None:
    """A name or a note where a code or id belongs is refused; the refusal does not repeat it."""
    h = household()
    version = h.version
    with pytest.raises(errors.InvalidInputError) as exc:
        CLEAR_INPUTS[what](h, NOTE)
    assert "Bep" not in str(exc.value) and h.version == version


@pytest.mark.parametrize("what", sorted(CLEAR_INPUTS))
def test_a_well_formed_code_in_a_clear_field_is_accepted(what: str) -> None:
    """The same commands accept the field's code or id."""
    good = {"involvement discipline": "mental_health_care", "legal reference": "wmo_2015_5_1_1",
            "involvement worker": "u-ggz", "case director user": "u-300"}.get(what, "ggz-regio")
    h = household()
    version = h.version
    CLEAR_INPUTS[what](h, good)
    assert h.version == version + 1


def test_a_discipline_outside_the_vocabulary_is_refused_with_the_allowed_codes() -> None:
    """Discipline is a closed vocabulary; the message lists its codes."""
    with pytest.raises(errors.InvalidInputError, match="expected one of: debt_counselling, "):
        CLEAR_INPUTS["involvement discipline"](household(), "ggz")


def test_a_network_relation_outside_the_vocabulary_is_refused() -> None:
    """A network contact's relation is a NetworkRelation code; the person's name goes in the sealed name."""
    h = household()
    with pytest.raises(errors.InvalidInputError, match="NetworkRelation"):
        NetworkContact("oma van Bep", Personal("Bep"))
    fresh = Household.refer(household_id=uuid4(), actor=ACTOR, on=DAY, sources=["wmo_desk"],
                            members=[Member("m1", "adult", Personal("Bep"))])
    fresh.hold_intake(actor=ACTOR, on=DAY, domains_discussed=["finances"],
                      network=[NetworkContact("grandmother", Personal("Oma Bep"))], agencies_involved=["ggd"])
    assert fresh.intake is not None and fresh.intake.network[0].relation is NetworkRelation.GRANDMOTHER
    assert h.intake is not None


def test_an_agency_involved_at_intake_is_an_organisation_id() -> None:
    """Agencies named at intake are organisation ids; a name is refused."""
    fresh = Household.refer(household_id=uuid4(), actor=ACTOR, on=DAY, sources=["wmo_desk"],
                            members=[Member("m1", "adult", Personal("Bep"))])
    with pytest.raises(errors.InvalidInputError, match="organisation id"):
        fresh.hold_intake(actor=ACTOR, on=DAY, domains_discussed=["finances"], agencies_involved=[NOTE])
    assert fresh.intake is None


@pytest.mark.parametrize("law", ["Jeugdwet art. 7.3.8", NOTE, "unspecified"])
def test_a_retention_hold_names_its_law_by_code(law: str) -> None:
    """A retention hold's law is a LegalReference code; ``unspecified`` is kept for old free text."""
    h = closed()
    with pytest.raises(errors.InvalidInputError, match="retention law"):
        h.place_retention_hold(actor=ACTOR, on=DAY, hold_id="r1", law=law, until=date(2046, 3, 2))
    h.place_retention_hold(actor=ACTOR, on=DAY, hold_id="r1", law="jeugdwet_7_3_8", until=date(2046, 3, 2))
    assert h.retention_holds["r1"].law is LegalReference.JEUGDWET_7_3_8


def test_an_unspecified_legal_reference_is_not_accepted_from_a_command() -> None:
    """``unspecified`` marks old free text only; a new legal basis names its article."""
    with pytest.raises(errors.InvalidInputError, match="legal reference"):
        CLEAR_INPUTS["legal reference"](household(), "unspecified")


@pytest.mark.parametrize("reason", ["verzoek van Bep Jansen", "x"])
def test_an_erasure_reason_outside_the_vocabulary_is_refused(reason: str) -> None:
    """Erasure records an ErasureReason code, never a sentence."""
    h = closed()
    with pytest.raises(errors.InvalidInputError, match="erasure reason"):
        h.erase(actor=ACTOR, on=DAY, reason=reason)
    assert not h.is_erased
    h.erase(actor=ACTOR, on=DAY, reason="data_subject_request")
    assert h.erasure is not None and h.erasure.reason is ErasureReason.DATA_SUBJECT_REQUEST


@pytest.mark.parametrize("value,ok", [
    ("gemeente-testdorp", True), ("ggd", True), ("a", True), ("a" * 40, True), ("a" * 41, False),
    ("Gemeente Testdorp", False), ("-ggd", False), ("ggd-", False), ("ggz_regio", False), ("", False),
    (" ggd", False),
])
def test_an_organisation_id_is_lower_case_letters_digits_and_inner_hyphens(value: str, ok: bool) -> None:
    """Organisation ids match ``^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$``."""
    assert is_organisation_id(value) is ok


@pytest.mark.parametrize("value,ok", [("u-anna", True), ("op-001", True), ("Jan de Vries", False), ("", False)])
def test_a_user_id_has_no_spaces(value: str, ok: bool) -> None:
    """Worker and director ids are user ids, not names."""
    assert is_user_id(value) is ok


# ---------------------------------------------------------------- old free text replays
def mapper() -> Mapper:
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    register_transcodings(transcoder)
    return Mapper(transcoder=transcoder)


def decoded(name: str, version: int, payload: bytes) -> Any:
    return mapper().to_domain_event(StoredEvent(originator_id=uuid4(), originator_version=version,
                                                topic=r12.TOPIC.format(name), state=payload))


def test_an_old_intake_reads_relations_and_agencies_as_codes() -> None:
    """Old relation text reads as its code or ``other``; old agency names as organisation ids."""
    intake = decoded("IntakeHeld", 2, r12.INTAKE_HELD).intake
    assert [c.relation for c in intake.network] == [NetworkRelation.OTHER, NetworkRelation.NEIGHBOUR]
    assert intake.agencies_involved == ("ggd", "schuldhulp-testdorp", "buurvrouw-van-bep-jansen")


def test_an_old_case_director_reads_with_an_organisation_id() -> None:
    """An old organisation name reads as the id the rename rule gives it."""
    director = decoded("CaseDirectorAssigned", 3, r12.CASE_DIRECTOR_ASSIGNED).directorship.director
    assert director == StaffRef("u-anna", "gemeente-testdorp")


def test_an_old_consent_reads_organisation_ids_and_a_legal_reference_code() -> None:
    """A recognisable citation reads as its code; any other text as ``unspecified``."""
    known = decoded("ConsentGranted", 4, r12.CONSENT_GRANTED_LEGAL_BASIS).consent
    assert known.organisations == ("ggz-regio", "gemeente-testdorp")
    assert known.legal_reference is LegalReference.WMO_2015_5_1_1
    other = decoded("ConsentGranted", 5, r12.CONSENT_GRANTED_FREE_TEXT_REFERENCE).consent
    assert other.legal_reference is LegalReference.UNSPECIFIED and other.organisations == ("ggd",)


def test_an_old_plan_action_reads_its_performer_as_an_organisation_id() -> None:
    """Performer.organisation: old name to id."""
    action = decoded("PlanActionAdded", 7, r12.PLAN_ACTION_ADDED).action
    assert action.performer.organisation == "schuldhulp-testdorp"


def test_an_old_involvement_reads_discipline_as_a_code_and_drops_a_worker_name() -> None:
    """Known old discipline text maps to its code, a note to ``other``; a worker name is no user id: ``None``."""
    known = decoded("InvolvementStarted", 8, r12.INVOLVEMENT_STARTED).involvement
    assert (known.organisation, known.discipline, known.worker_id) == ("ggz-regio", Discipline.MENTAL_HEALTH_CARE,
                                                                       "u-ggz")
    noted = decoded("InvolvementStarted", 9, r12.INVOLVEMENT_STARTED_NOTES_IN_CODES).involvement
    assert (noted.organisation, noted.discipline, noted.worker_id) == ("humanitas", Discipline.OTHER, None)


def test_an_old_handover_reads_its_target_as_an_organisation_id() -> None:
    """Handover.to_organisation: old name to id."""
    assert decoded("HandedOver", 10, r12.HANDED_OVER).handover.to_organisation == "veilig-thuis"


def test_an_old_retention_hold_reads_its_law_as_a_code() -> None:
    """"Jeugdwet art. 7.3.8" reads as jeugdwet_7_3_8."""
    assert decoded("RetentionHoldPlaced", 12, r12.RETENTION_HOLD_PLACED).hold.law is LegalReference.JEUGDWET_7_3_8


def test_an_old_erasure_reason_in_words_reads_as_other() -> None:
    """A sentence where the reason code belongs reads as ``other``; the sentence is not shown."""
    assert decoded("Erased", 3, r12.ERASED).erasure.reason is ErasureReason.OTHER


def test_an_old_organisation_text_that_makes_no_id_reads_as_unregistered() -> None:
    """Text whose lower-case form is no organisation id (too long, no letters) reads as ``unregistered``."""
    from ledger.aggregates.legacy import read_organisation

    assert read_organisation("Stichting " + "Zeer Lange Naam " * 4) == UNREGISTERED
    assert read_organisation("???") == UNREGISTERED
    assert read_organisation("Vluchtelingenwerk Oost-Nederland") == "vluchtelingenwerk-oost-nederland"


def test_every_stored_r12_payload_has_a_test() -> None:
    """Each payload in stored_payloads_r12 is read by a test in this module."""
    import inspect
    import sys

    source = inspect.getsource(sys.modules[__name__])
    payloads = [n for n in vars(r12) if n.isupper() and n != "TOPIC"]
    assert payloads and all(f"r12.{n}" in source for n in payloads)


@pytest.mark.parametrize("kind,vocabulary", [("discipline", Discipline), ("network_relation", NetworkRelation),
                                             ("legal_reference", LegalReference), ("erasure_reason", ErasureReason)])
def test_every_new_code_has_a_dutch_and_an_english_label(kind: str, vocabulary: type) -> None:
    """Reports show each code of the new vocabularies in words, in both languages."""
    from ledger.reports.labels import words

    for code in vocabulary:
        nl, en = words("nl").code(kind, code.value), words("en").code(kind, code.value)
        assert nl != code.value or en != code.value, f"{kind} {code.value} has no label"
        assert nl and en


def test_every_field_narrowed_from_text_has_a_stored_reader() -> None:
    """A clear field that once took text reads old rows through a reader (legacy.py), or they would not decode."""
    from ledger.aggregates import values

    narrowed = {
        values.NetworkContact: {"relation"}, values.Intake: {"agencies_involved"},
        values.StaffRef: {"organisation"}, values.Consent: {"organisations", "legal_reference"},
        values.Performer: {"organisation"}, values.Involvement: {"organisation", "discipline", "worker_id"},
        values.Handover: {"to_organisation"}, values.RetentionHold: {"law"}, values.Erasure: {"reason"},
    }
    for cls, fields in narrowed.items():
        assert fields <= {name for name, _ in cls.stored_readers}, cls.__name__
