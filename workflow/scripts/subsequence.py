"""Introduction: find every start index of a subsequence, in pure Python and with NumPy.

The course's two functions, corrected:

- its Python version loops over ``range(len(seq) - len(sub))`` and so never
  tries the last window: a match ending at the last element is missed;
- its NumPy version indexes the tuple that ``np.where`` returns as if it
  were an array, and does not run.
"""

import numpy as np


def find_python(seq, sub):
    """Return the start indices of every occurrence of ``sub`` in ``seq`` (lists), overlaps included.

    Exercise
    --------
    ``seq`` and ``sub`` are Python lists of integers. Find every position
    ``i`` where ``sub`` starts in ``seq``, in pure Python: occurrences may
    overlap, and one may end on the last element of ``seq``.

    Return the list of those positions, in increasing order (``[]`` if none).
    """
    n = len(sub)
    return [i for i in range(len(seq) - n + 1) if seq[i:i + n] == sub]


def find_numpy(seq, sub):
    """Return the start indices of every occurrence of ``sub`` in ``seq``, as an int64 array.

    Exercise
    --------
    The same search with NumPy and no Python loop over ``seq``: ``seq`` and
    ``sub`` are 1-D integer arrays (``sub`` not empty, possibly longer than
    ``seq``, possibly all zeros). Hint: a window equal to ``sub`` has the same
    dot product with ``sub`` as ``sub`` itself; ``np.correlate`` computes
    every window's dot product at once, but equal dot products do not prove
    equal windows.

    Return an integer array of the start positions, increasing.

    Parameters
    ----------
    seq, sub : array_like of int
        Integer sequences; ``sub`` must not be empty.

    Notes
    -----
    A window equal to ``sub`` has ``window . sub == sub . sub``, so the
    correlation finds every match plus, possibly, some windows that only
    share that dot product (always for an all-zero ``sub``); comparing the
    candidates' windows with ``sub`` keeps the true matches.
    """
    seq, sub = np.asarray(seq, dtype=np.int64), np.asarray(sub, dtype=np.int64)
    if sub.ndim != 1 or len(sub) == 0:
        raise ValueError(f"sub must be a non-empty 1-D sequence, got shape {sub.shape}")
    if len(sub) > len(seq):
        return np.empty(0, dtype=np.int64)
    target = np.dot(sub, sub)
    candidates = np.flatnonzero(np.correlate(seq, sub, mode="valid") == target)
    check = candidates[:, np.newaxis] + np.arange(len(sub))
    mask = np.all(np.take(seq, check) == sub, axis=-1)
    return candidates[mask]


PAIRS = {"find_numpy": ("find_python", "find_numpy")}  # the loop and the vectorised search, for `snakemake check`


def cases(seed, config):
    """The calls `snakemake check` makes: the configured search, then matches at both ends, overlaps, zeros."""
    from coursekit.core import rng

    p = config["subsequence"]
    seq = random_sequence(p["length"], p["alphabet"], rng(seed, "subsequence"))
    small = [([1, 2, 1, 2, 1], [1, 2, 1]), ([0, 0, 0, 0], [0, 0]), ([3, 1, 2], [1, 2]), ([1, 2], [1, 2, 3]),
             ([5], [5]), ([2, 2, 2], [1])]
    calls = [(seq, list(p["sub"]))] + small
    return ([("find_python", (s.tolist() if hasattr(s, "tolist") else list(s), list(b))) for s, b in calls]
            + [("find_numpy", (np.asarray(s), np.asarray(b))) for s, b in calls])


def find_brute_force(seq, sub):
    """The definition, element by element: the reference both versions are checked against."""
    matches = []
    for i in range(len(seq)):
        if i + len(sub) <= len(seq) and all(seq[i + k] == sub[k] for k in range(len(sub))):
            matches.append(i)
    return matches


def random_sequence(length, alphabet, rng):
    """Return ``length`` integers drawn uniformly from 0 .. alphabet-1."""
    return rng.integers(0, alphabet, size=length)


def check_against_brute_force(rng, cases, alphabet, sub):
    """Check both searches against brute force on ``cases`` random sequences; return how many matches were seen.

    Sequences are short (len(sub) to len(sub) + 59 values, so brute force is quick) and drawn from a small
    alphabet (so matches, overlaps and matches at both ends are frequent);
    ``sub`` itself is planted at the start and at the end of every other case.
    """
    seen = 0
    for case in range(cases):
        seq = random_sequence(int(rng.integers(len(sub), len(sub) + 60)), alphabet, rng)
        if case % 2:
            seq[:len(sub)] = sub
            seq[-len(sub):] = sub
        expected = find_brute_force(seq.tolist(), list(sub))
        python, vectorised = find_python(seq.tolist(), list(sub)), find_numpy(seq, sub).tolist()
        if python != expected or vectorised != expected:
            raise AssertionError(f"search disagrees with brute force on seq={seq.tolist()}, sub={list(sub)}: "
                                 f"brute force {expected}, python {python}, numpy {vectorised}")
        seen += len(expected)
    return seen


if __name__ == "__main__" and "snakemake" in globals():
    from coursekit.core import InputError, entry, log, rng, save_csv, save_npy

    def configured():
        p = snakemake.params.subsequence
        sub = list(p["sub"])
        if max(sub) >= p["alphabet"]:
            raise InputError(f"config subsequence.sub = {sub} cannot occur: its values must be below "
                             f"subsequence.alphabet = {p['alphabet']}")
        return p, sub, random_sequence(p["length"], p["alphabet"], rng(snakemake.params.seed, "subsequence"))

    def search():
        p, sub, seq = configured()
        found = find_numpy(seq, sub)
        log.info("%d matches of %s in %d values", len(found), sub, len(seq))
        save_npy(snakemake.output.npy, found)

    def time_them():
        from tools import timeit

        p, sub, seq = configured()
        seen = check_against_brute_force(rng(snakemake.params.seed, "subsequence", "checks"), p["checks"],
                                         min(p["alphabet"], max(sub) + 2), sub)
        log.info("both searches agree with brute force on %d random cases (%d matches)", p["checks"], seen)
        seq_list = seq.tolist()
        if find_numpy(seq, sub).tolist() != find_python(seq_list, sub):
            raise AssertionError("the two searches disagree on the configured sequence")
        slow = timeit(lambda: find_python(seq_list, sub), repeats=snakemake.params.repeats)
        fast = timeit(lambda: find_numpy(seq, sub), repeats=snakemake.params.repeats)
        save_csv(snakemake.output.csv, [
            {"implementation": name, "length": len(seq), "repeats": r["repeats"], "median_s": r["median"],
             "min_s": r["min"], "speedup_vs_python": slow["median"] / r["median"]}
            for name, r in (("python", slow), ("numpy", fast))])

    entry(snakemake, time_them if "csv" in snakemake.output.keys() else search)


if __name__ == "__main__" and "snakemake" not in globals():  # python workflow/scripts/subsequence.py
    from coursekit.students.check import run_directly

    run_directly(__file__)
