"""Warmup: NaN arithmetic, evaluated rather than remembered."""

import numpy as np

EXPRESSIONS = [
    ("0 * np.nan", "any arithmetic with NaN gives NaN: NaN is not a number, not an unknown zero"),
    ("np.nan == np.nan", "NaN compares unequal to everything, itself included (IEEE 754)"),
    ("np.inf > np.nan", "every ordered comparison with NaN is False, even against infinity"),
    ("np.nan - np.nan", "NaN propagates through subtraction too"),
    ("0.3 == 3 * 0.1", "0.1 and 0.3 have no exact binary representation: 3 * 0.1 rounds to "
                       "0.30000000000000004, one ulp above the double nearest to 0.3"),
]


def evaluate():
    """Return (expression, repr of its value, why) for each of the course's five expressions."""
    return [(expr, repr(eval(expr, {"np": np})), why) for expr, why in EXPRESSIONS]


def exact_decimal(x):
    """Return the exact decimal value of the double nearest to x (e.g. 0.1)."""
    from decimal import Decimal

    return str(Decimal(x))
