"""Named random streams for common random numbers (CRN).

Every kind of random decision draws from its own stream, positioned by
(run seed, stream name, week). Draws over residents are always full-length
arrays indexed by resident id, so resident ``i`` gets the same luck for the
same decision in the same week whatever else the scenario does. Two scenarios
that share a seed therefore differ only by their policies, not by noise
(the Starsim/Covasim CRN design, ``../shared/research/policy_abm_anchors.md``).

Cheap positioning: each stream name has one counter-based ``Philox`` generator, created once.
``gen(name, week)`` sets its 128-bit key from a BLAKE2b hash of (seed, stream name, week) and its counter
to zero, which costs a fifth of seeding a fresh generator from a ``SeedSequence`` (and avoids its
``np.errstate``). The draws of a stream in a week therefore depend on (seed, name, week) only, never on
what other streams drew or in which order.

Things that are not residents (open issues, tie lapses, resident groups) get *keyed* draws:
``keyed_uniform(name, week, keys)`` gives each element a uniform that is a pure function of (seed, name,
week, its key), a SplitMix64 hash (Steele, Lea & Flood 2014) of a stable identity such as an issue's
(week, building, origin, ordinal) or a tie's pair of ends. So an issue or tie present in two scenarios gets
the same luck in both, whatever else either scenario opened, settled, made or cut (in the spirit of
Starsim's pairwise draws, which combine the two agents' own random numbers rather than take them in order).
"""

from __future__ import annotations

import hashlib
import math
import struct
import sys
import zlib

import numpy as np

#: weeks are offset so that burn-in weeks (negative) and set-up draws get distinct, valid keys
WEEK_OFFSET = 1 << 20
#: the "week" of everything drawn once when the community is built
SETUP = -WEEK_OFFSET

_PACK = struct.Struct("<QIq").pack
_UNPACK = struct.Struct("<4Q").unpack
_ZEROS4 = (0, 0, 0, 0)
#: numpy's float32 uniform is (next 32 bits >> 8) * 2**-24; Philox's next 32 bits are the low, then the high
#: half of its next 64-bit word, which is what a little-endian uint32 view of its raw words gives
_RAW_FLOAT32 = sys.byteorder == "little"
_TWO_M24 = np.float32(2.0 ** -24)
_BLAKE = hashlib.blake2b(digest_size=32, person=b"cgsim-crn")
#: SplitMix64's increment and output multipliers
_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TWO_M53 = 2.0 ** -53


def mix64(z: np.ndarray) -> np.ndarray:
    """SplitMix64's output function on uint64 ``z`` (a bijection; modular arithmetic), in place."""
    z ^= z >> _S30
    z *= _M1
    z ^= z >> _S27
    z *= _M2
    z ^= z >> _S31
    return z


def combine_keys(*parts: np.ndarray) -> np.ndarray:
    """One 64-bit identity from several integer arrays (broadcast), e.g. (week, building, ordinal) of an issue:
    each part is folded in by a SplitMix64 round, so distinct tuples collide with probability about 2**-64."""
    shape = np.broadcast_shapes(*(np.shape(x) for x in parts))
    z = np.zeros(shape, np.uint64).reshape(-1)  # at least 1-d: numpy scalars would not be mixed in place
    for x in parts:
        z += np.broadcast_to(np.asarray(x, np.int64), shape).reshape(-1).astype(np.uint64)  # negatives wrap
        z += _GAMMA
        mix64(z)
    return z.reshape(shape)


def stream_key(name: str) -> int:
    """A stable 32-bit key for a stream name (independent of PYTHONHASHSEED)."""
    return zlib.crc32(name.encode("utf-8"))


def stream_key128(seed: int, key: int, week: int) -> tuple[int, int]:
    """The 128-bit Philox key of stream ``key`` in ``week`` (a pure function of its arguments): two words of
    a 256-bit BLAKE2b hash of (seed, stream key, week). This exact derivation was checked against the former
    SeedSequence streams over 120 seeds (survey figures within seed noise); changing it changes every draw."""
    h = _BLAKE.copy()  # a copy of the configured hasher: cheaper than configuring one per call
    h.update(_PACK(seed, key, week + WEEK_OFFSET))
    _, b, _, d = _UNPACK(h.digest())
    return b, d | 1


class Streams:
    """Generators keyed by (seed, stream name, week).

    ``gen(name, week)`` returns the stream's generator positioned at the start of that week's draws.
    The object is reused: it stays valid until the next ``gen`` call for the same name, so draw from it
    right away (as every caller does) rather than keeping it across calls.
    """

    def __init__(self, seed: int):
        self.seed = int(seed) & 0xFFFFFFFFFFFFFFFF
        self._gens: dict[str, tuple[int, np.random.Generator, np.random.Philox]] = {}
        self._state = {"bit_generator": "Philox", "state": {"counter": _ZEROS4, "key": (0, 1)},
                       "buffer": _ZEROS4, "buffer_pos": 4, "has_uint32": 0, "uinteger": 0}

    def gen(self, name: str, week: int = SETUP) -> np.random.Generator:
        """The generator of decision ``name`` in ``week`` (``SETUP`` at build), at its first draw."""
        entry = self._gens.get(name)
        if entry is None:
            bg = np.random.Philox(0)
            entry = self._gens[name] = (stream_key(name), np.random.Generator(bg), bg)
        key, g, bg = entry
        # plain ints: the state setter reads them element by element, much faster than from numpy arrays;
        # the setter copies what it reads, so one state dict serves every call
        st = self._state
        st["state"]["key"] = stream_key128(self.seed, key, week)
        bg.state = st
        return g

    def uniform32(self, name: str, week: int, size: int | tuple) -> np.ndarray:
        """``gen(name, week).random(size, dtype=np.float32)``, bit for bit, from the raw 64-bit words (numpy's
        per-element float32 path costs about half as much again). A new array."""
        g = self.gen(name, week)
        if not _RAW_FLOAT32:
            return g.random(size, dtype=np.float32)
        k = math.prod(size) if isinstance(size, (tuple, list)) else int(size)
        u = g.bit_generator.random_raw((k + 1) // 2).view(np.uint32)
        u >>= 8
        out = u.view(np.float32)
        np.multiply(u, _TWO_M24, out=out, dtype=np.float32)  # exact: integers below 2**24 times a power of two
        return out[:k].reshape(size)

    def keyed_uniform(self, name: str, week: int, keys: np.ndarray, per_key: int | None = None) -> np.ndarray:
        """One float64 uniform in [0, 1) per element of ``keys`` (uint64 identities, e.g. from
        ``combine_keys``), a pure function of (seed, name, week, key): the same key gets the same draw
        whichever other keys are drawn with it, or in which order. With ``per_key`` = m, an (m, len(keys))
        array: m independent draws per key (row j is the key's j-th draw)."""
        k0, k1 = stream_key128(self.seed, stream_key(name), week)
        shape = np.shape(keys)
        z = np.array(keys, np.uint64).reshape(-1)  # a 1-d copy: a single key (0-d) is mixed like any other
        z ^= np.uint64(k0)
        z += np.uint64(k1)
        mix64(z)
        if per_key is not None:
            z = z + (np.arange(1, per_key + 1, dtype=np.uint64) * _GAMMA)[:, None]
            shape = (per_key, *shape)
        else:
            z += _GAMMA
        mix64(z)
        return ((z >> _S11).astype(np.float64) * _TWO_M53).reshape(shape)

    def uniform(self, name: str, week: int, n: int) -> np.ndarray:
        """``n`` uniforms in [0, 1); element ``i`` belongs to resident ``i``."""
        return self.gen(name, week).random(n)
