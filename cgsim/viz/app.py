"""The browser view: Mesa's ``SolaraViz`` driving a community, drawn as a site plan with live charts.

``cgsim viz [CONFIG]`` serves this page (``solara run cgsim/viz/app.py``); ``CGSIM_VIZ_CONFIG``
names the starting config (preset or YAML), ``CGSIM_VIZ_LANG`` the starting language.

- SolaraViz gives the sidebar's step / run-pause / reset and the model inputs (neighbourhood and
  governance preset, seed, side by side); ``PolicyControls`` adds every registered policy with its
  start week and parameters. Changes apply on Reset, as in Mesa.
- ``Session`` is the Mesa model it steps: the community with the chosen policies and, side by side,
  its baseline on the same seed.
- ``Dashboard``: the network (``NetworkView``) beside the charts (``ChartsView``) and the current
  values; labels in English or Chinese.

Speed (mesa #1806, #2701: re-creating and ``savefig``-ing figures every step is the slow part):
each figure is drawn in full once per view and kept as a background; a step re-draws only what
changed (resident discs painted straight into the pixels, chart lines) and encodes the image
directly. Positions come from the hierarchy (``layout.site_plan``), never from a force layout.
"""

from __future__ import annotations

import io
import itertools
import os
import struct
import time
import typing
import zlib

import matplotlib
import matplotlib.ticker
import mesa
import numpy as np
import solara
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter
from PIL import Image

from cgsim import CommunityModel, load_config
from cgsim.metrics import WEEKLY_RESIDENT
from cgsim.network import KIN
from cgsim.policies import all_policies
from cgsim.scenarios import governance_names, load_governance, preset_names
from cgsim.viz import CONFIG_ENV, LANG_ENV, TIMING_ENV
from cgsim.viz.labels import cjk_font, figure_lang, policy_label, policy_name, t
from cgsim.viz.layout import SLAB, SitePlan, site_plan

WHOLE_LIMIT = 8000          # residents: above this the network shows one estate at a time
RECENT_WEEKS = 13           # "channel" colouring looks back a quarter
TIE_ALPHA = 0.1             # opacity of one tie; overlapping ties darken
WIDTH_IN, DPI = 7.2, 100    # figure width (inches) and resolution
CHANNEL_KEYS = ("activity", "voice", "deliberation", "coproduction")
CHANNEL_COLOURS = ("#d9d9d9", "#66a61e", "#1f78b4", "#7b3294", "#e66101")  # none + the four channels
STAGE_COLOURS = ("#d9d9d9", "#9ecae1", "#08519c")
TRUST_CMAP = matplotlib.colormaps["RdYlGn"]
INSTITUTION_STYLE = {  # Mesa agent class → (marker, colour); unknown classes get a black circle
    "StreetOffice": ("^", "#7f0000"), "ResidentsCommittee": ("*", "#d7301f"),
    "PartyOrganisation": ("D", "#b30000"), "PropertyFirm": ("s", "#2c7fb8"), "OwnersCommittee": ("h", "#6a51a3"),
    "NGO": ("o", "#1b9e77"), "GridWorkers": ("X", "#8c6d31"), "ServiceStation": ("P", "#e6550d"),
    "ResidentGroup": ("p", "#238b45"),
}
GLYPH = {"^": "▲", "*": "★", "D": "◆", "s": "■", "h": "⬢", "o": "●", "X": "✖", "P": "✚", "p": "⬟"}  # in HTML

# view state, one value per browser session (Solara scopes module-level reactives to the session)
LANG = solara.reactive(os.environ.get(LANG_ENV, "en") if os.environ.get(LANG_ENV) in ("en", "zh") else "en")
COLOUR = solara.reactive("channel")
ESTATE = solara.reactive(-1)  # -1: whole community
GROUP_DIM = solara.reactive("age")


# ---- the model the page drives -----------------------------------------------
class ChannelMemory:
    """Week each resident last used each channel, for colouring by recent participation."""

    def __init__(self, n: int):
        self.last = np.full((n, 4), -(10**6), np.int64)

    def update(self, week: int, events: np.ndarray) -> None:
        self.last[events] = week

    def deepest(self, week: int, window: int = RECENT_WEEKS) -> np.ndarray:
        """0 = none in the window, else 1 + the deepest channel used (activity < ... < co-production)."""
        recent = (week - self.last) < window
        code = np.zeros(len(recent), np.int8)
        for c in range(4):
            code[recent[:, c]] = c + 1
        return code


def policy_specs(settings: dict) -> list[dict]:
    """Policy dicts for ``CommunityModel`` from the page's settings ``{id: {"on": bool, param: value}}``."""
    known = all_policies()
    return [{"name": pid, **{k: v for k, v in s.items() if k != "on"}}
            for pid, s in settings.items() if s.get("on") and pid in known]


#: numbers the sessions a server builds (each Reset builds one), for the status line's ``cgsim-session-N`` class
_SESSIONS = itertools.count(1)


