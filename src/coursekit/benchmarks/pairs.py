"""Every slow-versus-fast pair of the course, measured side by side in one run.

Each pair is first checked to give the same answer, then timed (median and
min of ``repeats`` runs). The quantization pair also reports the mean squared
error and the peak memory; quantizers.py compares our quantization with
the libraries.
"""

import numpy as np

from coursekit import use_course
from coursekit.quantizer import engine as quantize_engine

use_course()
import automata  # noqa: E402 (the course's modules, importable once use_course() has run)
import diffusion  # noqa: E402
import geometry  # noqa: E402
import quantize  # noqa: E402
import random_walk  # noqa: E402
import subsequence  # noqa: E402
from tools import timeit  # noqa: E402


def row(exercise, implementation, size, result=None, baseline=None, **extra):
    """One line of benchmarks.csv; ``result`` is tools.timeit's dict, ``baseline`` the slow one's."""
    line = {"exercise": exercise, "implementation": implementation, "size": size,
            "repeats": result["repeats"] if result else 0,
            "median_s": result["median"] if result else "", "min_s": result["min"] if result else "",
            "speedup": baseline["median"] / result["median"] if result and baseline else "",
            "mse": "", "peak_mb": "", "note": ""}
    line.update(extra)
    return line


def pair(exercise, size, slow, fast, repeats, same):
    """Check that ``same(slow(), fast())``, then time both; return their two rows.

    ``slow`` and ``fast`` are (implementation name, function of no argument).
    """
    (slow_name, slow_run), (fast_name, fast_run) = slow, fast
    if not same(slow_run(), fast_run()):
        raise AssertionError(f"{exercise}: the two implementations disagree, not timing them")
    t_slow, t_fast = timeit(slow_run, repeats=repeats), timeit(fast_run, repeats=repeats)
    return [row(exercise, slow_name, size, t_slow, t_slow), row(exercise, fast_name, size, t_fast, t_slow)]


def bench_random_walk(n, repeats, make_rng):
    walks = [np.asarray(f(n, make_rng())) for f in random_walk.IMPLEMENTATIONS.values()]
    if not all(np.array_equal(w, walks[0]) for w in walks):
        raise AssertionError("random walk: the three implementations disagree")
    return [row("random walk", r["implementation"], f"n={n}", {"repeats": r["repeats"], "median": r["median_s"],
                "min": r["min_s"]}, speedup=r["speedup_vs_loop"])
            for r in random_walk.timings(n, make_rng(), repeats)]


def bench_subsequence(length, alphabet, sub, repeats, rng):
    seq = subsequence.random_sequence(length, alphabet, rng)
    seq_list = seq.tolist()
    return pair("subsequence", f"length={length}", ("python", lambda: subsequence.find_python(seq_list, sub)),
                ("numpy", lambda: subsequence.find_numpy(seq, sub).tolist()), repeats, lambda a, b: a == b)


def bench_geometry(squares, repeats):
    S = geometry.squares(squares, 0.1, (1, 0))
    return pair("geometry", f"squares={squares}", ("double loop", lambda: geometry.transform_loop(S)),
                ("einsum", lambda: geometry.transform(S)), repeats, lambda a, b: np.allclose(a, b, rtol=0, atol=1e-12))


def bench_automata(steps, width, repeats):
    start = automata.initial_state(steps, width)
    return pair("rule 30", f"{steps}x{width}", ("cell at a time", lambda: automata.evolve_python(start.copy(), 30)),
                ("row at a time", lambda: automata.evolve(start.copy(), 30)), repeats, np.array_equal)


def bench_diffusion(steps, size, repeats):
    start = diffusion.initial_state(steps, size, 1.5, 10, 5)
    return pair("heat equation", f"{steps}x{size}", ("python loop", lambda: diffusion.diffuse_python(start.copy(), 0.05)),
                ("strided view", lambda: diffusion.diffuse(start.copy(), 0.05)), repeats, np.array_equal)


def scaled(I, width, height):
    """The photo scaled bilinearly to width x height (scipy.ndimage.zoom, order 1)."""
    import scipy.ndimage

    zoomed = scipy.ndimage.zoom(I.astype(np.float32), (height / I.shape[0], width / I.shape[1], 1), order=1)
    return np.clip(np.rint(zoomed), 0, 255).astype(np.uint8)


def peak_memory_mb(function):
    """Peak memory (MB) that NumPy allocates while ``function()`` runs (tracemalloc sees NumPy's buffers)."""
    import tracemalloc

    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def bench_quantize(photo, size, course_size, colors, steps, repeats, make_rng):
    """Course k-means against ours from the same start on a smaller copy; ours as the pipeline runs it at full size."""
    rows = []
    # 1. the pair, from the same starting centroids, so both must reach the same centroids
    small = scaled(photo, *course_size)
    pixels = small.reshape(-1, 3)
    colors_, counts = quantize_engine.distinct_colors(small)
    start = quantize_engine.kmeans_plus_plus(colors_, counts, colors, make_rng())
    theirs, _ = quantize.kmeans_course(pixels, colors, steps, None, init=start)
    (ours,), _, _ = quantize_engine.lloyd(colors_, counts, [start], steps, tolerance=0)
    if not np.allclose(theirs, ours, rtol=0, atol=1e-6):
        raise AssertionError(f"k-means: the course's and ours disagree from the same start: {theirs} != {ours}")
    label = f"{course_size[0]}x{course_size[1]}, k={colors}, {steps} steps"
    slow = timeit(lambda: quantize.kmeans_course(pixels, colors, steps, None, init=start), repeats=repeats)
    fast = timeit(lambda: quantize_engine.lloyd(colors_, counts, [start], steps, tolerance=0), repeats=repeats)
    rows += [row("k-means quantization", "course (cdist, loop per cluster)", label, slow, slow,
                 peak_mb=f"{peak_memory_mb(lambda: quantize.kmeans_course(pixels, colors, steps, None, init=start)):.0f}"),
             row("k-means quantization", "ours, same start (weighted distinct colours)", label, fast, slow)]

    # 2. at full size: ours as quantize.py runs it (histograms, 33 starts); the libraries: quantizers.py
    big = scaled(photo, *size)
    label = f"{size[0]}x{size[1]}, k={colors}, {steps} steps"
    ours_time = timeit(lambda: quantize_engine.quantize_kmeans(big, colors, steps, make_rng()), repeats=repeats)
    Q, _ = quantize_engine.quantize_kmeans(big, colors, steps, make_rng())
    distinct = len(quantize_engine.colour_counts(big)[0])
    rows.append(row("k-means at scale", "ours (histograms, 33 starts)", label, ours_time, ours_time,
                    mse=f"{quantize_engine.mse(big, Q):.3f}",
                    peak_mb=f"{peak_memory_mb(lambda: quantize_engine.quantize_kmeans(big, colors, steps, make_rng())):.0f}",
                    note=f"{distinct} distinct colours"))
    return rows


