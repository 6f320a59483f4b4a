"""Access log: the NEN 7513 views over the access records, indexed.

Per household (chronological, by period), per user, per day, per record (a
household's data category; a read's withheld categories with their reasons), and the emergency accesses (break the glass) awaiting
the privacy officer's review (``EmergencyReviewed`` takes one off the list). Rows hold ids and codes only; an emergency's stated
reason is sealed in the ledger and shown from there.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import singledispatchmethod
from typing import Any

import sqlalchemy as sa

from ledger.privacy.access import AccessRecorded, EmergencyReviewed

from .base import Applied, ReadModel, UtcDateTime, metadata

__all__ = ["AccessLog", "awaiting_review", "record", "records", "records_table"]

records_table = sa.Table(
    "view_access_records",
    metadata,
    sa.Column("position", sa.BigInteger, primary_key=True),  # the record's place in the ledger
    sa.Column("record_id", sa.String(36), nullable=False, unique=True),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("household_id", sa.String(36)),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column("on_behalf_of", sa.String(128)),
    sa.Column("organisation", sa.String(200), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("purpose", sa.String(32), nullable=False),
    sa.Column("authorisation", sa.String(200)),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("reason", sa.String(500), nullable=False),  # the policy's words; no personal data
    sa.Column("emergency", sa.Boolean, nullable=False),
    sa.Column("subject_user_id", sa.String(128)),
    sa.Column("needs_review", sa.String(32)),  # besides emergencies: legal_basis, emergency_burst
    sa.Column("review_verdict", sa.String(16)),  # emergencies: the privacy officer's conclusion
    sa.Column("reviewed_by", sa.String(128)),
    sa.Column("reviewed_at", UtcDateTime()),
    # issue 16: the categories a read withheld, each with its reason code ({"costs": "no_consent"}); null: none
    sa.Column("withheld_categories", sa.JSON(none_as_null=True)),
    # The NEN 7513 views page by position (keyset, LIMIT): index each filter with position,
    # so a page is an index range scan, not a filtered walk or a sort (bench.scale, 10M records).
    sa.Index("ix_view_access_household_position", "household_id", "position"),
    sa.Index("ix_view_access_user_position", "user_id", "position"),
    sa.Index("ix_view_access_day_position", "day", "position"),
    sa.Index("ix_view_access_emergency", "emergency", "at"),
    sa.Index("ix_view_access_organisation_position", "organisation", "position"),
)

# The review list (awaiting_review) pages by position over the unreviewed records only: a partial
# index with the query's own condition (SQLite uses it only for the same terms), so a page is a
# range scan however many reviewed or ordinary records the log holds.
_AWAITING = sa.and_(records_table.c.reviewed_at.is_(None),
                    sa.or_(records_table.c.emergency.is_(True), records_table.c.needs_review.is_not(None)))
sa.Index("ix_view_access_awaiting_position", records_table.c.position, sqlite_where=_AWAITING,
         postgresql_where=_AWAITING)

categories_table = sa.Table(
    "view_access_categories",
    metadata,
    sa.Column("position", sa.BigInteger, primary_key=True),
    sa.Column("category", sa.String(32), primary_key=True),
    sa.Column("household_id", sa.String(36)),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Index("ix_view_access_record", "household_id", "category", "at"),
)


_REVIEW = sa.update(records_table).where(records_table.c.record_id == sa.bindparam("record")).values(
    review_verdict=sa.bindparam("verdict"), reviewed_by=sa.bindparam("by"), reviewed_at=sa.bindparam("on"))


class AccessLog(ReadModel):
    """Insert-only but for reviews: rows go straight to the batch's inserts (no per-row lookups)."""

    name = "access_log"
    # 2: emergency review columns; 3: moments read back in UTC; 4: (filter, position) indexes;
    # 5: needs_review (legal bases and emergency bursts on the review list), organisation index;
    # 6: withheld_categories (a read disclosed by category, issue 16); 7: the review list's partial index
    version = 7
    tables = (records_table, categories_table)

    @singledispatchmethod
    def apply(self, event: Any, on: Applied) -> None:
        """Household events are not access records."""

    @apply.register
    def _(self, e: AccessRecorded, on: Applied) -> None:
        record_id, at = str(e.originator_id), e.timestamp
        row = {
            "position": on.position, "record_id": record_id, "at": at, "day": at.date(), "action": e.action,
            "household_id": e.household_id, "user_id": e.user_id, "on_behalf_of": e.on_behalf_of,
            "organisation": e.organisation, "role": e.role, "purpose": e.purpose,
            "authorisation": e.authorisation, "outcome": e.outcome, "reason": e.reason, "emergency": e.emergency,
            "subject_user_id": e.subject_user_id, "needs_review": getattr(e, "needs_review", None),
            "review_verdict": None, "reviewed_by": None, "reviewed_at": None,
            "withheld_categories": getattr(e, "withheld_categories", None) or None,
        }
        on.batch.insert(records_table, row)
        on.batch.local.setdefault("recorded", {})[record_id] = row  # a review may follow in this same batch
        for c in e.data_categories or ():
            on.batch.insert(categories_table, {"position": on.position, "category": c,
                                              "household_id": e.household_id, "at": at})

    @apply.register
    def _(self, e: EmergencyReviewed, on: Applied) -> None:
        pending = on.batch.local.get("recorded", {}).get(e.record_id)
        if pending is not None:  # recorded in this batch: not in the table yet
            pending.update(review_verdict=e.verdict, reviewed_by=e.reviewer_id, reviewed_at=e.timestamp)
        else:
            on.batch.later(_REVIEW, {"record": e.record_id, "verdict": e.verdict, "by": e.reviewer_id,
                                     "on": e.timestamp})


