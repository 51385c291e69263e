"""The neighbourhood social network, generated from the community hierarchy.

Ties are dense within a household (kin), likelier within a stairwell unit
and building than across an estate, and rare across the community, with
homophily by age group, hukou and tenure (MODEL.md §2; urban ties sparse and
weak, rural ties denser and kin-based, ``004 l.56``). Generation is
vectorised: per level, every resident draws a Poisson number of candidate
partners inside its group; each candidate is kept with probability
``exp(-homophily * attributes that differ)``.

``SocialNetwork`` keeps the edge list and a sparse adjacency for the weekly
array processes, and mirrors tie changes into the Mesa ``Network`` space.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import scipy.sparse as sp

try:  # SciPy's CSR matrix-vector kernel, as ``csr_matrix @ vector`` calls it
    from scipy.sparse._sparsetools import csr_matvec as _csr_matvec
except ImportError:  # pragma: no cover - a SciPy that moved it: the public product, same result
    _csr_matvec = None

from .params import ModelParams
from .population import Population

KIN, NEIGHBOUR = 0, 1


def _pairs_within(group: np.ndarray, mean_degree: float, g: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Random candidate pairs inside groups; about ``mean_degree`` per resident before thinning."""
    n = group.size
    if mean_degree <= 0 or n < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    order = np.argsort(group, kind="stable")
    sizes = np.bincount(group)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    k = g.poisson(mean_degree / 2.0, n)
    src = np.repeat(np.arange(n), k)
    gs = group[src]
    dst = order[starts[gs] + (g.random(src.size) * sizes[gs]).astype(np.int64)]
    return src, dst


