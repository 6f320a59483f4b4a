"""The access policy: one pure function decides every command and every read.

``decide(user, action, household, categories, purpose, on=…, municipality=…)`` looks only
at its arguments (the household's own state: case director, active involvements,
consents and legal bases in force on ``on``, the organisation the case is addressed
to, a pending erasure request), so withdrawing consent takes effect on the very next
access. No I/O, no clock, no globals. ``municipality`` is the organisation id of the
municipality that runs this ledger (the controller, ``LEDGER_ORGANISATION``).

A relationship never follows from a role alone (docs/architecture.md, "Access policy"
and "Threat model"):

* **case director**: the household's director (by user id);
* **involved**: an active involvement names the user, or their organisation without a worker;
* **intake team**: while the case has no director, the staff (consultant or professional)
  of the *responsible organisation*: the organisation the referral was addressed to, or
  after a handover the organisation it was handed to. Nobody else;
* otherwise **unrelated**: refused; a read may break the glass with a reason of substance.

Oversight roles act for the organisation they belong to: the municipality's privacy
officer over the whole ledger (retention, erasure requests, access requests and their
exports); a partner organisation's privacy officer over the access records of its own
staff. The municipality's administrator executes an erasure requested by the privacy
officer (four eyes: never the requester); an administrator manages the users of their own
organisation (the municipality's also those of partners). Evaluators of the municipality
read its pseudonymous figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ledger.aggregates import Household
from ledger.aggregates.actions import Action, Who, commands
from ledger.aggregates.values import Actor, Consent
from ledger.aggregates.vocabulary import DataCategory, Purpose

__all__ = [
    "COORDINATION_SET",
    "DIRECTOR_SET",
    "Decision",
    "Disclosure",
    "Withheld",
    "Relationship",
    "Role",
    "decide",
    "disclosure",
    "is_read",
    "may_see_state",
    "reason_of_substance",
    "relationship_of",
    "responsible_organisation",
]


class Role(StrEnum):
    CONSULTANT = "consultant"
    PROFESSIONAL = "professional"
    PRIVACY_OFFICER = "privacy_officer"
    EVALUATOR = "evaluator"
    ADMIN = "admin"
    OPERATOR = "operator"  # the local operator working directly on the data (CLI); see below


class Relationship(StrEnum):
    DIRECTOR = "director"
    INVOLVED = "involved"
    INTAKE_TEAM = "intake_team"  # staff of the responsible organisation while no director is assigned
    UNRELATED = "unrelated"


COORDINATION_SET = frozenset(
    {DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.COMPOSITION, DataCategory.PLAN,
     DataCategory.INVOLVEMENT, DataCategory.ZRM}
)

# What the case director sees by their role: the coordination set, the costs of the approach (the
# municipality's own records of what it spent, which the director alone records) and the household's
# own network (the eco-map of the integral intake and as it changes, which the director records and
# plans actions with); docs/architecture.md, "Disclosure by category". The intake team sees the
# coordination set.
DIRECTOR_SET = COORDINATION_SET | {DataCategory.COSTS, DataCategory.SOCIAL_NETWORK}


class Withheld(StrEnum):
    """Why a read withholds a data category (stable codes: docs/api.md, "Disclosure by category")."""

    NO_CONSENT = "no_consent"  # no consent or legal basis covers it for your organisation and purpose
    NOT_IN_FORCE = "not_in_force"  # one did, but it is withdrawn, expired or not yet in force on the day
    ERASED = "erased"  # the household is erased: this category held personal data only, destroyed


# After an erasure these categories held nothing but personal data (names, BSNs, addresses, contacts).
ERASED_CATEGORIES = frozenset({DataCategory.IDENTITY, DataCategory.CONTACT})

A = Action
READ = A.READ
ACCESS_LOG = A.READ_ACCESS_LOG
ACCESS_REVIEW = A.READ_ACCESS_REVIEW  # a record under review with its stated reason: the privacy officer's duty
REVIEW = A.REVIEW_EMERGENCY  # the privacy officer concludes on a break-the-glass access or a legal basis
CASELOADS = A.READ_CASELOADS  # counts per case director and organisation: no household content
EVALUATION_REPORT = A.READ_EVALUATION_REPORT  # pseudonymous aggregates replayed from the ledger
EVALUATION_SERIES = A.READ_EVALUATION_SERIES  # the report's headline figures at a series of dates: the same
EXPORT = A.EXPORT_HOUSEHOLD  # a data subject's access request (AVG art. 15)
ACCESS_REQUEST = A.RECORD_ACCESS_REQUEST  # the request an export answers: who asked, when, identity checked how
REFER = A.REFER_HOUSEHOLD
USER_ADMIN = frozenset({A.ADD_USER, A.DISABLE_USER})
ORGANISATION_ADMIN = A.ADD_ORGANISATION
ERASE = A.ERASE_HOUSEHOLD
END_INVOLVEMENT = A.END_INVOLVEMENT  # an involved professional's own part: their own or their organisation's
# An involved professional's own part of the plan: actions assigned to their organisation only.
OWN_PLAN_ACTION = frozenset({A.COMPLETE_PLAN_ACTION, A.CANCEL_PLAN_ACTION})
ERASURE_REQUEST = A.REQUEST_ERASURE
RETENTION = A.PLACE_RETENTION_HOLD


def _writes_of(who: Who) -> frozenset[str]:
    return frozenset(s.action for s in commands() if who in s.who)


# Who may do which command is declared with the command (ledger/aggregates/actions.py, ``who``).
# Writes that are the municipality's privacy officer's alone (and the access request an export answers).
PRIVACY_OFFICER_WRITES = _writes_of(Who.PRIVACY_OFFICER) | {ACCESS_REQUEST}
# Writes that belong to an involved professional's own part of the plan.
INVOLVED_WRITES = _writes_of(Who.INVOLVED)
# What the intake team (the responsible organisation's staff) may do while no case director is assigned.
INTAKE_WRITES = _writes_of(Who.INTAKE_TEAM)


def is_read(action: str) -> bool:
    """``read`` and every ``read_<view>`` (read_household, read_history, ...)."""
    return action == READ or action.startswith(READ + "_")


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str  # plain words, no personal data; shown with a 403
    authorisation: str | None = None  # "consent:<id>", "legal_basis:<id>", "case_director", "emergency", ...
    emergency: bool = False
    # Oversight reads: the organisation whose staff's records this user may see; None = every record.
    scope: str | None = None


# Breaking the glass needs a reason a reviewer can judge: a sentence, not "x" or "asdf".
EMERGENCY_REASON_MIN_CHARS = 20
EMERGENCY_REASON_MIN_WORDS = 4


def reason_of_substance(text: str | None) -> bool:
    """At least four words and twenty letters or digits, not one character repeated."""
    words = [w for w in (text or "").split() if any(c.isalnum() for c in w)]
    letters = [c.lower() for c in (text or "") if c.isalnum()]
    return (len(words) >= EMERGENCY_REASON_MIN_WORDS and len(letters) >= EMERGENCY_REASON_MIN_CHARS
            and len(set(letters)) >= 6)


@dataclass(frozen=True)
class Disclosure:
    """A read decided category by category: what it discloses, and each withheld category with its reason.

    ``decision.allowed`` False: the read is refused whole (nothing disclosed; the record lists what was asked).
    """

    decision: Decision
    disclosed: frozenset[DataCategory]
    withheld: dict[DataCategory, Withheld]

    @property
    def whole(self) -> bool:
        return self.decision.allowed and not self.withheld


def _deny(reason: str) -> Decision:
    return Decision(False, reason)


def responsible_organisation(household: Household, municipality: str) -> str:
    """Who answers for a case without a director: the last handover's receiver, else the referral's addressee.

    Referrals recorded before referrals were addressed (``addressed_to`` is None) went to the
    municipality's own intake team.
    """
    if household.handovers:
        return list(household.handovers.values())[-1].to_organisation
    return household.referral.addressed_to or municipality


def relationship_of(user: Actor, household: Household, municipality: str = "municipality") -> Relationship:
    director = household.case_director.director if household.case_director else None
    if director is not None and director.user_id == user.user_id:
        return Relationship.DIRECTOR
    for inv in household.active_involvements():
        if inv.worker_id == user.user_id or (inv.worker_id is None and inv.organisation == user.organisation):
            return Relationship.INVOLVED
    if (director is None and user.role in (Role.CONSULTANT, Role.PROFESSIONAL)
            and user.organisation == responsible_organisation(household, municipality)):
        return Relationship.INTAKE_TEAM
    return Relationship.UNRELATED


def _covering(consents: Iterable[Consent], user: Actor, category: DataCategory, purpose: Purpose) -> Consent | None:
    for c in consents:
        if user.organisation in c.organisations and category in c.data_categories and c.purpose == purpose:
            return c
    return None


def decide(
    user: Actor,
    action: str,
    household: Household | None,
    categories: Iterable[DataCategory | str] = (),
    purpose: Purpose | str = Purpose.COORDINATION,
    *,
    on: date,
    emergency_reason: str | None = None,
    municipality: str = "municipality",
    subject_organisation: str | None = None,
    involvement_id: str | None = None,
    plan_action_id: str | None = None,
) -> Decision:
    """Allow or deny ``user`` doing ``action`` ("read" or a command name) on ``household``.

    ``subject_organisation``: for user management, the organisation of the user added or disabled.
    ``involvement_id``: for ``end_involvement``, the involvement to end (an involved professional's own only).
    ``plan_action_id``: for completing or cancelling a plan action, the action (an involved professional:
    only one assigned to their organisation).
    """
    try:
        role = Role(user.role)
        purpose_ = Purpose(purpose)
        cats = frozenset(DataCategory(c) for c in categories)
    except ValueError:
        return _deny("Unknown role, purpose or data category.")
    ours = user.organisation == municipality  # the user works for the municipality that runs this ledger

    if role == Role.OPERATOR:
        # The local operator has the machine and the master key; the CLI's direct writes are
        # recorded with this role so that they are visible as such in the access log.
        return Decision(True, "Local operator with direct access to the store.", "operator")
    if action in USER_ADMIN:
        if role != Role.ADMIN:
            return _deny("Only administrators manage users.")
        if not ours and subject_organisation != user.organisation:
            return _deny("An administrator manages the users of their own organisation only.")
        return Decision(True, "Administrators manage users.", "user_administration")
    if action == ORGANISATION_ADMIN:
        if role == Role.ADMIN and ours:
            return Decision(True, "The municipality's administrator registers organisations.", "user_administration")
        return _deny("Only the municipality's administrator registers organisations.")
    if role == Role.ADMIN:
        if action == ERASE:
            return _erasure(user, household, ours)
        return _deny("Administrators manage users; they do not see or change case content.")
    if role == Role.PRIVACY_OFFICER:
        return _oversee(user, action, ours)
    if action in (ACCESS_LOG, ACCESS_REVIEW, EXPORT, REVIEW, ACCESS_REQUEST):
        return _deny("Access records and data-subject exports are for the privacy officer.")
    if action == CASELOADS:
        if role == Role.CONSULTANT or (role == Role.EVALUATOR and ours):
            return Decision(True, "Caseload counts support coordination and evaluation.", "caseload_overview")
        return _deny("Caseload overviews are for consultants and the municipality's evaluators.")
    if action in (EVALUATION_REPORT, EVALUATION_SERIES):
        if role == Role.CONSULTANT or (role == Role.EVALUATOR and ours):
            return Decision(True, "Pseudonymous evaluation figures support evaluation.", "evaluation_report")
        return _deny("Evaluation reports are for the municipality's evaluators and consultants.")
    if role == Role.EVALUATOR:
        return _deny("Evaluators get pseudonymous aggregates only, never a household.")

    # consultant or professional
    if action == REFER:
        return Decision(True, "Anyone in the network may refer a household.", "referral")
    if household is None:
        return _deny("No such household.")
    rel = relationship_of(user, household, municipality)
    decision = _decide_care(user, rel, action, household, cats, purpose_, on, involvement_id, plan_action_id)
    if decision.allowed or not is_read(action) or not (emergency_reason or "").strip():
        return decision  # breaking the glass opens data to read; it never lets anyone change a case
    if not reason_of_substance(emergency_reason):
        return _deny("An emergency access needs a reason a reviewer can judge: at least four words "
                     f"and {EMERGENCY_REASON_MIN_CHARS} letters.")
    return Decision(True, "Emergency access (break the glass); flagged for review.", "emergency", emergency=True)


def _erasure(user: Actor, household: Household | None, ours: bool) -> Decision:
    """Four eyes: the municipality's privacy officer requests, another person (its administrator) executes."""
    if not ours:
        return _deny("Only the municipality's administrator executes an erasure.")
    request = household.erasure_request if household is not None else None
    if request is None:
        return _deny("Erasure needs a recorded request of the municipality's privacy officer first.")
    if request.requested_by == user.user_id:
        return _deny("The person who requested an erasure cannot also execute it (four eyes).")
    return Decision(True, "Erasure by the municipality's administrator on the privacy officer's request.",
                    f"erasure_request:{request.request_id}")


def _oversee(user: Actor, action: str, ours: bool) -> Decision:
    if action in (ACCESS_LOG, ACCESS_REVIEW, REVIEW):
        if ours:
            return Decision(True, "The municipality's privacy officer audits the access records.", "audit_duty")
        return Decision(True, "A partner's privacy officer audits the accesses of their own staff.", "audit_duty",
                        scope=user.organisation)
    if not ours and action in (PRIVACY_OFFICER_WRITES | {EXPORT}):
        return _deny("Retention, erasure and access requests are for the municipality's privacy officer.")
    if action == RETENTION:
        return Decision(True, "The privacy officer manages retention.", "retention_duty")
    if action == ERASURE_REQUEST:
        return Decision(True, "The privacy officer requests an erasure for the data subject.", "erasure_duty")
    if action == ACCESS_REQUEST:
        return Decision(True, "The privacy officer records a data subject's access request.", "avg_art_15")
    if action == EXPORT:
        return Decision(True, "The privacy officer answers the data subject's access request.", "avg_art_15")
    return _deny("Privacy officers read access records, never case content.")


def _own_involvement(user: Actor, household: Household, involvement_id: str | None) -> bool:
    """The involvement names this user, or names no worker and is this user's organisation's (unknown: not theirs)."""
    inv = household.involvements.get(involvement_id) if involvement_id is not None else None
    if inv is None:
        return False
    return inv.worker_id == user.user_id or (inv.worker_id is None and inv.organisation == user.organisation)


def _own_plan_action(user: Actor, household: Household, plan_action_id: str | None) -> bool:
    """The plan action is assigned to this user's organisation (unknown, or the household's own: not theirs)."""
    act = household.actions.get(plan_action_id) if plan_action_id is not None else None
    return act is not None and act.performer.organisation is not None \
        and act.performer.organisation == user.organisation


def may_see_state(user: Actor, household: Household, *, on: date, municipality: str = "municipality") -> bool:
    """Whether an error may tell ``user`` about the household's state (its version, what it holds).

    Yes for whoever may read at least one of its data categories now (a read's ETag tells the version),
    the municipality's privacy officer (the household's access log shows every write) and the local
    operator; no for everyone else, such as an involved professional without a consent (who may still
    record their own part) or the administrator executing an erasure.
    """
    if user.role == Role.OPERATOR:
        return True
    if user.role == Role.PRIVACY_OFFICER:
        return user.organisation == municipality
    return any(decide(user, READ, household, [c], user.purpose, on=on, municipality=municipality).allowed
               for c in DataCategory)


def _decide_care(
    user: Actor, rel: Relationship, action: str, household: Household,
    cats: frozenset[DataCategory], purpose: Purpose, on: date, involvement_id: str | None = None,
    plan_action_id: str | None = None,
) -> Decision:
    if not is_read(action):
        if action in (ERASE, ERASURE_REQUEST, RETENTION, ACCESS_REQUEST):
            return _deny("Erasure and retention are decided by the privacy officer.")
        if rel == Relationship.DIRECTOR:
            return Decision(True, "The case director coordinates this household.", "case_director")
        if rel == Relationship.INVOLVED and action == END_INVOLVEMENT and not _own_involvement(
                user, household, involvement_id):
            return _deny("An involved professional ends only their own involvement or their organisation's; "
                         "the case director ends the others.")
        if rel == Relationship.INVOLVED and action in OWN_PLAN_ACTION and not _own_plan_action(
                user, household, plan_action_id):
            return _deny("An involved professional completes or cancels only the plan actions assigned to their "
                         "organisation; the case director acts on the others.")
        if rel == Relationship.INVOLVED and action in INVOLVED_WRITES:
            return Decision(True, "An involved professional records their own part.", "involvement")
        if rel == Relationship.INTAKE_TEAM and action in INTAKE_WRITES:
            return Decision(True, "The intake team acts until a case director is assigned.", "intake_team")
        return _deny("Only the case director (or, for their own part, an involved professional) may do this.")

    if rel == Relationship.UNRELATED:
        return _deny(UNRELATED_REASON)
    used, withheld = _per_category(user, rel, household, cats, purpose, on)
    if withheld:
        cat = min(withheld)
        return _deny(f"No consent or legal basis in force covers '{cat.value}' for your organisation and purpose.")
    return Decision(True, "Covered by relationship and consent.", ",".join(dict.fromkeys(used)) or rel.value)


UNRELATED_REASON = "You are not the case director of this household nor involved in it."


def _per_category(
    user: Actor, rel: Relationship, household: Household, cats: frozenset[DataCategory], purpose: Purpose, on: date,
) -> tuple[list[str], dict[DataCategory, Withheld]]:
    """The rule of reads, per category: the authorisations used for those covered, and why each other is not."""
    in_force = household.consents_in_force(on)
    by_role = (DIRECTOR_SET if rel == Relationship.DIRECTOR
               else COORDINATION_SET if rel == Relationship.INTAKE_TEAM else frozenset())
    used: list[str] = []
    withheld: dict[DataCategory, Withheld] = {}
    for cat in sorted(cats):
        if cat in by_role:
            used.append(rel.value if rel == Relationship.INTAKE_TEAM else "case_director")
            continue
        cover = _covering(in_force, user, cat, purpose)
        if cover is None:
            ever = _covering(household.consents.values(), user, cat, purpose)
            withheld[cat] = Withheld.NOT_IN_FORCE if ever is not None else Withheld.NO_CONSENT
            continue
        kind = "consent" if cover.basis == "consent" else "legal_basis"
        used.append(f"{kind}:{cover.consent_id}")
    return used, withheld


def disclosure(
    user: Actor,
    action: str,
    household: Household | None,
    categories: Iterable[DataCategory | str],
    purpose: Purpose | str = Purpose.COORDINATION,
    *,
    on: date,
    emergency_reason: str | None = None,
    municipality: str = "municipality",
) -> Disclosure:
    """A read of ``categories`` decided category by category (the rules of :func:`decide`).

    A user with a relationship gets every category the policy allows and each other one withheld
    with its reason (:class:`Withheld`); a read with nothing allowed is refused whole (it would show
    the version and phase to someone who may read nothing: :func:`may_see_state`). Breaking the glass (an emergency reason
    of substance) is for what is withheld: it discloses those too and is flagged; a read wholly
    allowed needs no reason, and a reason given then makes no emergency. A user with no
    relationship is refused whole, unless they break the glass. After an erasure, identity and
    contact are withheld as ``erased`` (nothing is left to disclose, in an emergency neither).
    Every other role and action: :func:`decide`, whole.
    """
    try:
        role = Role(user.role)
        purpose_ = Purpose(purpose)
        cats = frozenset(DataCategory(c) for c in categories)
    except ValueError:
        return Disclosure(_deny("Unknown role, purpose or data category."), frozenset(), {})
    erased = {c: Withheld.ERASED for c in cats & ERASED_CATEGORIES} if household and household.is_erased else {}
    care = role in (Role.CONSULTANT, Role.PROFESSIONAL) and household is not None and is_read(action)
    if not care or household is None:
        whole = decide(user, action, household, cats, purpose_, on=on, emergency_reason=emergency_reason,
                       municipality=municipality)
        shown = cats - erased.keys() if whole.allowed else frozenset()
        return Disclosure(whole, frozenset(shown), dict(erased) if whole.allowed else {})
    rel = relationship_of(user, household, municipality)
    reason = (emergency_reason or "").strip()
    if rel == Relationship.UNRELATED:
        used: list[str] = []
        withheld: dict[DataCategory, Withheld] = dict.fromkeys(cats, Withheld.NO_CONSENT)
        if not reason:
            return Disclosure(_deny(UNRELATED_REASON), frozenset(), {})
    else:
        used, withheld = _per_category(user, rel, household, cats, purpose_, on)
    withheld = {c: w for c, w in withheld.items() if c not in erased}
    if withheld and reason:
        if not reason_of_substance(reason):
            return Disclosure(_deny("An emergency access needs a reason a reviewer can judge: at least four words "
                                    f"and {EMERGENCY_REASON_MIN_CHARS} letters."), frozenset(), {})
        used.append("emergency")
        decision = Decision(True, "Emergency access (break the glass) to what was withheld; flagged for review.",
                            ",".join(dict.fromkeys(used)), emergency=True)
        return Disclosure(decision, frozenset(cats - erased.keys()), dict(erased))
    shown = cats - withheld.keys() - erased.keys()
    if withheld and not shown:
        # Nothing to disclose is no read: refused whole, so the answer shows no version or phase either (the rule
        # a refused write follows too: may_see_state).
        return Disclosure(_deny("No consent or legal basis in force covers any category of this household for "
                                "your organisation and purpose."), frozenset(), {})
    if withheld:
        words = ("Partly disclosed: the other categories are withheld (no consent or legal basis in force "
                 "covers them).")
    else:
        words = "Covered by relationship and consent."
    decision = Decision(True, words, ",".join(dict.fromkeys(used)) or rel.value)
    return Disclosure(decision, frozenset(shown), {**withheld, **erased})
