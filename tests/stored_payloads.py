"""Stored payloads exactly as earlier releases wrote them, for the upcaster tests.

Never edit one: each is the evidence that an old ledger still replays. Add the
payloads of the version an upcaster starts from whenever a ``class_version`` is
bumped (docs/architecture.md, "Event schema changes (upcasting)").

Release 64cf415 (InvolvementEnded version 1, Household state version 1) recorded
these when the operator ``op-001`` referred one adult (name sealed), started a
volunteer involvement ``inv00000v1a1`` on 2025-06-01 and ended it on 2025-06-02,
with the clock at 2025-06-03 09:30 UTC; then a snapshot was taken at version 3.
No compressor or cipher was configured. The two events hold no personal data, so
they fit any household; the snapshot's ``__sealed__`` blob holds the member's
name (``V1_SEALED_VALUES``) under that run's key, so a test seals it again under
its own household's key.
"""

from __future__ import annotations

V1_TOPIC_INVOLVEMENT_STARTED = "ledger.aggregates.household:Household.InvolvementStarted"
V1_TOPIC_INVOLVEMENT_ENDED = "ledger.aggregates.household:Household.InvolvementEnded"
V1_TOPIC_SNAPSHOT = "ledger.aggregates.household:Household.Snapshot"
V1_INVOLVEMENT_ID = "inv00000v1a1"
V1_SEALED_VALUES = ["Bep"]

# originator_version 2
V1_INVOLVEMENT_STARTED = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2025-06-03T09:30:00+00:00"},"actor":{"_type_":"A'
    b'ctor","_data_":{"user_id":"op-001","organisation":"Gemeente Testdorp","role":"operator","purpose'
    b'":"coordination","on_behalf_of":null}},"involvement":{"_type_":"Involvement","_data_":{"involvem'
    b'ent_id":"inv00000v1a1","kind":"volunteer","organisation":"Humanitas","discipline":"thuisadminist'
    b'ratie","started_on":{"_type_":"date_iso","_data_":"2025-06-01"},"worker_id":null,"contact_name":'
    b'null,"ended_on":null}}}'
)

# originator_version 3
V1_INVOLVEMENT_ENDED = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2025-06-03T09:30:00+00:00"},"actor":{"_type_":"A'
    b'ctor","_data_":{"user_id":"op-001","organisation":"Gemeente Testdorp","role":"operator","purpose'
    b'":"coordination","on_behalf_of":null}},"involvement_id":"inv00000v1a1","on":{"_type_":"date_iso"'
    b',"_data_":"2025-06-02"}}'
)

# the snapshot at originator_version 3
V1_SNAPSHOT = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-11-23T14:48:59.294620+00:00"},"topic":"ledg'
    b'er.aggregates.household:Household","state":{"_created_on":{"_type_":"datetime_iso","_data_":"202'
    b'5-06-03T09:30:00+00:00"},"_modified_on":{"_type_":"datetime_iso","_data_":"2025-06-03T09:30:00+0'
    b'0:00"},"referral":{"_type_":"Referral","_data_":{"sources":["wmo_desk"],"on":{"_type_":"date_iso'
    b'","_data_":"2025-06-01"},"members":[{"_type_":"Member","_data_":{"member_id":"m1","role":"adult"'
    b',"name":{"_type_":"sealed","_data_":0},"bsn":null,"birth_date":null,"phone":null,"email":null}}]'
    b',"address":null,"composition":"single_adult","adults":1,"children":0,"reason":null}},"referred_b'
    b'y":{"_type_":"Actor","_data_":{"user_id":"op-001","organisation":"Gemeente Testdorp","role":"ope'
    b'rator","purpose":"coordination","on_behalf_of":null}},"intake":null,"coordination":null,"case_di'
    b'rector":null,"consents":{},"zrm":{},"goals":{},"actions":{},"involvements":{"inv00000v1a1":{"_ty'
    b'pe_":"Involvement","_data_":{"involvement_id":"inv00000v1a1","kind":"volunteer","organisation":"'
    b'Humanitas","discipline":"thuisadministratie","started_on":{"_type_":"date_iso","_data_":"2025-06'
    b'-01"},"worker_id":null,"contact_name":null,"ended_on":{"_type_":"date_iso","_data_":"2025-06-02"'
    b'}}}},"evaluations":{},"escalations":{},"costs":{},"handovers":{},"retention_holds":{},"drop_out"'
    b':null,"closure":null,"erasure":null},"__sealed__":"me3IJeT6KNMaBE/2RHPQOnuis/wpIGt7brSzylqU41zHZ'
    b'no="}'
)


