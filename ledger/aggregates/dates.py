"""Calendar arithmetic the domain needs (pure).

One rule for years: a date moved by whole years keeps its day, except 29 February,
which becomes 28 February in a common year. Retention periods, the two-year cost
baseline and the demo's birth dates all count years this way.
"""

from __future__ import annotations

from datetime import date

__all__ = ["add_years"]


def add_years(day: date, years: int) -> date:
    """``day`` moved by ``years`` (negative: back); 29 February into a common year gives 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)
