"""Warmup: the seven basic manipulations, one small function each."""

import numpy as np


def vector_10_to_49():
    """A vector with values ranging from 10 to 49.

    Exercise
    --------
    Return a vector of the integers 10, 11, ..., 49.
    """
    return np.arange(10, 50)


def null_vector_fifth_is_one(size=100):
    """A null vector of size 100 but the fifth value, which is 1.

    Exercise
    --------
    Return a float vector of ``size`` zeros, except its fifth element, which is 1.
    """
    Z = np.zeros(size)
    Z[4] = 1
    return Z


def reverse(Z):
    """Reverse a vector (first element becomes last): a view with a negative stride.

    Exercise
    --------
    Return the vector ``Z`` reversed (its first element last), without a loop.
    """
    return Z[::-1]


def matrix_0_to_8():
    """A 3x3 matrix with values ranging from 0 to 8.

    Exercise
    --------
    Return the 3x3 matrix holding 0, 1, ..., 8 row by row.
    """
    return np.arange(9).reshape(3, 3)


def identity_3x3():
    """A 3x3 identity matrix.

    Exercise
    --------
    Return the 3x3 identity matrix, of floats.
    """
    return np.eye(3)


def border_ones(n=10):
    """A 2-D array with 1 on the border and 0 inside.

    Exercise
    --------
    Return an (n, n) float array of ones on its border and zeros inside.
    """
    Z = np.ones((n, n))
    Z[1:-1, 1:-1] = 0
    return Z


def negate_between_3_and_8(Z):
    """Negate, in place, the elements strictly greater than 3 and at most 8; return Z.

    Exercise
    --------
    In the 1-D array ``Z``, change the sign of every element greater than 3 and at most 8, in place,
    without a loop; return ``Z``.
    """
    Z[(3 < Z) & (Z <= 8)] *= -1
    return Z


ANSWERS = [
    ("Create a vector with values ranging from 10 to 49", "np.arange(10, 50)", vector_10_to_49),
    ("Create a null vector of size 100 but the fifth value which is 1",
     "Z = np.zeros(100); Z[4] = 1", null_vector_fifth_is_one),
    ("Reverse a vector (first element becomes last)", "np.arange(50)[::-1]", lambda: reverse(np.arange(50))),
    ("Create a 3x3 matrix with values ranging from 0 to 8", "np.arange(9).reshape(3, 3)", matrix_0_to_8),
    ("Create a 3x3 identity matrix", "np.eye(3)", identity_3x3),
    ("Create a 2d array with 1 on the border and 0 inside",
     "Z = np.ones((10, 10)); Z[1:-1, 1:-1] = 0", border_ones),
    ("Given a 1D array, negate all elements which are between 3 and 8, in place",
     "Z = np.arange(11); Z[(3 < Z) & (Z <= 8)] *= -1", lambda: negate_between_3_and_8(np.arange(11))),
]


PROMISES = {"negate_between_3_and_8": {"in_place": "Z"}}  # Z changed in place: checked by `check`


def cases(seed, config):
    """The calls `snakemake check` makes of each manipulation."""
    return [("vector_10_to_49", ()), ("null_vector_fifth_is_one", (100,)), ("null_vector_fifth_is_one", (5,)),
            ("reverse", (np.arange(50),)), ("reverse", (np.array([3.5]),)), ("matrix_0_to_8", ()),
            ("identity_3x3", ()), ("border_ones", (10,)), ("border_ones", (2,)), ("border_ones", (3,)),
            ("negate_between_3_and_8", (np.arange(11),)), ("negate_between_3_and_8", (np.arange(-2.0, 12.0, 0.5),))]


if __name__ == "__main__" and "snakemake" not in globals():  # python workflow/scripts/basic_manipulation.py
    from coursekit.students.check import run_directly

    run_directly(__file__)
