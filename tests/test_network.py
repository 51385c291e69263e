import numpy as np

from cgsim.network import KIN, SocialNetwork, generate_edges
from cgsim.params import ModelParams
from cgsim.population import build_hierarchy, build_population
from cgsim.rng import Streams


def _pop(**kw):
    p = ModelParams(n_households=400, **kw)
    s = Streams(5)
    return p, build_population(p, build_hierarchy(p), s), s


def test_edges_unique_no_self_ties_and_households_complete():
    p, pop, s = _pop()
    src, dst, kind = generate_edges(p, pop, s.gen("network"))
    assert np.all(src < dst)
    keys = src * pop.n + dst
    assert np.unique(keys).size == keys.size
    # every pair in a household is a kin tie
    hh_pairs = sum(k * (k - 1) // 2 for k in np.bincount(pop.household))
    assert np.count_nonzero(kind == KIN) == hh_pairs
    assert np.all(pop.household[src[kind == KIN]] == pop.household[dst[kind == KIN]])


def test_ties_are_local_and_homophily_lowers_cross_group_ties():
    p, pop, s = _pop()
    src, dst, kind = generate_edges(p, pop, s.gen("network"))
    nb = kind != KIN
    same_building = np.mean(pop.building[src[nb]] == pop.building[dst[nb]])
    assert same_building > 0.5  # most neighbour ties stay in the building (unit + building levels)
    p0, pop0, s0 = _pop(homophily=0.0)
    p3, pop3, s3 = _pop(homophily=3.0)
    net0 = SocialNetwork(pop0.n, *generate_edges(p0, pop0, s0.gen("network")))
    net3 = SocialNetwork(pop3.n, *generate_edges(p3, pop3, s3.gen("network")))
    assert net3.cross_ties(pop3.age) / net3.n_ties < net0.cross_ties(pop0.age) / net0.n_ties


def test_sparse_helpers_and_tie_changes():
    net = SocialNetwork(4, np.array([0, 1]), np.array([1, 2]), np.array([1, 1], np.int8))
    assert net.count(np.array([True, False, True, False])).tolist() == [0, 2, 0, 0]
    assert net.share(np.array([True, False, False, False])).tolist() == [0, 0.5, 0, 0]
    assert net.add_ties(np.array([2, 0, 3]), np.array([1, 1, 3])) == 0  # existing or self ties
    assert net.add_ties(np.array([3]), np.array([0])) == 1
    assert net.degree.tolist() == [2, 2, 1, 1]
    assert net.remove_ties(net.src == 0) == 2
    assert net.n_ties == 1 and net.degree.tolist() == [0, 1, 1, 0]


def test_space_mirrors_tie_changes_edge_for_edge():
    from cgsim import CommunityModel

    m = CommunityModel(preset="mianyang_2019", rng=3, weeks=12)
    m.run()
    net, cells = m.network, m.space._cells
    edges = set(zip(net.src.tolist(), net.dst.tolist()))
    assert {(min(u, v), max(u, v)) for u, v in m.space.G.edges()} == edges
    conn = {(i, j) for i, c in cells.items() for j in c.connections if i < j}
    assert conn == edges
    # neighbourhoods are computed afresh after the changes
    i = int(net.src[-1])
    assert {a.unique_id for a in cells[i].neighborhood.agents} == {m.residents[j].unique_id for j in
                                                                  m.network.adj[i].indices.tolist()}


def test_kept_edge_keys_match_the_edge_list_after_tie_changes():
    from cgsim import CommunityModel

    m = CommunityModel(preset="mianyang_2019", rng=4, weeks=16)
    m.run()
    net = m.network
    assert net._keys is not None
    assert np.array_equal(net._keys, np.sort(net.src * net.n + net.dst))


def test_weekly_products_equal_scipys_product_bit_for_bit_after_tie_changes():
    """The weekly neighbour sums call SciPy's CSR kernel directly: same numbers as ``adj @ x``, and the
    adjacency matches the edge list, after ties are added and removed."""
    import scipy.sparse as sp

    p, pop, s = _pop()
    net = SocialNetwork(pop.n, *generate_edges(p, pop, s.gen("network")))
    g = np.random.default_rng(1)
    net.add_ties(g.integers(0, pop.n, 300), g.integers(0, pop.n, 300))
    net.remove_ties(g.random(net.n_ties) < 0.1)
    x = g.random(pop.n).astype(np.float32)
    assert np.array_equal(net._matvec(x), net.adj @ x)
    ref = sp.coo_matrix((np.ones(2 * net.n_ties), (np.r_[net.src, net.dst], np.r_[net.dst, net.src])),
                        shape=(pop.n, pop.n)).tocsr()
    assert (ref != net.adj).nnz == 0
    flags = g.random(pop.n) < 0.3
    assert np.array_equal(net.count(flags), ref @ flags.astype(float))
    vals = g.random(pop.n)
    deg = np.asarray(ref.sum(axis=1)).ravel()
    expect = np.where(deg > 0, (ref @ vals) / np.maximum(deg, 1), vals)
    assert np.allclose(net.mean_of(vals), expect, rtol=1e-6, atol=1e-6)
