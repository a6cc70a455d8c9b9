"""What each job of a config will cost, estimated before any job starts, and refused beyond the budget.

The schema bounds each key alone; a product of keys can still ask for more
than a machine has (``automata`` 100,000 x 1,000,000 cells is 93 GiB). Here
each job's peak memory and run time are estimated from the config (and, for
the photos, from their headers), and a job over config key ``budget`` stops
the run before anything starts, naming the keys and their product.

The rates below were measured on this project's 2-core machine (2026-11-26,
NumPy 2.4.6, matplotlib 3.11.2; peak resident memory of each job's work at
two sizes, the difference divided by the difference in size), rounded up.
They are estimates, not promises: a job may take twice as long on a slower
machine, which is why the default budget leaves room.

No NumPy here: the Snakefile imports this module on every start.
"""

from __future__ import annotations

import math

from coursekit.core import InputError

MB = 1 << 20
BASE = 150 * MB  # Python, NumPy, matplotlib imported: every job starts here

# name: (bytes, seconds) per unit of work, measured
RATES = {
    "cell drawn": (90, 0.2e-6),  # automata and diffusion: the array, and matplotlib's float and RGBA copies in imshow
    "step drawn": (90, 0.15e-6),  # random walk: the walk and its line in the figure
    "timed step": (60, 0.7e-6),  # random walk timings: Python lists of the loop and accumulate, per repeat
    "value searched": (30, 0.15e-6),  # subsequence: the sequence as an array and as a Python list
    "square": (13_000, 0.4e-3),  # geometry: one polygon patch in matplotlib
    "iteration": (600, 20e-6),  # perceptron: the log row and the weights kept per iteration
    "sample-iteration": (0, 5e-9),  # perceptron: accuracy on every sample after each update
    "frame": (0, 10e-3),  # perceptron video: draw and encode one frame (streamed: no memory per frame)
    "pixel": (20, 60e-9),  # quantize: the image, packed, sorted, recoloured, encoded
    "colour": (150, 0.0),  # quantize: each distinct colour as float64 rows, distances to k-means++ candidates
    "colour-step-cluster": (0, 6e-9),  # quantize: one distance per distinct colour, cluster and Lloyd step
}


class Job:
    """One job's estimate: peak memory (bytes), time (seconds), and the keys it comes from, in words."""

    def __init__(self, rule, what, units, rate, keys, extra_bytes=0, extra_seconds=0.0):
        per_byte, per_second = RATES[rate]
        self.rule, self.what, self.keys = rule, what, keys
        self.memory = BASE + extra_bytes + units * per_byte
        self.seconds = extra_seconds + units * per_second
        self.units, self.rate = units, rate

    def __repr__(self):
        return f"Job({self.rule}: {self.memory / MB:.0f} MB, {self.seconds:.1f} s)"


def _n(x):
    """A count as people read it: 1,000,000 below a billion, 1e11 above."""
    return f"{x:,}" if x < 1e9 else f"{x:.3g}".replace("e+", "e")


