"""Warmup: reordering things: element [1, 0, 0] of a byte dump, with NumPy and with struct alone.

The dump is a 2x2x2 array of big-endian int64, Fortran ordered.
"""

import struct

import numpy as np

# The course's byte dump.
L = [0, 0, 0, 0, 0, 0, 3, 233,
     0, 0, 0, 0, 0, 0, 3, 237,
     0, 0, 0, 0, 0, 0, 3, 235,
     0, 0, 0, 0, 0, 0, 3, 239,
     0, 0, 0, 0, 0, 0, 3, 234,
     0, 0, 0, 0, 0, 0, 3, 238,
     0, 0, 0, 0, 0, 0, 3, 236,
     0, 0, 0, 0, 0, 0, 3, 240]


def element_numpy(L, index=(1, 0, 0), shape=(2, 2, 2), dtype=">i8"):
    """Read element ``index`` of the Fortran-ordered array whose bytes are L, with NumPy."""
    Z = np.array(L, dtype=np.ubyte).view(dtype).reshape(shape, order="F")
    return int(Z[index])


def element_struct(L, index=(1, 0, 0), shape=(2, 2, 2), itemsize=8):
    """Read the same element with struct alone: Fortran strides are (8, 8*2, 8*2*2)."""
    strides, step = [], itemsize
    for n in shape:
        strides.append(step)
        step *= n
    start = sum(i * s for i, s in zip(index, strides))
    (value,) = struct.unpack(">q", bytes(L[start:start + itemsize]))
    return value


def dump(Z, order):
    """Return the bytes of Z (as big-endian int64) listed in the given memory order, as a list."""
    return list(np.asarray(Z).astype(">i8").ravel(order=order).view(np.ubyte))


def course_generator():
    """The array the course's comment says the dump came from: range(1001, 1009) reshaped in F order."""
    return np.reshape(np.arange(1001, 1009), (2, 2, 2), order="F")