# Release 68bd1b4 (before issue 15): ``Referral.composition`` held the kinds single_adult, couple,
# single_parent, two_parents, other. Recorded through that release's application (sealing mapper, a
# temporary SQLite store, clock at 2026-12-02 12:00 UTC) by the operator ``op-001``: one adult with a
# child (``single_parent``) and two adults with a child (``two_parents``), originator version 1 each.
# Names are sealed (``__sealed__``, under that run's key): these decode with sealed references only.
R68_TOPIC_REFERRED = "ledger.aggregates.household:Household.Referred"

R68_REFERRED_SINGLE_PARENT = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-12-02T12:00:00+00:00"},"originator_topic":"'
    b'ledger.aggregates.household:Household","actor":{"_type_":"Actor","_data_":{"user_id":"op-001","o'
    b'rganisation":"gemeente-testdorp","role":"operator","purpose":"coordination","on_behalf_of":null}'
    b'},"referral":{"_type_":"Referral","_data_":{"sources":["wmo_desk"],"on":{"_type_":"date_iso","_d'
    b'ata_":"2026-11-02"},"members":[{"_type_":"Member","_data_":{"member_id":"m1","role":"adult","nam'
    b'e":{"_type_":"sealed","_data_":0},"bsn":null,"birth_date":null,"phone":null,"email":null}},{"_ty'
    b'pe_":"Member","_data_":{"member_id":"m2","role":"child","name":{"_type_":"sealed","_data_":1},"b'
    b'sn":null,"birth_date":null,"phone":null,"email":null}}],"address":null,"composition":"single_par'
    b'ent","adults":1,"children":1,"reason":null,"addressed_to":"gemeente-testdorp"}},"__sealed__":"WA'
    b'ItANUqyJgySbbOBVMuQrtDo0FVe5YQjg1gDIB7SI9tK7L9Lp+ruAXTlw=="}'
)

R68_REFERRED_TWO_PARENTS = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-12-02T12:00:00+00:00"},"originator_topic":"'
    b'ledger.aggregates.household:Household","actor":{"_type_":"Actor","_data_":{"user_id":"op-001","o'
    b'rganisation":"gemeente-testdorp","role":"operator","purpose":"coordination","on_behalf_of":null}'
    b'},"referral":{"_type_":"Referral","_data_":{"sources":["social_work"],"on":{"_type_":"date_iso",'
    b'"_data_":"2026-11-03"},"members":[{"_type_":"Member","_data_":{"member_id":"m1","role":"adult","'
    b'name":{"_type_":"sealed","_data_":0},"bsn":null,"birth_date":null,"phone":null,"email":null}},{"'
    b'_type_":"Member","_data_":{"member_id":"m2","role":"adult","name":{"_type_":"sealed","_data_":1}'
    b',"bsn":null,"birth_date":null,"phone":null,"email":null}},{"_type_":"Member","_data_":{"member_i'
    b'd":"m3","role":"child","name":{"_type_":"sealed","_data_":2},"bsn":null,"birth_date":null,"phone'
    b'":null,"email":null}}],"address":null,"composition":"two_parents","adults":2,"children":1,"reaso'
    b'n":null,"addressed_to":"gemeente-testdorp"}},"__sealed__":"VAwKH40jFutJSD6I5GNL4jpwGJOQWAUh3LGdm'
    b'4INXCUFeUwl/MyGiAV4WVhMRkwo"}'
)
