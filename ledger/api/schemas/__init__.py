"""The response bodies (pydantic), one module per resource, documented in the OpenAPI document.

Request bodies are in ``ledger/api/bodies.py``. Every field is named: no ``dict[str, Any]``
response. Moments keep the form the API has always sent (``isoformat()``: ``+00:00``, not
pydantic's ``Z``). Output models forbid extra keys, so a read model that grows a column fails the
tests instead of silently leaving the field out.

- ``household``: the state (``HouseholdOut``, built from the presenter's field table
  :data:`ledger.presenters.HOUSEHOLD_FIELDS`), events, the caseload list
- ``reads``: the plan, the involved parties, caseloads (the views)
- ``privacy``: access records, reviews, access requests, the export
- ``report``: the evaluation report, every section and figure
- ``report_series``: the report's headline figures at a series of dates
- ``service``: writes, health, the directory, the audit trail
- ``base``: the base model and value types
"""

from __future__ import annotations

from .base import DecimalText, Moment, Out, PersonalText
from .household import ActorOut, EventOut, EventPage, HouseholdOut, HouseholdSummaryOut, HouseholdSummaryPage, value_object_out
from .privacy import (
    AccessedByOut,
    AccessRecordOut,
    AccessRecordPage,
    AccessRequestOut,
    ConsentResult,
    ExportOut,
    ExportPeriodOut,
    ReviewOut,
)
from .reads import (
    CaseloadRowOut,
    DirectorOut,
    InvolvedOut,
    InvolvedPartyOut,
    PlanActionRowOut,
    PlanGoalOut,
    PlanOut,
    ZrmProgressOut,
)
from .report import EvaluationReportOut
from .report_series import EvaluationSeriesOut
from .service import (
    DigestOut,
    HealthOut,
    Me,
    OrganisationOut,
    OrganisationPage,
    ReferralResult,
    StalledViewOut,
    VerificationOut,
    WriteResult,
)

__all__ = [
    "AccessRecordOut",
    "AccessRecordPage",
    "AccessRequestOut",
    "AccessedByOut",
    "ConsentResult",
    "ActorOut",
    "CaseloadRowOut",
    "DecimalText",
    "DigestOut",
    "DirectorOut",
    "EvaluationReportOut",
    "EvaluationSeriesOut",
    "EventOut",
    "EventPage",
    "ExportOut",
    "ExportPeriodOut",
    "HealthOut",
    "HouseholdOut",
    "HouseholdSummaryOut",
    "HouseholdSummaryPage",
    "InvolvedOut",
    "InvolvedPartyOut",
    "Me",
    "Moment",
    "OrganisationOut",
    "OrganisationPage",
    "Out",
    "PersonalText",
    "PlanActionRowOut",
    "PlanGoalOut",
    "PlanOut",
    "ReviewOut",
    "StalledViewOut",
    "VerificationOut",
    "ReferralResult",
    "WriteResult",
    "ZrmProgressOut",
    "value_object_out",
]
