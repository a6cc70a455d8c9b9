"""Colour quantization against the libraries a user would pick, on photos the project has never seen.

Three tables and a figure, in results/benchmarks/:

- ``quantize-libraries.csv``: on each photo (12 megapixels, 400 thousand to
  1.2 million distinct colours), 16 colours, 20 steps: ours, scikit-learn
  KMeans, OpenCV kmeans, faiss Kmeans, libimagequant, Pillow's median cut and
  Pillow's median cut with its k-means refinement; the time of the
  quantization alone (min, median, max of ``repeats`` runs in this process)
  and the error of its result;
- ``quantize-commands.csv``: the whole command, ``python quantize.py IN.png
  OUT.png --colors 16`` against Pillow's (open, median cut, save), each run
  ``commands`` times in turn, in fresh processes, with each run's peak memory;
- ``quantize-scaling.csv`` and ``.png``: ours and Pillow's median cut as the
  photo grows from 1 to 48 megapixels, and as k grows from 4 to 256.

The photos are scikit-image's bundled ones (installed by
requirements-bench.txt, read from the package, never downloaded), scaled up
bilinearly, one of them also with sensor noise drawn from the config seed.
A library that is not installed gets a row saying so. libimagequant is GPL:
it is compared here, never imported by the product.

Errors are the mean over the pixels of the squared distance summed over the
three channels (the issue's convention): three times what quantize.py logs.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from coursekit import COURSE, use_course
from coursekit.benchmarks.pairs import scaled
from coursekit.core import InputError, log, rng
from coursekit.quantizer import engine

use_course()
from tools import timeit  # noqa: E402 (the course's tools.timeit)

SCRIPT = COURSE / "quantize.py"
LIBRARY_COLUMNS = ["photo", "megapixels", "distinct_colours", "colours", "steps", "method", "repeats", "min_s",
                   "median_s", "max_s", "error_rgb", "note"]
COMMAND_COLUMNS = ["photo", "megapixels", "command", "runs", "min_s", "median_s", "max_s", "ratio_to_pillow",
                   "peak_mb", "bytes_per_pixel"]
SCALING_COLUMNS = ["axis", "megapixels", "colours", "method", "repeats", "min_s", "median_s", "max_s", "error_rgb"]
PILLOW_COMMAND = ("import sys\nfrom PIL import Image\n"
                  "Image.open(sys.argv[1]).quantize(int(sys.argv[3]), method=Image.Quantize.MEDIANCUT).save(sys.argv[2])")


def error_rgb(I, Q):
    """Mean over the pixels of |x - q|^2 summed over R, G and B."""
    return 3 * engine.mse(I, Q)


def timed(run, repeats):
    """Time ``run()`` with tools.timeit, one call per repeat; return (its last result, min, median, max seconds)."""
    last = [None]

    def call():
        last[0] = run()

    t = timeit(call, repeats=repeats, number=1)
    return last[0], t["min"], t["median"], t["max"]


# -- the methods: each takes (I, k, steps, seed) and returns the quantized RGB image ------------


def ours(I, k, steps, seed):
    present, counts = engine.colour_counts(I)
    palette, labels, _ = engine.kmeans_indexed(present, counts, k, steps, np.random.default_rng(seed))
    return palette[engine.lookup(I, present, labels)]


def scikit_learn(I, k, steps, seed):
    from sklearn.cluster import KMeans

    model = KMeans(k, init="k-means++", n_init=1, max_iter=steps, random_state=seed).fit(I.reshape(-1, 3).astype(float))
    return np.clip(np.rint(model.cluster_centers_), 0, 255).astype(np.uint8)[model.labels_].reshape(I.shape)


def opencv(I, k, steps, seed):
    import cv2

    cv2.setRNGSeed(seed)
    criteria = (cv2.TERM_CRITERIA_MAX_ITER, steps, 0)
    _, labels, centres = cv2.kmeans(I.reshape(-1, 3).astype(np.float32), k, None, criteria, 1, cv2.KMEANS_PP_CENTERS)
    return np.clip(np.rint(centres), 0, 255).astype(np.uint8)[labels[:, 0]].reshape(I.shape)


def faiss_kmeans(I, k, steps, seed):
    import logging

    logging.getLogger("faiss.loader").setLevel(logging.WARNING)  # not its search for CPU-specific builds
    import faiss

    X = I.reshape(-1, 3).astype(np.float32)
    model = faiss.Kmeans(3, k, niter=steps, seed=seed, verbose=False)
    model.train(X)  # faiss trains on a sample of 256 points per centroid, its default
    _, labels = model.index.search(X, 1)
    return np.clip(np.rint(model.centroids), 0, 255).astype(np.uint8)[labels[:, 0]].reshape(I.shape)


def libimagequant(I, k, steps, seed):
    import imagequant
    from PIL import Image

    image = imagequant.quantize_pil_image(Image.fromarray(I).convert("RGBA"), dithering_level=0.0, max_colors=k)
    return np.asarray(image.convert("RGB"))


def pillow_median_cut(I, k, steps, seed):
    from PIL import Image

    return np.asarray(Image.fromarray(I).quantize(k, method=Image.Quantize.MEDIANCUT).convert("RGB"))


def pillow_median_cut_kmeans(I, k, steps, seed):
    from PIL import Image

    # Pillow's kmeans=n refines until at most n - 1 pixels change in a step (libImaging/Quant.c)
    return np.asarray(Image.fromarray(I).quantize(k, method=Image.Quantize.MEDIANCUT, kmeans=steps).convert("RGB"))


METHODS = {  # name in the tables -> (function, the module it needs)
    "ours (histograms, 33 starts)": (ours, "numpy"),
    "scikit-learn KMeans (k-means++, n_init=1)": (scikit_learn, "sklearn"),
    "OpenCV kmeans (k-means++ centres, 1 attempt)": (opencv, "cv2"),
    "faiss Kmeans": (faiss_kmeans, "faiss"),
    "libimagequant (no dithering)": (libimagequant, "imagequant"),
    "Pillow median cut": (pillow_median_cut, "PIL"),
    "Pillow median cut + k-means": (pillow_median_cut_kmeans, "PIL"),
}


def installed(module):
    import importlib.util

    return importlib.util.find_spec(module) is not None


# -- the photos -----------------------------------------------------------------------------


def unseen_photos(config, seed, folder):
    """Write the benchmark photos as PNGs in ``folder``; return {name: path}, or {} without scikit-image."""
    if not installed("skimage"):
        return {}
    import skimage
    from PIL import Image

    from coursekit.quantizer.images import read_image

    data = Path(skimage.__file__).parent / "data"
    bundled = {p.stem: p for p in data.iterdir() if p.suffix in (".png", ".jpg")}
    for name in config["photos"] + ([config["noisy"]] if config["noisy"] else []):
        if name not in bundled:
            raise InputError(f"config key benchmarks.quantize.unseen: {name!r} is not one of scikit-image's photos; "
                             f"allowed: {', '.join(sorted(bundled))}")
    photos = {}
    for name in config["photos"] + ([config["noisy"]] if config["noisy"] else []):
        I, _ = read_image(bundled[name])
        scale = (config["megapixels"] * 1e6 / (I.shape[0] * I.shape[1])) ** 0.5
        photo = scaled(I, round(I.shape[1] * scale), round(I.shape[0] * scale))
        if name in config["photos"]:
            photos[name] = photo
        if name == config["noisy"]:
            noise = rng(seed, "bench", "noise", name).normal(0, config["noise"], photo.shape)
            photos[f"{name} + noise"] = np.clip(np.rint(photo + noise), 0, 255).astype(np.uint8)
    paths = {}
    for name, photo in photos.items():
        paths[name] = Path(folder) / (name.replace(" + ", "-") + ".png")
        Image.fromarray(photo).save(paths[name], compress_level=6)
    return paths


# -- the three measurements -------------------------------------------------------------------


def bench_libraries(paths, k, steps, repeats, seed):
    """Every method on every photo: rows of quantize-libraries.csv."""
    from coursekit.quantizer.images import read_image

    rows = []
    for name, path in paths.items():
        I, _ = read_image(path)
        distinct = len(engine.colour_counts(I)[0])
        for method, (function, module) in METHODS.items():
            row = {"photo": name, "megapixels": round(I.shape[0] * I.shape[1] / 1e6, 2), "distinct_colours": distinct,
                   "colours": k, "steps": steps, "method": method, "repeats": 0, "min_s": "", "median_s": "",
                   "max_s": "", "error_rgb": "", "note": ""}
            if not installed(module):
                row["note"] = f"skipped: {module} not installed (pip install -r requirements-bench.txt)"
            else:
                Q, row["min_s"], row["median_s"], row["max_s"] = timed(lambda: function(I, k, steps, seed), repeats)
                row.update(repeats=repeats, error_rgb=round(error_rgb(I, Q), 2))
            log.info("%-16s %-46s %s", name, method,
                     row["note"] or f"median {row['median_s']:.2f} s, error {row['error_rgb']}")
            rows.append(row)
    return rows


# Runs a command and prints its wall time, peak memory (kB) and exit code. The peak memory Linux reports for a
# process includes that of the process it was forked from, up to its exec: this launcher is small (about
# 10 MB), where the benchmark's own process holds photos and libraries (gigabytes).
LAUNCHER = """import os, sys, time
start = time.perf_counter()
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ)
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""
COMMAND_TIMEOUT = 600  # seconds a whole command may take (a 12-megapixel photo takes about 1 s)


