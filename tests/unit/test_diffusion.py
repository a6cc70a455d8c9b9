import numpy as np
import pytest

import diffusion


def loop_reference(steps, size, F, amplitude, period, offset):
    """The scheme written from the formula with plain Python lists, no NumPy."""
    rows = [[amplitude if (j >= offset and (j - offset) % period == 0) else 0.0 for j in range(size)]]
    for _ in range(1, steps):
        u = rows[-1]
        rows.append([0.0] + [u[j] + F * (u[j - 1] - 2 * u[j] + u[j + 1]) for j in range(1, size - 1)] + [0.0])
    return np.array(rows)


@pytest.mark.parametrize("steps,size,F,amplitude,period,offset", [
    (50, 100, 0.05, 1.5, 10, 5), (7, 3, 0.5, 1.0, 1, 0), (20, 31, 0.25, -2.0, 7, 30), (1, 10, 0.1, 1.0, 3, 2)])
def test_diffuse_matches_plain_loop(steps, size, F, amplitude, period, offset):
    Z = diffusion.diffuse(diffusion.initial_state(steps, size, amplitude, period, offset), F)
    expected = loop_reference(steps, size, F, amplitude, period, offset)
    assert Z.dtype == np.float64 and Z.shape == (steps, size)
    np.testing.assert_array_equal(Z, expected)


def test_diffuse_python_matches_strided():
    Z0 = diffusion.initial_state(30, 40, 1.5, 10, 5)
    np.testing.assert_array_equal(diffusion.diffuse(Z0.copy(), 0.2), diffusion.diffuse_python(Z0.copy(), 0.2))


def test_diffuse_hand_worked_step():
    Z = np.zeros((2, 5))
    Z[0] = [0, 0, 1, 0, 0]
    diffusion.diffuse(Z, 0.25)
    np.testing.assert_array_equal(Z[1], [0, 0.25, 0.5, 0.25, 0])


def test_initial_state_spikes_as_in_course():
    Z = diffusion.initial_state(50, 100, 1.5, 10, 5)
    assert np.flatnonzero(Z[0]).tolist() == list(range(5, 100, 10))
    assert set(Z[0][Z[0] != 0]) == {1.5} and not Z[1:].any()


def test_initial_state_rejects_tiny_domain():
    with pytest.raises(ValueError, match="size >= 3"):
        diffusion.initial_state(5, 2, 1.0, 1, 0)


@pytest.mark.parametrize("Z", [np.arange(10.0), np.arange(30)[::4], np.array([2.5, 1.0, 4.0]),
                               np.arange(12, dtype=np.uint8).reshape(3, 4)[:, 1]])
@pytest.mark.parametrize("size", [1, 2, 3])
def test_sliding_window_is_sliding_window_view(Z, size):
    from numpy.lib.stride_tricks import sliding_window_view

    W = diffusion.sliding_window(Z, size)
    np.testing.assert_array_equal(W, sliding_window_view(Z, size))
    assert np.shares_memory(W, Z) and W.strides == (Z.strides[0], Z.strides[0]) and not W.flags.writeable


@pytest.mark.parametrize("Z,size,message", [(np.arange(3.0), 4, "size must be in 1..3, got 4"),
                                            (np.arange(3.0), 0, "size must be in 1..3, got 0"),
                                            (np.zeros((2, 2)), 1, "Z must be 1-D")])
def test_sliding_window_refuses_what_as_strided_would_not(Z, size, message):
    """as_strided would read past the end of Z's memory without a word."""
    with pytest.raises(ValueError, match=message):
        diffusion.sliding_window(Z, size)


def test_the_exercise_noisy_start_is_seeded_and_in_range():
    from coursekit.core import rng

    a = diffusion.initial_state(50, 100, 1.0, 10, 5, 0.05, rng(1, "diffusion"))
    b = diffusion.initial_state(50, 100, 1.0, 10, 5, 0.05, rng(1, "diffusion"))
    np.testing.assert_array_equal(a, b)
    assert (a[0, 5::10] == 1).all()
    others = np.delete(a.ravel(), np.ravel_multi_index((np.zeros(10, int), np.arange(5, 100, 10)), a.shape))
    assert others.min() >= 0 and others.max() < 0.05 and others.std() > 0.01
    assert not np.array_equal(a, diffusion.initial_state(50, 100, 1.0, 10, 5, 0.05, rng(2, "diffusion")))
