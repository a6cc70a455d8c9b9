"""Advanced: colour quantization, the naive way (most frequent colours) and with k-means.

Usage as a command-line tool (defaults from config.yaml)::

    python workflow/scripts/quantize.py INPUT OUTPUT --colors 16 --steps 20 --seed 2018 --method kmeans

The course's k-means works on every pixel: a (k, pixels) distance matrix per
step (over a gigabyte for a 12-megapixel photo) and a Python loop per
cluster for the means. A photo holds far fewer distinct colours than pixels,
so here k-means runs on the distinct colours, each weighted by how many
pixels have it, which gives exactly the same clusters:

1. pack each RGB pixel into one integer r*65536 + g*256 + b and count them
   with ``np.bincount``: the distinct colours, their counts, and a look-up
   table from a packed colour to its row;
2. pick the k starting centroids with weighted k-means++;
3. each step, assign every distinct colour to its nearest centroid, with
   distances computed as |x|^2 - 2 x.c + |c|^2 (one matrix product), and
   move each centroid to the weighted mean of its colours (``np.bincount``
   with weights, no loop over clusters);
4. map every pixel back through the look-up table.
"""

import numpy as np

CHUNK = 1 << 16  # distinct colours per block of the distance matrix: 65536 x k floats


# -- reading -------------------------------------------------------------------