class Session(mesa.Model):
    """What SolaraViz steps: the community with the chosen policies and, side by side, its baseline
    (same preset, governance and seed, none of the chosen policies), stepped in lock-step.
    ``policies`` is the settings dict, or a Solara reactive holding it (read when the session is built,
    so SolaraViz's Reset picks up the current settings)."""

    def __init__(self, preset: str = "mianyang_2019", governance: str = "none", seed: typing.Any = 1,
                 compare: bool = False, weeks: int = 156, overrides: dict | None = None, policies=None):
        try:
            seed = int(seed)
        except (TypeError, ValueError):
            seed = 1
        super().__init__(rng=seed)
        gov = None if governance in (None, "", "none") else governance
        settings = getattr(policies, "value", policies) or {}
        self.seed, self.specs = seed, policy_specs(settings)
        kw = dict(preset=preset, governance=gov, rng=seed, weeks=weeks, **(overrides or {}))
        self.main = CommunityModel(policies=self.specs, **kw)
        self.baseline = CommunityModel(**kw) if compare else None
        self.runs = [m for m in (self.baseline, self.main) if m is not None]
        self.memory = {id(m): ChannelMemory(m.population.n) for m in self.runs}
        self.plan = site_plan(self.main.hierarchy, self.main.population.household)
        self.timing = {"step": 0.0}
        self.running = True
        self.serial = next(_SESSIONS)

    def step(self) -> None:
        t0 = time.perf_counter()
        self.timing.update(t0=t0, cpu0=time.thread_time())
        for m in self.runs:
            week = m.week
            m.step()
            self.memory[id(m)].update(week, m.population.week_events)
        self.running = self.main.running
        self.timing["step"] = time.perf_counter() - t0


def param_inputs(cls) -> dict[str, dict]:
    """The editable parameters of a policy: start week, then every bounded number, flag or choice
    of its ``Params`` (open-ended ones, e.g. optional end weeks, keep their defaults)."""
    out = {}
    for name, field in cls.Params.model_fields.items():
        ann = field.annotation
        lo = next((m.ge for m in field.metadata if getattr(m, "ge", None) is not None), None)
        hi = next((m.le for m in field.metadata if getattr(m, "le", None) is not None), None)
        if ann is bool:
            out[name] = {"kind": "bool"}
        elif typing.get_origin(ann) is typing.Literal:
            out[name] = {"kind": "choice", "values": list(typing.get_args(ann))}
        elif ann in (int, float) and lo is not None and hi is not None:
            step = 1 if ann is int else float(10.0 ** np.floor(np.log10((hi - lo) / 100.0)))
            out[name] = {"kind": ann.__name__, "min": lo, "max": hi, "step": step}
    return out


def start_settings() -> tuple[dict, dict]:
    """(SolaraViz inputs' starting values, policy settings) from the starting config (``CGSIM_VIZ_CONFIG``)."""
    cfg = load_config(os.environ.get(CONFIG_ENV) or "mianyang_2019")
    own = cfg.policies
    if cfg.governance:  # the governance preset's own policies come first; they are not controls
        own = own[len(load_governance(cfg.governance).get("policies") or []):]
    start = {"preset": cfg.preset, "governance": cfg.governance or "none",
             "seed": cfg.seed if cfg.seed is not None else 1, "weeks": cfg.weeks, "overrides": dict(cfg.overrides)}
    policies: dict = {}
    for spec in own:  # the controls hold one instance of each policy
        policies.setdefault(spec["name"], {"on": True, **{k: v for k, v in spec.items() if k != "name"}})
    return start, policies


def model_params(lang: str, start: dict, policies) -> dict:
    """SolaraViz's model inputs: neighbourhood (and governance) preset, seed, side-by-side mode; the
    policy settings are a reactive edited by ``PolicyControls`` and read at Reset."""
    params: dict = {"preset": {"type": "Select", "value": start["preset"], "values": preset_names(),
                               "label": t("preset", lang)}}
    gov = governance_names()
    if gov:
        params["governance"] = {"type": "Select", "value": start["governance"], "values": ["none", *gov],
                                "label": t("governance", lang)}
    params["seed"] = {"type": "InputText", "value": str(start["seed"]), "label": t("seed", lang)}
    params["compare"] = {"type": "Checkbox", "value": False, "label": t("compare", lang)}
    params.update(weeks=start["weeks"], overrides=start["overrides"], policies=policies)
    return params


# ---- figures --------------------------------------------------------------
def encode(rgba: np.ndarray, fmt: str = "png") -> bytes:
    """Encode an (h, w, 4) buffer. PNG: 'up' row filter and zlib level 1, several times faster than
    PIL's adaptive filters; JPEG for the large, busy network frames (smaller and faster still)."""
    h, w = rgba.shape[:2]
    if fmt == "jpeg":
        out = io.BytesIO()
        Image.frombuffer("RGBA", (w, h), np.ascontiguousarray(rgba), "raw", "RGBA", 0, 1).convert("RGB").save(
            out, format="JPEG", quality=90)
        return out.getvalue()
    rows = np.ascontiguousarray(rgba[:, :, :3]).reshape(h, 3 * w)
    raw = np.empty((h, 1 + 3 * w), np.uint8)
    raw[:, 0] = 2  # filter 'up': each row minus the row above
    raw[0, 1:] = rows[0]
    np.subtract(rows[1:], rows[:-1], out=raw[1:, 1:])

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw.tobytes(), 1)) + chunk(b"IEND", b""))


def figure_rc(lang: str) -> dict:
    """Figure settings: DejaVu Sans, with a CJK fallback for Chinese labels (when the system has one;
    only then, as every text pays for the fallback)."""
    cjk = [cjk_font()] if lang == "zh" and cjk_font() else []
    return {"font.family": ["DejaVu Sans", *cjk], "axes.unicode_minus": False}