def jobs(config, pixels=None):
    """Estimate every job the config asks for; ``pixels`` maps an image name to its pixel count (if known)."""
    out = []
    a, d = config["automata"], config["diffusion"]
    cells = a["steps"] * a["width"]
    product = f"automata.steps x automata.width = {_n(a['steps'])} x {_n(a['width'])} = {_n(cells)} cells"
    out.append(Job("simulate_automaton", "one automaton", cells, "cell drawn", product))
    out.append(Job("draw_automata_gallery", "the gallery", cells * len(a["rules"]), "cell drawn",
                   f"{product}, x {len(a['rules'])} automata.rules"))
    cells = d["steps"] * d["size"]
    out.append(Job("simulate_diffusion", "the heat equation", cells, "cell drawn",
                   f"diffusion.steps x diffusion.size = {_n(d['steps'])} x {_n(d['size'])} = {_n(cells)} cells"))
    n, repeats = config["random_walk"]["n"], config["timing"]["repeats"]
    out.append(Job("simulate_random_walk", "the walk", n, "step drawn", f"random_walk.n = {_n(n)} steps"))
    timed = Job("time_random_walk", "the walk's timings", n, "timed step",
                f"random_walk.n x timing.repeats = {_n(n)} x {repeats}")
    timed.seconds = n * RATES["timed step"][1] * repeats
    out.append(timed)
    s = config["subsequence"]
    searched = Job("time_subsequence", "the subsequence timings", s["length"], "value searched",
                   f"subsequence.length x len(subsequence.sub) x timing.repeats = {_n(s['length'])} x "
                   f"{len(s['sub'])} x {repeats}")
    checks = s["checks"] * (len(s["sub"]) + 60) * len(s["sub"]) * 50e-9  # brute force on short cases
    searched.seconds = s["length"] * RATES["value searched"][1] * (1 + len(s["sub"]) / 3) * repeats + checks
    out.append(searched)
    g = config["geometry"]
    out.append(Job("transform_squares", "the squares", g["squares"], "square", f"geometry.squares = {_n(g['squares'])}"))
    p = config["perceptron"]
    trained = Job("train_perceptron", "the perceptron", p["iterations"], "iteration",
                  f"perceptron.iterations x perceptron.samples = {_n(p['iterations'])} x {_n(p['samples'])}, "
                  f"and perceptron.frames = {_n(p['frames'])}")
    trained.seconds += (p["iterations"] * p["samples"] * RATES["sample-iteration"][1]
                        + p["frames"] * RATES["frame"][1])
    out.append(trained)
    b = config["benchmarks"]["quantize"]
    big, course = b["size"][0] * b["size"][1], b["course_size"][0] * b["course_size"][1]
    bench = quantize_job("benchmarks", big, b["colors"], b["steps"],
                         f"benchmarks.quantize.size = {b['size'][0]} x {b['size'][1]} pixels, "
                         f"benchmarks.quantize.course_size = {b['course_size'][0]} x {b['course_size'][1]}")
    bench.memory = max(bench.memory, BASE + course * b["colors"] * 8 * 3)  # the course's (k, pixels) distances
    bench.seconds = (bench.seconds + course * b["colors"] * b["steps"] * 20e-9) * config["benchmarks"]["repeats"]
    out.append(bench)
    from coursekit.modules import declared

    for declaration in declared():  # an exercise that declares itself: the product of the keys it names
        keys, section = declaration.estimate["units"], config.get(declaration.module, {})
        units = math.prod(section.get(key, 0) for key in keys)
        out.append(Job("make_exercise_artefact", declaration.title, units, declaration.estimate["rate"],
                       " x ".join(f"{declaration.module}.{key}" for key in keys)
                       + f" = {' x '.join(_n(section.get(key, 0)) for key in keys)} = {_n(units)}"))
    q = config["quantize"]
    for name, count in (pixels or {}).items():
        for k in q["colors"] if count else ():  # (an unreadable image is reported by its job)
            out.append(quantize_job(f"quantize_kmeans ({name}, {k} colours)", count, k, q["steps"],
                                    f"the photo quantize.images.{name} ({count / 1e6:.0f} megapixels) with "
                                    f"quantize.colors = {k} and quantize.steps = {q['steps']}"))
    return out


def quantize_job(rule, pixels, k, steps, keys):
    """The estimate for quantizing a photo of ``pixels`` pixels (at most 2**24 distinct colours) to k colours."""
    colours = min(pixels, 1 << 24)
    job = Job(rule, "the quantization", pixels, "pixel", keys, extra_bytes=colours * RATES["colour"][0])
    job.seconds += colours * k * steps * RATES["colour-step-cluster"][1]
    return job


def mem_mb(pixels, k=16, steps=20):
    """Memory to request for quantizing a photo of ``pixels`` pixels, in MB, with a quarter more for safety."""
    return math.ceil(quantize_job("", pixels, k, steps, "").memory * 1.25 / MB)


def image_pixels(path):
    """The pixel count from an image file's header (nothing decoded), or None if it cannot be read now.

    Whatever is wrong with the file is reported by the job that reads it, with the reason.
    """
    import os
    import stat

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        from PIL import Image

        # A header is read, nothing decoded: Pillow's decompression-bomb limit (a global) is lifted for this
        # read alone, since the estimate is the check.
        saved, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
        try:
            with Image.open(path) as image:
                return image.size[0] * image.size[1]
        finally:
            Image.MAX_IMAGE_PIXELS = saved
    except Exception:
        return None


def check(config, pixels=None):
    """Raise InputError for every job that would need more than config key ``budget`` allows.

    The message names the job, the keys and their product, the estimate and the budget.
    """
    limit, minutes = config["budget"]["memory_mb"], config["budget"]["minutes"]
    problems = []
    for job in jobs(config, pixels):
        if job.memory > limit * MB:
            problems.append(f"{job.keys}: {job.rule} would need about {_n(round(job.memory / MB))} MB of memory, "
                            f"more than budget.memory_mb = {limit}")
        if job.seconds > minutes * 60:
            problems.append(f"{job.keys}: {job.rule} would take about {_n(round(job.seconds / 60))} minutes, "
                            f"more than budget.minutes = {minutes}")
    if problems:
        raise InputError("the config asks for more than the budget allows (estimates; raise config key budget "
                         "if this machine has more):\n  " + "\n  ".join(problems))
