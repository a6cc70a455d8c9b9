"""Warmup: repeat and repeat: np.tile copies, a zero-stride as_strided view does not."""

import numpy as np
from numpy.lib.stride_tricks import as_strided


def tiled(Z, n=3):
    """Return n real copies of Z stacked as rows (new memory: n times Z.nbytes).

    Exercise
    --------
    Return an array of shape (n, len(Z)) whose every row is a copy of the 1-D
    array ``Z``: new memory, so that writing to one row changes neither the
    others nor ``Z``.
    """
    return np.tile(Z, (n, 1))


def strided(Z, n=3):
    """Return n fake copies of Z: a view whose first stride is 0, so every row is Z's memory.

    Exercise
    --------
    Return the same (n, len(Z)) array as ``tiled``, but without copying
    anything: a view of ``Z``'s own memory in which every row is ``Z`` (hint:
    a stride of 0 bytes along the first axis, with ``as_strided``).
    """
    return as_strided(Z, shape=(n,) + Z.shape, strides=(0,) + Z.strides)


def owner(A):
    """Return the array that owns A's memory: A itself, or the end of its chain of bases."""
    while getattr(A, "base", None) is not None:  # as_strided puts a helper object between view and base
        A = A.base
    return A


def write_first(A):
    """Set A[0, 0] = 1 and return A: shows which elements share that memory."""
    A[0, 0] = 1
    return A


PROMISES = {"tiled": {"copy": "Z"}, "strided": {"view": "Z"}}  # new memory, and none: checked by `check`


def cases(seed, config):
    """The calls `snakemake check` makes: a few vectors and counts of rows."""
    vectors = [np.arange(5.0), np.array([7], dtype=np.int16), np.linspace(0, 1, 11)]
    return [(name, (Z, n)) for name in ("tiled", "strided") for Z in vectors for n in (3, 1)]


if __name__ == "__main__" and "snakemake" not in globals():  # python workflow/scripts/repeat.py
    from coursekit.students.check import run_directly

    run_directly(__file__)
