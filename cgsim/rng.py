"""Named random streams for common random numbers (CRN).

Every kind of random decision draws from its own stream, seeded from
(run seed, stream name, week). Draws over residents are always full-length
arrays indexed by resident id, so resident ``i`` gets the same luck for the
same decision in the same week whatever else the scenario does. Two scenarios
that share a seed therefore differ only by their policies, not by noise
(the Starsim/Covasim CRN design, ``../shared/research/policy_abm_anchors.md``).
"""

from __future__ import annotations

import zlib

import numpy as np

#: weeks are offset so that burn-in weeks (negative) and set-up draws get distinct, valid keys
WEEK_OFFSET = 1 << 20
#: the "week" of everything drawn once when the community is built
SETUP = -WEEK_OFFSET


def stream_key(name: str) -> int:
    """A stable 32-bit key for a stream name (independent of PYTHONHASHSEED)."""
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """Factory of independent generators keyed by (seed, stream name, week)."""

    def __init__(self, seed: int):
        self.seed = int(seed) & 0xFFFFFFFFFFFFFFFF

    def gen(self, name: str, week: int = SETUP) -> np.random.Generator:
        """A fresh generator for decision ``name`` in ``week`` (``SETUP`` at build)."""
        return np.random.default_rng([self.seed, stream_key(name), week + WEEK_OFFSET])

    def uniform(self, name: str, week: int, n: int) -> np.ndarray:
        """``n`` uniforms in [0, 1); element ``i`` belongs to resident ``i``."""
        return self.gen(name, week).random(n)
