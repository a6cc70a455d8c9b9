"""Advanced: colour quantization, the naive way (the most frequent colours) and with k-means.

The exercise, in the course's steps: read an image, find its distinct
colours and how many pixels have each (``unique_colors``), keep the n most
frequent, replace every pixel by the nearest of them, save the result
(``quantize_naive``); then k-means (``cluster_centroids``, ``kmeans``).

The pipeline's k-means kitten is made by the same algorithm run on the image's
distinct colours weighted by their counts, from several starts: read it in
src/coursekit/quantizer/engine.py (``quantize_kmeans``), engineering the course
does not teach. Images are read and written by src/coursekit/quantizer/images.py.

Usage as a command-line tool (defaults from config.yaml; src/coursekit/quantizer/command.py)::

    python workflow/scripts/quantize.py INPUT OUTPUT --colors 16 --steps 20 --seed 2018 --method kmeans
"""

if __name__ == "__main__":  # run as the command-line tool: its process settings, before NumPy loads its BLAS
    from coursekit.quantizer.command import before_numpy

    before_numpy()

import numpy as np  # noqa: E402 (after the lines above)

MAX_COLORS = 256  # an indexed PNG holds at most 256 colours; so does config key quantize.colors


def unique_colors(I):
    """The distinct colours of I and how many pixels have each: the course's step 2.

    Exercise
    --------
    ``I`` is an RGB image, a uint8 array of shape (height, width, 3). Find its
    distinct colours and how many pixels have each: look at the pixels as
    rows of three values and let ``np.unique`` find the distinct rows and
    count them.

    Return ``(colors, counts)``: ``colors`` uint8 of shape (number of colours,
    3) in ``np.unique``'s order (sorted by red, then green, then blue), and
    ``counts`` the integer number of pixels of each.
    """
    return np.unique(I.reshape(-1, 3), axis=0, return_counts=True)


def quantize_naive(I, n=16):
    """Replace every pixel of I by the nearest of its n most frequent colours: the course's naive method.

    Exercise
    --------
    ``I`` is an RGB image, a uint8 array of shape (height, width, 3). Find its
    distinct colours and how many pixels have each (``np.unique`` on the
    pixels as rows), keep the ``n`` most frequent as the palette (most
    frequent first; between colours of equal count, the one ``np.unique``
    lists first), and replace every pixel by the palette colour nearest to it
    (squared distance in RGB; between equally near ones, the first in the palette).

    Return ``(Q, palette)``: ``Q`` of the same shape and dtype as ``I``, and the
    palette, uint8 of shape (min(n, number of colours), 3).
    """
    pixels = I.reshape(-1, 3)
    colors, index, counts = np.unique(pixels, axis=0, return_inverse=True, return_counts=True)
    palette = colors[np.argsort(-counts, kind="stable")[:n]]
    return replace_by_nearest(I, colors, index, palette), palette


def replace_by_nearest(I, colors, index, palette):
    """Every pixel of I replaced by the palette colour nearest to it (ties: the first in the palette).

    ``colors`` are I's distinct colours and ``index`` each pixel's row in them
    (``np.unique(..., return_inverse=True)``): the distances are computed once
    per distinct colour, (colours, n) of them, not once per pixel.
    """
    D = ((colors[:, None, :].astype(np.int32) - palette[None, :, :]) ** 2).sum(axis=-1)
    return palette[D.argmin(axis=1)[index.reshape(-1)]].reshape(I.shape)


def quantize_as_published(I, n=16):
    """The course's naive method as its published script computes it, bug included: its "green kitten".

    The course ranks the distinct colours by count, then indexes the *pixels*
    with those ranks (``I[sorted][:n]``, I the image as rows of pixels): the
    palette is the colour of pixel number r for each of the n top ranks r, not
    the r-th most frequent colour. On the course's kitten it holds none of the
    16 most frequent colours; its pixels 0, 1, 2, ... are near the top-left
    corner and the blurred green background, hence the green kitten of the
    published figure, and the flower that "totally disappeared". The method as
    intended is ``quantize_naive`` (a grey-beige kitten: the most frequent
    colours are all the background's).
    """
    pixels = I.reshape(-1, 3)
    colors, index, counts = np.unique(pixels, axis=0, return_inverse=True, return_counts=True)
    ranks = np.argsort(-counts, kind="stable")[:n]
    palette = pixels[ranks]  # the published bug: pixels[ranks], where colors[ranks] was meant
    return replace_by_nearest(I, colors, index, palette), palette


FIGURES = {"quantize_naive": "plot"}  # `snakemake check` draws a student's result with plot()
PROMISES = {"quantize_naive": {"dtype": "exact"}, "unique_colors": {"dtype": "exact"}}  # uint8 colours: `check`


def plot(result):
    """Return a figure of a quantized image (the first of ``quantize_naive``'s results), frameless."""
    from coursekit.core import figure

    Q = result[0]
    fig, ax = figure((6, 6 * Q.shape[0] / Q.shape[1]))
    ax.imshow(Q, interpolation="nearest")
    fig.subplots_adjust(0, 0, 1, 1)
    return fig


