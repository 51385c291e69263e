"""Site-plan positions for the network view, computed once from the community hierarchy.

Estates are blocks on a grid, buildings are slabs on a grid inside their
estate, households sit on an ellipse around their building (in id order, so
stairwell units stay together) and residents on a small circle around their
household. Everything is vectorised; no force layout is ever run. Turnover
keeps household slots, so positions never change during a run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

CELL = 1.0          # side of a building's plot
GAP = 0.5           # street between estate blocks
SLAB = (0.46, 0.16)  # building footprint (width, depth)
RING = (0.40, 0.33)  # ellipse of households around the building
HOUSEHOLD_R = 0.018  # residents around their household


@dataclass
class SitePlan:
    """Positions of residents, buildings and estate blocks (plan units, y up)."""

    xy: np.ndarray               # (n, 2) resident positions
    building_xy: np.ndarray      # (n_buildings, 2) building centres
    building_estate: np.ndarray  # (n_buildings,) estate of each building
    estate_box: np.ndarray       # (n_estates, 4) x0, y0, x1, y1 of each block
    estate_of: np.ndarray        # (n,) estate of each resident
    members: list[np.ndarray]    # resident ids per estate

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        b = self.estate_box
        return float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max())

    def estate_bounds(self, e: int) -> tuple[float, float, float, float]:
        return tuple(float(v) for v in self.estate_box[e])


def _shapes(m: int, ne: int, aspect: float) -> tuple[int, int, int, int]:
    """Building columns/rows per block (rows of slabs, wider than deep), then the block grid
    whose plan is nearest ``aspect`` (width/height) without wasting a whole row."""
    bc = max(1, math.ceil(math.sqrt(m * 1.5)))
    br = math.ceil(m / bc)
    w_b, h_b = bc * CELL + GAP, br * CELL + GAP
    ec = min(range(1, ne + 1), key=lambda c: abs(math.log(c * w_b / (math.ceil(ne / c) * h_b) / aspect)))
    return bc, br, ec, math.ceil(ne / ec)


def _rank_within(group: np.ndarray, n_groups: int) -> np.ndarray:
    """0-based position of each item among the items of its group, in id order."""
    order = np.argsort(group, kind="stable")
    counts = np.bincount(group, minlength=n_groups)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rank = np.empty(group.size, np.int64)
    rank[order] = np.arange(group.size) - np.repeat(starts, counts)
    return rank


def site_plan(hierarchy, household: np.ndarray, aspect: float = 1.25) -> SitePlan:
    """Positions for a ``cgsim.population.Hierarchy`` and each resident's household id."""
    h = hierarchy
    nb, ne = h.n_buildings, h.n_estates
    b_estate = np.zeros(nb, np.int64)
    b_estate[h.hh_building] = h.hh_estate
    b_rank = _rank_within(b_estate, ne)
    per_estate = np.bincount(b_estate, minlength=ne)

    # estate blocks on a grid, buildings on a grid inside each block
    bc, br, ec, er = _shapes(int(per_estate.max()), ne, aspect)
    block_w, block_h = bc * CELL, br * CELL
    e_col, e_row = np.arange(ne) % ec, np.arange(ne) // ec
    x0 = e_col * (block_w + GAP)
    y0 = (er - 1 - e_row) * (block_h + GAP)  # first estate top left
    b_col, b_row = b_rank % bc, b_rank // bc
    bx = x0[b_estate] + (b_col + 0.5) * CELL
    by = y0[b_estate] + block_h - (b_row + 0.5) * CELL
    own_w = np.minimum(per_estate, bc) * CELL  # each block fits its own buildings
    own_h = np.ceil(per_estate / bc) * CELL
    box = np.column_stack([x0, y0 + block_h - own_h, x0 + own_w, y0 + block_h])

    # households on an ellipse around their building
    hh_b = h.hh_building
    k = _rank_within(hh_b, nb)
    size = np.bincount(hh_b, minlength=nb)[hh_b]
    ang = 2 * np.pi * (k + 0.5) / size + np.pi / 2
    hx = bx[hh_b] + RING[0] * np.cos(ang)
    hy = by[hh_b] + RING[1] * np.sin(ang)

    # residents on a small circle around their household
    household = np.asarray(household)
    j = _rank_within(household, h.n_households)
    m = np.bincount(household, minlength=h.n_households)[household]
    a = 2 * np.pi * j / np.maximum(m, 1)
    r = np.where(m > 1, HOUSEHOLD_R, 0.0)
    xy = np.column_stack([hx[household] + r * np.cos(a), hy[household] + r * np.sin(a)])

    estate_of = h.hh_estate[household]
    order = np.argsort(estate_of, kind="stable")
    members = np.split(order, np.cumsum(np.bincount(estate_of, minlength=ne))[:-1])
    return SitePlan(xy, np.column_stack([bx, by]), b_estate, box, estate_of, members)
