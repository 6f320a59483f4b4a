"""Stored payloads exactly as release 68bd1b4 wrote them (issue 15: instruments and life domains).

Never edit one (docs/architecture.md, "Event schema changes (upcasting)"). Until issue 15
a plan goal's ``life_domain`` took any ``DataCategory`` code (``plan``, ``identity``, ...);
it now takes a canonical ``LifeDomain``, and ``ZrmMeasured`` carries every instrument
(its shape unchanged). Recorded with that release's aggregate and transcodings, no sealing
(the goals' descriptions were left empty, so none holds personal data), with the clock at
2026-12-02 12:45 UTC, for household 00000000-0000-0000-0000-00000000000e (originator
versions as noted).
"""

from __future__ import annotations

TOPIC = "ledger.aggregates.household:Household.{}"

# Household.ZrmMeasured, originator_version 3
ZRM_MEASURED_2013 = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-12-02T12:45:00+00:00"},"actor":{"_type_":"A'
    b'ctor","_data_":{"user_id":"op-001","organisation":"gemeente-testdorp","role":"operator","purpose'
    b'":"coordination","on_behalf_of":null}},"measurement":{"_type_":"ZrmMeasurement","_data_":{"measu'
    b'rement_id":"z1","instrument":"2013","moment":"intake","member_id":null,"scores":{"daytime_activi'
    b'ties":2,"adl":4},"measured_on":{"_type_":"date_iso","_data_":"2026-11-02"}}}}'
)

# Household.PlanGoalSet, originator_version 4
PLAN_GOAL_SET_IN_A_CATEGORY = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-12-02T12:45:00+00:00"},"actor":{"_type_":"A'
    b'ctor","_data_":{"user_id":"op-001","organisation":"gemeente-testdorp","role":"operator","purpose'
    b'":"coordination","on_behalf_of":null}},"goal":{"_type_":"Goal","_data_":{"goal_id":"g1","life_do'
    b'main":"plan","description":{"_type_":"personal","_data_":null},"target_date":null,"set_on":{"_ty'
    b'pe_":"date_iso","_data_":"2026-11-02"},"revisions":0,"revised_on":null}}}'
)

# Household.PlanGoalSet, originator_version 5
PLAN_GOAL_SET_IN_A_LIFE_DOMAIN = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-12-02T12:45:00+00:00"},"actor":{"_type_":"A'
    b'ctor","_data_":{"user_id":"op-001","organisation":"gemeente-testdorp","role":"operator","purpose'
    b'":"coordination","on_behalf_of":null}},"goal":{"_type_":"Goal","_data_":{"goal_id":"g2","life_do'
    b'main":"mental_health","description":{"_type_":"personal","_data_":null},"target_date":null,"set_'
    b'on":{"_type_":"date_iso","_data_":"2026-11-02"},"revisions":0,"revised_on":null}}}'
)

# Household.PlanGoalRevised, originator_version 6
PLAN_GOAL_REVISED_IN_A_CATEGORY = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-12-02T12:45:00+00:00"},"actor":{"_type_":"A'
    b'ctor","_data_":{"user_id":"op-001","organisation":"gemeente-testdorp","role":"operator","purpose'
    b'":"coordination","on_behalf_of":null}},"goal":{"_type_":"Goal","_data_":{"goal_id":"g1","life_do'
    b'main":"plan","description":{"_type_":"personal","_data_":null},"target_date":{"_type_":"date_iso'
    b'","_data_":"2027-01-01"},"set_on":{"_type_":"date_iso","_data_":"2026-11-02"},"revisions":1,"rev'
    b'ised_on":{"_type_":"date_iso","_data_":"2026-11-02"}}}}'
)
