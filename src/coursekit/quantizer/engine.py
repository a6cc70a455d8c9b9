"""The engineering behind quantize.py: colour quantization of 12-megapixel photos in a fraction of a second.

Nothing here is needed to understand the exercise (quantize.py has the
course's version, a few lines long); this is what makes k-means fast and good
on large photos.

The course's k-means works on every pixel: a (k, pixels) distance matrix per
step (over a gigabyte for a 12-megapixel photo) and a Python loop per
cluster for the means. A photo holds far fewer distinct colours than pixels,
and k-means on the distinct colours, each weighted by how many pixels have
it, gives exactly the same clusters (:func:`lloyd`, checked against the
course's from the same start). quantize.py goes further
(:func:`kmeans_palette`):

1. read each RGB pixel as one integer, a quarter of the image at a time,
   sort each quarter and count the runs, merge the quarters' counts: the
   distinct colours and how many pixels have each (``np.unique(...,
   return_counts=True)``, written out to run on threads; :func:`colour_counts`);
2. sum the colours' pixels, r, g, b and squares per cube of 4 levels a side
   (``np.bincount`` with weights): histograms of 16, 8 and 4 levels a side
   follow from these sums without another look at the colours;
3. Lloyd steps (each colour to its nearest centroid, with distances as one
   matrix product, then each centroid to the weighted mean of its colours,
   ``np.bincount`` again) on the coarsest histogram from 33 starts, then on
   the finer ones for the best of them, with moves of one centroid at a time
   where Lloyd is stuck (:func:`swap_search`); the first start also alone
   (:func:`best_centroids`);
4. the last Lloyd steps on the exact colours, each colour to its nearest
   centroid a whole cube at a time where no boundary between two centroids
   can cross the cube (:func:`refine`);
5. every pixel to its palette entry through one look-up table indexed by the
   packed colour (:func:`lookup`), written as an indexed PNG (images.py).

Blocks of rows run on threads (NumPy releases the GIL); each block writes its
own slice of the output and sums are added in block order, so the result
does not depend on the number of threads. The k-means search is many small
NumPy calls, which threads do not speed up (they wait on the GIL): there a
child process (:func:`forked`) on the other core runs half of the swap
searches and the rest of the first start alone, while this one runs the
rest.
"""

import os
import sys
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


_pool = {}  # one pool of threads for the process, made on first use: starting threads at every call costs


def pool():
    """The process's pool of WORKERS threads (a new one after a fork, or if WORKERS changed)."""
    key = (os.getpid(), WORKERS)
    if key not in _pool:
        _pool.clear()  # a pool inherited through fork has no threads left: never reuse it
        _pool[key] = ThreadPoolExecutor(WORKERS)
    return _pool[key]


def keep_freed_memory():
    """Ask glibc's malloc to keep the memory this process frees, for its next arrays, until it exits.

    By default a freed block of more than 128 kB goes back to the system at
    once, and the next array gets fresh pages, each zeroed by the kernel on
    first touch; on this project's virtual machine memory left idle a few
    seconds is also reclaimed by the host, and touching it again costs about
    2 ms per MB. A quantization makes and frees some 100 temporary arrays of
    up to 32 MB: kept and reused, the 12-megapixel command takes about 0.1 s
    less there (README). Blocks of more than 32 MB still come from the system.
    Does nothing where malloc is not glibc's (macOS, musl, Windows).
    """
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError, TypeError):  # no mallopt (macOS, musl); no CDLL(None) (Windows)
        return False
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # malloc.h
    return bool(mallopt(M_MMAP_THRESHOLD, 32 << 20)) and bool(mallopt(M_TRIM_THRESHOLD, (1 << 31) - 1))


def forked(generator, *args):
    """Run the generator function ``generator(*args)`` in a child process (fork); iterate over what it yields.

    The child shares the parent's memory as it was (copy on write): nothing
    is copied to start it, and each item it yields, pickled, comes back
    through a pipe as soon as it is made, so the parent can go on with the
    first while the child computes the next. It runs where that is safe: on
    Linux, with more than one CPU (WORKERS), in a process with no other
    thread left once this module's pool is shut down (a thread another
    library started could hold a lock the child would wait on forever).
    Elsewhere the generator runs in this process as it is iterated; if the
    child fails, the items it did not send are computed here. The items are
    the same either way. Iterate to the end: that is when the child is reaped.
    """
    if not may_fork():
        return Forked(generator(*args), False)
    import gc
    import pickle
    import struct

    gc.freeze()  # as Python's documentation advises before a fork: the child's garbage collections, which would
    # write to every object made so far (and so copy their pages), leave them out
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, and leave without the parent's exit handlers or buffers
        status = 1
        try:
            os.close(read)
            with os.fdopen(write, "wb") as out:
                for item in generator(*args):
                    data = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
                    out.write(struct.pack("<Q", len(data)) + data)
                    out.flush()
            status = 0
        finally:
            os._exit(status)
    os.close(write)
    gc.unfreeze()  # here they are this process's own again

    def received():
        sent = 0
        with os.fdopen(read, "rb") as inp:
            while True:
                header = inp.read(8)
                size = struct.unpack("<Q", header)[0] if len(header) == 8 else None
                data = inp.read(size) if size is not None else b""
                if size is None or len(data) < size:  # the end, or a child that died in the middle of an item
                    break
                sent += 1
                yield pickle.loads(data)
        _, status = os.waitpid(pid, 0)
        if status != 0:  # the child failed (out of memory, a signal): what it did not send, computed here
            for i, item in enumerate(generator(*args)):
                if i >= sent:
                    yield item

    return Forked(received(), True)


class Forked:
    """What :func:`forked` returns: an iterator over the items, and whether a child process computes them."""

    def __init__(self, items, in_child):
        self.items, self.in_child = items, in_child

    def __iter__(self):
        return self

    def __next__(self):
        return next(self.items)


