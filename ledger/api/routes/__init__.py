"""The API's routers, one per resource (``main.py`` includes each module's ``router``).

- ``households``: my caseload, a household's state, history, plan and involved parties (reads)
- ``commands``: the referral and one POST/PUT per command of the action vocabulary
- ``privacy``: the access log, emergency reviews, access requests, the AVG export
- ``audit``: the signed digest and the verification
- ``reports``: the evaluation report
- ``report_series``: the report's headline figures at a series of dates
- ``directory``: who I am, the organisation register
- ``caseloads``: active households per case director or organisation

``common`` holds what they share (problem responses, parameters, idempotent writes, pages).
"""

from . import audit, caseloads, commands, directory, households, privacy, report_series, reports

__all__ = ["audit", "caseloads", "commands", "directory", "households", "privacy", "report_series", "reports"]
