"""微基金/微项目: a community micro-fund spent on resident-designed micro-projects.

Source: `001 M33 l.191-195` (micro-funds: named funds 冠名基金 and crowdfunded
funds 众筹基金; micro-organisations design micro-projects around residents'
needs; four stages: call → review and public notice (公示) → implementation →
evaluation); `001 M40 l.243` (an RC-level micro-fund raised from local units and
residents funds micro-projects, especially for vulnerable groups 弱势群体);
`001 §3.3.2, §3.4.3` (claimed: micro-projects help the vulnerable and involve residents).

Mechanism: named funds and crowdfunding (engaged residents, by their trust in
the committee) fill the fund; every ``call_interval`` weeks a call asks residents
to propose, each building with a backbone resident (主动参与) or a member of a
resident group (MODEL.md §4: resident groups propose) proposes, and an
open review meeting funds proposals by their issue's salience plus the building's
share of vulnerable residents while the money lasts. A funded project recruits
co-production volunteers in its building and is done when ``volunteer_stints``
come in (or fails at its deadline and returns its money); evaluation then raises
the building's public good, pushes its issue to settlement and raises the
volunteers' efficacy. Donations are not public money: the public pays the staff
who guide projects (which also cultivates micro-organisations, `001 M33` (c)) and
third-party evaluation.
Touches: ``asked``, ``opportunity`` and ``extra_utility`` (co-production),
meeting ``seats``, the project's issue, ``public_good``, volunteers' efficacy,
``extra_cultivation_hours``, costs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import model_validator

from ..dynamics import issues as iss
from ..metrics import vulnerable_mask
from ..params import p
from ..population import ACTIVE, COPROD, DELIB
from .base import Policy, PolicyParams
from .registry import register


class MicroFundParams(PolicyParams):
    named_fund: float = p(10.0, 0.0, 200.0, "yuan/household-year",
                          "001 M33 (d) l.191 (冠名基金); amount assumption",
                          "Named funds donated by public-spirited residents and units.", "policy")
    crowdfund: float = p(10.0, 0.0, 200.0, "yuan/engaged resident-year at full trust",
                         "001 M33 (d), M40 l.243 (众筹基金); amount assumption",
                         "Crowdfunding by engaged residents, scaled by their trust in the committee.", "policy")
    project_cost: float = p(2000.0, 100.0, 50_000.0, "yuan", "assumption (000, 001 give no amounts)",
                            "Fund money one micro-project needs.", "policy")
    call_interval: int = p(13, 4, 104, "weeks", "001 M33 l.195 (call stage); quarterly is an assumption",
                           "Weeks between calls for projects.", "policy")
    call_weeks: int = p(3, 1, 12, "weeks", "001 M33 l.195 (publicise, mobilise, collect proposals)",
                        "Weeks from a call to the review meeting.", "policy")
    call_reach: float = p(0.2, 0.0, 1.0, "share of residents", "001 M33 l.195 (publicise and mobilise); assumption",
                          "Residents a call asks to take part, in its first week.", "policy")
    vulnerable_weight: float = p(1.0, 0.0, 5.0, "score per share of vulnerable residents", "001 M40 l.243",
                                 "How strongly review favours buildings with many vulnerable residents "
                                 "(a proposal scores its issue's salience plus this times that share).", "policy")
    volunteer_stints: int = p(30, 1, 500, "co-production stints", "001 M33 l.195 (implementation); assumption",
                              "Volunteer stints a project needs to be done.", "policy")
    recruit_share: float = p(0.25, 0.0, 1.0, "share of the building's residents a week", "001 M33 (c); assumption",
                             "Residents of a project's building its micro-organisation asks each week.", "policy")
    volunteer_pull: float = p(0.5, 0.0, 3.0, "log-odds", "001 M33 (b) (everyday matters draw people in); assumption",
                              "Extra pull to co-produce for residents of a building with a project under way.",
                              "policy")
    implementation_weeks: int = p(12, 1, 52, "weeks", "assumption",
                                  "Deadline: a project without enough volunteers by then fails.", "policy")
    public_good_gain: float = p(0.1, 0.0, 1.0, "public-good units", "MODEL.md §3.5; assumption",
                                "Public-good rise of the building when its project is done.", "policy")
    evaluation_efficacy: float = p(0.05, 0.0, 0.5, "share of the gap to 1",
                                   "000 tool section (效果共评); assumption",
                                   "Efficacy gain of a done project's volunteers at evaluation.", "policy")
    support_hours: float = p(4.0, 0.0, 40.0, "staff hours/project-week", "001 M33 (c) (train micro-organisations)",
                             "Staff time guiding each project under way (also cultivates capacity).", "policy")
    evaluation_fee: float = p(500.0, 0.0, 20_000.0, "yuan/project", "001 M33 l.195 (third-party evaluation); "
                              "amount assumption", "Third-party evaluation of each done project.", "policy")

    @model_validator(mode="after")
    def _review_inside_cycle(self):
        if self.call_weeks >= self.call_interval:
            raise ValueError("call_weeks must be shorter than call_interval")
        return self


@dataclass
class Project:
    building: int
    issue: int                # open community issue the project takes on (-1 none)
    deadline: int             # week by which it needs its volunteers
    volunteers: np.ndarray    # residents who co-produced on it (bool per resident)
    stints: int = 0
    done: bool = False


@register
class MicroFund(Policy):
    id = "micro_fund"
    aliases = ("微基金", "微项目")
    summary = "A micro-fund from named funds and crowdfunding pays for resident-designed, volunteer-built projects."
    source = "001 M33 l.191-195; 001 M40 l.243"
    Params = MicroFundParams

    def start(self, model) -> None:
        self.pool = 0.0
        self.projects: list[Project] = []
        self.proposals = np.empty(0, np.int64)
        self.completed = self.failed = 0

    def _cycle_week(self, model) -> int:
        return (model.week - self.params.start_week) % self.params.call_interval

    def before_outreach(self, model) -> None:
        pop = model.population
        if self._cycle_week(model) == 0:
            pop.asked |= model.uniform("micro_fund:call") < self.params.call_reach
        if self.projects:
            u = model.uniform("micro_fund:recruit")
        for pr in self.projects:  # the micro-organisation recruits volunteers
            pop.asked |= (pop.building == pr.building) & (u < self.params.recruit_share)

    def before_participation(self, model) -> None:
        pop = model.population
        if self._cycle_week(model) == self.params.call_weeks:
            proposers = (pop.stage == ACTIVE) | (pop.group >= 0)  # backbone residents and resident groups
            backbone = np.bincount(pop.building[proposers], minlength=model.hierarchy.n_buildings)
            busy = [pr.building for pr in self.projects]
            self.proposals = np.setdiff1d(np.flatnonzero(backbone), busy)
            estates = np.unique(model.issues.building_estate[self.proposals])
            model.seats[1][estates] += model.params.meeting_capacity  # the open review meeting
            model.opportunity[:, DELIB] |= np.isin(pop.estate, estates)
        for pr in self.projects:
            here = pop.building == pr.building
            model.opportunity[here, COPROD] = True
            model.extra_utility[here, COPROD] += self.params.volunteer_pull

    def before_institutions(self, model) -> None:
        pop, book = model.population, model.issues
        for pr in self.projects:
            did = model.events[:, COPROD] & (pop.building == pr.building)
            n = int(did.sum())
            pr.stints += n
            pr.volunteers |= did
            pr.done = pr.stints >= self.params.volunteer_stints
            if n and pr.issue >= 0 and book.status[pr.issue] == iss.OPEN:
                # the model credited each stint to the issue its resident faces; on a project it is the project's
                t = model.target_issue[did]
                np.subtract.at(book.coproducers, t[t >= 0], 1)
                book.coproducers[pr.issue] += n

    def after_institutions(self, model) -> None:
        book = model.issues
        for pr in self.projects:
            if pr.done and pr.issue >= 0 and book.status[pr.issue] == iss.OPEN:
                # fixed by the project: settles soon (its stints are already credited to it, week by week)
                book.voices[pr.issue] = max(book.voices[pr.issue], iss.DECISION_VOICES)

    def before_learning(self, model) -> None:
        pop, q = model.population, self.params
        for pr in self.projects:
            if pr.done:
                v = pr.volunteers
                pop.efficacy[v] += q.evaluation_efficacy * (1.0 - pop.efficacy[v])
        model.extra_cultivation_hours += q.support_hours * len(self.projects)

    def end_of_week(self, model) -> None:
        q, pop = self.params, model.population
        for pr in self.projects:  # a newcomer did not volunteer on what the previous occupant built
            pr.volunteers &= ~model.moved
        self.pool += (q.named_fund * model.hierarchy.n_households
                      + q.crowdfund * float(pop.trust_rc[pop.engaged].sum())) / 52.0
        staff = q.support_hours * len(self.projects) * model.params.cost_staff_hour
        keep = []
        for pr in self.projects:
            if pr.done:
                model.public_good[pr.building] = min(1.0, model.public_good[pr.building] + q.public_good_gain)
                staff += q.evaluation_fee
                self.completed += 1
            elif model.week >= pr.deadline:
                self.pool += q.project_cost  # no volunteers, nothing bought: the money goes back
                self.failed += 1
            else:
                keep.append(pr)
        self.projects = keep
        model.add_cost("micro_fund", staff)
        if self._cycle_week(model) == q.call_weeks and self.proposals.size:
            self._select(model)

    def _select(self, model) -> None:
        """Review: rank proposals by their issue's salience plus vulnerable share; fund while money lasts."""
        q, pop, book = self.params, model.population, model.issues
        nb = model.hierarchy.n_buildings
        size = np.maximum(np.bincount(pop.building, minlength=nb), 1)
        vul = np.bincount(pop.building, vulnerable_mask(pop), nb) / size
        ids = np.flatnonzero(book.open_mask & (book.kind[: book.n] == iss.COMMUNITY))
        ids = ids[np.argsort(book.salience[ids], kind="stable")]  # ascending: last write keeps the most salient
        top = np.full(nb, -1, np.int64)
        top[book.building[ids]] = ids
        sal = np.where(top >= 0, book.salience[np.maximum(top, 0)], 0.0)
        b = self.proposals
        for k in b[np.argsort(-(sal[b] + q.vulnerable_weight * vul[b]), kind="stable")]:
            if self.pool < q.project_cost:
                break
            self.pool -= q.project_cost
            self.projects.append(Project(int(k), int(top[k]), model.week + q.implementation_weeks,
                                         np.zeros(pop.n, bool)))
        self.proposals = np.empty(0, np.int64)