def generate_edges(p: ModelParams, pop: Population, g: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges (src < dst, unique) and their kind, for the whole community."""
    n = pop.n
    # kin: everyone in a household knows everyone else (households are contiguous ids)
    ks, kd = [], []
    for off in range(1, 5):
        i = np.arange(n - off)
        same = pop.household[i] == pop.household[i + off]
        ks.append(i[same])
        kd.append(i[same] + off)
    kin_src, kin_dst = np.concatenate(ks), np.concatenate(kd)

    levels = ((pop.unit, p.ties_unit), (pop.building, p.ties_building), (pop.estate, p.ties_estate),
              (np.zeros(n, np.int64), p.ties_community))
    # oversample, then keep candidates by homophily
    acc_src, acc_dst = [], []
    for grp, deg in levels:
        src, dst = _pairs_within(grp.astype(np.int64), deg * 2.0, g)
        diff = ((pop.age[src] != pop.age[dst]).astype(np.int8) + (pop.migrant[src] != pop.migrant[dst])
                + (pop.renter[src] != pop.renter[dst]))
        w = np.exp(-p.homophily * diff)
        keep = g.random(src.size) < w
        src, dst = src[keep], dst[keep]
        target = int(round(n * deg / 2.0))
        if src.size > target:  # thin to the target number of ties, keeping the homophily mix
            idx = g.choice(src.size, target, replace=False)
            src, dst = src[idx], dst[idx]
        acc_src.append(src)
        acc_dst.append(dst)
    src = np.concatenate([kin_src] + acc_src)
    dst = np.concatenate([kin_dst] + acc_dst)
    kind = np.concatenate([np.full(kin_src.size, KIN, np.int8), np.full(src.size - kin_src.size, NEIGHBOUR, np.int8)])
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    ok = lo != hi
    key = lo[ok].astype(np.int64) * n + hi[ok]
    key, first = np.unique(key, return_index=True)
    return (key // n).astype(np.int64), (key % n).astype(np.int64), kind[ok][first]


class SocialNetwork:
    """Edge list + symmetric sparse adjacency; tie changes are mirrored to a Mesa space."""

    def __init__(self, n: int, src: np.ndarray, dst: np.ndarray, kind: np.ndarray):
        self.n = n
        self.src, self.dst, self.kind = src, dst, kind
        self.space = None  # the mesa Network, attached by the model
        self._keys = None
        self._ops: list[tuple[bool, np.ndarray, np.ndarray]] = []  # (added?, src, dst), in order
        self._rebuild()

    def _rebuild(self) -> None:
        """CSR adjacency straight from the edge list (edges are unique, so no duplicate summing).

        Kept as plain arrays (``indptr``, ``indices``, float32 ones): the weekly products call SciPy's CSR
        kernel on them directly; the ``adj`` matrix object is made only when asked for."""
        n = self.n
        rows = np.concatenate([self.src, self.dst])
        cols = np.concatenate([self.dst, self.src])
        # stable counting order of rows: a radix sort when ids fit in 16 bits
        order = np.argsort(rows.astype(np.uint16 if n <= 1 << 16 else np.int32), kind="stable")
        counts = np.bincount(rows, minlength=n)
        # int32 indices when they fit, as scipy would make them, without its conversions and checks
        idx = np.int32 if rows.size < 1 << 31 else np.int64
        indptr = np.zeros(n + 1, idx)
        np.cumsum(counts, out=indptr[1:])
        self._indptr, self._indices = indptr, cols[order].astype(idx)
        if getattr(self, "_ones", None) is None or self._ones.size < rows.size:
            self._ones = np.ones(max(rows.size, 1) * 5 // 4, np.float32)  # room for new ties
        self._data = self._ones[: rows.size]
        self._adj = None
        self._degree = counts.astype(np.float64)
        self._inv_degree = 1.0 / np.maximum(self._degree, 1.0)
        self._isolated = np.flatnonzero(counts == 0)
        if getattr(self, "_keys", None) is not None and self._keys.size != self.src.size:
            self._keys = None  # sorted edge keys (src * n + dst), made when ties are first added, then kept
        self._dirty = False

    def _matvec(self, x: np.ndarray) -> np.ndarray:
        """``adj @ x`` for a float32 vector: SciPy's own CSR kernel (same sums, same order), minus the
        dispatch and checks of ``csr_matrix.__matmul__``, which cost more than the product on a community."""
        if self._dirty:
            self._rebuild()
        if _csr_matvec is None:
            return self.adj @ x
        y = np.zeros(self.n, np.float32)
        _csr_matvec(self.n, self.n, self._indptr, self._indices, self._data, x, y)
        return y

    @property
    def degree(self) -> np.ndarray:
        if self._dirty:
            self._rebuild()
        return self._degree

    @property
    def adj(self) -> sp.csr_matrix:
        if self._dirty:
            self._rebuild()
        if self._adj is None:
            self._adj = sp.csr_matrix((self._data, self._indices, self._indptr), shape=(self.n, self.n), copy=False)
        return self._adj

    @property
    def n_ties(self) -> int:
        return int(self.src.size)

    def sum_over_ties(self, values: np.ndarray) -> np.ndarray:
        """Sum of ``values`` (float32) over each resident's ties; a new float32 array."""
        return self._matvec(values.astype(np.float32, copy=False))

    def count(self, flags: np.ndarray) -> np.ndarray:
        """Number of neighbours with ``flags`` set, per resident."""
        return self._matvec(flags.astype(np.float32))

    def share(self, flags: np.ndarray) -> np.ndarray:
        """Share of a resident's ties with ``flags`` set (0 for isolates)."""
        c = self.count(flags)
        return c * self._inv_degree

    def mean_of(self, values: np.ndarray) -> np.ndarray:
        """Mean of ``values`` over each resident's ties (own value for isolates); a new array."""
        m = self._matvec(values.astype(np.float32)) * self._inv_degree
        if self._isolated.size:
            m[self._isolated] = values[self._isolated]
        return m

    def tie_keys(self, mask: np.ndarray | None = None) -> np.ndarray:
        """A stable identity per tie (of those ``mask`` selects), in edge-list order: its two ends,
        ``src * n + dst`` with src < dst. The same key finds ties in ``add_ties``/``remove_ties`` and keys their
        random draws, so a tie present in two scenarios gets the same draws in both."""
        src, dst = (self.src, self.dst) if mask is None else (self.src[mask], self.dst[mask])
        return src.astype(np.int64) * self.n + dst

    def cross_ties(self, attr: np.ndarray) -> int:
        return int(np.count_nonzero(attr[self.src] != attr[self.dst]))

    def graph(self) -> nx.Graph:
        G = nx.Graph()
        G.add_nodes_from(range(self.n))
        # what ``add_edges_from`` does, minus its per-edge checks: nodes exist, edges are unique, no attributes
        adj = G._adj
        for u, v in zip(self.src.tolist(), self.dst.tolist()):
            adj[u][v] = adj[v][u] = {}
        return G

    # ---- tie dynamics -----------------------------------------------------
    def add_ties(self, a: np.ndarray, b: np.ndarray) -> int:
        """Add ties between residents ``a[k]`` and ``b[k]`` (duplicates and self-ties ignored)."""
        if a.size == 0:
            return 0
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        n = self.n
        key = np.unique(lo[lo != hi].astype(np.int64) * n + hi[lo != hi])
        if self._dirty:
            self._rebuild()
        if self._keys is None:
            self._keys = np.sort(self.tie_keys())
        pos = np.minimum(np.searchsorted(self._keys, key), max(self._keys.size - 1, 0))
        if self._keys.size:
            key = key[self._keys[pos] != key]
        if key.size == 0:
            return 0
        s, d = key // n, key % n
        # both runs are sorted: the stable (merge) sort just merges them
        self._keys = np.sort(np.concatenate([self._keys, key]), kind="stable")
        self.src = np.concatenate([self.src, s])
        self.dst = np.concatenate([self.dst, d])
        self.kind = np.concatenate([self.kind, np.full(s.size, NEIGHBOUR, np.int8)])
        self._ops.append((True, s, d))
        self._dirty = True
        return int(s.size)

    def remove_ties(self, mask: np.ndarray) -> int:
        """Remove the ties selected by a boolean mask over the edge list."""
        k = int(np.count_nonzero(mask))
        if k == 0:
            return 0
        self._ops.append((False, self.src[mask], self.dst[mask]))
        if self._keys is not None:
            self._keys = np.delete(self._keys, np.searchsorted(self._keys, self.tie_keys(mask)))
        keep = ~mask
        self.src, self.dst, self.kind = self.src[keep], self.dst[keep], self.kind[keep]
        self._dirty = True
        return k

    def sync_space(self) -> None:
        """Mirror this week's tie changes into the Mesa Network space (few edges, every fourth week).

        The same end state as ``space.add_connection`` / ``remove_connection`` per tie (cells keyed by the
        other cell's coordinate, edges in ``space.G``), done in bulk: the graph's adjacency is edited as
        ``Graph.add_edges_from`` / ``remove_edges_from`` edit it (nodes all exist; one shared, empty data dict
        per new edge) and its cache is cleared once. Mesa's cell neighbourhood caches are ``functools.cache``
        on the ``Cell`` class, shared by all cells, so clearing them through one touched cell is what clearing
        them through every touched cell amounts to (per cell if a Mesa version ever keeps them per cell)."""
        if self.space is not None and self._ops:
            cells = self.space._cells
            G = self.space.G
            adj = G._adj
            touched = None
            for added, s, d in self._ops:
                if added:
                    for a, b in zip(s.tolist(), d.tolist()):
                        ca, cb = cells[a], cells[b]
                        ca.connections[b] = cb
                        cb.connections[a] = ca
                        adj_a = adj[a]
                        dd = adj_a.get(b)
                        if dd is None:
                            dd = {}
                        adj_a[b] = dd
                        adj[b][a] = dd
                else:
                    for a, b in zip(s.tolist(), d.tolist()):
                        cells[a].connections.pop(b, None)
                        cells[b].connections.pop(a, None)
                        adj_a = adj[a]
                        if b in adj_a:
                            del adj_a[b]
                            if a != b:
                                del adj[b][a]
                if s.size:
                    touched = cells[int(s[0])]
            nx._clear_cache(G)
            if touched is not None:
                cls = type(touched)
                if hasattr(getattr(cls, "get_neighborhood", None), "cache_clear") and \
                        hasattr(getattr(cls, "_neighborhood", None), "cache_clear"):
                    touched._clear_cache()  # class-wide caches: once clears them for every cell
                else:
                    for _, s, d in self._ops:
                        for i in set(s.tolist()) | set(d.tolist()):
                            cells[i]._clear_cache()
        self._ops.clear()