def run_command(argv, timeout=COMMAND_TIMEOUT):
    """Run a command in a fresh process; return (seconds, peak memory in MB) of that process alone.

    The launcher and the command run in a session of their own: past ``timeout`` seconds both are killed.
    """
    import signal

    launcher = subprocess.Popen([sys.executable, "-c", LAUNCHER, *map(str, argv)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = launcher.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(launcher.pid, signal.SIGKILL)
        launcher.communicate()
        raise RuntimeError(f"{' '.join(map(str, argv))}: still running after {timeout} s, stopped") from None
    if launcher.returncode != 0 or not out.strip():
        raise RuntimeError(f"{' '.join(map(str, argv))}: the launcher failed: {err.strip()[-300:]}")
    seconds, peak_kb, code = out.split()
    if int(code) != 0:
        last = err.strip().splitlines()[-1:] or [""]
        raise RuntimeError(f"{' '.join(map(str, argv))} failed (exit code {code}): {last[0]}")
    return float(seconds), int(peak_kb) / 1024


def bench_commands(paths, k, runs, folder):
    """Our whole command against Pillow's, in turn, ``runs`` times each: rows of quantize-commands.csv.

    Our modules are compiled to bytecode first, as Python does on their first
    import wherever PYTHONDONTWRITEBYTECODE is unset, and as pip did for
    Pillow's when it installed them (this project's machine sets it: each
    command would otherwise compile some 2000 lines again, about 15 ms).
    """
    import compileall

    from PIL import Image

    compileall.compile_dir(Path(SCRIPT).parent, quiet=1)
    rows = []
    for name, path in paths.items():
        with Image.open(path) as image:
            pixels = image.size[0] * image.size[1]
        tools = {"ours: python workflow/scripts/quantize.py IN.png OUT.png --colors 16":
                 [sys.executable, SCRIPT, path, Path(folder) / "ours.png", "--colors", str(k)],
                 "Pillow: open, median cut, save":
                 [sys.executable, "-c", PILLOW_COMMAND, path, Path(folder) / "pillow.png", str(k)]}
        measured = {tool: [] for tool in tools}
        for _ in range(runs):
            for tool, argv in tools.items():
                measured[tool].append(run_command(argv))
        pillow = float(np.median([s for s, _ in measured["Pillow: open, median cut, save"]]))
        for tool, runs_ in measured.items():
            seconds, peaks = [s for s, _ in runs_], [m for _, m in runs_]
            rows.append({"photo": name, "megapixels": round(pixels / 1e6, 2), "command": tool, "runs": len(runs_),
                         "min_s": round(min(seconds), 3), "median_s": round(float(np.median(seconds)), 3),
                         "max_s": round(max(seconds), 3), "ratio_to_pillow": round(np.median(seconds) / pillow, 3),
                         "peak_mb": round(max(peaks)), "bytes_per_pixel": round(max(peaks) * 2**20 / pixels, 1)})
            log.info("%-16s %-70s median %.3f s (x%.2f of Pillow's), peak %d MB", name, tool, np.median(seconds),
                     np.median(seconds) / pillow, max(peaks))
    return rows


def bench_scaling(photo, megapixels, colours, k, steps, repeats, seed):
    """Ours and Pillow's median cut as the photo grows (at k) and as k grows (at the photo's size): rows."""
    rows = []

    def measure(axis, I, n):
        for method in ("ours (histograms, 33 starts)", "Pillow median cut"):
            function = METHODS[method][0]
            Q, low, median, high = timed(lambda: function(I, n, steps, seed), repeats)
            rows.append({"axis": axis, "megapixels": round(I.shape[0] * I.shape[1] / 1e6, 2), "colours": n,
                         "method": method, "repeats": repeats, "min_s": round(low, 3), "median_s": round(median, 3),
                         "max_s": round(high, 3), "error_rgb": round(error_rgb(I, Q), 2)})
            log.info("scaling %-10s %6.2f MP k=%-3d %-28s median %.3f s", axis, rows[-1]["megapixels"], n, method, median)

    for mp in megapixels:
        scale = (mp * 1e6 / (photo.shape[0] * photo.shape[1])) ** 0.5
        measure("megapixels", scaled(photo, round(photo.shape[1] * scale), round(photo.shape[0] * scale)), k)
    scale = (12e6 / (photo.shape[0] * photo.shape[1])) ** 0.5
    twelve = scaled(photo, round(photo.shape[1] * scale), round(photo.shape[0] * scale))
    for n in colours:
        measure("colours", twelve, n)
    return rows


def plot_scaling(rows):
    """Two panels: seconds against megapixels (at k = 16), and against k (at 12 megapixels), log-log."""
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, axis, label in ((axes[0], "megapixels", "megapixels (k = 16)"), (axes[1], "colours", "k (12 megapixels)")):
        for method, style in (("ours (histograms, 33 starts)", "o-"), ("Pillow median cut", "s--")):
            mine = [r for r in rows if r["axis"] == axis and r["method"] == method]
            x = [r[axis] for r in mine]
            ax.plot(x, [r["median_s"] for r in mine], style, label=method)
            ax.fill_between(x, [r["min_s"] for r in mine], [r["max_s"] for r in mine], alpha=0.2)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.xaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
        ax.yaxis.set_major_locator(matplotlib.ticker.FixedLocator([0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 3, 5, 10, 20]))
        ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
        ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_xlabel(label)
        ax.set_ylabel("seconds (median; band: min to max)")
        ax.grid(True, which="both", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0].legend(frameon=False)
    fig.suptitle("Quantization time in one process (the image already read)")
    fig.tight_layout()
    return fig


def summary(library_rows, command_rows):
    """The Markdown tables of the README: error and time per photo and method, then the whole commands."""
    photos = list(dict.fromkeys(r["photo"] for r in library_rows))
    methods = list(METHODS)
    lines = ["| photo (distinct colours) | " + " | ".join(methods) + " |", "|---|" + "---|" * len(methods)]
    for photo in photos:
        mine = {r["method"]: r for r in library_rows if r["photo"] == photo}
        best_other = min((r["error_rgb"] for m, r in mine.items() if m != methods[0] and r["error_rgb"] != ""),
                         default=None)
        cells = []
        for method in methods:
            r = mine[method]
            if r["error_rgb"] == "":
                cells.append("not installed")
                continue
            bold = "**" if method == methods[0] and best_other is not None and r["error_rgb"] <= best_other else ""
            cells.append(f"{r['median_s']:.2f} s, {bold}{r['error_rgb']:.1f}{bold}")
        lines.append(f"| {photo} ({mine[methods[0]]['distinct_colours'] / 1e3:.0f}k) | " + " | ".join(cells) + " |")
    lines += ["", "| photo | ours: whole command (min / median / max) | Pillow's | ratio | our peak memory |",
              "|---|---|---|---|---|"]
    for photo in photos:
        rows = [r for r in command_rows if r["photo"] == photo]
        if len(rows) == 2:
            o, p = rows
            lines.append(f"| {photo} | {o['min_s']:.2f} / {o['median_s']:.2f} / {o['max_s']:.2f} s | "
                         f"{p['min_s']:.2f} / {p['median_s']:.2f} / {p['max_s']:.2f} s | {o['ratio_to_pillow']:.2f} | "
                         f"{o['peak_mb']} MB ({o['bytes_per_pixel']} bytes per pixel) |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__" and "snakemake" in globals():
    from coursekit.core import entry, save_csv, save_figure, save_text

    def main():
        b = snakemake.params.benchmarks["quantize"]
        u, seed = b["unseen"], snakemake.params.seed
        with tempfile.TemporaryDirectory(prefix="bench-quantize-") as folder:
            paths = unseen_photos(u, seed, folder)
            if not paths:
                log.info("scikit-image is not installed: no unseen photos (pip install -r requirements-bench.txt)")
            libraries = bench_libraries(paths, b["colors"], b["steps"], u["repeats"], seed)
            commands = bench_commands(paths, b["colors"], u["commands"], folder)
            from coursekit.quantizer.images import read_image

            first = read_image(next(iter(paths.values())))[0] if paths else read_image(snakemake.input.photo)[0]
            scaling = bench_scaling(first, u["scaling"]["megapixels"], u["scaling"]["colors"], b["colors"],
                                    b["steps"], u["repeats"], seed)
        save_csv(snakemake.output.libraries, libraries, LIBRARY_COLUMNS)
        save_csv(snakemake.output.commands, commands, COMMAND_COLUMNS)
        save_csv(snakemake.output.scaling, scaling, SCALING_COLUMNS)
        save_figure(plot_scaling(scaling), snakemake.output.figure)
        save_text(snakemake.output.summary, summary(libraries, commands))

    entry(snakemake, main)
