"""The engineering behind quantize.py: colour quantization of 12-megapixel photos in under a second.

Nothing here is needed to understand the exercise (quantize.py has the
course's version, a few lines long); this is what makes the same result fast
on large photos, and it gives exactly the same images:

The course's k-means works on every pixel: a (k, pixels) distance matrix per
step (over a gigabyte for a 12-megapixel photo) and a Python loop per
cluster for the means. A photo holds far fewer distinct colours than pixels,
so here k-means runs on the distinct colours, each weighted by how many
pixels have it, which gives exactly the same clusters:

1. pack each RGB pixel into one integer r*65536 + g*256 + b, sort them and
   count the runs: the distinct colours and how many pixels have each
   (``np.unique(..., return_counts=True)``, written out to run on threads);
2. pick the k starting centroids with weighted k-means++;
3. each step, assign every distinct colour to its nearest centroid, with
   distances computed as |x|^2 - 2 x.c + |c|^2 (one matrix product), then
   move each centroid to the weighted mean of its colours (``np.bincount``
   with weights, no loop over clusters);
4. map every pixel to its new colour through one look-up table indexed by
   the packed colour.

Blocks of rows run on threads (NumPy releases the GIL); each block writes its
own slice of the output and sums are added in block order, so the result
does not depend on the number of threads.
"""

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

CHUNK = 1 << 14  # at most this many distinct colours per block of the distance matrix ...
BLOCK_BYTES = 8 << 20  # ... and at most about this many bytes in it (16384 x 64 floats): see block_rows
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


def indexed(Q, palette):
    """Return the (H, W) uint8 image of each pixel's entry in ``palette`` (the first, where colours repeat).

    Every pixel of Q must be a palette colour (as a quantized image is). One
    look-up table from the packed colour to its entry, one gather per pixel.
    """
    packed = pack(np.asarray(palette, dtype=np.uint8).reshape(-1, 3)).ravel()
    table = np.zeros(1 << 24, dtype=np.uint8)
    table[packed[::-1]] = np.arange(len(packed))[::-1]  # where a colour repeats, its first entry wins
    P, index = pack(Q), np.empty(Q.shape[:-1], dtype=np.uint8)
    flat, out = P.reshape(-1), index.reshape(-1)

    def work(start, stop):
        np.take(table, flat[start:stop], out=out[start:stop])

    in_blocks(len(flat), PIXELS, work)
    return index


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
