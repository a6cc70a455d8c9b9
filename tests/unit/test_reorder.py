import struct

import numpy as np
import pytest

import reorder


def test_course_dump_element():
    assert reorder.element_numpy(reorder.L) == 1005
    assert reorder.element_struct(reorder.L) == 1005


def test_course_comment_generates_a_c_order_dump():
    G = reorder.course_generator()
    assert reorder.dump(G, "C") == reorder.L
    assert int(G[1, 0, 0]) == 1002
    assert reorder.element_numpy(reorder.dump(G, "F")) == 1002


@pytest.mark.parametrize("seed", range(5))
def test_generated_dumps_numpy_and_struct_agree(seed):
    rng = np.random.default_rng(seed)
    shape = tuple(int(n) for n in rng.integers(1, 5, size=3))
    Z = rng.integers(-2**62, 2**62, size=shape)
    # a Fortran-ordered big-endian dump built byte by byte with struct, independent of NumPy's views
    items = [Z[i, j, k] for k in range(shape[2]) for j in range(shape[1]) for i in range(shape[0])]
    L = list(b"".join(struct.pack(">q", int(v)) for v in items))
    for index in np.ndindex(shape):
        assert reorder.element_numpy(L, index, shape) == Z[index]
        assert reorder.element_struct(L, index, shape) == Z[index]