class BlitFigure:
    """A figure redrawn in layers. ``build`` makes the static part (drawn in full only when ``key``
    changes); ``layer(buf)`` paints into the pixels of that and returns artists to draw on it, when
    ``layer_key`` changes (ties, institutions); each frame then restores that background, calls
    ``update``, ``paint(buf)`` (painting straight into the pixel buffer) and draws the ``animated``
    artists."""

    def __init__(self, fmt: str = "png"):
        self.fig = Figure(dpi=DPI)
        FigureCanvasAgg(self.fig)
        self.fmt = fmt
        self.key = self.layer_key = self.adjust_key = None
        self.animated: list = []
        self.layered: list = []
        self._static = self._bg = None

    def render(self, key, build, update, *, layer_key=None, layer=None, paint=None, adjust_key=None,
               adjust=None, lang: str = "en") -> bytes:
        """``adjust`` (when ``adjust_key`` changes) changes the static part in place, e.g. an axis
        range, which saves building the figure again."""
        with matplotlib.rc_context(figure_rc(lang)):
            return self._render(key, build, update, layer_key, layer, paint, adjust_key, adjust)

    def _render(self, key, build, update, layer_key, layer, paint, adjust_key, adjust) -> bytes:
        canvas = self.fig.canvas
        if key != self.key or adjust_key != self.adjust_key:
            if key != self.key:
                self.fig.clear()
                self.animated, self.layered = [], []
                build()
                for a in self.animated:
                    a.set_animated(True)
            if adjust is not None:
                adjust()
            canvas.draw()
            self._static = self._bg = canvas.copy_from_bbox(self.fig.bbox)
            self.key, self.adjust_key, self.layer_key = key, adjust_key, None
        layer_key = layer_key() if callable(layer_key) else layer_key
        if layer is not None and layer_key != self.layer_key:
            canvas.restore_region(self._static)
            for a in self.layered:
                a.remove()
            self.layered = layer(np.asarray(canvas.buffer_rgba()))
            for a in self.layered:
                a.set_animated(True)
                self.fig.draw_artist(a)
            self._bg = canvas.copy_from_bbox(self.fig.bbox)
            self.layer_key = layer_key
        else:
            canvas.restore_region(self._bg)
        update()
        buf = np.asarray(canvas.buffer_rgba())
        if paint is not None:
            paint(buf)
        for a in self.animated:
            self.fig.draw_artist(a)
        return encode(buf, self.fmt)


