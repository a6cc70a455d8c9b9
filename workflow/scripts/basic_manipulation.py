"""Warmup: the seven basic manipulations, one small function each."""

import numpy as np


def vector_10_to_49():
    """A vector with values ranging from 10 to 49."""
    return np.arange(10, 50)


def null_vector_fifth_is_one(size=100):
    """A null vector of size 100 but the fifth value, which is 1."""
    Z = np.zeros(size)
    Z[4] = 1
    return Z


def reverse(Z):
    """Reverse a vector (first element becomes last): a view with a negative stride."""
    return Z[::-1]


def matrix_0_to_8():
    """A 3x3 matrix with values ranging from 0 to 8."""
    return np.arange(9).reshape(3, 3)


def identity_3x3():
    """A 3x3 identity matrix."""
    return np.eye(3)


def border_ones(n=10):
    """A 2-D array with 1 on the border and 0 inside."""
    Z = np.ones((n, n))
    Z[1:-1, 1:-1] = 0
    return Z


def negate_between_3_and_8(Z):
    """Negate, in place, the elements strictly greater than 3 and at most 8; return Z."""
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