def awaiting_review(conn: sa.Connection, limit: int = 1000, organisation: str | None = None,
                    after: int = 0) -> list[dict[str, Any]]:
    """Records the privacy officer has not reviewed yet (emergency accesses, legal bases), oldest first.

    ``after`` pages by position (keyset, on the partial index ``ix_view_access_awaiting_position``);
    ``organisation``: only the records of that organisation's staff (a partner's privacy officer).
    """
    r = records_table
    q = sa.select(r).where(_AWAITING, r.c.position > after).order_by(r.c.position).limit(limit)
    if organisation is not None:
        q = q.where(r.c.organisation == organisation)
    return [dict(row._mapping) for row in conn.execute(q)]


def record(conn: sa.Connection, record_id: str, organisation: str | None = None) -> dict[str, Any] | None:
    """One access record by its id, with its data categories (``organisation``: only that organisation's staff's)."""
    r = records_table
    q = sa.select(r).where(r.c.record_id == record_id[:36])
    if organisation is not None:
        q = q.where(r.c.organisation == organisation)
    found = conn.execute(q).first()
    if found is None:
        return None
    row = dict(found._mapping)
    row["data_categories"] = sorted(conn.execute(sa.select(categories_table.c.category)
                                                 .where(categories_table.c.position == row["position"])).scalars())
    return row


def records(
    conn: sa.Connection, *, household_id: str | None = None, user_id: str | None = None,
    day: date | None = None, category: str | None = None, emergency: bool | None = None,
    since: datetime | None = None, until: datetime | None = None, limit: int = 1000, after: int = 0,
    organisation: str | None = None,
) -> list[dict[str, Any]]:
    """Access records, oldest first, by any of the four NEN 7513 views; ``after`` pages by position.

    ``organisation``: only the records of that organisation's staff (a partner's privacy officer's scope).
    """
    r = records_table
    q = sa.select(r).where(r.c.position > after).order_by(r.c.position).limit(limit)
    if organisation is not None:
        q = q.where(r.c.organisation == organisation)
    if household_id is not None:
        q = q.where(r.c.household_id == household_id)
    if user_id is not None:
        q = q.where(r.c.user_id == user_id)
    if day is not None:
        q = q.where(r.c.day == day)
    if emergency is not None:
        q = q.where(r.c.emergency == emergency)
    if since is not None:
        q = q.where(r.c.at >= since)
    if until is not None:
        q = q.where(r.c.at <= until)
    if category is not None:
        q = q.where(r.c.position.in_(sa.select(categories_table.c.position)
                                     .where(categories_table.c.category == category)))
    rows = [dict(row._mapping) for row in conn.execute(q)]
    if rows:
        cats: dict[int, list[str]] = {}
        positions = [row["position"] for row in rows]
        for pos, cat in conn.execute(sa.select(categories_table.c.position, categories_table.c.category)
                                     .where(categories_table.c.position.in_(positions))):
            cats.setdefault(pos, []).append(cat)
        for row in rows:
            row["data_categories"] = sorted(cats.get(row["position"], []))
    return rows
