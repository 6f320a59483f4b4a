"""Stored payloads exactly as release c1f5e59 wrote them: free text in clear "code" fields.

Never edit one (docs/architecture.md, "Event schema changes (upcasting)"). Until issue 12
item 10, organisation, discipline, network relation, worker, legal reference, retention law
and erasure reason took any text and were stored unsealed. These rows were recorded with
that release's code (its aggregate and transcodings, no sealing: the personal fields of these
events were left empty, so none holds personal data but the planted notes in clear fields),
with the clock at 2026-12-02 01:30 UTC, for household 00000000-0000-0000-0000-00000000000c
(originator versions as noted) and, for ``ERASED``, household ...0d at version 3.
Some values are names (``"GGZ Regio"``), some a caseworker's note naming the client
(``"buurvrouw van Bep Jansen"``): both must still replay, and read as today's codes.
"""

from __future__ import annotations

TOPIC = "ledger.aggregates.household:Household.{}"

# Household.IntakeHeld, originator_version 2
INTAKE_HELD = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-12-02T01:30:00+00:00"},"actor":{"_type_":"A'
    b'ctor","_data_":{"user_id":"op-001","organisation":"Gemeente Testdorp","role":"operator","purpose'
    b'":"coordination","on_behalf_of":null}},"intake":{"_type_":"Intake","_data_":{"held_on":{"_type_"'
    b':"date_iso","_data_":"2026-11-02"},"domains_discussed":["finances"],"network":[{"_type_":"Networ'
    b'kContact","_data_":{"relation":"oma van Bep","name":null,"supportive":true}},{"_type_":"NetworkC'
    b'ontact","_data_":{"relation":"neighbour","name":null,"supportive":true}}],"agencies_involved":["'
    b'GGD","Schuldhulp Testdorp","buurvrouw van Bep Jansen"],"summary":null}}}'
)

# Household.CaseDirectorAssigned, originator_version 3
CASE_DIRECTOR_ASSIGNED = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-12-02T01:30:00+00:00"},"actor":{"_type_":"A'
    b'ctor","_data_":{"user_id":"op-001","organisation":"Gemeente Testdorp","role":"operator","purpose'
    b'":"coordination","on_behalf_of":null}},"directorship":{"_type_":"CaseDirectorship","_data_":{"di'
    b'rector":{"_type_":"StaffRef","_data_":{"user_id":"u-anna","organisation":"Gemeente Testdorp"}},"'
    b'since":{"_type_":"date_iso","_data_":"2026-11-02"}}}}'
)

# Household.ConsentGranted, originator_version 4
CONSENT_GRANTED_LEGAL_BASIS = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-12-02T01:30:00+00:00"},"actor":{"_type_":"A'
    b'ctor","_data_":{"user_id":"op-001","organisation":"Gemeente Testdorp","role":"operator","purpose'
    b'":"coordination","on_behalf_of":null}},"consent":{"_type_":"Consent","_data_":{"consent_id":"c1"'
    b',"basis":"public_task","member_id":null,"organisations":["GGZ Regio","Gemeente Testdorp"],"data_'
    b'categories":["finances"],"purpose":"coordination","valid_from":{"_type_":"date_iso","_data_":"20'
    b'26-11-02"},"valid_until":null,"legal_reference":"Wmo 2015 art. 5.1.1","withdrawn_on":null}}}'
)

# Household.ConsentGranted, originator_version 5
CONSENT_GRANTED_FREE_TEXT_REFERENCE = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-12-02T01:30:00+00:00"},"actor":{"_type_":"A'
    b'ctor","_data_":{"user_id":"op-001","organisation":"Gemeente Testdorp","role":"operator","purpose'
    b'":"coordination","on_behalf_of":null}},"consent":{"_type_":"Consent","_data_":{"consent_id":"c2"'
    b',"basis":"public_task","member_id":null,"organisations":["GGD"],"data_categories":["finances"],"'
    b'purpose":"coordination","valid_from":{"_type_":"date_iso","_data_":"2026-11-02"},"valid_until":n'
    b'ull,"legal_reference":"afspraak met Bep Jansen","withdrawn_on":null}}}'
)

