"""Advanced: colour quantization, the naive way (most frequent colours) and with k-means.

Usage as a command-line tool (defaults from config.yaml)::

    python workflow/scripts/quantize.py INPUT OUTPUT --colors 16 --steps 20 --seed 2018 --method kmeans

The course's k-means works on every pixel: a (k, pixels) distance matrix per
step (over a gigabyte for a 12-megapixel photo) and a Python loop per
cluster for the means. A photo holds far fewer distinct colours than pixels,
so here k-means runs on the distinct colours, each weighted by how many
pixels have it, which gives exactly the same clusters:

1. pack each RGB pixel into one integer r*65536 + g*256 + b, sort them and
   count the runs: the distinct colours and how many pixels have each;
2. pick the k starting centroids with weighted k-means++;
3. each step, assign every distinct colour to its nearest centroid, with
   distances computed as |x|^2 - 2 x.c + |c|^2 (one matrix product), then
   move each centroid to the weighted mean of its colours (``np.bincount``
   with weights, no loop over clusters);
4. map every pixel to its new colour through one look-up table indexed by
   the packed colour.
"""

import contextlib
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

CHUNK = 1 << 14  # at most this many distinct colours per block of the distance matrix ...
BLOCK_BYTES = 8 << 20  # ... and at most about this many bytes in it (16384 x 64 floats): see block_rows
MAX_COLORS = 256  # an indexed PNG holds at most 256 colours; so does config key quantize.colors
PIXELS = 1 << 20  # pixels per block when packing and recolouring
# NumPy releases the GIL in these loops, so blocks run on threads: as many as the CPUs this process may
# use (under SLURM or taskset, those it was given, not the node's), at most 4.
WORKERS = min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def block_rows(k):
    """Rows of X per block of an (rows, k) float64 distance matrix: its size is bounded in bytes, not rows.

    16384 rows for k <= 64 (2 MB for the course's k = 16), fewer for larger k, never under 1024.
    The blocks depend only on k, never on the number of threads, so neither does the result.
    """
    return min(CHUNK, max(1024, BLOCK_BYTES // (8 * max(k, 1))))


def in_blocks(n, block, work):
    """Call ``work(start, stop)`` on consecutive blocks covering range(n), spread over WORKERS threads.

    Each block writes its own slice of a preallocated output, so the result
    does not depend on the number of threads or their order.
    """
    bounds = [(start, min(start + block, n)) for start in range(0, n, block)]
    if WORKERS == 1 or len(bounds) == 1:
        for start, stop in bounds:
            work(start, stop)
        return
    with ThreadPoolExecutor(WORKERS) as pool:
        for future in [pool.submit(work, start, stop) for start, stop in bounds]:
            future.result()


# -- reading -------------------------------------------------------------------


def as_rgb8(I, source="image", notes=None):
    """Return I as a uint8 (H, W, 3) RGB array, and notes on any conversion made.

    Grey images are repeated on three channels, an alpha channel is dropped
    (colours are kept as they are, not composited), 16-bit images are scaled
    to 8 bits. Anything else (floats, other shapes) is refused, with
    ``source`` (if given) at the start of the message.
    """
    from pipeline import InputError

    prefix = f"{source}: " if source else ""
    notes = [] if notes is None else notes
    I = np.asarray(I)
    if I.dtype == np.uint16:
        I = ((I.astype(np.uint32) * 255 + 32767) // 65535).astype(np.uint8)
        notes.append("16-bit image scaled to 8 bits")
    elif I.dtype == bool:
        I = I.astype(np.uint8) * 255
        notes.append("black-and-white image stretched to 0/255")
    if I.dtype != np.uint8:
        raise InputError(f"{prefix}pixels of type {I.dtype} are not supported (8- or 16-bit integers only)")
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
        raise InputError(f"{prefix}expected an RGB image, got an array of shape {I.shape}")
    if I.shape[0] == 0 or I.shape[1] == 0:
        raise InputError(f"{prefix}the image is empty (shape {I.shape})")
    return np.ascontiguousarray(I), notes


IMAGE_MAX_BYTES = 1 << 30  # an image file larger than 1 GiB is refused before it is opened
IMAGE_MAX_PIXELS = 1 << 28  # and one of more than 268 megapixels before it is decoded (its header says)
ORIENTATIONS = {2: "mirrored", 3: "rotated 180 degrees", 4: "flipped upside down", 5: "mirrored and rotated",
                6: "rotated 90 degrees clockwise", 7: "mirrored and rotated", 8: "rotated 90 degrees anticlockwise"}


def to_rgb(image):
    """Return a Pillow image as the array a viewer shows: uint8 (H, W, 3) RGB, and notes on what was done.

    The EXIF orientation is applied; CMYK, LAB, YCbCr and HSV are converted to
    RGB (through the file's ICC profile when it has one); a palette is applied;
    grey is repeated on three channels; alpha is dropped; 16-bit grey is scaled
    to 8 bits (see :func:`as_rgb8`).
    """
    import io

    from PIL import ImageCms, ImageOps

    notes = []
    orientation = image.getexif().get(0x0112, 1)
    if orientation in ORIENTATIONS:
        image = ImageOps.exif_transpose(image)
        notes.append(f"{ORIENTATIONS[orientation]}, as its EXIF orientation ({orientation}) says")
    mode = image.mode
    if mode in ("CMYK", "LAB", "YCbCr", "HSV"):
        profile = image.info.get("icc_profile")
        if profile and mode in ("CMYK", "LAB"):
            image = ImageCms.profileToProfile(image, io.BytesIO(profile), ImageCms.createProfile("sRGB"),
                                              outputMode="RGB")
            notes.append(f"{mode} image converted to RGB through its ICC profile")
        else:
            image = image.convert("RGB")
            notes.append(f"{mode} image converted to RGB")
    elif mode in ("P", "PA"):
        alpha = mode == "PA" or "transparency" in image.info
        image = image.convert("RGBA" if alpha else "RGB")
        notes.append("palette image: its palette applied, giving RGB")
    elif mode in ("La", "RGBa"):  # premultiplied alpha: divide it out first
        image = image.convert("LA" if mode == "La" else "RGBA")
    elif mode == "RGBX":
        image = image.convert("RGB")
    elif mode == "I" or mode.startswith("I;16"):
        A = np.asarray(image)
        if A.min() < 0 or A.max() > 65535:
            raise ValueError(f"32-bit integer pixels outside 0..65535 (mode {mode})")
        return as_rgb8(A.astype(np.uint16), source=None, notes=notes)
    return as_rgb8(np.asarray(image), source=None, notes=notes)


@contextlib.contextmanager
def pillow_pixel_cap(pixels):
    """Set Pillow's decompression-bomb limit (a global) for the block, then restore it."""
    from PIL import Image

    saved, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, pixels
    try:
        yield
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def read_image(path):
    """Read an image file as a viewer shows it; return it as uint8 RGB (H, W, 3), and conversion notes.

    Only a regular file of at most IMAGE_MAX_BYTES is opened, and only an
    image of at most IMAGE_MAX_PIXELS (read from its header) is decoded.

    Raises
    ------
    pipeline.InputError
        Naming the path and the real cause: missing, a folder or a FIFO,
        permission denied, too many pixels (with the cap), not an image,
        truncated, or of an unsupported kind.
    """
    import warnings

    from PIL import Image, UnidentifiedImageError

    from pipeline import InputError, check_input

    check_input(path, IMAGE_MAX_BYTES, "an image")
    try:
        with warnings.catch_warnings(), pillow_pixel_cap(None):  # the cap below is ours, with its own message
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if width * height > IMAGE_MAX_PIXELS:
                    raise InputError(f"{path}: {width} x {height} = {width * height / 1e6:.0f} megapixels, more than "
                                     f"the {IMAGE_MAX_PIXELS / 1e6:.0f} megapixels an image may have "
                                     "(quantize.IMAGE_MAX_PIXELS)")
                image.seek(0)
                return to_rgb(image)
    except InputError as error:
        if str(error).startswith(str(path)):
            raise
        raise InputError(f"{path}: {error}") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except UnidentifiedImageError:
        raise InputError(f"{path}: cannot be read as an image (not in a format Pillow knows)") from None
    except Exception as error:  # Pillow raises many types for damaged files
        raise InputError(f"{path}: cannot be read as an image ({type(error).__name__}: {error})") from None


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
    flat, P = I.reshape(-1, 3), np.empty(I.shape[:-1], dtype=np.uint32)
    out = P.reshape(-1)

    def work(start, stop):
        rgb = flat[start:stop].astype(np.uint32)
        out[start:stop] = (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]

    in_blocks(len(flat), PIXELS, work)
    return P


def unpack(P):
    """Inverse of :func:`pack`: integers of any shape to uint8 colours of that shape + (3,)."""
    P = np.asarray(P, dtype="<u4")  # little-endian bytes: b, g, r, 0
    return np.ascontiguousarray(P[..., None].view(np.uint8)[..., 2::-1])


def runs(S):
    """The distinct values of the sorted array S, and how many times each occurs (the length of its run)."""
    starts = np.concatenate(([0], np.flatnonzero(S[1:] != S[:-1]) + 1))
    return S[starts], np.diff(np.append(starts, len(S)))


def count_colors(P):
    """Return the distinct packed colours of P (sorted) and how many pixels have each.

    Notes
    -----
    What ``np.unique(P, return_counts=True)`` does, written out: sort the
    packed colours (NumPy sorts 32-bit integers with SIMD), then each run of
    equal values is one colour and its length is its count. The pixels are
    cut in one part per thread, each part sorted and counted on its own
    thread, and the parts' (far shorter) lists merged the same way.
    ``np.bincount(P, minlength=2**24)`` gives the same counts, but its
    128 MB table costs more than the sort on a fresh process (page faults).
    """
    flat = np.asarray(P).reshape(-1)
    block = max(-(-len(flat) // WORKERS), 1)
    parts = [None] * -(-len(flat) // block)

    def work(start, stop):
        parts[start // block] = runs(np.sort(flat[start:stop]))

    in_blocks(len(flat), block, work)
    if len(parts) == 1:
        return parts[0]
    values = np.concatenate([v for v, _ in parts])
    order = np.argsort(values, kind="stable")
    values, counts = values[order], np.concatenate([c for _, c in parts])[order]
    starts = np.concatenate(([0], np.flatnonzero(values[1:] != values[:-1]) + 1))
    return values[starts], np.add.reduceat(counts, starts)


def recolor(P, present, labels, palette):
    """Return the (..., 3) uint8 image in which every pixel of packed colour present[i] becomes palette[labels[i]].

    One look-up table from each of the 2**24 packed colours to its label (16 MB
    for a palette of up to 256 colours), one gather per pixel, then one row
    of the palette per pixel.
    """
    palette = np.asarray(palette, dtype=np.uint8)
    table = np.zeros(1 << 24, dtype=np.min_scalar_type(max(len(palette) - 1, 0)))
    table[present] = labels
    flat, Q = P.reshape(-1), np.empty(P.shape + (3,), dtype=np.uint8)
    out = Q.reshape(-1, 3)

    def work(start, stop):
        np.take(palette, table[flat[start:stop]], axis=0, out=out[start:stop])

    in_blocks(len(flat), PIXELS, work)
    return Q


def counted(I):
    """Return (P, present, counts): I packed, its distinct packed colours and their pixel counts.

    Both methods start from these; pass them on (``colours=``) to count an image only once.
    """
    P = pack(I)
    return (P, *count_colors(P))


def distinct_colors(I):
    """Return the distinct colours of I (m, 3) uint8, sorted, and the number of pixels of each (m,)."""
    _, present, counts = counted(I)
    return unpack(present), counts


def augment(X):
    """Return [X | 1], shape (m, d + 1), float64: with it one matrix product gives the distances below."""
    X = np.asarray(X, dtype=np.float64)
    return np.hstack([X, np.ones((len(X), 1))])


def centroid_side(C):
    """Return [-2 C.T ; |c|^2], shape (d + 1, k): ``augment(X) @ centroid_side(C)`` is |x - c|^2 - |x|^2."""
    C = np.asarray(C, dtype=np.float64)
    return np.vstack([-2.0 * C.T, (C * C).sum(axis=1)])


def nearest(X, C, augmented=None):
    """Return, for each row of X (m, 3), the index of the nearest row of C (k, 3) (squared Euclidean).

    Distances are |x|^2 - 2 x.c + |c|^2; |x|^2 is the same for every c, so it
    is left out, and ``[x | 1] @ [-2 C.T ; |c|^2]`` gives the rest in one
    matrix product per block of ``block_rows(k)`` rows (a block stays in cache). Ties go
    to the lowest index. Pass ``augmented=augment(X)`` to reuse it across calls.
    """
    Xa = augment(X) if augmented is None else augmented
    A = centroid_side(C)
    labels = np.empty(len(Xa), dtype=np.intp)

    def work(start, stop):
        labels[start:stop] = (Xa[start:stop] @ A).argmin(axis=1)

    in_blocks(len(Xa), block_rows(len(C)), work)
    return labels


# -- the naive method ------------------------------------------------------------


def most_frequent(colors, counts, n):
    """Return the n most frequent colours (ties broken by packed colour value, ascending)."""
    order = np.lexsort((pack(colors), -counts))
    return colors[order[:n]]


def quantize_frequent(I, n, colours=None):
    """Replace every pixel of I by the nearest of its n most frequent colours.

    ``colours`` is ``counted(I)`` if the caller has it already.

    Returns
    -------
    Q : ndarray like I
    palette : ndarray of shape (min(n, m), 3), uint8
    """
    P, present, counts = colours or counted(I)
    colors = unpack(present)
    palette = most_frequent(colors, counts, n)
    return recolor(P, present, nearest(colors, palette), palette), palette


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
    x2, minus_2xt = (X * X).sum(axis=1), np.ascontiguousarray(-2.0 * X.T)
    block = 4 * CHUNK

    def closer(points, closest):
        """Squared distances to the nearest of (closest, each point): (len(points), m), and their weighted sums."""
        D, p2 = np.empty((len(points), len(X))), (points * points).sum(axis=1)[:, None]
        partial = np.zeros((-(-len(X) // block), len(points)))

        def work(start, stop):  # |x|^2 - 2 x.c + |c|^2, clipped at 0 (rounding), then the minimum with closest
            part = np.matmul(points, minus_2xt[:, start:stop], out=D[:, start:stop])
            part += x2[start:stop]
            part += p2
            np.maximum(part, 0.0, out=part)
            if closest is not None:
                np.minimum(part, closest[start:stop], out=part)
            partial[start // block] = part @ weights[start:stop]

        in_blocks(len(X), block, work)
        return D, partial.sum(axis=0)

    centers = [X[rng.choice(len(X), p=weights / weights.sum())]]
    closest = closer(centers[0][None], None)[0][0]
    for _ in range(1, k):
        potential = np.cumsum(weights * closest)
        if potential[-1] <= 0:  # every colour already is a centroid
            break
        candidates = np.minimum(np.searchsorted(potential, rng.random(trials) * potential[-1]), len(X) - 1)
        options, totals = closer(X[candidates], closest)
        best = np.argmin(totals)
        centers.append(X[candidates[best]])
        closest = options[best]
    return np.array(centers)


def kmeans(X, weights, k, steps, rng, init=None):
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
    init : ndarray of shape (k, d), optional
        Starting centroids instead of k-means++ (for comparing with another implementation).

    Returns
    -------
    centroids : ndarray of shape (k', d), float64, k' <= k
    labels : ndarray of shape (m,)
        The nearest centroid of each row.

    Notes
    -----
    Each step assigns every row to its nearest centroid (as :func:`nearest`
    does) and moves each centroid to the weighted mean of its rows. The
    weighted sums are taken with ``np.bincount`` and weights (no loop over
    clusters) on the same block of rows, while it is in cache, on the same
    thread; the blocks' sums are then added in block order, so the result
    does not depend on the number of threads.
    """
    X = np.asarray(X, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    C = kmeans_plus_plus(X, weights, min(k, len(X)), rng) if init is None else np.array(init, dtype=np.float64)
    k = len(C)
    Xa = augment(X)
    columns = [weights] + [np.ascontiguousarray(weights * X[:, d]) for d in range(X.shape[1])]
    rows = block_rows(k)
    partial = np.empty((-(-len(X) // rows), len(columns), k))  # per block of rows: mass, then sums per coordinate

    for _ in range(steps):
        A = centroid_side(C)

        def work(start, stop):
            labels = (Xa[start:stop] @ A).argmin(axis=1)
            for j, column in enumerate(columns):
                partial[start // rows, j] = np.bincount(labels, weights=column[start:stop], minlength=k)

        in_blocks(len(X), rows, work)
        mass, sums = partial[:, 0].sum(axis=0), partial[:, 1:].sum(axis=0).T
        moved = C.copy()
        filled = mass > 0  # an empty cluster keeps its centroid
        moved[filled] = sums[filled] / mass[filled, None]
        if np.array_equal(moved, C):
            break
        C = moved
    return C, nearest(X, C, Xa)


def quantize_kmeans(I, n, steps, rng, colours=None):
    """Quantize I to at most n colours with k-means on its distinct colours.

    ``colours`` is ``counted(I)`` if the caller has it already.

    Returns
    -------
    Q : ndarray like I, uint8
        Every pixel replaced by its cluster's colour.
    palette : ndarray of shape (n', 3), uint8, n' <= n
        The distinct colours of Q, sorted: centroids are rounded to 8 bits,
        and two that round to the same colour count once.
    """
    P, present, counts = colours or counted(I)
    centroids, labels = kmeans(unpack(present), counts, n, steps, rng)
    rounded = np.clip(np.rint(centroids), 0, 255).astype(np.uint8)
    palette, index = np.unique(rounded, axis=0, return_inverse=True)
    return recolor(P, present, index[labels], palette), palette


def kmeans_course(data, k, steps, rng, init=None):
    """The course's k-means (Gareth Rees' code): cdist over every pixel, a loop over clusters.

    Kept as the baseline of the benchmarks. Forgy start (k pixels drawn at
    random) unless ``init`` gives the starting centroids. Returns
    (centroids, labels of every row of data).
    """
    import scipy.spatial

    data = np.asarray(data, dtype=np.float64)
    centroids = data[rng.choice(len(data), k, replace=False)] if init is None else np.array(init, dtype=np.float64)
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
    """Mean squared error per channel between two uint8 images.

    Notes
    -----
    Computed a block of pixels at a time in integers: a float64 copy of a
    144-megapixel photo would be 3.5 GB, for one number in the log.
    """
    a, b = np.asarray(I).reshape(-1), np.asarray(Q).reshape(-1)
    sums = np.zeros(-(-len(a) // (3 * PIXELS)) or 1, dtype=np.int64)

    def work(start, stop):
        d = a[start:stop].astype(np.int32) - b[start:stop]
        sums[start // (3 * PIXELS)] = np.square(d, out=d).sum(dtype=np.int64)

    in_blocks(len(a), 3 * PIXELS, work)
    return float(sums.sum() / max(len(a), 1))


def quantize(I, n, method, steps, rng, colours=None):
    """Quantize I with ``method`` ('kmeans' or 'frequent'); return (Q, palette)."""
    if not 1 <= n <= MAX_COLORS:
        raise ValueError(f"the number of colours must be in 1..{MAX_COLORS}, got {n}")
    if method == "frequent":
        return quantize_frequent(I, n, colours)
    if method == "kmeans":
        return quantize_kmeans(I, n, steps, rng, colours)
    raise ValueError(f"method must be 'kmeans' or 'frequent', got {method!r}")


# -- running it ----------------------------------------------------------------------


def run(source, output, n, method, steps, rng, palette_path=None):
    """Read ``source``, quantize it, write ``output`` (PNG) and optionally the palette (.npy)."""
    from pipeline import log, save_npy

    I, notes = read_image(source)
    for note in notes:
        log.info("note: %s: %s", source, note)
    colours = counted(I)
    m = len(colours[1])
    Q, palette = quantize(I, n, method, steps, rng, colours)
    if m < n:
        log.info("note: %s has %d distinct colours, fewer than the %d asked for", source, m, n)
    log.info("%s: %dx%d, %d colours -> %d (%s), mean squared error %.2f",
             source, I.shape[1], I.shape[0], m, len(palette), method, mse(I, Q))
    write_png(output, Q)
    if palette_path is not None:
        save_npy(palette_path, palette)


def check_paths(source, output, palette=None):
    """Refuse, before any work, an output that would destroy the input or the other output.

    Raises
    ------
    pipeline.InputError
        If ``output`` (or ``palette``) is an existing folder, is the input
        file itself (same file, also through a link), or if ``palette`` and
        ``output`` are the same path.
    """
    import os
    from pathlib import Path

    from pipeline import InputError

    def same(a, b):
        a, b = Path(a), Path(b)
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return os.path.realpath(a) == os.path.realpath(b)

    for name, path in (("OUTPUT", output), ("--palette", palette)):
        if path is None:
            continue
        if Path(path).is_dir():
            raise InputError(f"{path}: is a folder; {name} must be the path of a file to write")
        if same(path, source):
            raise InputError(f"{path}: is the input image itself; {name} must be another file (nothing was written)")
    if palette is not None and same(palette, output):
        raise InputError(f"{palette}: --palette is the same file as OUTPUT; give it its own name, such as "
                         f"{Path(output).with_suffix('.npy')}")


def defaults():
    """The quantize and seed defaults of config.yaml, beside this script's workflow."""
    from pathlib import Path

    from pipeline import load_yaml

    config = load_yaml((Path(__file__).resolve().parents[2] / "config.yaml").read_text(encoding="utf-8"))
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
    if not 1 <= args.colors <= MAX_COLORS or args.steps < 1 or args.seed < 0:
        sys.exit(f"error: --colors must be in 1..{MAX_COLORS} (what an indexed PNG holds), --steps at least 1, "
                 "--seed at least 0")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        check_paths(args.input, args.output, args.palette)
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
