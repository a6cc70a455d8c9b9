import itertools

import numpy as np
import pytest

import strides

# Empty shapes are left out: no item is ever addressed, and NumPy 2.4 reports 0 for every stride.
SHAPES = [(), (1,), (7,), (2, 3), (3, 1), (1, 3), (2, 3, 4), (1, 1, 1), (5, 1, 2, 3), (3, 4, 5, 6, 2)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("dtype", [np.int8, np.float64, np.complex128, "U3"])
def test_strides_match_numpy(shape, order, dtype):
    Z = np.zeros(shape, dtype=dtype, order=order)
    assert strides.strides(Z, order) == Z.strides


def hand_c(shape, itemsize):
    """Strides from the definition: product of the lengths of all later axes, times the item size."""
    return tuple(itemsize * int(np.prod(shape[k + 1:], dtype=np.int64)) for k in range(len(shape)))


@pytest.mark.parametrize("shape", [s for s in itertools.product([1, 2, 3], repeat=3)])
def test_default_order_detected(shape):
    C = np.arange(np.prod(shape)).reshape(shape)
    assert strides.strides(C) == hand_c(shape, 8)
    F = np.asfortranarray(C)
    if not F.flags.c_contiguous:
        assert strides.strides(F) == F.strides


def test_non_contiguous_view_gives_copy_strides():
    Z = np.arange(24).reshape((2, 3, 4), order="F")[::2]
    assert strides.strides(Z) == Z.copy(order="C").strides
    assert strides.strides(Z) != Z.strides


def test_bad_order():
    with pytest.raises(ValueError, match="order must be"):
        strides.strides(np.zeros(3), "K")


@pytest.mark.parametrize("make", [
    lambda: np.arange(24).reshape((2, 3, 4), order="F")[::2],  # the course's "this does not work"
    lambda: np.arange(24).reshape((2, 3, 4), order="F")[:, ::2],
    lambda: np.arange(24).reshape(2, 3, 4)[:, 1:, ::-1],
    lambda: np.arange(24.0).reshape(4, 6).T[::2],
    lambda: np.arange(10, dtype=np.int16)[::-3],
    lambda: np.zeros((3, 5), dtype=">f8")[:, 1::2],
])
def test_strides_of_view_equals_numpy(make):
    V = make()
    mine = strides.strides_of_view(V)
    assert all(m == s for m, s, n in zip(mine, V.strides, V.shape) if n > 1)
    assert all(m is None for m, n in zip(mine, V.shape) if n < 2)


def test_the_course_fortran_view_is_not_twice_the_computed_stride():
    V = np.arange(24).reshape((2, 3, 4), order="F")[::2]
    assert V.strides == (16, 16, 48) and strides.strides(V) == (96, 32, 8)  # as the docstring says
