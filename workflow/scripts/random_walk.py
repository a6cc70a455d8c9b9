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
    """Walk of n steps with a Python loop; returns the list of the n positions after each step."""
    position = 0
    walk = []
    for _ in range(n):
        position += 1 if rng.random() < 0.5 else -1
        walk.append(position)
    return walk


def random_walk_faster(n, rng):
    """Walk of n steps: all steps drawn at once, then accumulated by itertools (a Python list)."""
    steps = np.where(rng.random(n) < 0.5, 1, -1).tolist()
    return list(accumulate(steps))


def random_walk_fastest(n, rng):
    """Walk of n steps, vectorised: int64 array of the cumulative sum of the steps."""
    steps = np.where(rng.random(n) < 0.5, 1, -1)
    return np.cumsum(steps)


IMPLEMENTATIONS = {
    "python loop": random_walk_slow,
    "itertools.accumulate": random_walk_faster,
    "numpy cumsum": random_walk_fastest,
}


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
    """Return a figure of the walk: position against step."""
    from pipeline import figure

    fig, ax = figure((6, 3))
    ax.plot(np.arange(1, len(walk) + 1), walk, color="black", linewidth=0.8)
    ax.axhline(0, color="0.7", linewidth=0.5)
    fig.tight_layout()
    return fig


if __name__ == "__main__" and "snakemake" in globals():
    from pipeline import entry, log, rng, save_csv, save_figure, save_npy

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
