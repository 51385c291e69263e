"""Idiomatic per-agent Mesa 3.5 baseline for the weekly participation rule.

This is the "idiomatic per-agent baseline" side of ``benchmarks/bench_core.py``:
a straightforward Mesa model written the way a typical Mesa user would
(one Python object per resident, ``shuffle_do("step")`` + ``do("advance")``
simultaneous activation, neighbours read through the discrete-space cell,
a ``DataCollector`` collected every step). ``bench_core.py`` compares its
agent-steps per second with cgsim's vectorised resident-weeks per second on
the same network. The rule is a simplified version of cgsim's, so only the
speed is meant to be compared, not the outputs.

Run standalone:  python benchmarks/idiomatic_mesa.py [n_nodes] [steps]
"""

import math
import sys
import time

import mesa
import networkx as nx
from mesa.discrete_space import FixedAgent, Network

# Logistic utility coefficients (illustrative values, not calibrated).
B0, B_TRUST, B_EFF, B_SOCIAL, B_HABIT = -3.0, 1.5, 1.0, 2.0, 2.5
AWARENESS_PER_NEIGHBOUR = 0.05


class IdiomaticResident(FixedAgent):
    """One resident on one network node."""

    def __init__(self, model, cell):
        super().__init__(model)
        self.cell = cell
        r = model.random
        self.trust = r.random()
        self.efficacy = r.random()
        self.aware = r.random() < 0.3
        self.active = self.aware and r.random() < 0.2
        self.habit = 0.0
        self._active_next = self.active
        self._share = 0.0

    def step(self):
        neighbours = list(self.cell.neighborhood.agents)
        n = len(neighbours)
        self._share = sum(a.active for a in neighbours) / n if n else 0.0
        if self.aware:
            u = (B0 + B_TRUST * self.trust + B_EFF * self.efficacy
                 + B_SOCIAL * self._share + B_HABIT * self.habit)
            p = 1.0 / (1.0 + math.exp(-u))
            self._active_next = self.model.random.random() < p
        else:
            n_aware = sum(a.aware for a in neighbours)
            p_aware = min(1.0, AWARENESS_PER_NEIGHBOUR * n_aware)
            # Becomes aware now; decides to participate from next week on.
            if self.model.random.random() < p_aware:
                self.aware = True
            self._active_next = False

    def advance(self):
        self.active = self._active_next
        self.habit = 0.9 * self.habit + 0.1 * self.active
        self.trust = min(1.0, max(0.0, self.trust + 0.01 * (self._share - 0.5)))


class IdiomaticParticipationModel(mesa.Model):
    """One resident per node of ``graph`` (integer nodes 0..n-1)."""

    def __init__(self, graph, rng=None):
        super().__init__(rng=rng)
        # layout=None: the default spring layout takes minutes on large graphs.
        self.grid = Network(graph, random=self.random, layout=None)
        for cell in self.grid.all_cells:
            IdiomaticResident(self, cell)
        self.datacollector = mesa.DataCollector(
            model_reporters={"share_active": lambda m: sum(a.active for a in m.agents) / len(m.agents)}
        )
        self.datacollector.collect(self)

    def step(self):
        self.agents.shuffle_do("step")
        self.agents.do("advance")
        self.datacollector.collect(self)


def bench_idiomatic(graph, steps=20, seed=1):
    """Time building and running the model; run time excludes build."""
    t0 = time.perf_counter()
    model = IdiomaticParticipationModel(graph, rng=seed)
    t1 = time.perf_counter()
    for _ in range(steps):
        model.step()
    t2 = time.perf_counter()
    n = len(model.agents)
    return {
        "n_agents": n,
        "steps": steps,
        "build_s": t1 - t0,
        "run_s": t2 - t1,
        "agent_steps_per_s": n * steps / (t2 - t1),
    }


if __name__ == "__main__":
    n_nodes = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    n_steps = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    g = nx.connected_watts_strogatz_graph(n_nodes, 10, 0.05, seed=1)
    print(bench_idiomatic(g, steps=n_steps))
