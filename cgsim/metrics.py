"""Outputs: weekly and yearly tables, overall and by group (MODEL.md §6, §7).

Groups: ``all``, age group, hukou, tenure and Party status. Resident-level
measures are shares or means over the group's adult residents; survey
measures follow the definitions of MODEL.md §6 (a year is 52 weeks; counts
are events per resident in that year). Community-level measures (issues,
petitions, capacity, costs, network) are repeated on every group row so each
row stands alone. Column meanings: ``docs/OUTPUTS.md`` (``COLUMN_DOCS``).
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import scipy.sparse as sp

from .dynamics.capacity import STAGE_LABELS as C_STAGES
from .population import ACT, ACTIVE, AGE_LABELS, ATTENTIVE, ELDERLY, PARTY_LABELS, UNEMPLOYED, VOICE, WAIT, YOUTH

CHANNEL_NAMES = ("activity", "voice", "deliberation", "coproduction")

WEEKLY_RESIDENT = {
    "rate_activity": "Share who took part in a service/activity this week.",
    "rate_voice": "Share who made a suggestion or complaint to the committee this week.",
    "rate_deliberation": "Share who attended a deliberation/decision meeting this week.",
    "rate_coproduction": "Share who contributed money or labour to a shared project this week.",
    "rate_any": "Share who took part in any channel this week.",
    "aware": "Share who know the residents' committee and its office.",
    "asked": "Share asked to take part this week (committee, grid, NGO, Party, policy outreach).",
    "trust_strangers": "Share whose generalised trust in neighbours is >= 0.5 (003 例6 Q24 definition).",
    "trust_neighbours": "Mean generalised trust in neighbours (0-1).",
    "trust_committee": "Mean institutional trust in the residents' committee (0-1).",
    "trust_firm": "Mean trust in the property firm (0-1); empty (NaN) where no firm serves the community.",
    "efficacy": "Mean perceived efficacy, 'sense of real control' (0-1).",
    "satisfaction": "Mean satisfaction with services and surroundings (0-1).",
    "belonging": "Mean sense of belonging (0-1).",
    "sees_rc_as_government": "Share whose perceived administrativisation of the committee is >= 0.5 (003 例6 Q25).",
    "stage_wait_and_see": "Share on the first rung of the ladder, 观望 (takes part in nothing).",
    "stage_attentive": "Share on the second rung, 关注.",
    "stage_active": "Share on the top rung, 主动参与.",
}
COMMUNITY = {
    "issues_open": "Open neighbourhood issues at the end of the week (year: at year end).",
    "issues_resolved": "Issues settled in the week (year: in the year).",
    "disputes_open": "Open issues that have escalated into disputes.",
    "petitions": "Petitions (上访) in the week (year: in the year).",
    "capacity": "Self-governance capacity C (0-1), 003 例1.",
    "capacity_stage": "Stage of C: dependent 索取依赖, learning 学习进步, mature 成熟独立.",
    "rc_admin_share": "Share of committee hours spent on administrative work (year: mean over weeks).",
    "public_good": "Mean public-good level of buildings (0-1).",
    "cost_yuan": "Public cost of staff and policies in the period (yuan).",
    "ties": "Ties in the social network.",
    "cross_group_ties": "Ties between migrant and local residents.",
    "owners_committees": "Estates with an owners' committee (业委会).",
    "supervisory_committees": "Owners' committees with a supervisory committee (监委会, 001 M28) beside them.",
    "firms_replaced": "Estates whose owners' committee has replaced the property firm (cumulative).",
    "resident_groups": "Resident self-organisations (interest groups, volunteer teams, self-management groups) "
                       "at the end of the period.",
    "group_member_share": "Share of residents who belong to a resident self-organisation.",
    "voices_answered": "Suggestions answered by the committee in the period.",
    "voices_ignored": "Suggestions that waited past residents' patience unanswered.",
}
YEARLY_RESIDENT = {
    "never_participated": "Share with 0 events in all four channels in the year (001 Table 3).",
    "participated_1_5": "Share with 1-5 events in the year.",
    "participated_gt5": "Share with more than 5 events in the year (001 Table 3).",
    "never_joined_activity": "Share with 0 service/activity events in the year (001 Fig. 2).",
    "suggest_never": "Share with 0 voice events in the year (001 Table 2).",
    "suggest_rarely": "Share with exactly 1 voice event in the year (001 Table 2).",
    "suggest_sometimes": "Share with exactly 2 voice events (the middle category 001 does not report).",
    "suggest_often": "Share with 3 or more voice events in the year (001 Table 2).",
    "unaware_rc_office": "Share not aware of the committee and its office at year end (001 Table 1).",
    "trust_strangers": "Share with generalised trust >= 0.5 at year end (003 例6 Q24).",
    "trust_neighbours": "Mean generalised trust at year end.",
    "trust_committee": "Mean trust in the committee at year end.",
    "trust_firm": "Mean trust in the property firm at year end (NaN where there is no firm).",
    "efficacy": "Mean efficacy at year end.",
    "satisfaction": "Mean satisfaction at year end.",
    "sees_rc_as_government": "Share seeing the committee as a government agent at year end (003 例6 Q25).",
    "shallow_share": "Service/activity events as a share of all events in the year (003 例6 Q23; 0 when there "
                     "were no events).",
    "vulnerable_share_of_participants": ("Among residents with >= 1 activity event, the share who are elderly, "
                                         "unemployed youth or low-income (003 例6 Q22; 0 when nobody took part)."),
    "participants_activity": "Share with >= 1 activity event in the year.",
    "participants_voice": "Share with >= 1 voice event in the year.",
    "participants_deliberation": "Share with >= 1 deliberation event in the year.",
    "participants_coproduction": "Share with >= 1 co-production event in the year.",
    "events_per_resident": "Mean events per resident in the year, all channels.",
    "stage_active": "Share on the top rung of the ladder at year end.",
}
YEARLY_COMMUNITY = {
    "activist_concentration": "Share of all events made by the most active 10% of participants.",
    "mean_weeks_to_resolve": "Mean weeks from an issue arising to its settlement, for issues settled in the year "
                             "(0 when none was settled).",
    "cost_per_participant_hour": "Cost in the year divided by residents' hours of participation (yuan/hour).",
    "groups_founded": "Resident self-organisations founded in the year.",
    "groups_folded": "Resident self-organisations that folded in the year.",
    "oc_recalls": "Owners' committees their owners recalled in the year, after misconduct came to light (001 M28).",
}
COLUMN_DOCS = {**WEEKLY_RESIDENT, **COMMUNITY, **YEARLY_RESIDENT, **YEARLY_COMMUNITY}


def target_mask(pop, target: str) -> np.ndarray:
    """Residents in a target group: vulnerable, youth, migrants or all."""
    if target == "vulnerable":
        return vulnerable_mask(pop)
    if target == "youth":
        return pop.age == YOUTH
    if target == "migrants":
        return pop.migrant.copy()
    return np.ones(pop.n, bool)


def vulnerable_mask(pop) -> np.ndarray:
    """Elderly, unemployed youth or low-income (003 例6 Q22)."""
    return (pop.age == ELDERLY) | ((pop.age == YOUTH) & (pop.employment == UNEMPLOYED)) | pop.low_income


def groups(pop) -> list[tuple[str, str, np.ndarray]]:
    out = [("all", "all", np.ones(pop.n, bool))]
    out += [("age", lab, pop.age == k) for k, lab in enumerate(AGE_LABELS)]
    out += [("hukou", "local", ~pop.migrant), ("hukou", "migrant", pop.migrant.copy())]
    out += [("tenure", "owner", ~pop.renter), ("tenure", "renter", pop.renter.copy())]
    out += [("party", lab, pop.party == k) for k, lab in enumerate(PARTY_LABELS)]
    return out


#: the weekly columns that are shares of a yes/no measure, and those that are means of an attitude, in the
#: order ``Recorder._group_means`` fills them
_BOOL_COLUMNS = [list(WEEKLY_RESIDENT).index(c) for c in (
    "rate_activity", "rate_voice", "rate_deliberation", "rate_coproduction", "rate_any", "aware", "asked",
    "trust_strangers", "sees_rc_as_government", "stage_wait_and_see", "stage_attentive", "stage_active")]
_FLOAT_COLUMNS = [list(WEEKLY_RESIDENT).index(c) for c in (
    "trust_neighbours", "trust_committee", "efficacy", "satisfaction", "belonging", "trust_firm")]
#: measures that exist only where a property firm serves the community (NaN elsewhere, whatever the group)
FIRM_ONLY = ("trust_firm",)
_FIRM_WEEKLY = list(WEEKLY_RESIDENT).index("trust_firm")
_FIRM_YEARLY = list(YEARLY_RESIDENT).index("trust_firm")


class Recorder:
    """Collects weekly and yearly rows into arrays; frames are built on demand."""

    def __init__(self, model):
        self.model = model
        pop = model.population
        g = groups(pop)
        self.dims = [d for d, _, _ in g]
        self.labels = [lab for _, lab, _ in g]
        masks = np.array([m for _, _, m in g])
        self.S = sp.csr_matrix(masks.astype(np.float64))
        self.sizes = masks.sum(axis=1).astype(np.float64)
        self._inv = 1.0 / np.maximum(self.sizes, 1.0)
        # groups with no residents here (traits are fixed, so for the whole run): their measures are NaN
        self._empty = np.flatnonzero(self.sizes == 0)
        self.vulnerable = vulnerable_mask(pop).astype(np.float64)
        self._groups_t = np.ascontiguousarray(masks.T, dtype=np.float64)  # (n, groups), for one dense product
        # exact float32 counts of yes/no measures while they stay below 2**24
        self._count_dtype = np.float32 if pop.n < 1 << 24 else np.float64
        self._groups_counts = self._groups_t.astype(self._count_dtype)
        self._bool_buf = np.empty((len(_BOOL_COLUMNS), pop.n), bool)
        self._float_buf = np.empty((len(_FLOAT_COLUMNS), pop.n))
        self.weekly_res: list[np.ndarray] = []
        self.weekly_com: list[dict] = []
        self.yearly_res: list[np.ndarray] = []
        self.yearly_com: list[dict] = []
        self._year_admin: list[float] = []
        self._year_cost = 0.0
        self._year = dict(resolved=0, petitions=0, answered=0, ignored=0, resolve_weeks=0.0)
        self._recalls_before = 0  # owners' committees' recalls up to the last year's end (from week 0)
        self._com_week: tuple[int, dict] | None = None  # this week's community figures, reused by snapshot()
        self._cross = (None, None, 0)  # (tie list, attribute, cross-group ties): recounted when either changes

    # ---- weekly -----------------------------------------------------------
    def _group_means(self) -> np.ndarray:
        """(groups, columns) means of this week's per-resident measures (the columns of ``WEEKLY_RESIDENT``).

        Two dense products over the population: the yes/no measures as float32 0/1 (exact counts below 2**24
        residents; float64 above), the continuous ones (attitudes) in float64."""
        pop = self.model.population
        B = self._bool_buf
        B[0:4] = pop.week_events.T
        np.logical_or(B[0], B[1], out=B[4])
        B[4] |= B[2]
        B[4] |= B[3]
        B[5] = pop.aware
        B[6] = pop.asked
        np.greater_equal(pop.trust_gen, 0.5, out=B[7])
        np.greater_equal(pop.admin_perception, 0.5, out=B[8])
        st = pop.stage
        np.equal(st, WAIT, out=B[9])
        np.equal(st, ATTENTIVE, out=B[10])
        np.equal(st, ACTIVE, out=B[11])
        F = self._float_buf
        F[0] = pop.trust_gen
        F[1] = pop.trust_rc
        F[2] = pop.efficacy
        F[3] = pop.satisfaction
        F[4] = pop.belonging
        F[5] = pop.trust_firm
        means = np.empty((self.sizes.size, len(WEEKLY_RESIDENT)))
        means[:, _BOOL_COLUMNS] = (B.view(np.uint8).astype(self._count_dtype) @ self._groups_counts).T
        means[:, _FLOAT_COLUMNS] = (F @ self._groups_t).T
        means *= self._inv[:, None]
        if self._empty.size:
            means[self._empty] = np.nan
        if not self.model.firm.present:
            means[:, _FIRM_WEEKLY] = np.nan
        return means

    def _cross_ties(self) -> int:
        net, attr = self.model.network, self.model.population.migrant
        src, a, k = self._cross
        if src is not net.src or a is not attr:
            k = net.cross_ties(attr)
            self._cross = (net.src, attr, k)
        return k

    def _community(self, answered: int = 0, ignored: int = 0) -> dict:
        m = self.model
        book = m.issues
        open_ = book.open_mask
        n_open = int(np.count_nonzero(open_))
        return {
            "issues_open": n_open, "issues_resolved": book.resolved_week,
            "disputes_open": int(np.count_nonzero(book.disputed[: book.n][open_])) if n_open else 0,
            "petitions": book.petitions_week,
            "capacity": m.capacity, "capacity_stage": C_STAGES[m.capacity_stage],
            "rc_admin_share": m.committee.admin_share, "public_good": float(m.public_good.mean()),
            "cost_yuan": float(sum(m.cost_week.values())), "ties": m.network.n_ties,
            "cross_group_ties": self._cross_ties(),
            "owners_committees": sum(o.formed for o in m.owners_committees),
            "supervisory_committees": sum(o.supervisors > 0 for o in m.owners_committees),
            "firms_replaced": m.firm.replacements,
            "resident_groups": m.self_organisation.n_groups, "group_member_share": m.self_organisation.member_share(),
            "voices_answered": answered, "voices_ignored": ignored,
        }

    def record_week(self, answered: np.ndarray, ignored: np.ndarray) -> None:
        m = self.model
        means = self._group_means()
        com = self._community(int(np.count_nonzero(answered)), int(np.count_nonzero(ignored)))
        self._last_voices = (com["voices_answered"], com["voices_ignored"])
        self._com_week = (m.week, com)
        self.weekly_res.append(means)
        self.weekly_com.append({"week": m.week, **com})
        self._year_admin.append(m.committee.admin_share)
        self._year_cost += com["cost_yuan"]
        y = self._year
        y["resolved"] += m.issues.resolved_week
        y["petitions"] += m.issues.petitions_week
        y["answered"] += com["voices_answered"]
        y["ignored"] += com["voices_ignored"]

    def snapshot(self) -> dict[str, float]:
        """Latest 'all' values, for the DataCollector and the browser view."""
        if self.weekly_res and self.weekly_com[-1]["week"] == self.model.week:
            means = self.weekly_res[-1][0]
        else:
            means = self._group_means()[0]
        out = dict(zip(WEEKLY_RESIDENT, means.tolist()))
        cw = self._com_week
        if cw is not None and cw[0] == self.model.week:  # nothing ran since record_week
            com = dict(cw[1])
        else:
            com = self._community(*getattr(self, "_last_voices", (0, 0)))
        com["capacity_stage"] = self.model.capacity_stage
        out.update({k: float(v) for k, v in com.items()})
        return out

    # ---- yearly -----------------------------------------------------------
    def record_year(self) -> None:
        m, pop, p = self.model, self.model.population, self.model.params
        self._com_week = None  # end_of_year hooks may change the community before the snapshot
        c = pop.year_counts.astype(np.float64)
        tot = c.sum(axis=1)
        act = c[:, ACT]
        voice = c[:, VOICE]
        cols = [tot == 0, (tot >= 1) & (tot <= 5), tot > 5, act == 0, voice == 0, voice == 1, voice == 2,
                voice >= 3, ~pop.aware, pop.trust_gen >= 0.5, pop.trust_gen, pop.trust_rc, pop.trust_firm,
                pop.efficacy, pop.satisfaction, pop.admin_perception >= 0.5]
        X = np.column_stack(cols).astype(np.float64)
        means = (self.S @ X) * self._inv[:, None]
        sums = self.S @ np.column_stack([act, tot, (act > 0), (act > 0) * self.vulnerable])
        shallow = np.divide(sums[:, 0], sums[:, 1], out=np.zeros(len(self.sizes)), where=sums[:, 1] > 0)
        vuln = np.divide(sums[:, 3], sums[:, 2], out=np.zeros(len(self.sizes)), where=sums[:, 2] > 0)
        part = (self.S @ (c > 0).astype(np.float64)) * self._inv[:, None]
        epr = (self.S @ tot) * self._inv
        active = (self.S @ (pop.stage == ACTIVE).astype(np.float64)) * self._inv
        res = np.column_stack([means, shallow, vuln, part, epr, active])
        res[self._empty] = np.nan
        if not m.firm.present:
            res[:, _FIRM_YEARLY] = np.nan
        self.yearly_res.append(res)

        year = m.week // 52
        hours = np.array([p.hours_activity, p.hours_voice, p.hours_deliberation, p.hours_coproduction])
        part_hours = float((c * hours).sum())
        srt = np.sort(tot[tot > 0])[::-1]
        top = srt[: max(1, int(np.ceil(0.1 * srt.size)))].sum() / srt.sum() if srt.size else 0.0
        y = self._year
        book = m.issues
        com = self._community(y["answered"], y["ignored"])
        com.update(issues_resolved=y["resolved"], petitions=y["petitions"],
                   rc_admin_share=float(np.mean(self._year_admin)), cost_yuan=self._year_cost)
        resolved_before = getattr(self, "_resolved_before", (0, 0.0))
        n_res = book.resolved_total - resolved_before[0]
        wk = book.resolve_weeks_total - resolved_before[1]
        self._resolved_before = (book.resolved_total, book.resolve_weeks_total)
        com.update(activist_concentration=float(top), mean_weeks_to_resolve=float(wk / n_res) if n_res else 0.0,
                   cost_per_participant_hour=float(self._year_cost / part_hours) if part_hours else 0.0,
                   groups_founded=m.self_organisation.founded, groups_folded=m.self_organisation.folded)
        recalls = sum(o.recalls for o in m.owners_committees)
        com["oc_recalls"] = recalls - self._recalls_before
        self._recalls_before = recalls
        m.self_organisation.reset_counters()
        self.yearly_com.append({"year": year, **com})
        self._year_admin = []
        self._year_cost = 0.0
        self._year = dict(resolved=0, petitions=0, answered=0, ignored=0, resolve_weeks=0.0)

    # ---- frames -----------------------------------------------------------
    def _frame(self, res: list[np.ndarray], com: list[dict], cols: list[str], key: str) -> pd.DataFrame:
        ng = len(self.labels)
        if not res:
            return pd.DataFrame(columns=[key, "dimension", "group", "n", *cols, *COMMUNITY])
        data = np.concatenate(res)
        df = pd.DataFrame(data, columns=cols)
        c = pd.DataFrame(com)
        c = c.loc[c.index.repeat(ng)].reset_index(drop=True)
        head = pd.DataFrame({key: c.pop(key), "dimension": self.dims * len(res), "group": self.labels * len(res),
                             "n": np.tile(self.sizes.astype(np.int64), len(res))})
        return pd.concat([head, df, c], axis=1)

    def weekly_frame(self) -> pd.DataFrame:
        df = self._frame(self.weekly_res, self.weekly_com, list(WEEKLY_RESIDENT), "week")
        df.insert(1, "year", df["week"] // 52)
        return df

    def yearly_frame(self) -> pd.DataFrame:
        cols = list(YEARLY_RESIDENT)[:16] + ["shallow_share", "vulnerable_share_of_participants"] + \
            [f"participants_{c}" for c in CHANNEL_NAMES] + ["events_per_resident", "stage_active"]
        return self._frame(self.yearly_res, self.yearly_com, cols, "year")


class LatestCollector(mesa.DataCollector):
    """Mesa's ``DataCollector``, quicker for the reporters of ``model_reporters()``.

    Those reporters return ``model.latest[name]``, a float, and Mesa stores ``deepcopy(reporter(model))``, which
    for a float is the float itself. So once Mesa's own first collection has validated them, each later
    collection appends ``model.latest[name]`` directly: the same records without a function call and a
    deepcopy per reporter. Any other reporter set (or agent reporters) is collected by Mesa's own code."""

    def _latest_keys(self) -> list[tuple[str, str]] | None:
        reps = self.model_reporters
        cached = getattr(self, "_keys_cache", None)
        if cached is not None and cached[0] is reps and cached[1] == len(reps):
            return cached[2]
        keys: list[tuple[str, str]] | None = []
        for var, rep in reps.items():
            key = getattr(rep, "latest_key", None)
            if key is None:
                keys = None
                break
            keys.append((var, key))
        self._keys_cache = (reps, len(reps), keys)
        return keys

    def collect(self, model):
        keys = self._latest_keys() if self._validated and not (self.agent_reporters or self.agenttype_reporters) \
            else None
        if keys is None:
            return super().collect(model)
        if hasattr(self, "_collection_steps"):
            self._collection_steps.append(model.time)
        latest, model_vars = model.latest, self.model_vars
        for var, key in keys:
            model_vars[var].append(latest[key])


def model_reporters() -> dict:
    """Scalar reporters for ``mesa.DataCollector`` (the 'all' group, this week)."""
    names = list(WEEKLY_RESIDENT) + [k for k in COMMUNITY]
    return {n: _reporter(n) for n in names}


def _reporter(name: str):
    def report(model):
        return model.latest[name]
    report.__name__ = f"report_{name}"
    report.latest_key = name
    return report
