import numpy as np

from cgsim.rng import Streams


def test_same_stream_same_draws_and_independent_names():
    s = Streams(42)
    a = s.uniform("participation", 5, 100)
    assert np.array_equal(a, Streams(42).uniform("participation", 5, 100))
    assert not np.array_equal(a, s.uniform("participation", 6, 100))
    assert not np.array_equal(a, s.uniform("outreach", 5, 100))
    assert not np.array_equal(a, Streams(43).uniform("participation", 5, 100))


def test_draws_indexed_by_resident_do_not_depend_on_other_streams():
    s = Streams(1)
    first = s.uniform("ladder", 3, 50)
    s.uniform("other", 3, 10_000)  # consuming another stream changes nothing
    assert np.array_equal(first, s.uniform("ladder", 3, 50))