def may_fork():
    """True where :func:`forked` starts a child process: Linux, WORKERS > 1, and this thread alone in the process.

    This module's pool is shut down first (its threads are idle between
    calls, and :func:`pool` starts a new one when next needed).
    """
    import threading
    import time

    if WORKERS < 2 or not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    if system_threads() != threading.active_count():  # a library's own threads (OpenBLAS's, say): no fork
        return False
    for executor in _pool.values():
        executor.shutdown(wait=True)
    _pool.clear()
    if threading.active_count() > 1:  # another Python thread
        return False
    for _ in range(100):  # the pool's threads leaving the system's count: usually within 0.1 ms
        if system_threads() == 1:
            return True
        time.sleep(1e-4)
    return False


def system_threads():
    """The threads of this process as Linux counts them (Python's and any library's), or None if unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("Threads:"))
    except (OSError, StopIteration, ValueError):
        return None


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
    for future in [pool().submit(work, start, stop) for start, stop in bounds]:
        future.result()


# -- distinct colours ------------------------------------------------------------


def keys(flat, start, stop, dtype=np.uint32):
    """Pixels start..stop-1 of an RGB image (its bytes, ``flat``) as integers r | g << 8 | b << 16 (``dtype``).

    One unaligned 4-byte read per pixel, little-endian, its fourth byte (the
    next pixel's red) masked off: five times faster than shifting and adding
    the channels, and in the reverse order of channels (see :func:`swap_red_blue`).
    The last pixel of the image, with no byte after it, is read on its own.
    """
    pixels = len(flat) // 3
    read = min(stop, pixels - 1) - start
    out = np.empty(stop - start, dtype=dtype)
    if read > 0:
        out[:read] = np.ndarray((read,), dtype="<u4", buffer=flat, offset=3 * start, strides=(3,))
    if stop == pixels:
        r, g, b = (int(v) for v in flat[-3:])
        out[-1] = r | g << 8 | b << 16
    out &= 0xFFFFFF
    return out


def swap_red_blue(K):
    """r | g << 8 | b << 16 to r << 16 | g << 8 | b (:func:`pack`'s order), and back."""
    return ((K & 0xFF) << 16) | (K & 0xFF00) | (K >> 16)


def pack(colors):
    """Each RGB colour of ``colors`` (..., 3) as one integer r << 16 | g << 8 | b (uint32), sorting as (r, g, b)."""
    colors = np.ascontiguousarray(colors, dtype=np.uint8)
    flat = colors.reshape(-1)
    return swap_red_blue(keys(flat, 0, len(flat) // 3)).reshape(colors.shape[:-1])


def unpack(P):
    """Inverse of :func:`pack`: integers of any shape to uint8 colours of that shape + (3,)."""
    P = np.asarray(P, dtype="<u4")  # little-endian bytes: b, g, r, 0
    return np.ascontiguousarray(P[..., None].view(np.uint8)[..., 2::-1])


def runs(S):
    """The distinct values of the sorted array S, and how many times each occurs (the length of its run)."""
    starts = np.concatenate(([0], np.flatnonzero(S[1:] != S[:-1]) + 1))
    return S[starts], np.diff(np.append(starts, len(S)))


def colour_counts(I):
    """The distinct colours of the RGB image I, packed (:func:`pack`) and sorted, and how many pixels have each.

    What ``np.unique(I.reshape(-1, 3), axis=0, return_counts=True)`` gives,
    in less time and memory: the pixels are read as :func:`keys` (4 bytes
    each) a quarter of the image at a time, each quarter sorted and counted
    on its own thread (:func:`runs`), so that no packed image is kept, nor
    more than two quarters at a time. The four lists are merged by one sort
    of 64-bit integers, colour (in :func:`pack`'s order) and count, and each
    colour's counts added. (``np.bincount`` over the 2**24 colours gives the
    same counts, but its 128 MB table costs more than the sorts in a fresh
    process: page faults.)
    """
    flat = np.ascontiguousarray(I, dtype=np.uint8).reshape(-1)
    pixels = len(flat) // 3
    quarter = max(-(-pixels // 4), 1)
    parts = [None] * -(-pixels // quarter)

    def work(start, stop):
        K = keys(flat, start, stop)
        K.sort()
        parts[start // quarter] = runs(K)

    in_blocks(pixels, quarter, work)
    # the quarters' colours, in pack()'s order, each with its count in the low 32 bits (a count fits:
    # images.IMAGE_MAX_PIXELS is 2**28), sorted as one array of 64-bit integers; then each colour's counts added
    both = np.concatenate([(swap_red_blue(values).astype(np.uint64) << np.uint64(32)) | counts.astype(np.uint64)
                           for values, counts in parts])
    both.sort()
    colours = (both >> np.uint64(32)).astype(np.uint32)
    starts = np.concatenate(([0], np.flatnonzero(colours[1:] != colours[:-1]) + 1))
    return colours[starts], np.add.reduceat((both & np.uint64(0xFFFFFFFF)).astype(np.int64), starts)


def distinct_colors(I):
    """Return the distinct colours of I (m, 3) uint8, sorted, and the number of pixels of each (m,)."""
    present, counts = colour_counts(I)
    return unpack(present), counts


def lookup(I, present, labels):
    """Return the (H, W) uint8 image of each pixel's label: the label of its colour in ``present`` (packed).

    ``I`` is the RGB image (H, W, 3), read a block at a time as :func:`keys`,
    so that no packed copy of it (4 bytes per pixel) is kept from the
    counting to here. Labels must be below 256 (palette entries); where a
    colour is listed twice, its last label counts. One look-up table of the
    2**24 colours (16 MB), one gather per pixel.
    """
    table = np.zeros(1 << 24, dtype=np.uint8)
    table[swap_red_blue(np.asarray(present, dtype=np.uint32))] = labels
    flat = np.ascontiguousarray(I, dtype=np.uint8).reshape(-1)
    index = np.empty(np.shape(I)[:-1], dtype=np.uint8)
    out = index.reshape(-1)

    def work(start, stop):  # keys as intp, which take() would convert to; always in range: no bounds check
        np.take(table, keys(flat, start, stop, np.intp), out=out[start:stop], mode="clip")

    in_blocks(len(out), PIXELS, work)
    return index


def recolor(I, present, labels, palette):
    """Return the (..., 3) uint8 image in which every pixel of colour present[i] becomes palette[labels[i]]."""
    return np.take(np.asarray(palette, dtype=np.uint8), lookup(I, present, labels), axis=0)


def indexed(Q, palette):
    """Return the (H, W) uint8 image of each pixel's entry in ``palette`` (the first, where colours repeat).

    Every pixel of Q must be a palette colour (as a quantized image is).
    """
    return lookup(Q, pack(palette)[::-1], np.arange(len(palette))[::-1])  # the first entry of a colour is set last


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
    """Return the n most frequent colours (ties broken by packed colour value, ascending).

    ``colors`` are sorted by packed value (as :func:`colour_counts` gives them), so a stable sort by
    count keeps that order among equal counts.
    """
    return colors[np.argsort(-np.asarray(counts), kind="stable")[:n]]


def quantize_frequent(I, n, colours=None):
    """Replace every pixel of I by the nearest of its n most frequent colours.

    ``colours`` is ``colour_counts(I)`` if the caller has it already.

    Returns
    -------
    Q : ndarray like I
    palette : ndarray of shape (min(n, m), 3), uint8
    """
    present, counts = colours or colour_counts(I)
    colors = unpack(present)
    palette = most_frequent(colors, counts, n)
    return recolor(I, present, nearest(colors, palette), palette), palette


# -- k-means ---------------------------------------------------------------------


def kmeans_plus_plus(X, weights, k, rng):
    """Pick k starting centroids among the rows of X with weighted, greedy k-means++.

    The first is drawn with probability proportional to its weight; each next
    one among ``2 + log(k)`` candidates drawn proportionally to weight times
    squared distance to the nearest centroid so far, keeping the candidate
    that lowers the total weighted squared distance most (as scikit-learn does).
    One start of :func:`kmeans_plus_plus_starts`.
    """
    return kmeans_plus_plus_starts(X, weights, k, rng, 1)[0]


def kmeans_plus_plus_starts(X, weights, k, rng, starts):
    """``starts`` sets of k starting centroids, each as :func:`kmeans_plus_plus` draws it, computed together.

    Start i draws the i-th block of ``rng``'s numbers: one for its first
    centroid, ``2 + log(k)`` for each next one, drawn at once; the first
    start is therefore what ``kmeans_plus_plus(X, weights, k, rng)`` gives, and
    so is each start alone with the numbers before it drawn. Each step is one
    product for every start's candidates (a few hundred rows at most): 33
    starts on the coarsest histogram in about a tenth of the time, one at a
    time. A start that has put a centroid on every point stops early, with
    fewer centroids (as :func:`kmeans_plus_plus` does).
    """
    X = np.asarray(X, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    trials = 2 + int(np.log(k))
    U = rng.random((starts, 1 + (k - 1) * trials))
    x2, minus_2xt = (X * X).sum(axis=1), np.ascontiguousarray(-2.0 * X.T)
    block = 4 * CHUNK
    every = np.arange(starts)

    def closer(points, closest):
        """(starts, n, m) squared distances to the nearest of (closest, each point), and their weighted sums."""
        D = np.matmul(points, minus_2xt)
        D += x2
        D += (points * points).sum(axis=2)[..., None]
        np.maximum(D, 0.0, out=D)
        if closest is not None:
            np.minimum(D, closest[:, None, :], out=D)
        totals = sum(D[..., start:start + block] @ weights[start:start + block] for start in range(0, len(X), block))
        return D, totals

    cdf = (weights / weights.sum()).cumsum()
    cdf /= cdf[-1]  # as Generator.choice(p=...) draws: the first uniform number of each start
    centers = [X[cdf.searchsorted(U[:, 0], side="right")]]
    closest = closer(centers[0][:, None, :], None)[0][:, 0]
    done = np.zeros(starts, dtype=bool)
    for step in range(1, k):
        potential = np.cumsum(weights * closest, axis=1)
        done |= potential[:, -1] <= 0  # every colour already is a centroid
        if done.all():
            break
        draws = U[:, 1 + (step - 1) * trials:1 + step * trials] * potential[:, -1:]
        candidates = np.minimum([row.searchsorted(d) for row, d in zip(potential, draws)], len(X) - 1)
        options, totals = closer(X[candidates], closest)
        best = np.argmin(totals, axis=1)
        centers.append(np.where(done[:, None], np.nan, X[candidates[every, best]]))
        closest = options[every, best]
    centers = np.stack(centers, axis=1)
    return [c[~np.isnan(c[:, 0])] for c in centers]


# -- k-means on histograms of the colours, from several starts --------------------
#
# A 12-megapixel photo has about a million distinct colours; one Lloyd step on
# all of them costs about 25 ms. The same steps on a histogram of the colours
# (cubes of 16, 8 or 4 levels per channel, each weighted by its pixels and
# placed at their mean colour) cost a fraction of that, so k-means first runs
# there: from many starts on the coarsest histogram (a thousand cubes, where a
# step costs well under a millisecond), then the best of them on finer
# histograms, and only the last few steps on the exact colours. Each start
# ends in a local optimum of its own, and which one a single k-means++ start
# finds is a lottery (on one photo, 337 to 349 of squared error per pixel
# across four seeds); keeping the best of many is what makes the result good
# on every photo.

CENTROIDS = 512  # k-means++ starts: as many as make this many centroids in all (32 for k = 16, 2 for k = 256) ...
MOST_STARTS = 32  # ... and at most this many; one more start splits the colours (see split_start)
CARRIED = (8, 2)  # the better this many sets go on to each finer histogram (see search)
SWAP_LEVEL = 1  # on the second histogram (8 levels a side; the first ranks the starts poorly), ...
SWAPPED = 4  # ... the best this many sets try SWAPS moves of one centroid each (swap_search)
SWAPS = 10
TRIAL_STEPS = 3  # Lloyd steps to judge a move by; a move kept gets the full steps
LEVELS = (4, 5, 6)  # bits per channel of the histograms k-means runs on, coarsest first, before the exact colours
TOLERANCE = 1e-4  # a level ends when a step lowers the squared error by less than this fraction
EXACT_STEPS = 5  # at most this many Lloyd steps on the exact colours, at the end (see refine), ...
EXACT_TOLERANCE = 1e-4  # ... fewer when one lowers the error by less than this fraction
RELAXATION = 1.8  # each of those steps first tries moving the centroids this many times the way to their means


def default_starts(k):
    """k-means++ starts for k clusters: CENTROIDS // k, between 2 and MOST_STARTS."""
    return min(MOST_STARTS, max(2, CENTROIDS // max(k, 1)))


FINE = 6  # bits per channel of the finest cubes (4 levels a side): the histograms and assign() start from them


def cubes(present, bits=FINE):
    """The cube of side 2**(8 - bits) levels of each packed colour: (r >> s) << 2 * bits | (g >> s) << bits | b >> s."""
    shift, mask = 8 - bits, (1 << bits) - 1
    return (((present >> (16 + shift)) & mask) << (2 * bits) | ((present >> (8 + shift)) & mask) << bits
            | (present >> shift) & mask).astype(np.intp)


def moments(present, counts, labels, k):
    """Per label below k: its pixels, the sums of their r, g and b, and the sum of their |x|^2: shape (5, k).

    With them :func:`squared_error` gives the error of putting any colour in
    place of each group's pixels without another pass over the pixels, and
    the groups' means are sums / pixels.
    """
    colours = unpack(present).astype(np.float64)
    return group_moments(labels, k, np.asarray(counts, dtype=np.float64), colours, (colours ** 2).sum(axis=1))


def group_moments(labels, k, weights, colours, norms):
    """:func:`moments` from float columns: the weights (m,), the colours (m, 3) and their |x|^2 (m,)."""
    return np.stack([np.bincount(labels, weights=w, minlength=k)
                     for w in (weights, *(weights * colours.T), weights * norms)])


def squared_error(moments, colours):
    """Sum over the pixels of |x - colour of its group|^2, from :func:`moments` and one colour per group (k, 3)."""
    colours = np.asarray(colours, dtype=np.float64)
    mass, sums, squares = moments[0], moments[1:4].T, moments[4]
    return float(squares.sum() - 2.0 * (sums * colours).sum() + mass @ (colours * colours).sum(axis=1))


def histogram(fine, bits):
    """Group the colours in cubes of 2**(8 - bits) levels a side: each cube's mean colour and its pixels.

    Parameters
    ----------
    fine : ndarray of shape (5, 2**(3 * FINE))
        :func:`moments` of the finest cubes (``ByCube(present, counts).fine``).
    bits : int
        At most FINE; 4 bits give at most 4096 cubes.

    Returns
    -------
    X : ndarray of shape (cubes, 3), float64
        The weighted mean colour of each cube that holds a colour.
    W : ndarray of shape (cubes,), float64
        Pixels in each.
    """
    index = np.flatnonzero(fine[0])  # the occupied fine cubes (a tenth of them, or fewer, in a photo)
    shift, mask = FINE - bits, (1 << FINE) - 1
    coarse = (((index >> (2 * FINE + shift)) << (2 * bits)) | (((index >> (FINE + shift)) & (mask >> shift)) << bits)
              | ((index & mask) >> shift))
    mass = np.bincount(coarse, weights=fine[0, index], minlength=1 << 3 * bits)
    filled = np.flatnonzero(mass)
    sums = np.stack([np.bincount(coarse, weights=fine[j, index], minlength=len(mass))[filled] for j in (1, 2, 3)],
                    axis=1)
    return sums / mass[filled, None], mass[filled]


def split_start(X, W, k):
    """k starting centroids by splitting the colours in two, k - 1 times (a variance split, as Wu's quantizer does).

    Each time the group with the largest weighted squared error is cut across its
    channel of largest variance, where the two halves' errors add up to the
    least. Unlike k-means++ it draws nothing, and it starts k-means near a good
    optimum on photos where k-means++ leaves a large region with one centroid.
    """
    X, W = np.asarray(X, dtype=np.float64), np.asarray(W, dtype=np.float64)

    def error(members):
        w, x = W[members], X[members]
        return w @ ((x - (w @ x) / w.sum()) ** 2).sum(axis=1)

    groups, errors = [np.arange(len(X))], [error(np.arange(len(X)))]
    while len(groups) < k and max(errors) > 0:
        i = int(np.argmax(errors))
        members = groups[i]
        x, w = X[members], W[members]
        axis = int(np.argmax(w @ (x - (w @ x) / w.sum()) ** 2))
        order = np.argsort(x[:, axis], kind="stable")
        members, x, w = members[order], x[order], w[order]
        # squared error of members[:j] and of members[j:] for every cut j, from running sums
        cw, cx, cxx = np.cumsum(w), np.cumsum(w[:, None] * x, axis=0), np.cumsum(w * (x * x).sum(axis=1))
        left = cxx[:-1] - (cx[:-1] ** 2).sum(axis=1) / cw[:-1]
        right = (cxx[-1] - cxx[:-1]) - ((cx[-1] - cx[:-1]) ** 2).sum(axis=1) / (cw[-1] - cw[:-1])
        cuts = np.flatnonzero(x[1:, axis] != x[:-1, axis])  # between two different values only
        j = cuts[np.argmin((left + right)[cuts])] + 1
        groups[i:i + 1] = [members[:j], members[j:]]
        errors[i:i + 1] = [error(members[:j]), error(members[j:])]
    return np.array([(W[g] @ X[g]) / W[g].sum() for g in groups])


def lloyd(X, W, starts, steps, tolerance=TOLERANCE, labels=False):
    """Weighted Lloyd steps from each set of starting centroids, on the same points.

    Parameters
    ----------
    X : ndarray of shape (m, d)
    W : ndarray of shape (m,)
        Weight of each row (pixels of that colour).
    starts : list of ndarrays of shape (k_i, d)
        Starting centroids; each set runs on its own.
    steps : int
        At most this many steps per set; a set also stops when a step lowers its
        error by less than ``tolerance`` (a fraction of it), or leaves it unchanged.
    labels : bool
        Also return each row's nearest centroid in each final set.

    Returns
    -------
    centroids : list of ndarrays, as ``starts``
    errors : ndarray of shape (len(starts),)
        The weighted squared error of each final set: sum of W * |x - nearest c|^2.
    labels : list of ndarrays of shape (m,), or None

    Notes
    -----
    The error comes free with a step's sums: sum W|x|^2 + sum_j (mass_j |c_j|^2
    - 2 c_j . sum_j). Each set is computed exactly as if it ran alone (the same
    products, in the same blocks, which depend only on the largest k), and the
    blocks' sums are added in block order: the result depends neither on the
    number of threads nor on the other sets.
    """
    X, W = np.asarray(X, dtype=np.float64), np.asarray(W, dtype=np.float64)
    Xa, total = augment(X), W @ (X * X).sum(axis=1)
    columns = [W] + [np.ascontiguousarray(W * X[:, d]) for d in range(X.shape[1])]
    C = [np.array(c, dtype=np.float64) for c in starts]
    rows = block_rows(max(len(c) for c in C))
    blocks = -(-len(X) // rows)
    errors, found = np.full(len(C), np.inf), [None] * len(C)
    active = list(range(len(C)))
    for step in range(steps + 1):
        sides = {s: centroid_side(C[s]) for s in active}
        partial = {s: np.empty((blocks, len(columns), len(C[s]))) for s in active}
        nearest_ = {s: np.empty(len(X), dtype=np.intp) for s in active} if labels else {}
        by_k = {}  # the sets of each size go through one product and one bincount per column together
        for s in active:
            by_k.setdefault(len(C[s]), []).append(s)

        def work(start, stop):
            for k, group in by_k.items():
                batch = max(1, BLOCK_BYTES // (8 * k * (stop - start)))  # sets per product, its size bounded
                for first in range(0, len(group), batch):
                    part = group[first:first + batch]
                    near = np.matmul(Xa[start:stop], np.stack([sides[s] for s in part])).argmin(axis=2)
                    if labels:
                        for s, row in zip(part, near):
                            nearest_[s][start:stop] = row
                    # set i's labels offset by i k: its bins are its own, summed in the order it would be alone
                    # (one set alone: its labels and weights as they are, no offset or tiled copy to make)
                    flat = near[0] if len(part) == 1 else (near + k * np.arange(len(part))[:, None]).ravel()
                    for j, column in enumerate(columns):
                        weights = column[start:stop] if len(part) == 1 else np.tile(column[start:stop], len(part))
                        sums = np.bincount(flat, weights=weights, minlength=len(part) * k)
                        for s, row in zip(part, sums.reshape(len(part), k)):
                            partial[s][start // rows, j] = row

        if blocks == 1 and len(active) == 1:  # one set on a histogram: the same sums, without batching's bookkeeping
            s, = active
            near = (Xa @ sides[s]).argmin(axis=1)
            if labels:
                nearest_[s][:] = near
            for j, column in enumerate(columns):
                partial[s][0, j] = np.bincount(near, weights=column, minlength=len(C[s]))
        else:
            in_blocks(len(X), rows, work)
        for s in list(active):
            sums = partial[s][0] if blocks == 1 else partial[s].sum(axis=0)
            mass, weighted = sums[0], sums[1:].T
            error = total + mass @ (C[s] * C[s]).sum(axis=1) - 2.0 * (weighted * C[s]).sum()
            previous, errors[s] = errors[s], error
            if labels:
                found[s] = nearest_[s]
            moved = C[s].copy()
            filled = mass > 0  # an empty cluster keeps its centroid
            moved[filled] = weighted[filled] / mass[filled, None]
            if step == steps or previous - error <= tolerance * error or np.array_equal(moved, C[s]):
                active.remove(s)  # C[s] is what the error and labels are for
            else:
                C[s] = moved
        if not active:
            break
    return C, errors, (found if labels else None)


class ByCube:
    """The distinct colours grouped in cubes of 4 levels a side (the finest histogram), built once per photo.

    ``fine`` holds every cube's :func:`moments` (the histograms follow from
    it); the occupied cubes' centres and each colour's cube serve
    :meth:`step`, which assigns the colours a cube at a time.
    """

    def __init__(self, present, counts):
        side, mask = 1 << (8 - FINE), (1 << FINE) - 1
        self.present, self.weights = present, np.asarray(counts, dtype=np.float64)
        cube = cubes(present)
        # the moments a channel at a time (float64 columns of m, not (m, 3) matrices: a third of the memory);
        # a step gathers the few colours it needs from the packed ones
        self.fine = np.empty((5, 1 << 3 * FINE))
        self.fine[0] = np.bincount(cube, weights=self.weights, minlength=self.fine.shape[1])
        norms = np.zeros(len(present))
        for j, shift in enumerate((16, 8, 0), 1):
            x = ((present >> shift) & 0xFF).astype(np.float64)
            self.fine[j] = np.bincount(cube, weights=self.weights * x, minlength=self.fine.shape[1])
            norms += x * x
        self.fine[4] = np.bincount(cube, weights=self.weights * norms, minlength=self.fine.shape[1])
        del norms, x
        self.occupied = np.flatnonzero(self.fine[0])
        corners = np.stack([self.occupied >> (2 * FINE), (self.occupied >> FINE) & mask, self.occupied & mask], axis=1)
        self.centres = corners * side + (side - 1) / 2  # a cube's colours run from its corner to corner + side - 1
        self.half = (side - 1) / 2  # a cube's colours are at most this far from its centre along each channel
        self.augmented, self.squares = augment(self.centres), (self.centres ** 2).sum(axis=1)[:, None]
        self.occupied_moments = self.fine[:, self.occupied]
        table = np.zeros(self.fine.shape[1], dtype=np.intp)
        table[self.occupied] = np.arange(len(self.occupied))
        self.position = table[cube]  # each colour's cube, as its row among the occupied ones

    def step(self, C):
        """Each colour's nearest centroid, a cube at a time where no boundary crosses it; the groups' moments.

        Returns (first, unsure, labels, moments): each cube's nearest centroid,
        the colours of the cubes a boundary may cross and their nearest
        centroids, and the moments of the groups.
        """
        D = self.augmented @ centroid_side(C)
        D += self.squares  # |z - c|^2
        first = D.argmin(axis=1)
        # sure: the whole cube on the first's side of its bisector with every other centroid j, that is
        # |z - c_j|^2 - |z - c_first|^2 > 2 h |c_j - c_first|_1 (h the half side; the diagonal is never above 0)
        apart = np.abs(C[:, None, :] - C[None, :, :]).sum(axis=2) * (2 * self.half) + 1e-6
        np.fill_diagonal(apart, -1.0)
        D -= D[np.arange(len(first)), first][:, None]
        sure = (D > apart[first]).all(axis=1)
        unsure = np.flatnonzero(~sure[self.position])  # the colours of the cubes a boundary may cross
        colours = unpack(self.present[unsure]).astype(np.float64)
        labels = nearest(colours, C)
        k = len(C)
        settled = np.where(sure, first, k)  # a crossed cube's moments go to an extra group, dropped
        moments_ = np.stack([np.bincount(settled, weights=row, minlength=k + 1)[:k] for row in self.occupied_moments])
        moments_ += group_moments(labels, k, self.weights[unsure], colours, np.einsum("ij,ij->i", colours, colours))
        return first, unsure, labels, moments_

    def labels(self, first, unsure, labels):
        """Every distinct colour's nearest centroid, in the colours' own order, from what :meth:`step` returned."""
        out = first[self.position]
        out[unsure] = labels
        return out


def assign(present, counts, C):
    """Each distinct colour's nearest centroid, and the :func:`moments` of the groups this makes.

    Parameters
    ----------
    present : ndarray of shape (m,), uint32
        Packed distinct colours.
    counts : ndarray of shape (m,)
        Pixels of each.
    C : ndarray of shape (k, 3)
        Centroids.

    Returns
    -------
    labels : ndarray of shape (m,)
        The same as ``nearest(unpack(present), C)``.
    moments : ndarray of shape (5, k)

    Notes
    -----
    Most colours are far from any boundary between two centroids, and so is
    the whole cube of 4 levels a side they are in. Every colour of a cube is
    within h = 1.5 levels of its centre z along each channel, so it is nearer
    the centroid c nearest to z than to another c' wherever the whole cube lies
    on c's side of their bisecting plane: when |z - c'|^2 - |z - c|^2 >
    2 h |c' - c|_1 (the plane's distance from z, times 2 |c' - c|, against the
    cube's half extent across it). Such a cube takes c, and adds its moments to
    that group, without a look at its colours. Only the colours of the other
    cubes are computed one by one (on a photo with 16 centroids, about an
    eighth of them).
    """
    return refine(ByCube(present, counts), C, 0)[2:]


def refine(by_cube, C, steps, tolerance=TOLERANCE):
    """Over-relaxed Lloyd steps on the exact colours from centroids C, each step as :func:`assign` computes it.

    Near an optimum a Lloyd step moves each centroid only part of the way the
    next steps will take it; a step here moves it RELAXATION times as far
    (past its cluster's mean) and keeps that move if the error is lower, else
    takes the plain step to the mean (which never raises the error). At most
    ``steps`` steps; fewer when one lowers the error by less than
    ``tolerance`` (a fraction of it) or none lowers it. Returns the
    centroids, their error, each distinct colour's nearest centroid and the
    groups' :func:`moments`.
    """
    C = np.array(C, dtype=np.float64)
    found = by_cube.step(C)
    error = squared_error(found[-1], C)
    for _ in range(steps):
        mass, sums = found[-1][0], found[-1][1:4].T
        mean = C.copy()
        filled = mass > 0  # an empty cluster keeps its centroid
        mean[filled] = sums[filled] / mass[filled, None]
        if np.array_equal(mean, C):
            break
        for moved in (C + RELAXATION * (mean - C), mean):
            trial = by_cube.step(moved)
            trial_error = squared_error(trial[-1], moved)
            if trial_error < error:
                break
        else:
            break  # not even the plain step lowers the error: an optimum
        gain, C, found, error = error - trial_error, moved, trial, trial_error
        if gain <= tolerance * error:
            break
    return C, error, by_cube.labels(*found[:3]), found[-1]


def swap_search(X, W, C, attempts, rng, steps):
    """Lloyd from C, then ``attempts`` tries to move one centroid elsewhere: each kept if it lowers the error.

    Each try draws a point as k-means++ draws its candidates (weight times
    squared distance to its nearest centroid: where the error is), moves there
    the centroid whose removal costs least (its points' extra distance to their
    second-nearest centroid), and runs Lloyd from there; the move is kept if the
    error is then lower. Lloyd alone cannot leave a local optimum where one
    centroid sits between two groups of colours and another splits one group:
    a move can. Returns the centroids and their error.
    """
    X, W = np.asarray(X, dtype=np.float64), np.asarray(W, dtype=np.float64)
    Xa, x2 = augment(X), (X * X).sum(axis=1)
    (C,), (error,), _ = lloyd(X, W, [C], steps)
    if len(C) < 2:
        return C, error
    removed = None  # which centroid to move and where the error is: the same until a move is kept
    for _ in range(attempts):
        if removed is None:
            D = np.maximum(Xa @ centroid_side(C) + x2[:, None], 0.0)
            d1, d2 = np.partition(D, 1, axis=1)[:, :2].T
            removal = np.bincount(D.argmin(axis=1), weights=W * (d2 - d1), minlength=len(C))
            removed, potential = int(np.argmin(removal)), np.cumsum(W * d1)
        if potential[-1] <= 0:
            break
        moved = C.copy()
        moved[removed] = X[min(np.searchsorted(potential, rng.random() * potential[-1]), len(X) - 1)]
        (moved,), (moved_error,), _ = lloyd(X, W, [moved], TRIAL_STEPS, 1e-3)
        if moved_error < error:
            (C,), (error,), _ = lloyd(X, W, [moved], steps)
            removed = None
    return C, error


def kmeans_palette(present, counts, k, steps, rng, starts=None, levels=LEVELS, by_cube=None):
    """Weighted k-means of the distinct colours, from many starts, on histograms first: the palette and labels.

    The centroids are :func:`best_centroids`'; this adds each colour's label
    and the groups' moments.

    Returns
    -------
    centroids : ndarray of shape (k', 3), float64, k' <= k
    labels : ndarray of shape (m,)
        Each distinct colour's nearest centroid.
    moments : ndarray of shape (5, k')
        Per centroid, its colours' :func:`moments`: ``squared_error(moments,
        centroids)`` is the error :func:`best_centroids` minimised.

    ``by_cube`` is ``ByCube(present, counts)`` if the caller has it already.
    """
    by_cube = ByCube(present, counts) if by_cube is None else by_cube
    C = best_centroids(by_cube, k, steps, rng, starts, levels)
    _, _, labels, m = refine(by_cube, C, 0)
    return C, labels, m


def best_centroids(by_cube, k, steps, rng, starts=None, levels=LEVELS, then=None):
    """The lowest-error centroids found from ``starts`` k-means++ starts and one split start, on histograms first.

    1. On the coarsest histogram of ``levels`` with at least k cubes, draw
       ``starts`` k-means++ starts (from ``rng``, one after the other, computed
       together: :func:`kmeans_plus_plus_starts`; by default
       :func:`default_starts`).
    2. The first start runs alone to the end (:func:`search`, with one set):
       that is exactly what ``starts=1`` computes, so the error is never above it.
    3. The other starts and one :func:`split_start` run together
       (:func:`search`), and the better of the two results is kept (the
       first start's on a tie).

    Where the system allows (:func:`forked`), a child process on the other
    core runs half of step 3's swap searches, then step 2 from its swap
    level on (:func:`on_the_other_core`); the result is the same.

    The swap moves of the i-th start draw from ``rng.spawn``'s i-th stream, so
    every start runs as it would whatever the number of starts. ``steps``
    bounds the Lloyd steps of every level. With few distinct colours (at most
    4 per cube of the finest histogram), every start runs on the exact colours
    instead, and the best is kept.

    With ``then``, returns ``then(centroids)``: where a child process runs the
    first start, it is computed for the other starts' best while the child may
    still be at work (and again for the first start if that wins).
    """
    present, counts = by_cube.present, by_cube.weights
    k = min(k, len(present))
    starts = default_starts(k) if starts is None else starts
    then = then or (lambda centroids: centroids)
    # a histogram is worth its level if it holds at least k cubes (k distinct centroids) and far fewer than the colours
    plan = [histogram(by_cube.fine, bits) for bits in levels]
    plan = [(X, W) for X, W in plan if k <= len(X) <= len(present) // 4]
    if not plan:  # few colours: every start on the exact colours
        X, W = unpack(present).astype(np.float64), np.asarray(counts, dtype=np.float64)
        sets = kmeans_plus_plus_starts(X, W, k, rng, starts) + ([split_start(X, W, k)] if starts > 1 else [])
        sets, errors, _ = lloyd(X, W, sets, steps)
        return then(sets[int(np.argmin(errors))])
    X, W = plan[0]
    first, *others = kmeans_plus_plus_starts(X, W, k, rng, starts)
    streams = rng.spawn(starts + (starts > 1))
    if starts == 1:
        return then(search(by_cube, plan, [first], streams, steps)[0])
    others.append(split_start(X, W, k))
    alone = to_swap_level(plan, [first], streams[:1], steps)
    sets, errors, kept, chosen = to_swap_level(plan, others, streams[1:], steps)
    X, W = plan[min(SWAP_LEVEL, len(plan) - 1)]
    half = len(chosen) // 2
    child = forked(on_the_other_core, by_cube, plan, alone, (X, W, [(sets[i], kept[i]) for i in chosen[:half]]), steps)
    sets, errors = list(sets), errors.copy()
    for i in chosen[half:]:
        sets[i], errors[i] = swap_search(X, W, sets[i], SWAPS, kept[i], steps)
    for i, (C, error) in zip(chosen[:half], next(child)):
        sets[i], errors[i] = C, error
    best, error = finish(by_cube, plan, sets, errors, kept, steps)
    then_best = then(best) if child.in_child else None  # while the child may still be at work
    (first, first_error), = child  # the rest of what the child sends: one item, then its end
    if first_error <= error:
        return then(first)
    return then(best) if then_best is None else then_best


def on_the_other_core(by_cube, plan, alone, swaps, steps):
    """The child's part of :func:`best_centroids` (:func:`forked`): what it yields, in the order it is needed.

    1. The swap searches ``swaps`` = (X, W, [(centroids, stream), ...]) asks for, in order.
    2. The first start, from ``alone`` (:func:`to_swap_level`) to the end of :func:`search`.
    """
    X, W, sets = swaps
    yield [swap_search(X, W, C, SWAPS, stream, steps) for C, stream in sets]
    yield from_swap_level(by_cube, plan, alone, steps)


def search(by_cube, plan, sets, streams, steps):
    """Lloyd from each set of centroids through the histograms of ``plan``, coarsest first; the best refined.

    1. On the first histogram, every set runs :func:`lloyd`.
    2. On each finer one, the CARRIED best sets so far, each from the
       centroids it ended the previous level with: 33 sets, then 8, then 2.
       The coarsest histogram ranks the starts only roughly (the set that
       ends best is often 10th or 15th there); each level ranks them better.
    3. On the second histogram, the SWAPPED best also try SWAPS moves of one
       centroid each (:func:`swap_search`), set i with ``streams[i]``.
    4. The best set: at most EXACT_STEPS over-relaxed Lloyd steps on the
       exact colours (:func:`refine`).

    Returns the centroids and their error on the exact colours.
    :func:`best_centroids` runs the same steps, with the swap searches shared
    between two processes.
    """
    return from_swap_level(by_cube, plan, to_swap_level(plan, sets, streams, steps), steps)


def from_swap_level(by_cube, plan, descent, steps):
    """Steps 3 and 4 of :func:`search` from what :func:`to_swap_level` returned: the centroids and error."""
    sets, errors, kept, chosen = descent
    sets, errors = list(sets), errors.copy()
    X, W = plan[min(SWAP_LEVEL, len(plan) - 1)]
    for i in chosen:
        sets[i], errors[i] = swap_search(X, W, sets[i], SWAPS, kept[i], steps)
    return finish(by_cube, plan, sets, errors, kept, steps)


def carried(level):
    """How many sets go on to histogram number ``level`` (1 for the second): CARRIED, its last value repeated."""
    return CARRIED[min(level, len(CARRIED)) - 1]


def to_swap_level(plan, sets, streams, steps):
    """Steps 1 and 2 of :func:`search` up to the histogram of the swaps, and which sets swap (step 3).

    Returns the sets, their errors and their streams at that level, and the
    indices of the SWAPPED best, as tuples and an array not to change in place.
    """
    level = min(SWAP_LEVEL, len(plan) - 1)
    X, W = plan[0]
    sets, errors, _ = lloyd(X, W, sets, steps)
    for finer in range(1, level + 1):
        kept = sorted(np.argsort(errors, kind="stable")[:carried(finer)])
        sets, streams = [sets[i] for i in kept], [streams[i] for i in kept]
        sets, errors, _ = lloyd(*plan[finer], sets, steps)
    return tuple(sets), errors, tuple(streams), tuple(sorted(np.argsort(errors, kind="stable")[:SWAPPED]))


def finish(by_cube, plan, sets, errors, streams, steps):
    """Step 2 of :func:`search` after the swaps, on the finer histograms, then step 4: the centroids and error."""
    for finer in range(min(SWAP_LEVEL, len(plan) - 1) + 1, len(plan)):
        kept = sorted(np.argsort(errors, kind="stable")[:carried(finer)])
        sets, streams = [sets[i] for i in kept], [streams[i] for i in kept]
        sets, errors, _ = lloyd(*plan[finer], sets, steps)
    C, error, _, _ = refine(by_cube, sets[int(np.argmin(errors))], EXACT_STEPS, EXACT_TOLERANCE)
    return C, error


def quantize_kmeans(I, n, steps, rng, colours=None, starts=None):
    """Quantize I to at most n colours with k-means on its distinct colours (see :func:`kmeans_palette`).

    ``colours`` is ``colour_counts(I)`` if the caller has it already.

    Returns
    -------
    Q : ndarray like I, uint8
        Every pixel replaced by the palette colour nearest to it.
    palette : ndarray of shape (n', 3), uint8, n' <= n
        The distinct colours of Q, sorted: centroids are rounded to 8 bits,
        and two that round to the same colour count once.
    """
    present, counts = colours or colour_counts(I)
    palette, labels, _ = kmeans_indexed(present, counts, n, steps, rng, starts)
    return recolor(I, present, labels, palette), palette


def kmeans_indexed(present, counts, n, steps, rng, starts=None):
    """The k-means palette rounded to 8 bits (sorted, each colour once), each distinct colour's entry in it, and
    the mean squared error per channel of the quantized image.

    Each colour takes the palette entry nearest to it: rounding moves the
    centroids by up to half a level per channel, which moves a few colours
    across a boundary (on a 12-megapixel photo, 0.05 of squared error per
    pixel less than keeping their cluster's entry).
    """
    by_cube = ByCube(present, counts)

    def indexed_palette(centroids):
        rounded = np.clip(np.rint(centroids), 0, 255).astype(np.uint8)
        palette = np.array(sorted(set(map(tuple, rounded.tolist()))), dtype=np.uint8).reshape(-1, 3)  # np.unique's
        # rows, without its import of numpy.ma (8 ms of a 1-second command)
        _, _, labels, m = refine(by_cube, palette, 0)
        return palette, labels, squared_error(m, palette) / (3 * max(float(m[0].sum()), 1.0))

    return best_centroids(by_cube, n, steps, rng, starts, then=indexed_palette)


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
