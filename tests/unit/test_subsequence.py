import numpy as np
import pytest

import subsequence
from coursekit.core import rng


def brute(seq, sub):
    """Every i where the slice equals sub, compared element by element."""
    return [i for i in range(len(seq)) if list(seq[i:i + len(sub)]) == list(sub)]


@pytest.mark.parametrize("seq,sub,expected", [
    ([1, 2, 3, 1, 2, 3], [1, 2, 3], [0, 3]),        # a match ending at the last element
    ([0, 0, 0, 0], [0, 0], [0, 1, 2]),              # zeros and overlaps
    ([5, 1, 5], [5], [0, 2]),
    ([1, 2], [1, 2, 3], []),                        # sub longer than seq
    ([3, 0, 4, 0, 0, 4], [0, 4], [1, 4]),
    ([2, -1, 2, -1], [2, -1], [0, 2]),              # negative values
])
def test_hand_cases(seq, sub, expected):
    assert subsequence.find_python(seq, sub) == expected
    assert subsequence.find_numpy(seq, sub).tolist() == expected
    assert subsequence.find_brute_force(seq, sub) == expected


def test_dot_product_collisions_are_rejected():
    # [2, 0] . [1, 1] = 2 = [1, 1] . [1, 1]: same correlation, not a match
    assert subsequence.find_numpy([2, 0, 1, 1], [1, 1]).tolist() == [2]


@pytest.mark.parametrize("seed", range(20))
def test_random_cases_against_brute_force(seed):
    g = np.random.default_rng(seed)
    alphabet = int(g.integers(1, 4))
    seq = g.integers(0, alphabet, size=int(g.integers(1, 80)))
    sub = g.integers(0, alphabet, size=int(g.integers(1, 5)))
    expected = brute(seq.tolist(), sub.tolist())
    assert subsequence.find_python(seq.tolist(), sub.tolist()) == expected
    assert subsequence.find_numpy(seq, sub).tolist() == expected


def test_check_against_brute_force_counts_matches():
    assert subsequence.check_against_brute_force(rng(0, "s"), 30, 3, [0, 1, 2]) >= 30  # planted at both ends


def test_empty_sub_refused():
    with pytest.raises(ValueError, match="non-empty"):
        subsequence.find_numpy([1, 2], [])


@pytest.mark.parametrize("length", [59, 60, 80, 1000])
def test_checks_run_with_a_long_sub(length):
    """A sub of 60 or more values crashed the timing job (`rng.integers(len(sub), 60)`: low >= high)."""
    sub = np.random.default_rng(length).integers(0, 2, length)
    seen = subsequence.check_against_brute_force(np.random.default_rng(1), 6, 3, sub)
    assert seen >= 3  # planted in every other case (it raises if a search disagrees with brute force)
