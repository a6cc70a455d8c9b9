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
    """Read element ``index`` of the Fortran-ordered array whose bytes are L, with NumPy.

    Exercise
    --------
    ``L`` is a list of bytes (integers 0..255): the memory of an array of
    ``shape`` whose items are big-endian 64-bit integers, stored in Fortran
    order. With NumPy, read the element at ``index``.

    Return it as a Python int.
    """
    Z = np.array(L, dtype=np.ubyte).view(dtype).reshape(shape, order="F")
    return int(Z[index])


def element_struct(L, index=(1, 0, 0), shape=(2, 2, 2), itemsize=8):
    """Read the same element with struct alone: Fortran strides are (8, 8*2, 8*2*2).

    Exercise
    --------
    The same element as ``element_numpy``, without NumPy: work out where its
    ``itemsize`` bytes start in ``L`` (in Fortran order the first axis moves
    fastest), and decode them with the ``struct`` module.

    Return it as a Python int.
    """
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


def cases(seed, config):
    """The calls `snakemake check` makes: the course's dump at every index, and a dump of another shape."""
    other = list(np.arange(-3, 9).reshape((3, 4), order="F").ravel(order="F").astype(">i8").view(np.ubyte))
    calls = [(L, (1, 0, 0))] + [(L, index) for index in np.ndindex(2, 2, 2)] + [(other, (2, 1)), (other, (0, 3))]
    return [(name, (dump, index, (2, 2, 2) if dump is L else (3, 4))) for name in ("element_numpy", "element_struct")
            for dump, index in calls]


if __name__ == "__main__" and "snakemake" not in globals():  # python workflow/scripts/reorder.py
    from coursekit.students.check import run_directly

    run_directly(__file__)