def as_rgb8(I, source="image"):
    """Return I as a uint8 (H, W, 3) RGB array, and notes on any conversion made.

    Grey images are repeated on three channels, an alpha channel is dropped
    (colours are kept as they are, not composited), 16-bit images are scaled
    to 8 bits. Anything else (floats, other shapes) is refused.
    """
    from pipeline import InputError

    notes = []
    I = np.asarray(I)
    if I.dtype == np.uint16:
        I = ((I.astype(np.uint32) * 255 + 32767) // 65535).astype(np.uint8)
        notes.append("16-bit image scaled to 8 bits")
    elif I.dtype == bool:
        I = I.astype(np.uint8) * 255
        notes.append("black-and-white image stretched to 0/255")
    if I.dtype != np.uint8:
        raise InputError(f"{source}: pixels of type {I.dtype} are not supported (8- or 16-bit integers only)")
    if I.ndim == 3 and I.shape[2] in (1, 2):
        notes.append("grey" + (" + alpha" if I.shape[2] == 2 else "") + " image: grey repeated on R, G and B")
        I = np.repeat(I[:, :, :1], 3, axis=2)
    elif I.ndim == 2:
        notes.append("grey image: grey repeated on R, G and B")
        I = np.repeat(I[:, :, None], 3, axis=2)
    elif I.ndim == 3 and I.shape[2] == 4:
        notes.append("alpha channel dropped")
        I = I[:, :, :3]
    if I.ndim != 3 or I.shape[2] != 3:
        raise InputError(f"{source}: expected an RGB image, got an array of shape {I.shape}")
    if I.shape[0] == 0 or I.shape[1] == 0:
        raise InputError(f"{source}: the image is empty (shape {I.shape})")
    return np.ascontiguousarray(I), notes


def read_image(path):
    """Read an image file with imageio's v3 API; return it as uint8 RGB, and conversion notes.

    Raises
    ------
    pipeline.InputError
        Naming the path: missing, not an image, truncated or of an unsupported kind.
    """
    import imageio.v3 as iio

    from pipeline import InputError

    try:
        I = iio.imread(path, index=0, plugin="pillow")
    except FileNotFoundError:
        raise InputError(f"{path}: no such image file") from None
    except Exception as error:  # imageio and Pillow raise many types for unreadable files
        raise InputError(f"{path}: cannot be read as an image ({type(error).__name__}: {error})") from None
    if getattr(I, "ndim", 0) not in (2, 3):
        raise InputError(f"{path}: cannot be read as a still image (array of shape {np.shape(I)})")
    return as_rgb8(I, source=str(path))


def write_png(path, I):
    """Write a uint8 RGB image as PNG (lossless: no colour is added back), atomically."""
    import imageio.v3 as iio

    from pipeline import atomic_path

    with atomic_path(path) as tmp:
        iio.imwrite(tmp, I, extension=".png")


# -- distinct colours ------------------------------------------------------------


def pack(I):
    """Return each RGB pixel of I (..., 3) as one integer r*65536 + g*256 + b (uint32)."""
    I = np.asarray(I, dtype=np.uint8)
    return (I[..., 0].astype(np.uint32) << 16) | (I[..., 1].astype(np.uint32) << 8) | I[..., 2]


def unpack(P):
    """Inverse of :func:`pack`: (m,) integers to (m, 3) uint8 colours."""
    P = np.asarray(P, dtype=np.uint32)
    return np.stack([(P >> 16) & 255, (P >> 8) & 255, P & 255], axis=-1).astype(np.uint8)


def distinct_colors(I):
    """Return the distinct colours of I, their pixel counts, and each pixel's row among them.

    Returns
    -------
    colors : ndarray of shape (m, 3), uint8
        Sorted by packed value.
    counts : ndarray of shape (m,), int64
    inverse : ndarray of shape I.shape[:-1], int32 (or int64 for more than 2**31 colours)
        ``colors[inverse]`` is I.

    Notes
    -----
    ``np.bincount`` over all 2**24 possible colours (128 MB) is a single pass
    and much faster than sorting the pixels as ``np.unique`` would.
    """
    P = pack(I)
    counts = np.bincount(P.ravel(), minlength=1 << 24)
    present = np.flatnonzero(counts)
    row = np.zeros(1 << 24, dtype=np.int32)
    row[present] = np.arange(len(present), dtype=np.int32)
    return unpack(present), counts[present], row[P]


def nearest(X, C):
    """Return, for each row of X (m, 3), the index of the nearest row of C (k, 3) (squared Euclidean).

    Distances are |x|^2 - 2 x.c + |c|^2 (|x|^2 is the same for every c, so it
    is left out), computed in blocks of CHUNK rows to bound memory; ties go
    to the lowest index.
    """
    X = np.asarray(X, dtype=np.float64)
    C = np.asarray(C, dtype=np.float64)
    c2 = (C * C).sum(axis=1)
    labels = np.empty(len(X), dtype=np.intp)
    for start in range(0, len(X), CHUNK):
        block = X[start:start + CHUNK]
        labels[start:start + CHUNK] = np.argmin(c2 - 2.0 * (block @ C.T), axis=1)
    return labels


# -- the naive method ------------------------------------------------------------


def most_frequent(colors, counts, n):
    """Return the n most frequent colours (ties broken by packed colour value, ascending)."""
    order = np.lexsort((pack(colors), -counts))
    return colors[order[:n]]


def quantize_frequent(I, n):
    """Replace every pixel of I by the nearest of its n most frequent colours.

    Returns
    -------
    Q : ndarray like I
    palette : ndarray of shape (min(n, m), 3), uint8
    """
    colors, counts, inverse = distinct_colors(I)
    palette = most_frequent(colors, counts, n)
    return palette[nearest(colors, palette)][inverse], palette


# -- k-means ---------------------------------------------------------------------


def kmeans_plus_plus(X, weights, k, rng):
    """Pick k starting centroids among the rows of X with weighted, greedy k-means++.

    The first is drawn with probability proportional to its weight; each next
    one among ``2 + log(k)`` candidates drawn proportionally to weight times
    squared distance to the nearest centroid so far, keeping the candidate
    that lowers the total weighted squared distance most (as scikit-learn does).
    """
    X = np.asarray(X, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    trials = 2 + int(np.log(k))
    centers = [X[rng.choice(len(X), p=weights / weights.sum())]]
    closest = ((X - centers[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        potential = weights * closest
        total = potential.sum()
        if total <= 0:  # every colour already is a centroid
            break
        candidates = np.searchsorted(np.cumsum(potential), rng.random(trials) * total)
        candidates = np.minimum(candidates, len(X) - 1)
        distances = ((X[None, :, :] - X[candidates][:, None, :]) ** 2).sum(axis=2)
        options = np.minimum(closest, distances)
        best = np.argmin(options @ weights)
        centers.append(X[candidates[best]])
        closest = options[best]
    return np.array(centers)


def kmeans(X, weights, k, steps, rng):
    """Weighted k-means (Lloyd) on the rows of X.

    Parameters
    ----------
    X : ndarray of shape (m, d)
    weights : ndarray of shape (m,)
        How many times each row counts (pixels of that colour).
    k : int
        Number of clusters; at most the number of distinct rows is used.
    steps : int
        Lloyd iterations (fewer if the centroids stop moving).
    rng : numpy.random.Generator

    Returns
    -------
    centroids : ndarray of shape (k', d), float64, k' <= k
    labels : ndarray of shape (m,)
    """
    X = np.asarray(X, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    centroids = kmeans_plus_plus(X, weights, min(k, len(X)), rng)
    for _ in range(steps):
        labels = nearest(X, centroids)
        mass = np.bincount(labels, weights=weights, minlength=len(centroids))
        sums = np.stack([np.bincount(labels, weights=weights * X[:, d], minlength=len(centroids))
                         for d in range(X.shape[1])], axis=1)
        moved = centroids.copy()
        filled = mass > 0  # an empty cluster keeps its centroid
        moved[filled] = sums[filled] / mass[filled, None]
        if np.array_equal(moved, centroids):
            break
        centroids = moved
    return centroids, nearest(X, centroids)


def quantize_kmeans(I, n, steps, rng):
    """Quantize I to at most n colours with k-means on its distinct colours.

    Returns
    -------
    Q : ndarray like I, uint8
        Every pixel replaced by its cluster's colour.
    palette : ndarray of shape (n', 3), uint8, n' <= n
        The distinct colours of Q, sorted: centroids are rounded to 8 bits,
        and two that round to the same colour count once.
    """
    colors, counts, inverse = distinct_colors(I)
    centroids, labels = kmeans(colors, counts, n, steps, rng)
    rounded = np.clip(np.rint(centroids), 0, 255).astype(np.uint8)
    palette, index = np.unique(rounded, axis=0, return_inverse=True)
    return palette[index[labels]][inverse], palette


def kmeans_course(data, k, steps, rng):
    """The course's k-means (Gareth Rees' code): cdist over every pixel, a loop over clusters.

    Kept as the baseline of the benchmarks. Forgy start: k distinct pixels
    drawn at random. Returns (centroids, labels of every row of data).
    """
    import scipy.spatial

    data = np.asarray(data, dtype=np.float64)
    centroids = data[rng.choice(len(data), k, replace=False)]
    for _ in range(max(steps, 1)):
        clusters = np.argmin(scipy.spatial.distance.cdist(centroids, data, "sqeuclidean"), axis=0)
        new = np.empty_like(centroids)
        for i in range(k):
            new[i] = data[clusters == i].mean(axis=0) if np.any(clusters == i) else centroids[i]
        if np.array_equal(new, centroids):
            break
        centroids = new
    return centroids, clusters


def mse(I, Q):
    """Mean squared error per channel between two uint8 images."""
    return float(np.mean((np.asarray(I, dtype=np.float64) - Q) ** 2))


def quantize(I, n, method, steps, rng):
    """Quantize I with ``method`` ('kmeans' or 'frequent'); return (Q, palette)."""
    if n < 1:
        raise ValueError(f"the number of colours must be at least 1, got {n}")
    if method == "frequent":
        return quantize_frequent(I, n)
    if method == "kmeans":
        return quantize_kmeans(I, n, steps, rng)
    raise ValueError(f"method must be 'kmeans' or 'frequent', got {method!r}")


# -- running it ----------------------------------------------------------------------


def run(source, output, n, method, steps, rng, palette_path=None):
    """Read ``source``, quantize it, write ``output`` (PNG) and optionally the palette (.npy)."""
    from pipeline import log, save_npy

    I, notes = read_image(source)
    for note in notes:
        log.info("note: %s: %s", source, note)
    Q, palette = quantize(I, n, method, steps, rng)
    m = len(distinct_colors(I)[0])
    if m < n:
        log.info("note: %s has %d distinct colours, fewer than the %d asked for", source, m, n)
    log.info("%s: %dx%d, %d colours -> %d (%s), mean squared error %.2f",
             source, I.shape[1], I.shape[0], m, len(palette), method, mse(I, Q))
    write_png(output, Q)
    if palette_path is not None:
        save_npy(palette_path, palette)


def defaults():
    """The quantize and seed defaults of config.yaml, beside this script's workflow."""
    from pathlib import Path

    import yaml

    config = yaml.safe_load((Path(__file__).resolve().parents[2] / "config.yaml").read_text(encoding="utf-8"))
    return {"colors": config["quantize"]["colors"][0], "steps": config["quantize"]["steps"], "seed": config["seed"]}


def main(argv=None):
    """The command-line tool: see the module docstring."""
    import argparse
    import logging
    import sys
    from pathlib import Path

    from pipeline import InputError, rng

    d = defaults()
    parser = argparse.ArgumentParser(description="Quantize the colours of an image (writes a PNG).")
    parser.add_argument("input", help="image to read (any format imageio reads)")
    parser.add_argument("output", help="PNG to write")
    parser.add_argument("--colors", type=int, default=d["colors"], help=f"palette size (default {d['colors']})")
    parser.add_argument("--steps", type=int, default=d["steps"], help=f"k-means steps (default {d['steps']})")
    parser.add_argument("--seed", type=int, default=d["seed"], help=f"random seed (default {d['seed']})")
    parser.add_argument("--method", choices=("kmeans", "frequent"), default="kmeans")
    parser.add_argument("--palette", help="also save the palette as .npy here")
    args = parser.parse_args(argv)
    if args.colors < 1 or args.steps < 1 or args.seed < 0:
        parser.error("--colors and --steps must be at least 1, --seed at least 0")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        # the same stream as the pipeline's for an image named after the file: same seed, same result
        stream = rng(args.seed, "quantize", Path(args.input).stem, str(args.colors))
        run(args.input, args.output, args.colors, args.method, args.steps, stream, args.palette)
    except InputError as error:
        sys.exit(f"error: {error}")


if __name__ == "__main__":
    if "snakemake" in globals():
        from pipeline import entry, rng

        w, p = snakemake.wildcards, snakemake.params
        stream = rng(p.seed, "quantize", w.name, w.n) if p.method == "kmeans" else None  # the naive method draws nothing
        entry(snakemake, lambda: run(snakemake.input.image, snakemake.output.png, int(w.n), p.method,
                                     p.get("steps", 0), stream, snakemake.output.get("npy")))
    else:
        main()