def plot_palette(palette):
    """Return a figure of a palette: one swatch per colour, in the palette's order, each with its hex code."""
    from matplotlib.patches import Rectangle

    from coursekit.core import figure

    palette = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
    columns = min(len(palette), 8)
    rows = -(-len(palette) // columns)
    fig, ax = figure((1.1 * columns, 0.9 * rows))
    for i, colour in enumerate(palette):
        x, y = i % columns, i // columns
        ax.add_patch(Rectangle((x + 0.05, y + 0.05), 0.9, 0.6, color=colour / 255))
        ax.text(x + 0.5, y + 0.82, "#%02x%02x%02x" % tuple(colour), ha="center", va="center", fontsize=8,
                family="monospace")
    ax.set_xlim(0, columns)
    ax.set_ylim(rows, 0)
    fig.subplots_adjust(0, 0, 1, 1)
    return fig


def cases(seed, config):
    """The calls `snakemake check` makes: each configured photo with each palette size, then small images with ties."""
    from pathlib import Path

    from coursekit.quantizer.images import read_image
    from coursekit.core import rng

    repo = Path(__file__).resolve().parents[2]
    photos = [read_image(path if Path(path).is_absolute() else repo / path)[0]
              for path in config["quantize"]["images"].values()]
    g = rng(seed, "check", "quantize")
    small = [g.integers(0, 4, (6, 7, 3), dtype=np.uint8) * 60, np.zeros((1, 1, 3), np.uint8),
             np.array([[[9, 9, 9], [1, 1, 1]], [[9, 9, 9], [1, 1, 1]]], np.uint8)]
    data = g.random((300, 3)) * 255
    far = np.vstack([data[:3], [[1000.0, 1000.0, 1000.0]]])  # a centroid no row is nearest to: an empty cluster
    clusters = g.integers(0, 5, 300)
    clusters[clusters == 3] = 4  # cluster 3 empty
    return ([("unique_colors", (I,)) for I in photos + small]
            + [("quantize_naive", (I, n)) for I in photos for n in config["quantize"]["colors"]]
            + [("quantize_naive", (I, n)) for I in small for n in (1, 2, 16)]
            + [("cluster_centroids", (data, clusters, data[:5])), ("cluster_centroids", (data, clusters * 0, far))]
            + [("kmeans", (data, data[:k], steps)) for k, steps in ((4, 20), (16, 20), (4, 1))]
            + [("kmeans", (data, far, 20)), ("kmeans", (data[:1], data[:1], 5))])


def cluster_centroids(data, clusters, centroids):
    """The mean of each cluster's rows; an empty cluster keeps its centroid.

    Exercise
    --------
    One step of k-means. ``data`` is (N, d) floats, ``clusters`` gives each
    row's cluster (N integers in 0..k-1) and ``centroids`` (k, d) the
    current centroids. Return the new centroids, floats of shape (k, d): row
    i is the mean of the rows of ``data`` in cluster i, or ``centroids[i]``
    unchanged if no row is in cluster i (the course's version leaves NaN there).
    """
    new = np.array(centroids, dtype=np.float64)
    for i in range(len(new)):
        members = data[clusters == i]
        if len(members):
            new[i] = members.mean(axis=0)
    return new


def kmeans(data, centroids, steps=20):
    """k-means from the given start: the course's algorithm (Gareth Rees' code), an empty cluster kept in place.

    Exercise
    --------
    Write k-means from a given start. ``data`` is (N, d) numbers and
    ``centroids`` (k, d) the starting centroids. Repeat at most ``steps``
    times, and at least once: give each row of ``data`` the index of its
    nearest centroid (squared Euclidean distance; of equally near ones, the
    first), then move the centroids with ``cluster_centroids``. Stop early
    when the centroids no longer move.

    Return ``(centroids, clusters)``: the last centroids, floats (k, d), and
    the clusters they were computed from, N integers.
    """
    import scipy.spatial

    data = np.asarray(data, dtype=np.float64)
    centroids = np.array(centroids, dtype=np.float64)
    for _ in range(max(steps, 1)):
        clusters = np.argmin(scipy.spatial.distance.cdist(centroids, data, "sqeuclidean"), axis=0)
        new = cluster_centroids(data, clusters, centroids)
        if np.array_equal(new, centroids):
            break
        centroids = new
    return centroids, clusters


def kmeans_course(data, k, steps, rng, init=None):
    """The course's k-means with its Forgy start (k rows of data drawn at random) unless ``init`` gives one.

    The baseline of the benchmarks. Returns (centroids, labels of every row of data).
    """
    data = np.asarray(data, dtype=np.float64)
    return kmeans(data, data[rng.choice(len(data), k, replace=False)] if init is None else init, steps)


def quantize(I, n, method, steps, rng, colours=None):
    """Quantize I with ``method`` ('kmeans', 'frequent' or 'published'); return (Q, palette).

    The pipeline's entry: quantize_engine.py computes what ``quantize_naive``
    (for 'frequent') and the course's k-means compute, fast on large photos;
    'published' is the course's naive method with its bug (``quantize_as_published``).
    ``colours`` is ``engine.colour_counts(I)`` if the caller has it already.
    """
    if not 1 <= n <= MAX_COLORS:
        raise ValueError(f"the number of colours must be in 1..{MAX_COLORS}, got {n}")
    from coursekit.quantizer import engine

    if method == "frequent":
        return engine.quantize_frequent(I, n, colours)
    if method == "published":
        return quantize_as_published(I, n)
    if method == "kmeans":
        return engine.quantize_kmeans(I, n, steps, rng, colours)
    raise ValueError(f"method must be 'kmeans', 'frequent' or 'published', got {method!r}")


if __name__ == "__main__":
    from coursekit.quantizer.command import main, run

    if "snakemake" in globals():
        from coursekit.core import entry, rng

        w, p = snakemake.wildcards, snakemake.params
        stream = rng(p.seed, "quantize", w.name, w.n) if p.method == "kmeans" else None  # the naive method draws nothing
        entry(snakemake, lambda: run(snakemake.input.image, snakemake.output.png, int(w.n), p.method,
                                     p.get("steps", 0), stream, snakemake.output.get("npy"),
                                     snakemake.output.get("palette")))
    else:  # python workflow/scripts/quantize.py INPUT OUTPUT ...: the command-line tool (coursekit.quantizer.command)
        main()
