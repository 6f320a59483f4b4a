"""Issue 15's two resources over real HTTP, on SQLite and PostgreSQL: orientation talks and plan meetings.

``POST …/orientation-talks`` and ``POST …/plan-meetings``: 201 with the new version, the item id and
``Ledger-Position`` (a read with ``minPosition`` then shows the item, 200); an outsider is refused 403; a
malformed body is 400 and a rule of the case 422, each as problem+json.
"""

from __future__ import annotations

from uuid import UUID

from conftest import Api
from ledger.bootstrap import build
from test_api_http import client, is_problem, refer


def test_an_orientation_talk_then_coordination_then_intake_and_a_plan_meeting(api: Api) -> None:
    """Coordination decided after a talk only (no intake), the intake after it, then the plan meeting."""
    c = client(api)
    hid, v = refer(c)
    base = f"/v1/households/{hid}"
    talk = c.post(f"{base}/orientation-talks", json={"held_with": "professionals", "notes": "Overleg met de school"},
                  headers={"If-Match": f'"{v}"'})
    assert talk.status_code == 201, talk.text
    assert talk.headers["etag"] == f'"{v + 1}"' and talk.json()["item_id"]
    position = int(talk.headers["ledger-position"])
    plan = c.get(f"{base}/plan", params={"minPosition": position})  # read-your-writes at the talk's position
    assert plan.status_code == 200 and plan.json()["phase"] == "referred", plan.text
    with build(api.store.settings()) as ledger:  # the stored talk, as the service wrote it
        h = ledger.app.repository.get(UUID(hid))
        talks = h.orientation_talks or {}
        assert list(talks) == [talk.json()["item_id"]]
        t = talks[talk.json()["item_id"]]
        assert (t.held_with, t.on, t.notes.value) == ("professionals", h.referral.on, "Overleg met de school")

    decided = c.post(f"{base}/coordination-decisions", json={"outcome": "broker_coordinates"},
                     headers={"If-Match": f'"{v + 1}"'})
    assert decided.status_code == 201, decided.text
    early = c.post(f"{base}/plan-meetings", json={"scheduled_for": "2099-01-01"}, headers={"If-Match": f'"{v + 2}"'})
    is_problem(early, 422, "intake-required")  # the plan meeting waits for the integral intake
    intake = c.post(f"{base}/intakes", json={"domains_discussed": ["housing"]}, headers={"If-Match": f'"{v + 2}"'})
    assert intake.status_code == 201, intake.text
    meeting = c.post(f"{base}/plan-meetings", json={"scheduled_for": "2099-01-01"}, headers={"If-Match": f'"{v + 3}"'})
    assert meeting.status_code == 201, meeting.text
    assert meeting.headers["etag"] == f'"{v + 4}"' and int(meeting.headers["ledger-position"]) > position
    plan = c.get(f"{base}/plan", params={"minPosition": int(meeting.headers["ledger-position"])})
    assert plan.status_code == 200, plan.text
    with build(api.store.settings()) as ledger:
        meetings = ledger.app.repository.get(UUID(hid)).plan_meetings or {}
        assert [m.scheduled_for.isoformat() for m in meetings.values()] == ["2099-01-01"]


def test_coordination_without_a_talk_or_an_intake_is_refused_with_its_own_code(api: Api) -> None:
    c = client(api)
    hid, v = refer(c)
    is_problem(c.post(f"/v1/households/{hid}/coordination-decisions", json={"outcome": "not_needed"},
                      headers={"If-Match": f'"{v}"'}), 422, "orientation-or-intake-required")


def test_an_outsider_is_refused_and_bad_bodies_are_problems(api: Api) -> None:
    c = client(api)
    hid, v = refer(c)
    base = f"/v1/households/{hid}"
    version = {"If-Match": f'"{v}"'}
    outsider = client(api, "stranger")
    is_problem(outsider.post(f"{base}/orientation-talks", json={"held_with": "household"}, headers=version),
               403, "access-denied")
    is_problem(outsider.post(f"{base}/plan-meetings", json={"scheduled_for": "2099-01-01"}, headers=version),
               403, "access-denied")
    bad = is_problem(c.post(f"{base}/orientation-talks", json={"held_with": "neighbour"}, headers=version),
                     400, "invalid-request")
    assert {p["name"] for p in bad["invalidParams"]} == {"held_with"}
    is_problem(c.post(f"{base}/orientation-talks", json={}, headers=version), 400, "invalid-request")
    is_problem(c.post(f"{base}/plan-meetings", json={"scheduled_for": "not a date"}, headers=version),
               400, "invalid-request")
    c.post(f"{base}/intakes", json={"domains_discussed": ["housing"]}, headers=version).raise_for_status()
    before = c.post(f"{base}/plan-meetings", json={"scheduled_for": "2000-01-01"}, headers={"If-Match": f'"{v + 1}"'})
    is_problem(before, 400, "invalid-period")  # scheduled for a day before it is scheduled (today)