def disc_stamp(radius: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pixel offsets (dy, dx) of an anti-aliased disc and each pixel's coverage (0-1)."""
    r = int(np.ceil(radius + 0.5))
    dy, dx = np.mgrid[-r:r + 1, -r:r + 1]
    cover = np.clip(radius + 0.5 - np.hypot(dy, dx), 0.0, 1.0)
    keep = cover > 0
    return dy[keep], dx[keep], cover[keep]


def paint_discs(buf: np.ndarray, px: np.ndarray, colours: np.ndarray, stamp) -> None:
    """Blend discs of RGB ``colours`` (k, 3) centred at integer pixels ``px`` (k, 2: row, col)."""
    if len(px) == 0:
        return
    dy, dx, cover = stamp
    rows = np.clip(px[:, :1] + dy, 0, buf.shape[0] - 1)
    cols = np.clip(px[:, 1:] + dx, 0, buf.shape[1] - 1)
    a = cover[None, :, None]
    under = buf[rows, cols, :3].astype(np.float32)
    buf[rows, cols, :3] = (under * (1 - a) + colours[:, None, :] * a).astype(np.uint8)


def draw_lines(ink: np.ndarray, p0: np.ndarray, p1: np.ndarray, sign: int = 1) -> None:
    """Add ``sign`` to ``ink`` along the segments p0→p1 (pixel rows/cols), one sample per pixel."""
    if len(p0) == 0:
        return
    p0, p1 = p0.astype(np.float32), p1.astype(np.float32)
    n = np.maximum(np.abs(p1 - p0).max(axis=1).astype(np.int64), 1)
    seg = np.repeat(np.arange(len(n)), n + 1)
    frac = (np.arange(seg.size) - np.repeat(np.cumsum(n + 1) - (n + 1), n + 1)) / n[seg]
    pts = np.rint(p0[seg] + (p1[seg] - p0[seg]) * frac[:, None].astype(np.float32)).astype(np.int64)
    h, w = ink.shape
    flat = np.clip(pts[:, 0], 0, h - 1) * w + np.clip(pts[:, 1], 0, w - 1)
    ink += sign * np.bincount(flat, minlength=h * w).reshape(h, w).astype(ink.dtype)


def institutions(model) -> list[tuple[str, object]]:
    """The institutional Mesa agents on site (everything but residents), in a stable order. Absent
    actors (no firm, no NGO staff, no grid workers) are left out."""
    out = []
    for cls, agents in model.agents_by_type.items():
        if cls.__name__ != "Resident":
            out += [(cls.__name__, a) for a in agents if getattr(a, "present", True) is not False
                    and getattr(a, "staff", 1) != 0 and getattr(a, "per_grid", 1) != 0]
    order = list(INSTITUTION_STYLE)
    return sorted(out, key=lambda x: (order.index(x[0]) if x[0] in order else len(order), x[0]))


def _rgb255(colours) -> np.ndarray:
    return np.array([matplotlib.colors.to_rgb(c) for c in colours], np.float32) * 255


class NetworkView:
    """One community on its site plan. Estates, buildings and legends are the static background
    (rebuilt when the view or the kinds of institution change); ties and institution markers a
    layer redrawn when they change; residents are painted as discs straight into the pixel buffer
    every step (no matplotlib artist per resident)."""

    def __init__(self, plan: SitePlan):
        self.plan = plan
        self.blit = BlitFigure(fmt="jpeg")
        self.ink, self._drawn, self._version, self.estate = None, None, 0, -1

    def png(self, model, memory: ChannelMemory, *, estate: int, mode: str, lang: str) -> bytes:
        """The current frame (JPEG). Its title, week and the institutions' key are the page's text:
        text drawn into a figure every step is slow."""
        flang = figure_lang(lang)
        inst = tuple((name, getattr(a, "formed", None), getattr(a, "supervisors", 0))
                     for name, a in institutions(model))
        idx = np.arange(model.population.n) if estate < 0 else self.plan.members[estate]
        return self.blit.render((estate, mode, flang), lambda: self._build(estate, mode, flang), lambda: None,
                                layer_key=lambda: (self._ties_version(model), inst),
                                layer=lambda buf: self._layer(buf, model, estate),
                                paint=lambda buf: self._paint(buf, model, memory, idx, mode), lang=flang)

    def _ties_version(self, model) -> int:
        """Keep the ties' ink (how many ties cross each pixel) in step with the network: ties change
        a little every four weeks, so only the added and removed ones are drawn (or rubbed out)."""
        net = model.network
        keep = net.kind != KIN  # kin ties join residents a few pixels apart: invisible, skip them
        keys = np.sort(net.src[keep] * net.n + net.dst[keep])
        if self.ink is None or self._drawn is None:
            self.ink = np.zeros(self.blit.fig.canvas.get_width_height()[::-1], np.int32)
            self._drawn = np.empty(0, np.int64)
        added = np.setdiff1d(keys, self._drawn, assume_unique=True)
        removed = np.setdiff1d(self._drawn, keys, assume_unique=True)
        if added.size or removed.size:
            for k, sign in ((added, 1), (removed, -1)):
                src, dst = k // net.n, k % net.n
                if self.estate >= 0:
                    inside = (self.plan.estate_of[src] == self.estate) & (self.plan.estate_of[dst] == self.estate)
                    src, dst = src[inside], dst[inside]
                draw_lines(self.ink, self.px[src], self.px[dst], sign)
            self._drawn = keys
            self._version += 1
        return self._version

    def _build(self, estate, mode, lang) -> None:
        plan, fig = self.plan, self.blit.fig
        x0, y0, x1, y1 = plan.bounds if estate < 0 else plan.estate_bounds(estate)
        pad, legend_in = 0.25, 0.62  # the colour key
        w = x1 - x0 + 2 * pad
        self.u = u = w / (WIDTH_IN * DPI)  # plan units per pixel: margins and offsets are set in pixels
        top = 0.08 + 48 * u  # estate labels, then the institutions' row
        h = y1 - y0 + pad + top
        fig.set_size_inches(WIDTH_IN, WIDTH_IN * h / w + legend_in)
        self.frac = frac = legend_in / fig.get_figheight()
        self.ax = ax = fig.add_axes((0, frac, 1, 1 - frac))
        ax.set_xlim(x0 - pad, x1 + pad)
        ax.set_ylim(y0 - pad, y1 + top)
        ax.set_aspect("equal")
        ax.axis("off")
        self.span = (x0, x1, y1)
        for e in range(len(plan.estate_box)) if estate < 0 else [estate]:
            bx0, by0, bx1, by1 = plan.estate_box[e]
            ax.add_patch(Rectangle((bx0 - 0.08, by0 - 0.08), bx1 - bx0 + 0.16, by1 - by0 + 0.16, fc="#f6f3ec",
                                   ec="#c8bfa8", lw=0.8, zorder=0))
            ax.text(bx0 - 0.08, by1 + 0.08 + 2 * u, t("estate_n", lang, n=e + 1), fontsize=8, color="#6b6250",
                    va="bottom")
        bxy = plan.building_xy[plan.building_estate == estate] if estate >= 0 else plan.building_xy
        sw, sd = SLAB[0] / 2, SLAB[1] / 2
        ax.add_collection(PolyCollection([[(x - sw, y - sd), (x + sw, y - sd), (x + sw, y + sd), (x - sw, y + sd)]
                                          for x, y in bxy], facecolors="#bdb6a6", edgecolors="none", zorder=1))
        self._colour_legend(fig, legend_in, mode, lang)
        # residents' pixel positions (row, col) and disc stamps for this view
        ax.apply_aspect()  # fixes the axes' place (equal aspect), so data map to pixels as drawn
        disp = ax.transData.transform(plan.xy)
        self.px = np.column_stack([fig.bbox.height - disp[:, 1], disp[:, 0]]).round().astype(np.int64)
        self.estate, self.ink, self._drawn = estate, None, None
        r = float(np.clip(0.016 * WIDTH_IN * DPI / w, 1.1, 4.5))
        self.stamp, self.ring, self.dot = disc_stamp(r), disc_stamp(1.8 * r + 0.8), disc_stamp(1.8 * r)

    def _colour_legend(self, fig, legend_in, mode, lang) -> None:
        """The colour key at the top of the legend strip (``legend_in`` inches high)."""
        if mode in ("trust_gen", "trust_rc"):
            cax = fig.add_axes((0.3, 0.14 / fig.get_figheight(), 0.4, 0.08 / fig.get_figheight()))
            sm = matplotlib.cm.ScalarMappable(cmap=TRUST_CMAP, norm=matplotlib.colors.Normalize(0, 1))
            cb = fig.colorbar(sm, cax=cax, orientation="horizontal")
            cb.ax.tick_params(labelsize=7, length=2, pad=1)
            cb.ax.set_title(t(mode, lang), fontsize=8, pad=2)
            return
        keys, colours = ((("wait_and_see", "attentive", "active"), STAGE_COLOURS) if mode == "stage"
                         else (("ch_none",) + CHANNEL_KEYS, CHANNEL_COLOURS))
        handles = [Patch(facecolor=c, edgecolor="#888888", lw=0.5, label=t(k, lang)) for k, c in zip(keys, colours)]
        title = t(mode, lang) + (" · " + t("this_week", lang) if mode == "channel" else "")
        fig.legend(handles=handles, loc="center", bbox_to_anchor=(0.5, 0.3 / fig.get_figheight()),
                   ncol=len(handles),
                   fontsize=7.5, frameon=False, title=title, title_fontsize=8, handlelength=1.2, columnspacing=1.0)

    def _layer(self, buf, model, estate) -> list:
        """Ties shaded from their ink onto the background, then the institutions' markers."""
        plan, ax = self.plan, self.ax
        at = np.flatnonzero(self.ink)
        k = np.minimum(self.ink.ravel()[at], 255)
        shade = (1.0 - (1.0 - TIE_ALPHA) ** np.arange(256, dtype=np.float32))[k][:, None]  # opacity of k ties
        px = buf.reshape(-1, 4)
        px[at, :3] = (px[at, :3] * (1.0 - shade) + 70.0 * shade).astype(np.uint8)
        out = []
        x0, x1, y1 = self.span
        n_civic = 0
        in_estate: dict[int, int] = {}  # markers already placed in each estate: the next goes to their right
        for name, agent in institutions(model):
            marker, colour = INSTITUTION_STYLE.get(name, ("o", "black"))
            e = getattr(agent, "estate", None)
            u = self.u
            if e is None:
                x, y, filled = x0 + 10 * u + 28 * u * n_civic, y1 + 0.08 + 32 * u, True
                n_civic += 1
            elif estate < 0 or e == estate:
                bx0, by1 = plan.estate_box[e][0], plan.estate_box[e][3]
                k = in_estate[e] = in_estate.get(e, -1) + 1
                x, y, filled = bx0 + 10 * u + 24 * u * k, by1 - 10 * u, getattr(agent, "formed", True)
            else:
                continue
            supervised = getattr(agent, "supervisors", 0) > 0  # an owners' committee with a 监委会: a black rim
            out += ax.plot(x, y, marker=marker, ms=10, mec="black" if supervised else colour,
                           mew=2.6 if supervised else 1.3, mfc=colour if filled else "white")
        return out

    def _paint(self, buf, model, memory, idx, mode) -> None:
        pop, px = model.population, self.px[idx]
        if mode == "channel":
            cat = memory.deepest(model.week)[idx]
            colours = _rgb255(CHANNEL_COLOURS)[cat]
            now = pop.week_events[idx].any(axis=1)
            paint_discs(buf, px[~now], colours[~now], self.stamp)
            paint_discs(buf, px[now], np.full((int(now.sum()), 3), 17.0, np.float32), self.ring)
            paint_discs(buf, px[now], colours[now], self.dot)
            return
        if mode == "stage":
            colours = _rgb255(STAGE_COLOURS)[pop.stage[idx]]
        else:
            colours = TRUST_CMAP(getattr(pop, mode)[idx])[:, :3].astype(np.float32) * 255
        paint_discs(buf, px, colours, self.stamp)


def _rolling(y: np.ndarray, k: int = 4) -> np.ndarray:
    """Trailing mean over ``k`` weeks (over fewer at the start)."""
    c = np.cumsum(np.insert(np.asarray(y, float), 0, 0.0))
    i = np.arange(1, len(y) + 1)
    return (c[i] - c[np.maximum(i - k, 0)]) / np.minimum(i, k)


def chart_data(model, dim: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Series for the charts, name → (weeks, values); week 0 is the state after the burn-in."""
    mv = model.datacollector.model_vars
    x = np.arange(len(mv["capacity"]), dtype=float)
    out = {k: (x, _rolling(mv[k])) for k in ("rate_activity", "rate_voice", "rate_deliberation",
                                             "rate_coproduction", "issues_resolved")}
    out.update({k: (x, np.asarray(mv[k], float)) for k in ("trust_neighbours", "trust_committee", "trust_firm",
                                                           "issues_open", "capacity")})
    pet = np.asarray(mv["petitions"], float)
    out["petitions"] = (x, np.cumsum(np.concatenate(([0.0], pet[1:]))))  # row 0 is the burn-in's last week
    rec = model.recorder
    col = list(WEEKLY_RESIDENT).index("rate_any")
    groups = [i for i, d in enumerate(rec.dims) if d == dim]
    arr = np.stack(rec.weekly_res)[:, groups, col] if rec.weekly_res else np.zeros((0, len(groups)))
    xg = np.arange(1, len(arr) + 1, dtype=float)
    for j, g in enumerate(groups):
        out[f"group:{rec.labels[g]}"] = (xg, _rolling(arr[:, j]))
    return out


# panel: title key, series (None: the groups of the chosen dimension), y floor (None: free),
# smallest y top, fixed y top, shown as percentages
PANELS = (
    ("chart_channels", ("rate_activity", "rate_voice", "rate_deliberation", "rate_coproduction"), 0.0, 0.02, None,
     True),
    ("chart_groups", None, 0.0, 0.05, None, True),
    ("chart_trust", ("trust_neighbours", "trust_committee", "trust_firm"), None, None, None, False),
    ("chart_issues", ("issues_open", "issues_resolved"), 0.0, 10.0, None, False),
    ("chart_petitions", ("petitions",), 0.0, 5.0, None, False),
    ("chart_capacity", ("capacity",), 0.0, None, 1.0, False),
)


class ChartPanel:
    """One live chart. Its y-range holds until the data leave it, then grows with headroom, so a
    full redraw (axes, ticks) is rare and the step only re-draws the lines."""

    def __init__(self, spec):
        self.spec = spec
        self.blit = BlitFigure()
        self.limits: tuple[float, float] | None = None

    def series(self, data: dict) -> list[str]:
        """The panel's series; one a community does not have (trust in a firm where there is none: all NaN) is left
        out, legend entry included."""
        keys = self.spec[1]
        if keys is None:
            return [k for k in data if k.startswith("group:")]
        return [k for k in keys if not len(data[k][1]) or np.isfinite(data[k][1]).any()]

    def png(self, data: list[dict], main, *, dim: str, lang: str, weeks: int) -> bytes:
        flang = figure_lang(lang)
        keys = self.series(data[-1])
        limits = self._limits([d[k][1] for d in data for k in keys if len(d[k][1])])
        marks = tuple((policy_name(p, flang), p.params.start_week, p.params.end_week) for p in main.policies)
        key = (len(data), tuple(keys), flang, weeks, marks)
        return self.blit.render(key, lambda: self._build(data, main, keys, dim, flang, weeks, marks),
                                lambda: self._update(data), adjust_key=limits,
                                adjust=lambda: self.ax.set_ylim(*limits), lang=flang)

    def _limits(self, ys: list[np.ndarray]) -> tuple[float, float]:
        """Keep the y-range until the data leave it; start with ample room, since the first weeks
        are when the data move most and a new range costs a full redraw of the panel."""
        _, _, floor, min_top, top, _ = self.spec
        ys = [y[np.isfinite(y)] for y in ys]
        ys = [y for y in ys if y.size]  # a group with no residents here is all NaN (docs/OUTPUTS.md)
        if not ys:  # no data yet (groups before the first week): a provisional range
            return (floor or 0.0, top or min_top or 1.0)
        lo = min(float(y.min()) for y in ys)
        hi = max(float(y.max()) for y in ys)
        cur, room = self.limits, 1.8 if self.limits is not None else 3.0
        if cur is None or lo < cur[0] or hi > cur[1]:
            if floor is None:  # free range around the data, with room either way
                span = max(hi - lo, 0.02)
                cur = (lo - room / 2 * span, hi + room / 2 * span)
            else:
                cur = (floor, top if top is not None else max(hi * room, min_top))
            self.limits = cur = (float(cur[0]), float(cur[1]))
        return cur

    def _label(self, key: str, dim: str, lang: str) -> str:
        if key.startswith("group:"):
            g = key[6:]
            return t("party_none" if dim == "party" and g == "none" else g, lang)
        return t(key[5:] if key.startswith("rate_") else key, lang)

    def _build(self, data, main, keys, dim, lang, weeks, marks) -> None:
        fig = self.blit.fig
        fig.set_size_inches(3.6, 2.5)
        tkey = self.spec[0]
        rows = 0 if len(keys) < 2 else -(-len(keys) // 2)  # legend rows above the axes, two entries a row
        self.ax = ax = fig.add_axes((0.14, 0.15, 0.83, 0.74 - 0.075 * rows))
        fig.text(0.02, 0.975, t(tkey, lang, dim=t(dim, lang)), fontsize=8, va="top")
        ax.set_xlim(0, weeks)
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
        if self.spec[5]:
            ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=None))
        ax.tick_params(labelsize=6.5, length=2, pad=1.5)
        ax.set_xlabel(t("week", lang), fontsize=7, labelpad=1)
        ax.grid(alpha=0.25, lw=0.5)
        for name, start, end in marks:
            ax.axvline(start, color="#444444", ls=":", lw=1.0)
            ax.text(start + weeks * 0.01, 0.97, name, fontsize=6, va="top", color="#444444",
                    transform=ax.get_xaxis_transform())
            if end is not None:
                ax.axvline(end, color="#999999", ls=":", lw=1.0)
        if tkey == "chart_capacity":
            p = main.params
            bands = ((0.0, p.capacity_theta1, "#fbe3d6", "dependent"),
                     (p.capacity_theta1, p.capacity_theta2, "#fff5cc", "learning"),
                     (p.capacity_theta2, 1.0, "#ddf0d8", "mature"))
            for lo, hi, colour, k in bands:
                ax.axhspan(lo, hi, color=colour, zorder=0)
                ax.text(weeks * 0.99, (lo + hi) / 2, t(k, lang), fontsize=6, ha="right", va="center", color="#777777")
        palette = CHANNEL_COLOURS[1:] if tkey == "chart_channels" else matplotlib.colormaps["tab10"].colors
        self.lines = []
        for r in range(len(data)):
            dashed = len(data) > 1 and r == 0
            for j, k in enumerate(keys):
                (ln,) = ax.plot([], [], color=palette[j % len(palette)], lw=1.2, ls="--" if dashed else "-",
                                alpha=0.7 if dashed else 1.0, label=None if dashed else self._label(k, dim, lang))
                self.lines.append((r, k, ln))
        if rows:
            fig.legend(handles=[ln for r, _, ln in self.lines if r == len(data) - 1], loc="upper left",
                       bbox_to_anchor=(0.12, 0.9), ncol=2, fontsize=6.5, frameon=False, handlelength=1.6,
                       borderpad=0.1, labelspacing=0.15, columnspacing=1.2)
        self.blit.animated = [ln for *_, ln in self.lines]  # no text: the values are in the page's table

    def _update(self, data) -> None:
        for r, k, ln in self.lines:
            ln.set_data(*data[r][k])


class ChartsView:
    """The six live charts of a session (the baseline's lines dashed when there is one)."""

    def __init__(self):
        self.panels = [ChartPanel(spec) for spec in PANELS]

    def pngs(self, runs: list, *, dim: str, lang: str, weeks: int) -> list[bytes]:
        data = [chart_data(m, dim) for m in runs]
        return [p.png(data, runs[-1], dim=dim, lang=lang, weeks=weeks) for p in self.panels]


# ---- components ----------------------------------------------------------------
def _toggle(reactive, keys, lang: str, prefix: str = ""):
    """Toggle buttons for a reactive value, labelled (``prefix + key``) in the page's language."""
    return solara.ToggleButtonsSingle(value=reactive, style={"flex-wrap": "wrap"},
                                      children=[solara.Button(t(prefix + k, lang), value=k, text=True, small=True)
                                                for k in keys])


def _estates(session: Session, lang: str) -> dict[str, int]:
    """Estate choices by label: the whole community (when it is small enough) and each estate."""
    values = ([-1] if session.main.population.n <= WHOLE_LIMIT else []) + list(range(len(session.plan.estate_box)))
    return {(t("all_estates", lang) if e < 0 else t("estate_n", lang, n=e + 1)): e for e in values}


def _run_title(session: Session, model, lang: str) -> str:
    if model is session.baseline:
        return t("baseline", lang)
    names = ", ".join(policy_name(p, lang) for p in model.policies)
    return f"{t('variant', lang)}: {names}" if names else t("no_policy", lang)


@solara.component
def NetworkPanel(model: Session, tick: int, lang: str):
    """The site plan, residents coloured by channel, trust or ladder stage; one plan per run."""
    views = solara.use_memo(lambda: {id(m): NetworkView(model.plan) for m in model.runs}, [model])
    estates = _estates(model, lang)
    estate = ESTATE.value if ESTATE.value in estates.values() else next(iter(estates.values()))
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "8px"}):
        _toggle(COLOUR, ("channel", "trust_gen", "trust_rc", "stage"), lang, prefix="m_")
        if len(estates) > 1:
            solara.Select(t("estate", lang), value=next(k for k, v in estates.items() if v == estate),
                          values=list(estates), on_value=lambda k: ESTATE.set(estates[k]), style={"max-width": "220px"})
    t0 = time.perf_counter()
    for m in model.runs:
        png = views[id(m)].png(m, model.memory[id(m)], estate=estate, mode=COLOUR.value, lang=lang)
        with solara.Row(justify="space-between", style={"margin-top": "6px"}):
            solara.Text(_run_title(model, m, lang), style={"font-weight": "500"})
            solara.Text(t("week_n", lang, n=m.week), style={"font-weight": "500"})
        solara.Image(png, format="jpeg", width="100%", classes=["cgsim-network"])
    model.timing["network"] = time.perf_counter() - t0
    kinds = dict.fromkeys(name for m in model.runs for name, _ in institutions(m))
    key = " &nbsp; ".join(f"<span style='color:{INSTITUTION_STYLE.get(k, ('o', '#000'))[1]}'>"
                          f"{GLYPH.get(INSTITUTION_STYLE.get(k, ('o', '#000'))[0], '●')}</span> {t(k, lang)}"
                          for k in kinds)
    solara.HTML(tag="div", unsafe_innerHTML=key, style="font-size: 13px; line-height: 1.6")


READOUT = ("rate_any", "trust_neighbours", "trust_committee", "issues_open", "petitions", "rc_admin_share",
           "capacity")


def readout(m, key: str) -> float:
    """A current value for the readout table (petitions: the run's total so far)."""
    if key == "petitions":
        return float(np.sum(m.datacollector.model_vars["petitions"][1:]))
    return float(m.latest[key])


def _fmt(key: str, v: float, sign: bool = False) -> str:
    if key in ("rate_any", "rc_admin_share"):
        return f"{v:+.1%}" if sign else f"{v:.1%}"
    if key in ("issues_open", "petitions"):
        return f"{v:+.0f}" if sign else f"{v:.0f}"
    return f"{v:+.3f}" if sign else f"{v:.3f}"


def _capacity(m, lang: str) -> str:
    return f"{m.capacity:.3f} · {t(('dependent', 'learning', 'mature')[int(m.capacity_stage)], lang)}"


@solara.component
def Readout(model: Session, week: int, lang: str):
    """The current values, and with a baseline the difference the policies make."""
    runs = model.runs
    head = "".join(f"<th>{_run_title(model, m, lang)}</th>" for m in runs)
    if model.baseline is not None:
        head += f"<th>{t('difference', lang)}</th>"
    rows = []
    for k in READOUT:
        vals = [readout(m, k) for m in runs]
        cells = "".join(f"<td>{_capacity(m, lang) if k == 'capacity' else _fmt(k, v)}</td>"
                        for m, v in zip(runs, vals))
        if model.baseline is not None:
            cells += f"<td><b>{_fmt(k, vals[1] - vals[0], sign=True)}</b></td>"
        rows.append(f"<tr data-key='{k}'><td>{t('r_' + k, lang)}</td>{cells}</tr>")
    html = (f"<style>.cgsim-readout td, .cgsim-readout th {{padding: 1px 14px 1px 0; text-align: left}}</style>"
            f"<table class='cgsim-readout' style='font-size:13px;border-collapse:collapse'>"
            f"<tr style='text-align:left'><th>{t('week_n', lang, n=week)}</th>{head}</tr>"
            + "".join(rows) + "</table>")
    solara.HTML(tag="div", unsafe_innerHTML=html)


@solara.component
def ChartsPanel(model: Session, tick: int, lang: str):
    """Live charts (participation by channel and by group, trust, issues, petitions, capacity C),
    the current values, and how long the last step and redraw took."""
    view = solara.use_memo(ChartsView, [model])
    main = model.main
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "8px"}):
        solara.Text(t("by_group_of", lang))
        _toggle(GROUP_DIM, ("age", "hukou", "tenure", "party"), lang)
    pols = [f"{policy_name(p, lang)} ({t('start_week', lang)} {p.params.start_week})" for p in main.policies]
    note = f"{t('policies_on', lang)}: {', '.join(pols) if pols else t('no_policy', lang)}"
    if model.baseline is not None:
        note += f" · {t('dashed_baseline', lang)}"
    solara.Text(note, style={"font-size": "13px"}, classes=["cgsim-policies"])
    t0 = time.perf_counter()
    pngs = view.pngs(model.runs, dim=GROUP_DIM.value, lang=lang, weeks=main.weeks)
    model.timing["charts"] = time.perf_counter() - t0
    with solara.Div(style={"display": "grid", "grid-template-columns": "1fr 1fr", "gap": "4px"}):
        for png in pngs:
            solara.Image(png, width="100%", classes=["cgsim-chart"])
    Readout(model, main.week, lang)
    tm = model.timing
    draw = tm.get("network", 0.0) + tm.get("charts", 0.0)
    solara.Text(t("status", lang, week=main.week, step=round(tm["step"] * 1000), draw=round(draw * 1000)),
                style={"font-size": "12px", "color": "#666"},
                classes=["cgsim-status", f"cgsim-session-{model.serial}"])  # a Reset shows, even at equal timings
    if lang == "zh" and figure_lang(lang) != "zh":
        solara.Warning(t("font_missing", lang))


