"""``python -m bench.list_scale --households 400 6400 [--backend sqlite|postgres] [--out FILE]``.

Issue 16's list target: a page of 100 of the caseload list (``GET /v1/households``, served by
``ReadSide.households`` from the household-list view) costs the same at 400 and at 6,400
households (ratio <= 1.2).

Per size, one fresh store whose household-list view holds ``households`` synthetic lines (ids,
codes and dates only, as the view holds them; written straight into the view's tables, since
filling 6,400 households through the commands would take half an hour here and the page's cost
depends only on those tables). Every reader sees the same number of households (``--visible``,
default 110: a full page and a second one) at every size, scattered at random among the
others, so what grows is only what the query must *not* return:

* **operator**: every household (the first ``visible``: the page is the index's first rows);
* **director**: a consultant who directs ``visible`` households (others have 50 other directors);
* **intake**: a consultant of the municipality, ``visible`` households without a director addressed to it;
* **involved**: a professional involved (by user id) in ``visible + 30`` households of which
  ``visible`` carry a consent covering ``composition`` for their organisation; among the others,
  an organisation is involved without consent in every third.

Timed, for each reader, pages 1 and 2 (keyset from page 1), ``--repeat`` times alternating the
readers (the median counts): the **query** alone (``household_list.page``, one connection) and
the whole **read** (``ReadSide.households``: the access record saved, the wait until the view
holds it, the query), with the views' follower running as in the service. Reported: the
medians per size and, per reader, the ratio of the largest size to the smallest.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ledger.aggregates import Actor
from ledger.bootstrap import build
from ledger.config import Settings
from ledger.projections import household_list as hl

from .backends import PostgresServer
from .workload import OPERATOR, ORGANISATION

__all__ = ["main", "run"]

PAGE = 100
TARGET = 1.2
DIRECTOR = Actor("bench-director", "wijkteam", "consultant")
INTAKE = Actor("bench-intake", ORGANISATION, "consultant")
INVOLVED = Actor("bench-involved", "ggz", "professional")
READERS = {"operator": OPERATOR, "director": DIRECTOR, "intake": INTAKE, "involved": INVOLVED}


def _fill(engine: sa.Engine, households: int, visible: int, seed: int) -> dict[str, int]:
    """Synthetic lines: ``visible`` households for each reader, scattered among the rest."""
    rng = random.Random(seed)
    kinds = ["director"] * visible + ["intake"] * visible + ["involved"] * visible + ["involved-no-consent"] * 30
    if len(kinds) > households:
        raise SystemExit(f"--households {households} is too small for --visible {visible} ({len(kinds)} needed)")
    kinds += ["other"] * (households - len(kinds))
    rng.shuffle(kinds)
    base, day = 1_000_000_000, date(2026, 1, 1)  # positions past any real one; the view orders by them
    lines, involvements, consents = [], [], []
    for n, kind in enumerate(kinds):
        hid, position = str(uuid.UUID(int=rng.getrandbits(128))), base + n
        director = {"director": DIRECTOR.user_id, "intake": None}.get(kind, f"bench-d-{n % 50}")
        lines.append({
            "household_id": hid, "position": position, "version": 12, "phase": rng.choice(hl.PHASES[:4]),
            "referred_on": day - timedelta(days=n % 700), "intake_on": None, "coordination_on": None, "goals": 0,
            "closed_on": None, "aftercare_until": None, "addressed_to": "",
            "director": director, "director_organisation": None if director is None else "wijkteam",
            "intake_org": "" if director is None else None, "erased": False})
        if kind.startswith("involved"):
            involvements.append({"household_id": hid, "involvement_id": "i1", "position": position,
                                 "organisation": INVOLVED.organisation, "worker_id": INVOLVED.user_id, "active": True})
        elif n % 3 == 0:
            involvements.append({"household_id": hid, "involvement_id": "i1", "position": position,
                                 "organisation": "ggd", "worker_id": None, "active": True})
        for organisation in ([INVOLVED.organisation] if kind == "involved" else []) + ["ggd"] * (n % 2):
            consents.append({"household_id": hid, "consent_id": "c1", "organisation": organisation,
                             "category": "composition", "purpose": "coordination", "valid_from": day,
                             "valid_until": None, "withdrawn_on": None})
    with engine.begin() as conn:
        for table, rows in ((hl.households_table, lines), (hl.involvements_table, involvements),
                            (hl.consents_table, consents)):
            for i in range(0, len(rows), 1000):
                conn.execute(sa.insert(table), rows[i:i + 1000])
        conn.exec_driver_sql("ANALYZE")  # the planner's statistics, as a long-running store has them
    return {"lines": len(lines), "involvements": len(involvements), "consents": len(consents)}


def _query(engine: sa.Engine, today: date, actor: Actor, after: int) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return hl.page(conn, user_id=actor.user_id, organisation=actor.organisation, role=actor.role,
                       purpose=actor.purpose, today=today, municipality=ORGANISATION, after=after, limit=PAGE + 1)


def run_size(households: int, visible: int, seed: int, repeat: int, server: PostgresServer | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-list-scale-") as root:
        url = server.database(f"list_scale_{households}") if server is not None else None
        settings = Settings(data_dir=Path(root), database_url=url, organisation=ORGANISATION, log_level="warning")
        with build(settings) as ledger:
            views, side, today = ledger.views, ledger.read_side, ledger.app.today()
            views.catch_up()
            filled = _fill(views.engine, households, visible, seed)
            stop = threading.Event()
            follower = threading.Thread(target=views.run, args=(stop,), daemon=True)
            follower.start()
            try:
                query: dict[str, list[float]] = {name: [] for name in READERS}
                read: dict[str, list[float]] = {name: [] for name in READERS}
                seen: dict[str, int] = {}
                for _ in range(repeat + 1):  # the first round warms up
                    for name, actor in READERS.items():
                        t0 = time.perf_counter()
                        first = _query(views.engine, today, actor, 0)
                        if len(first) > PAGE:
                            _query(views.engine, today, actor, first[PAGE - 1]["position"])
                        query[name].append(time.perf_counter() - t0)
                        t0 = time.perf_counter()
                        page1 = side.households(actor, limit=PAGE + 1)
                        page2 = side.households(actor, after=page1[PAGE - 1]["position"], limit=PAGE + 1) \
                            if len(page1) > PAGE else []
                        read[name].append(time.perf_counter() - t0)
                        seen[name] = len(page1[:PAGE]) + len(page2[:PAGE])
            finally:
                stop.set()
                follower.join(timeout=10)
    return {
        "households": households, **filled, "seen_in_two_pages": seen,
        "query_ms": {n: round(statistics.median(v[1:]) * 1000, 2) for n, v in query.items()},
        "read_ms": {n: round(statistics.median(v[1:]) * 1000, 2) for n, v in read.items()},
    }


def run(households: list[int], backend: str, visible: int, seed: int, repeat: int) -> dict[str, Any]:
    server = PostgresServer(Path(tempfile.mkdtemp(prefix="bench-list-scale-pg-"))) if backend == "postgres" else None
    try:
        sizes = [run_size(n, visible, seed, repeat, server) for n in households]
        version = server.version() if server is not None else None
    finally:
        if server is not None:
            server.stop()
    small, large = sizes[0], sizes[-1]
    ratios = {kind: {n: round(large[f"{kind}_ms"][n] / small[f"{kind}_ms"][n], 2) for n in READERS}
              for kind in ("query", "read")}
    return {
        "bench": "list_scale", "backend": backend, "postgres_version": version, "seed": seed, "repeat": repeat,
        "page": PAGE, "visible": visible, "python": platform.python_version(), "machine": platform.machine(),
        "sizes": sizes, "ratio_largest_to_smallest": ratios, "target_ratio": TARGET,
        "met": all(r <= TARGET for kind in ratios.values() for r in kind.values()),
        "timed": "pages 1 and 2 of 100 (limit 101: the extra line says there is more), per reader",
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.list_scale")
    parser.add_argument("--households", type=int, nargs="+", default=[400, 6400])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--visible", type=int, default=110, help="households each reader sees, at every size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=15, help="timed rounds (the median counts)")
    parser.add_argument("--out", type=Path, help="write the result as JSON")
    args = parser.parse_args()
    result = run(args.households, args.backend, args.visible, args.seed, args.repeat)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    for kind, ratios in result["ratio_largest_to_smallest"].items():
        print(f"{kind}: {args.households[-1]} vs {args.households[0]} households: "
              + ", ".join(f"{n} {r}x" for n, r in ratios.items()) + f" (target <= {TARGET}x)", file=sys.stderr)


if __name__ == "__main__":
    main()