# Household.PlanActionAdded, originator_version 7
PLAN_ACTION_ADDED = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-12-02T01:30:00+00:00"},"actor":{"_type_":"A'
    b'ctor","_data_":{"user_id":"op-001","organisation":"Gemeente Testdorp","role":"operator","purpose'
    b'":"coordination","on_behalf_of":null}},"action":{"_type_":"PlanAction","_data_":{"action_id":"a1'
    b'","goal_id":"g1","description":{"_type_":"personal","_data_":null},"performer":{"_type_":"Perfor'
    b'mer","_data_":{"kind":"professional","organisation":"Schuldhulp Testdorp"}},"due_on":null,"added'
    b'_on":{"_type_":"date_iso","_data_":"2026-11-02"},"completed_on":null,"cancelled_on":null,"cancel'
    b'_reason":null}}}'
)

# Household.InvolvementStarted, originator_version 8
INVOLVEMENT_STARTED = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-12-02T01:30:00+00:00"},"actor":{"_type_":"A'
    b'ctor","_data_":{"user_id":"op-001","organisation":"Gemeente Testdorp","role":"operator","purpose'
    b'":"coordination","on_behalf_of":null}},"involvement":{"_type_":"Involvement","_data_":{"involvem'
    b'ent_id":"i1","kind":"professional","organisation":"GGZ Regio","discipline":"ambulante ggz","star'
    b'ted_on":{"_type_":"date_iso","_data_":"2026-11-02"},"worker_id":"u-ggz","contact_name":null,"end'
    b'ed_on":null,"end_reason":null}}}'
)

# Household.InvolvementStarted, originator_version 9
INVOLVEMENT_STARTED_NOTES_IN_CODES = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-12-02T01:30:00+00:00"},"actor":{"_type_":"A'
    b'ctor","_data_":{"user_id":"op-001","organisation":"Gemeente Testdorp","role":"operator","purpose'
    b'":"coordination","on_behalf_of":null}},"involvement":{"_type_":"Involvement","_data_":{"involvem'
    b'ent_id":"i2","kind":"volunteer","organisation":"Humanitas","discipline":"helpt Bep Jansen met de'
    b' post","started_on":{"_type_":"date_iso","_data_":"2026-11-02"},"worker_id":"Jan de Vries","cont'
    b'act_name":null,"ended_on":null,"end_reason":null}}}'
)

# Household.HandedOver, originator_version 10
HANDED_OVER = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-12-02T01:30:00+00:00"},"actor":{"_type_":"A'
    b'ctor","_data_":{"user_id":"op-001","organisation":"Gemeente Testdorp","role":"operator","purpose'
    b'":"coordination","on_behalf_of":null}},"handover":{"_type_":"Handover","_data_":{"to_organisatio'
    b'n":"Veilig Thuis","on":{"_type_":"date_iso","_data_":"2026-11-02"},"warm":true,"notes":null}}}'
)

# Household.RetentionHoldPlaced, originator_version 12
RETENTION_HOLD_PLACED = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-12-02T01:30:00+00:00"},"actor":{"_type_":"A'
    b'ctor","_data_":{"user_id":"op-001","organisation":"Gemeente Testdorp","role":"operator","purpose'
    b'":"coordination","on_behalf_of":null}},"hold":{"_type_":"RetentionHold","_data_":{"hold_id":"r1"'
    b',"law":"Jeugdwet art. 7.3.8","until":{"_type_":"date_iso","_data_":"2046-11-02"},"placed_on":{"_'
    b'type_":"date_iso","_data_":"2026-11-02"}}}}'
)

# Household.Erased, originator_version 3
ERASED = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-12-02T01:30:00+00:00"},"actor":{"_type_":"A'
    b'ctor","_data_":{"user_id":"op-001","organisation":"Gemeente Testdorp","role":"operator","purpose'
    b'":"coordination","on_behalf_of":null}},"erasure":{"_type_":"Erasure","_data_":{"on":{"_type_":"d'
    b'ate_iso","_data_":"2026-11-02"},"reason":"verzoek van Bep Jansen"}}}'
)