@solara.component
def PolicyControls(policies: solara.Reactive, weeks: int, lang: str):
    """Each registered policy on/off; when on, its start week and parameters. Read at Reset."""
    def update(pid: str, **change):
        cur = policies.value.get(pid) or {"on": False}
        policies.value = {**policies.value, pid: {**cur, **change}}

    with solara.Card(t("policies_card", lang)):
        solara.Text(t("apply_hint", lang), style={"font-size": "12px", "color": "#666"})
        for pid, cls in all_policies().items():  # keyed: the list changes shape as policies open and close
            cur = policies.value.get(pid, {})
            solara.Checkbox(label=policy_label(cls, lang), value=bool(cur.get("on")),
                            on_value=lambda v, pid=pid: update(pid, on=v)).key(f"{pid}:on")
            if not cur.get("on"):
                continue
            defaults = cls.Params().model_dump()
            with solara.Column(style={"margin-left": "28px", "gap": "0px"}).key(f"{pid}:params"):
                solara.Text(cls.summary, style={"font-size": "12px", "color": "#555"})
                for name, spec in param_inputs(cls).items():
                    value = cur.get(name, defaults[name])
                    label = f"{t(name, lang)}: {value:g}" if spec["kind"] in ("int", "float") else t(name, lang)

                    def set_(v, pid=pid, name=name):
                        update(pid, **{name: v})
                    if name == "start_week":
                        solara.SliderInt(label, value=int(value), min=0, max=weeks, on_value=set_)
                    elif spec["kind"] == "int":
                        solara.SliderInt(label, value=int(value), min=int(spec["min"]), max=int(spec["max"]),
                                         on_value=set_)
                    elif spec["kind"] == "float":
                        solara.SliderFloat(label, value=float(value), min=float(spec["min"]),
                                           max=float(spec["max"]), step=spec["step"], on_value=set_)
                    elif spec["kind"] == "bool":
                        solara.Checkbox(label=label, value=bool(value), on_value=set_)
                    else:
                        solara.Select(label, value=value, values=spec["values"], on_value=set_)