def run_all(config, seed, photo, declared_sections=None):
    """Every pair, in the course's order, then the pairs of the exercises added as one module (their config keys
    in ``declared_sections``); returns the rows of benchmarks.csv."""
    from coursekit.core import log, rng

    b = config
    rows = []
    for name, make in [
        ("random walk", lambda: bench_random_walk(b["random_walk"], b["repeats"], lambda: rng(seed, "bench", "walk"))),
        ("subsequence", lambda: bench_subsequence(b["subsequence"], b["alphabet"], b["sub"], b["repeats"],
                                                  rng(seed, "bench", "subsequence"))),
        ("heat equation", lambda: bench_diffusion(*b["diffusion"], b["repeats"])),
        ("rule 30", lambda: bench_automata(*b["automata"], b["repeats"])),
        ("geometry", lambda: bench_geometry(b["squares"], b["repeats"])),
        ("quantization", lambda: bench_quantize(photo, b["quantize"]["size"], b["quantize"]["course_size"],
                                                b["quantize"]["colors"], b["quantize"]["steps"], b["repeats"],
                                                lambda: rng(seed, "bench", "quantize"))),
    ]:
        new = make()
        for r in new:
            log.info("%-22s %-42s %-28s median %-10s %s", r["exercise"], r["implementation"], r["size"],
                     f"{r['median_s']:.3g} s" if r["median_s"] != "" else "-",
                     f"{r['speedup']:.1f}x" if r["speedup"] != "" else r["note"])
        rows += new
    for name, added in declared_pairs(declared_sections or {}, seed, b["repeats"]):  # exercises added as one
        log.info("%-22s %d rows (its PAIRS, on its first case)", name, len(added))     # module (modules.py)
        rows += added
    return rows


def declared_pairs(sections, seed, repeats):
    """For each exercise that declares itself (``EXERCISE``, modules.py) and has ``PAIRS``: its slow and fast
    versions, checked to agree, then timed on the first case its ``cases()`` lists for the fast one.
    ``sections``: each such module's config key. Returns [(its title, its rows)]."""
    import copy
    import importlib

    from coursekit.modules import declared

    out = []
    for declaration in declared():
        module = importlib.import_module(declaration.module)
        rows = []
        for slow_name, fast_name in dict.fromkeys(getattr(module, "PAIRS", {}).values()):
            args = next(a for case, a in module.cases(seed, sections) if case == fast_name)
            slow_f, fast_f = getattr(module, slow_name), getattr(module, fast_name)
            rows += pair(declaration.title, "the first case of cases()",
                         (slow_name, lambda f=slow_f: f(*copy.deepcopy(args))),
                         (fast_name, lambda f=fast_f: f(*copy.deepcopy(args))), repeats,
                         lambda a, b: np.array_equal(np.asarray(a), np.asarray(b)))
        if rows:
            out.append((declaration.title, rows))
    return out


def plot(rows):
    """Speed-up of each fast implementation over its slow partner, on a log axis."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [r for r in rows if r["speedup"] not in ("", 1.0)]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(shown) + 1.2))
    labels = [f"{r['exercise']}: {r['implementation']}" for r in shown]
    speedups = [r["speedup"] for r in shown]
    ax.barh(range(len(shown)), speedups, color=["tab:blue" if s >= 1 else "tab:red" for s in speedups])
    ax.set_xscale("log")
    ax.axvline(1, color="black", linewidth=0.8)
    ax.set_yticks(range(len(shown)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("times faster than the first implementation of its exercise (log scale)")
    ax.spines[["top", "right"]].set_visible(False)
    for y, s in enumerate(speedups):
        ax.text(s, y, f" {s:.3g}x", va="center", fontsize=8)
    fig.tight_layout()
    return fig


if __name__ == "__main__" and "snakemake" in globals():
    from coursekit.core import entry, save_csv, save_figure
    from coursekit.quantizer.images import read_image

    def main():
        config = dict(snakemake.params.benchmarks)
        config.update(alphabet=snakemake.params.subsequence["alphabet"], sub=snakemake.params.subsequence["sub"])
        photo, _ = read_image(snakemake.input.photo)
        rows = run_all(config, snakemake.params.seed, photo, snakemake.params.declared)
        save_csv(snakemake.output.csv, rows)
        save_figure(plot(rows), snakemake.output.png)

    entry(snakemake, main)
