"""Reports from the ledger's bitemporal facts: pseudonymous aggregates for evaluators (docs/evaluation.md).

``evaluation.py`` computes the figures from the live facts masked to (as_of, known_at)
(``facts_as_of.py``); ``replay.py`` and ``reference.py`` are the reference they must equal;
``disclosure.py`` withholds what could single out a household, ``render_html.py`` and
``render_csv.py`` present them; ``series.py`` gives the headline figures at a series of dates,
``trends.py`` draws them. Reports sit between the interfaces (API, CLI) and the
projections: they read views and the application, never the other way round.
"""

from __future__ import annotations

from .evaluation import ACTION, evaluation_report
from .facts_as_of import facts_as_of
from .labels import LANGS, Lang
from .reference import reference_figures
from .render_csv import render_csv
from .render_html import render_html, render_series_html
from .series import evaluation_series
from .trends import render_series_csv

__all__ = ["ACTION", "LANGS", "Lang", "evaluation_report", "evaluation_series", "facts_as_of", "reference_figures",
           "render_csv", "render_html", "render_series_csv", "render_series_html"]