@solara.component
def PolicySidebar(policies: solara.Reactive, weeks: int, lang: str):
    # rendered one level deeper than SolaraViz's own sidebar, so Solara places it below SolaraViz's cards
    with solara.Sidebar():
        PolicyControls(policies, weeks, lang)


@solara.component
def Dashboard(model: Session, policies: solara.Reactive, weeks: int):
    """The main area: network on the left, charts and values on the right (stacked when narrow).
    Only this component follows SolaraViz's update counter and hands it down: each subscriber
    would cost Solara a render pass over the whole page per step."""
    tick = update_counter.value
    lang = LANG.value

    def rendered():  # runs once the page has been re-rendered and its widgets updated (same thread)
        t0, c0 = model.timing.pop("t0", None), model.timing.pop("cpu0", None)
        if t0 is not None and os.environ.get(TIMING_ENV):
            print(f"cgsim-viz-timing week={model.main.week} step_ms={model.timing['step'] * 1000:.1f} "
                  f"step_to_rendered_ms={(time.perf_counter() - t0) * 1000:.1f} "
                  f"cpu_ms={(time.thread_time() - c0) * 1000:.1f}", flush=True)

    solara.use_effect(rendered, [tick])
    PolicySidebar(policies, weeks, lang)
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start", "gap": "16px", "padding": "8px"}):
        with solara.Column(style={"flex": "1 1 460px", "max-width": "760px", "min-width": "340px"}):
            NetworkPanel(model, tick, lang)
        with solara.Column(style={"flex": "1 1 520px", "min-width": "400px"}):
            ChartsPanel(model, tick, lang)


@solara.component
def Page():
    """The page ``solara run`` serves: SolaraViz (controls, model inputs) around the cgsim dashboard."""
    start, start_policies = solara.use_memo(start_settings, [])
    policies = solara.use_reactive(start_policies)
    first = solara.use_memo(lambda: Session(policies=policies.value, **start), [])
    model = solara.use_reactive(first)  # SolaraViz's Reset replaces its value; the dashboard follows
    lang = LANG.value
    solara.Title(t("title", lang))  # the browser tab's title
    with solara.AppBar():
        solara.ToggleButtonsSingle(value=LANG, classes=["cgsim-lang"],
                                   children=[solara.Button("EN", value="en", text=True, small=True),
                                             solara.Button("中文", value="zh", text=True, small=True)])
    SolaraViz(model, components=[], model_params=model_params(lang, start, policies), name=t("title", lang),
              play_interval=150)
    Dashboard(model.value, policies, int(start["weeks"]))
