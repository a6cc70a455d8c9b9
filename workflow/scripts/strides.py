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
    For a non-contiguous view this returns the strides of a contiguous array
    of the view's shape, in C order unless ``np.isfortran`` says Fortran
    (a view that is neither counts as C): not the view's own strides. The
    course's own case, the Fortran-ordered ``Z[::2]`` of shape (1, 3, 4),
    gets (96, 32, 8) where the view has (16, 16, 48): its rows step over its
    base's memory in Fortran order. :func:`strides_of_view` reads a view's
    strides from where its elements lie in memory. An empty array (a 0 in
    its shape) addresses no item, so its strides are arbitrary: NumPy 2.x
    reports them all as 0.
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


def strides_of_view(Z):
    """Return the strides of any array, views included, measured from the addresses of its elements.

    For each axis, the distance in bytes between the first element and its
    neighbour along that axis (their offsets into the same memory, the
    base's for a view): what ``Z.strides`` says, found without asking it.
    An axis of length 1 has no neighbour, and its stride never moves
    anything: None for it (NumPy keeps whatever the slicing left there).
    """
    Z = np.asarray(Z)
    first = Z.__array_interface__["data"][0]
    result = []
    for axis, n in enumerate(Z.shape):
        if n < 2:
            result.append(None)
            continue
        neighbour = Z[tuple(slice(1, 2) if a == axis else slice(0, 1) for a in range(Z.ndim))]
        result.append(neighbour.__array_interface__["data"][0] - first)
    return tuple(result)


def cases(seed, config):
    """The calls `snakemake check` makes: C and Fortran arrays of several shapes and item sizes."""
    arrays = [np.arange(24).reshape((2, 3, 4), order=o) for o in "CF"]
    arrays += [np.zeros((5, 7), dtype=np.float32, order=o) for o in "CF"]
    arrays += [np.zeros(6, np.int8), np.zeros((2, 1, 3), np.complex128), np.zeros((3, 2, 5, 4), np.uint16, order="F")]
    return [("strides", (Z,)) for Z in arrays]


if __name__ == "__main__" and "snakemake" not in globals():  # python workflow/scripts/strides.py
    from coursekit.students.check import run_directly

    run_directly(__file__)
