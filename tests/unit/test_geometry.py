import numpy as np
import pytest

import geometry


def test_structured_array_fields():
    S = geometry.squares(25, 0.1, (1, 0))
    assert S.shape == (25,) and S["points"].shape == (25, 4, 2)
    assert S["scale"].shape == (25,) and S["translate"].shape == (25, 2) and S["rotate"].shape == (25,)
    assert S["rotate"][0] == 0 and np.isclose(S["rotate"][-1], 2 * np.pi * 24 / 25)


@pytest.mark.parametrize("n,scale,translate", [(25, 0.1, (1, 0)), (1, 2.0, (0, 0)), (7, 0.5, (-3, 2.5))])
def test_vectorised_equals_loop(n, scale, translate):
    S = geometry.squares(n, scale, translate)
    np.testing.assert_allclose(geometry.transform(S), geometry.transform_loop(S), rtol=0, atol=1e-14)


def test_hand_worked_quarter_turn():
    S = geometry.squares(4, 0.5, (1, 0))  # angles 0, pi/2, pi, 3pi/2
    P = geometry.transform(S)
    # corner (-1, -1) scaled to (-0.5, -0.5), translated to (0.5, -0.5), rotated by pi/2 to (0.5, 0.5)
    np.testing.assert_allclose(P[1, 0], [0.5, 0.5], atol=1e-15)
    np.testing.assert_allclose(P[0], [[0.5, -0.5], [0.5, 0.5], [1.5, 0.5], [1.5, -0.5]], atol=1e-15)


def test_squares_lie_on_the_circle():
    P = geometry.transform(geometry.squares(25, 0.1, (1, 0)))
    centres = P.mean(axis=1)
    np.testing.assert_allclose(np.hypot(*centres.T), 1.0)
