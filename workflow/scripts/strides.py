"""Warmup: computing an array's strides by hand, from its shape and item size."""

import numpy as np


def strides(Z, order=None):
    """Return the strides, in bytes, of a contiguous array of Z's shape and item size.

    Exercise
    --------
    Compute by hand what ``Z.strides`` says for a contiguous array ``Z``:
    for each axis, how many bytes separate two neighbours along it. Use only
    ``Z.shape``, ``Z.itemsize`` and whether ``Z`` is Fortran ordered
    (``np.isfortran(Z)``), never ``Z.strides``.

    Return a tuple of ``Z.ndim`` integers.

    Parameters
    ----------
    Z : ndarray
        The array; only ``Z.shape`` and ``Z.itemsize`` are used.
    order : {'C', 'F'}, optional
        Memory order. By default Fortran if ``np.isfortran(Z)``, else C. An
        array that is both C- and F-contiguous (e.g. of shape (1, 3)) does not
        tell its order: pass it.

    Returns
    -------
    tuple of int
        In C order the last axis moves by one item and each earlier axis by
        the size of all later axes; in Fortran order the other way round.

    Notes
    -----
    For a non-contiguous view such as ``Z[::2]`` this returns the strides a
    *copy* of the view would have, not the view's own: the view keeps its
    base's memory and steps over every other row, so its first stride is
    twice the computed one. Only ``Z.strides`` knows that. An empty array
    (a 0 in its shape) addresses no item, so its strides are arbitrary:
    NumPy 2.x reports them all as 0.
    """
    order = order or ("F" if np.isfortran(Z) else "C")
    if order not in ("C", "F"):
        raise ValueError(f"order must be 'C' or 'F', got {order!r}")
    shape = Z.shape if order == "F" else Z.shape[::-1]
    result = []
    step = Z.itemsize
    for n in shape:
        result.append(step)
        step *= n
    return tuple(result) if order == "F" else tuple(result[::-1])


def cases(seed, config):
    """The calls `snakemake check` makes: C and Fortran arrays of several shapes and item sizes."""
    arrays = [np.arange(24).reshape((2, 3, 4), order=o) for o in "CF"]
    arrays += [np.zeros((5, 7), dtype=np.float32, order=o) for o in "CF"]
    arrays += [np.zeros(6, np.int8), np.zeros((2, 1, 3), np.complex128), np.zeros((3, 2, 5, 4), np.uint16, order="F")]
    return [("strides", (Z,)) for Z in arrays]


if __name__ == "__main__" and "snakemake" not in globals():  # python workflow/scripts/strides.py
    from exercises import run_directly

    run_directly(__file__)
