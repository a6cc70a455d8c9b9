import numpy as np
import pytest

import random_walk
from coursekit.core import rng


@pytest.mark.parametrize("name,walk", list(random_walk.IMPLEMENTATIONS.items()))
def test_walk_shape_and_steps(name, walk):
    W = np.asarray(walk(500, rng(1, "test")))
    assert W.shape == (500,)
    steps = np.diff(np.concatenate([[0], W]))
    assert set(steps.tolist()) == {-1, 1}


def test_same_seed_same_walk_for_all_three():
    walks = [np.asarray(f(300, rng(7, "walk"))) for f in random_walk.IMPLEMENTATIONS.values()]
    for W in walks[1:]:
        np.testing.assert_array_equal(W, walks[0])
    assert not np.array_equal(walks[0], random_walk.random_walk_fastest(300, rng(8, "walk")))


def test_steps_follow_the_uniform_draws():
    u = rng(3, "walk").random(50)
    expected = np.cumsum(np.where(u < 0.5, 1, -1))
    np.testing.assert_array_equal(random_walk.random_walk_slow(50, rng(3, "walk")), expected)


def test_walk_is_fair():
    W = random_walk.random_walk_fastest(200_000, rng(0, "fair"))
    assert abs(W[-1]) < 5 * np.sqrt(200_000)  # 5 standard deviations


def test_timings_table():
    rows = random_walk.timings(100, rng(0, "t"), repeats=2)
    assert [r["implementation"] for r in rows] == list(random_walk.IMPLEMENTATIONS)
    assert rows[0]["speedup_vs_loop"] == 1.0
    assert all(r["min_s"] <= r["median_s"] for r in rows)
