"""The ZRM (Zelfredzaamheid-Matrix) instruments: the ZRM part of :mod:`.instruments`.

Kept so earlier importers read on: ``INSTRUMENTS`` here holds the two ZRM versions
(``2013``, ``2017``), and ``MIN_SCORE``/``MAX_SCORE`` their scale (1 to 5). Every
instrument, the ZRM's included, is declared once, in :mod:`.instruments`.
"""

from __future__ import annotations

from .instruments import ZRM_INSTRUMENTS as INSTRUMENTS
from .instruments import Instrument

__all__ = ["INSTRUMENTS", "MAX_SCORE", "MIN_SCORE", "Instrument"]

MIN_SCORE, MAX_SCORE = 1, 5
