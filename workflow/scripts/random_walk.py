"""Introduction: a random walk, three ways (Python loop, itertools.accumulate, NumPy cumsum).

Each step is +1 or -1 with equal probability. All three draw their steps the
same way from the generator they are given (one uniform number per step,
``u < 0.5`` is a step up), so for the same seed they return the same walk:
unlike the course's versions, which use global random state and cannot be
reproduced.
"""

from itertools import accumulate

import numpy as np


def random_walk_slow(n, rng):
    """Walk of n steps with a Python loop; returns the list of the n positions after each step.

    Exercise
    --------
    A walker starts at 0 and takes ``n`` steps of +1 or -1. Write the walk with
    a plain Python loop: for each step draw one number with ``rng.random()``;
    below 0.5 the walker goes up, otherwise down.

    Return the list of the ``n`` positions after each step (the start is not
    included), so ``random_walk_slow(3, rng)`` may be ``[1, 0, -1]``.

    Another way of drawing the steps is fine too (the course's
    ``random.choice([-1, +1])``, or ``rng.choice([-1, +1])``): the check accepts
    any walk of ``n`` steps of +1 or -1; drawn as above, yours is the reference's
    walk exactly, and so is its figure.
    """
    position = 0
    walk = []
    for _ in range(n):
        position += 1 if rng.random() < 0.5 else -1
        walk.append(position)
    return walk


def random_walk_faster(n, rng):
    """Walk of n steps: all steps drawn at once, then accumulated by itertools (a Python list).

    Exercise
    --------
    The same walk without writing the loop: draw the ``n`` numbers at once
    with ``rng.random(n)``, turn each into a step (+1 below 0.5, else -1), and
    let ``itertools.accumulate`` add the steps up.

    Return a list of ``n`` positions, equal to ``random_walk_slow`` for the
    same generator state (any walk of +1 and -1 steps is accepted, as above).
    """
    steps = np.where(rng.random(n) < 0.5, 1, -1).tolist()
    return list(accumulate(steps))


def random_walk_fastest(n, rng):
    """Walk of n steps, vectorised: int64 array of the cumulative sum of the steps.

    Exercise
    --------
    The same walk with NumPy alone, no Python loop: the ``n`` steps drawn as
    above (``rng.random(n)``, +1 below 0.5, else -1) as an array, then their
    running sum.

    Return an integer array of shape ``(n,)``. The course draws
    ``np.random.choice([-1, +1], n)``; with the generator, ``rng.choice([-1, +1], n)``
    is accepted too: any walk of +1 and -1 steps is.
    """
    steps = np.where(rng.random(n) < 0.5, 1, -1)
    return np.cumsum(steps)


IMPLEMENTATIONS = {
    "python loop": random_walk_slow,
    "itertools.accumulate": random_walk_faster,
    "numpy cumsum": random_walk_fastest,
}


# The slow and the fast versions of the exercise, for `snakemake check` to time a student's version beside both.
PAIRS = {"random_walk_fastest": ("random_walk_slow", "random_walk_fastest"),
         "random_walk_faster": ("random_walk_slow", "random_walk_fastest")}
FIGURES = {name: "plot" for name in ("random_walk_slow", "random_walk_faster", "random_walk_fastest")}
# What the check accepts where a result differs from ours (the function that judges it, and what it accepts):
# any walk, however its steps were drawn.
ACCEPT = {name: ("is_a_walk", "walks of +1 and -1 steps drawn another way than the statement's")
          for name in ("random_walk_slow", "random_walk_faster", "random_walk_fastest")}


def is_a_walk(args, walk):
    """None if ``walk`` is a walk of ``n = args[0]`` steps of +1 or -1 from 0, else what is wrong, in words."""
    n = args[0]
    positions = np.asarray(walk)
    if positions.shape != (n,) or positions.dtype.kind not in "iu":
        return f"it is not {n} integer positions"
    steps = np.diff(positions, prepend=0)
    bad = np.flatnonzero(np.abs(steps) != 1)
    if bad.size:
        return f"step {bad[0] + 1} goes from {positions[bad[0]] - steps[bad[0]]} to {positions[bad[0]]}, not by +1 or -1"
    return None


def cases(seed, config):
    """The calls `snakemake check` makes of each exercise: the configured walk, then edge sizes.

    Each case is (function name, arguments); a generator in the arguments is
    copied for each call, so the student's function and ours draw the same numbers.
    """
    from coursekit.core import rng

    sizes = [config["random_walk"]["n"], 1, 2, 17]
    return [(name, (n, rng(seed, "check", "random_walk", str(n))))
            for name in ("random_walk_slow", "random_walk_faster", "random_walk_fastest") for n in sizes]


def timings(n, rng, repeats):
    """Time each implementation on n steps; return rows of the timings table.

    Every call draws a new walk from ``rng`` (making a generator costs more
    than the NumPy walk itself, so it is made once, outside the timing).
    Rows: implementation, n, repeats, median_s, min_s, speedup_vs_loop
    (median over median).
    """
    from tools import timeit

    results = {name: timeit(lambda f=f: f(n, rng), repeats=repeats) for name, f in IMPLEMENTATIONS.items()}
    base = results["python loop"]["median"]
    return [{"implementation": name, "n": n, "repeats": repeats, "median_s": r["median"], "min_s": r["min"],
             "speedup_vs_loop": base / r["median"]} for name, r in results.items()]


def plot(walk):
    """Return a figure of the walk: position against step, with labelled axes (the course shows none)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot(np.arange(1, len(walk) + 1), walk, color="black", linewidth=0.8)
    ax.axhline(0, color="0.7", linewidth=0.5)
    ax.set_xlabel("step")
    ax.set_ylabel("position")
    ax.set_xlim(0, len(walk))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


if __name__ == "__main__" and "snakemake" in globals():
    from coursekit.core import entry, log, rng, save_csv, save_figure, save_npy

    def simulate():
        walk = random_walk_fastest(snakemake.params.n, rng(snakemake.params.seed, "random_walk"))
        save_npy(snakemake.output.npy, walk)
        save_figure(plot(walk), snakemake.output.png)

    def time_them():
        rows = timings(snakemake.params.n, rng(snakemake.params.seed, "random_walk", "timing"), snakemake.params.repeats)
        for row in rows:
            log.info("%-22s median %.3g s, %.1fx the loop", row["implementation"], row["median_s"], row["speedup_vs_loop"])
        save_csv(snakemake.output.csv, rows)

    entry(snakemake, time_them if "csv" in snakemake.output.keys() else simulate)


if __name__ == "__main__" and "snakemake" not in globals():  # python workflow/scripts/random_walk.py
    from coursekit.students.check import run_directly

    run_directly(__file__)
