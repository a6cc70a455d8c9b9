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
