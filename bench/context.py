"""What every benchmark gets: the backend, the sizes, the bench ledger, the workload, a profiler."""

from __future__ import annotations

import cProfile
import io
import pstats
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ledger.bootstrap import Ledger
from ledger.presenters import plain

from .backends import Backend
from .workload import CaseWork

__all__ = ["Context", "Profiles", "Sizes", "FULL", "QUICK", "to_plain"]


@dataclass(frozen=True)
class Sizes:
    households: int  # demo households in the base store (the scans run over all of it)
    command_households: int  # bench households the command rounds go round
    command_start_events: int  # their length before the first round
    commands_per_round: int
    command_rounds: int  # measured rounds (one more, unmeasured, warms up)
    load_households: int  # 50-event households per variant (with / without snapshot)
    load_ops: int  # loads per variant (each timed on its own)
    rebuild_repeats: int
    verify_repeats: int
    http_households: int = 2  # bench households the HTTP clients go round
    http_start_events: int = 30  # the shortest one's length; the others spread over one snapshot interval
    http_seconds: float = 0.3  # one variant's share of a round
    http_rounds: int = 1  # measured rounds (one more, shorter, warms up)
    http_stock_rounds: int = 0  # rounds on a second server with --loop asyncio --http h11 (0: none)


QUICK = Sizes(households=6, command_households=4, command_start_events=14, commands_per_round=12, command_rounds=1,
              load_households=2, load_ops=10, rebuild_repeats=1, verify_repeats=1,
              http_households=2, http_start_events=14, http_seconds=0.3, http_rounds=1, http_stock_rounds=0)
FULL = Sizes(households=600, command_households=40, command_start_events=30, commands_per_round=200,
             command_rounds=5, load_households=10, load_ops=300, rebuild_repeats=3, verify_repeats=5,
             http_households=20, http_start_events=30, http_seconds=5.0, http_rounds=5, http_stock_rounds=2)


class Profiles:
    """cProfile per benchmark, for the ledger's side only; off unless ``--profile`` is given."""

    def __init__(self, out_dir: Path | None) -> None:
        self.out_dir = out_dir
        self._profiles: dict[str, cProfile.Profile] = {}

    @property
    def enabled(self) -> bool:
        return self.out_dir is not None

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        if self.out_dir is None:
            yield
            return
        profile = self._profiles.setdefault(name, cProfile.Profile())
        profile.enable()
        try:
            yield
        finally:
            profile.disable()

    def dump(self) -> list[Path]:
        if self.out_dir is None:
            return []
        self.out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name, profile in self._profiles.items():
            written.append(write_profile(profile, self.out_dir / name))
        return written


def write_profile(profile: cProfile.Profile | pstats.Stats, stem: Path, top: int = 35) -> Path:
    """``stem.prof`` (for snakeviz and friends) and ``stem.txt`` (top by cumulative and by own time)."""
    stats = profile if isinstance(profile, pstats.Stats) else pstats.Stats(profile)
    stats.dump_stats(str(stem) + ".prof")
    text = io.StringIO()
    for order in ("cumulative", "tottime"):
        pstats.Stats(str(stem) + ".prof", stream=text).strip_dirs().sort_stats(order).print_stats(top)
    path = Path(str(stem) + ".txt")
    path.write_text(text.getvalue())
    return path


@dataclass
class Context:
    backend: Backend
    sizes: Sizes
    ledger: Ledger  # wall clock, snapshots every 50 events: as the service runs
    work: CaseWork
    profiles: Profiles
    base_events: int = 0  # household events the demo wrote
    notes: list[str] = field(default_factory=list)


def to_plain(obj: Any) -> Any:
    """A decoded ledger value in plain JSON types (personal values in the clear): the CLI's and API's own."""
    return plain(obj)
