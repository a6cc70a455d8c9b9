from pathlib import Path

import numpy as np
import pytest

from coursekit.quantizer import images
import quantize
from coursekit.quantizer import engine as quantize_engine
from coursekit.core import InputError, rng


def colours(I):
    return {tuple(c) for c in np.asarray(I).reshape(-1, 3).tolist()}


def test_distinct_colors_against_unique():
    I = np.random.default_rng(0).integers(0, 4, size=(30, 20, 3), dtype=np.uint8) * 60
    colors, counts = quantize_engine.distinct_colors(I)
    expected, expected_counts = np.unique(I.reshape(-1, 3), axis=0, return_counts=True)
    np.testing.assert_array_equal(colors, expected)
    np.testing.assert_array_equal(counts, expected_counts)


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_colour_counts_against_a_counter(monkeypatch, workers):
    """Each thread's part is counted on its own, and the parts merged: colours shared by parts count once."""
    from collections import Counter

    monkeypatch.setattr(quantize_engine, "WORKERS", workers)
    I = np.random.default_rng(workers).integers(0, 3, size=(23, 7, 3)).astype(np.uint8)
    expected = sorted(Counter(r << 16 | g << 8 | b for r, g, b in I.reshape(-1, 3).tolist()).items())
    present, counts = quantize_engine.colour_counts(I)
    assert list(zip(present.tolist(), counts.tolist())) == expected


@pytest.mark.parametrize("workers", [1, 2])
def test_lookup_packs_the_image_itself(monkeypatch, workers):
    """Each pixel's label, from a dictionary of its (r, g, b), in blocks smaller than the image."""
    monkeypatch.setattr(quantize_engine, "WORKERS", workers)
    monkeypatch.setattr(quantize_engine, "PIXELS", 97)
    I = np.random.default_rng(workers).integers(0, 4, size=(31, 17, 3)).astype(np.uint8) * 85
    present, counts = quantize_engine.colour_counts(I)
    labels = np.random.default_rng(0).integers(0, 256, len(present))
    label_of = {tuple(int(v) for v in quantize_engine.unpack(c)): int(l) for c, l in zip(present, labels)}
    expected = [[label_of[tuple(int(v) for v in I[y, x])] for x in range(17)] for y in range(31)]
    np.testing.assert_array_equal(quantize_engine.lookup(I, present, labels), expected)
    assert counts.sum() == 31 * 17 and len(present) == len(np.unique(I.reshape(-1, 3), axis=0))


@pytest.mark.parametrize("shape", [(1, 1, 3), (1, 2, 3), (7, 5, 3), (64, 33, 3)])
def test_colour_counts_equal_unique_whatever_the_size(monkeypatch, shape):
    """The pixels read 4 bytes at a time (the last one alone: no byte after it), counted a quarter of the
    image at a time, count as np.unique counts them (images of 1 and 2 pixels: fewer than four parts)."""
    monkeypatch.setattr(quantize_engine, "PIXELS", 10)  # blocks end inside the image and at its last pixel
    I = np.random.default_rng(shape[1]).integers(0, 256, size=shape, dtype=np.uint8)
    colors, counts = np.unique(I.reshape(-1, 3), axis=0, return_counts=True)
    got_present, got_counts = quantize_engine.colour_counts(I)
    np.testing.assert_array_equal(quantize_engine.unpack(got_present), colors)
    np.testing.assert_array_equal(got_counts, counts)
    flat = I.reshape(-1)
    r, g, b = (I.reshape(-1, 3).astype(np.uint32).T)
    np.testing.assert_array_equal(quantize_engine.keys(flat, 0, len(r)), r | g << 8 | b << 16)


def test_keep_freed_memory_sets_glibc_malloc_or_does_nothing(monkeypatch):
    import ctypes
    import platform

    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        assert quantize_engine.keep_freed_memory() is True  # glibc accepted both settings

    class NoMallopt:  # macOS, musl: no mallopt to call
        def __init__(self, name):
            pass

    monkeypatch.setattr(ctypes, "CDLL", NoMallopt)
    assert quantize_engine.keep_freed_memory() is False


def test_results_do_not_depend_on_threads_or_blocks(monkeypatch):
    I = np.random.default_rng(5).integers(0, 256, size=(60, 50, 3), dtype=np.uint8)
    one = quantize_engine.quantize_kmeans(I, 6, 8, rng(1, "t"))
    for name, value in [("WORKERS", 3), ("CHUNK", 100), ("PIXELS", 77)]:
        monkeypatch.setattr(quantize_engine, name, value)
    many = quantize_engine.quantize_kmeans(I, 6, 8, rng(1, "t"))
    np.testing.assert_array_equal(one[0], many[0])
    np.testing.assert_array_equal(one[1], many[1])


def test_pack_recolor_round_trip():
    g = np.random.default_rng(9)
    colours = np.unique(g.integers(0, 256, (300, 3), dtype=np.uint8), axis=0)[:256]  # at most 256 labels
    I = colours[g.integers(0, len(colours), (40, 30))]
    P = quantize_engine.pack(I)
    r, g_, b = map(int, I[3, 4])
    assert P[3, 4] == r * 65536 + g_ * 256 + b
    present, _ = quantize_engine.colour_counts(I)
    every = np.arange(len(present))  # each colour its own label
    np.testing.assert_array_equal(quantize_engine.recolor(I, present, every, quantize_engine.unpack(present)), I)
    inverted = quantize_engine.recolor(I, present, every, 255 - quantize_engine.unpack(present))
    np.testing.assert_array_equal(inverted, 255 - I)
    # two labels: each pixel becomes black or white by the colour's red channel
    dark = (quantize_engine.unpack(present)[:, 0] < 128).astype(int)
    two = quantize_engine.recolor(I, present, dark, [[255, 255, 255], [0, 0, 0]])
    np.testing.assert_array_equal(two, np.where(I[..., :1] < 128, 0, 255).repeat(3, axis=2))


def test_nearest_against_brute_force():
    g = np.random.default_rng(1)
    X, C = g.uniform(0, 255, (500, 3)), g.uniform(0, 255, (7, 3))
    brute = [min(range(7), key=lambda j: sum((x - c) ** 2 for x, c in zip(row, C[j]))) for row in X]
    assert quantize_engine.nearest(X, C).tolist() == brute


def test_frequent_on_a_tiny_image():
    # 5 red, 3 dark blue, 2 blue-ish, 1 almost red: the 2 most frequent are red and dark blue
    I = np.array([[[255, 0, 0]] * 5 + [[0, 0, 200]] * 3 + [[0, 0, 255]] * 2 + [[250, 10, 0]]], dtype=np.uint8)
    Q, palette = quantize_engine.quantize_frequent(I, 2)
    assert palette.tolist() == [[255, 0, 0], [0, 0, 200]]
    assert Q[0].tolist() == [[255, 0, 0]] * 5 + [[0, 0, 200]] * 5 + [[255, 0, 0]]


def blobs(seed, centres, per=400, spread=6):
    g = np.random.default_rng(seed)
    pixels = np.concatenate([np.clip(g.normal(c, spread, (per, 3)), 0, 255) for c in centres])
    return np.rint(pixels).astype(np.uint8).reshape(len(centres), per, 3), np.array(centres, float)


def test_kmeans_recovers_separated_centres():
    I, centres = blobs(2, [(30, 30, 30), (220, 40, 40), (40, 200, 60), (60, 60, 230), (230, 230, 200)])
    Q, palette = quantize_engine.quantize_kmeans(I, 5, 20, rng(0, "k"))
    assert len(palette) == 5
    for c in centres:  # every true centre has a palette colour within 3 units
        assert np.min(np.linalg.norm(palette - c, axis=1)) < 3
    for row, c in zip(Q, centres):  # and every pixel of a blob gets the colour of its own centre
        assert len(colours(row)) == 1 and np.linalg.norm(row[0] - c) < 3


@pytest.mark.parametrize("n", [1, 2, 7, 16])
@pytest.mark.parametrize("method", ["kmeans", "frequent"])
def test_never_more_than_n_colours(n, method):
    I = np.random.default_rng(n).integers(0, 256, size=(40, 30, 3), dtype=np.uint8)
    Q, palette = quantize.quantize(I, n, method, 10, rng(0, "n"))
    assert len(colours(Q)) <= n and len(palette) <= n
    assert colours(Q) <= {tuple(c) for c in palette.tolist()}
    assert len({tuple(c) for c in palette.tolist()}) == len(palette)


@pytest.mark.parametrize("method", ["kmeans", "frequent"])
def test_fewer_distinct_colours_than_asked(method):
    I = np.array([[[10, 20, 30], [10, 20, 30], [200, 0, 0]]], dtype=np.uint8)
    Q, palette = quantize.quantize(I, 16, method, 20, rng(0, "few"))
    np.testing.assert_array_equal(Q, I)
    assert sorted(palette.tolist()) == [[10, 20, 30], [200, 0, 0]]


def test_kmeans_is_deterministic_for_a_seed():
    I = np.random.default_rng(3).integers(0, 256, size=(50, 50, 3), dtype=np.uint8)
    a = quantize_engine.quantize_kmeans(I, 8, 10, rng(4, "d"))
    b = quantize_engine.quantize_kmeans(I, 8, 10, rng(4, "d"))
    np.testing.assert_array_equal(a[0], b[0])


def test_weighted_kmeans_equals_kmeans_on_every_pixel():
    """Clustering distinct colours with their counts is the same as clustering every pixel."""
    I = np.random.default_rng(5).integers(0, 6, size=(30, 30, 3), dtype=np.uint8) * 40
    colors, counts = quantize_engine.distinct_colors(I)
    start = quantize_engine.kmeans_plus_plus(colors, counts, 4, rng(0, "w"))
    X = I.reshape(-1, 3).astype(float)
    C = start.copy()
    for _ in range(10):  # plain Lloyd on every pixel, loop per cluster
        labels = np.argmin(((X[:, None, :] - C[None]) ** 2).sum(axis=2), axis=1)
        C = np.array([X[labels == j].mean(axis=0) if np.any(labels == j) else C[j] for j in range(4)])
    (centroids,), _, (labels,) = quantize_engine.lloyd(colors, counts, [start], 10, tolerance=0, labels=True)
    np.testing.assert_allclose(centroids, C, atol=1e-9)
    np.testing.assert_array_equal(labels, quantize_engine.nearest(colors, centroids))


@pytest.mark.parametrize("seed", range(4))
def test_weighted_lloyd_equals_plain_loops(seed):
    """Weighted Lloyd with bincount means equals plain weighted Lloyd written with loops, from the same start."""
    g = np.random.default_rng(seed)
    X = g.uniform(0, 255, (3000, 3))
    w = g.integers(1, 20, 3000).astype(float)
    C = start = quantize_engine.kmeans_plus_plus(X, w, 12, rng(seed, "b"))
    for _ in range(15):
        labels = quantize_engine.nearest(X, C)
        mass = np.array([w[labels == j].sum() for j in range(12)])
        C = np.array([(w[labels == j, None] * X[labels == j]).sum(axis=0) / mass[j] if mass[j] else C[j]
                      for j in range(12)])
    (centroids,), _, (labels,) = quantize_engine.lloyd(X, w, [start], 15, tolerance=0, labels=True)
    np.testing.assert_allclose(centroids, C, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(labels, quantize_engine.nearest(X, centroids))


def test_course_kmeans_runs():
    I, centres = blobs(6, [(20, 20, 20), (230, 230, 230)], per=100)
    C, labels = quantize.kmeans_course(I.reshape(-1, 3), 2, 10, rng(0, "c"))
    assert sorted(np.rint(C[:, 0]).tolist())[0] < 30 and len(labels) == 200


@pytest.mark.parametrize("I,shape,note", [
    (np.zeros((4, 5), np.uint8), (4, 5, 3), "grey"),
    (np.zeros((4, 5, 4), np.uint8), (4, 5, 3), "alpha"),
    (np.full((4, 5, 3), 65535, np.uint16), (4, 5, 3), "16-bit"),
    (np.zeros((1, 1, 3), np.uint8), (1, 1, 3), None),
])
def test_as_rgb8_converts(I, shape, note):
    out, notes = images.as_rgb8(I)
    assert out.shape == shape and out.dtype == np.uint8
    assert (note is None and notes == []) or any(note in n for n in notes)


def test_16_bit_scaling():
    out, _ = images.as_rgb8(np.array([[[0, 257, 65535]]], np.uint16))
    assert out.tolist() == [[[0, 1, 255]]]


def test_float_images_refused():
    with pytest.raises(InputError, match="float64 are not supported"):
        images.as_rgb8(np.zeros((2, 2, 3)))



@pytest.mark.parametrize("shape", [(1, 1, 3), (7, 5, 3), (700, 1600, 3)])  # the last spans several blocks
def test_mse_equals_the_float_formula(shape):
    g = np.random.default_rng(sum(shape))
    I, Q = g.integers(0, 256, shape, dtype=np.uint8), g.integers(0, 256, shape, dtype=np.uint8)
    if I.size < 1000:  # a plain loop
        expected = sum((int(a) - int(b)) ** 2 for a, b in zip(I.ravel(), Q.ravel())) / I.size
    else:
        expected = np.mean((I.astype(np.float64) - Q) ** 2)
    assert quantize_engine.mse(I, Q) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("n", [1, 3, 16])
def test_the_course_version_equals_the_engine(n):
    """quantize_naive (np.unique, a distance matrix) and the engine (packed colours, threads) agree exactly."""
    from coursekit.quantizer.images import read_image

    kitten, _ = read_image(Path(__file__).resolve().parents[2] / "data/course/kitten.jpg")
    ties = np.random.default_rng(n).integers(0, 3, (20, 30, 3), dtype=np.uint8) * 100  # 27 colours, many ties
    for I in (kitten, ties):
        Q, palette = quantize.quantize_naive(I, n)
        fast_Q, fast_palette = quantize_engine.quantize_frequent(I, n)
        np.testing.assert_array_equal(palette, fast_palette)
        np.testing.assert_array_equal(Q, fast_Q)


def test_palette_drawn_as_swatches_of_its_very_colours(tmp_path):
    import imageio.v3 as iio

    from coursekit.core import save_figure

    palette = np.array([[255, 0, 0], [0, 128, 255], [12, 34, 56], [200, 200, 10], [0, 0, 0], [255, 255, 255],
                        [90, 10, 200], [10, 250, 120], [128, 128, 128], [1, 2, 3]], dtype=np.uint8)
    save_figure(quantize.plot_palette(palette), tmp_path / "p.png", dpi=100)
    image = iio.imread(tmp_path / "p.png")[..., :3]
    columns, height, width = 8, image.shape[0], image.shape[1]
    rows = 2
    for i, colour in enumerate(palette):  # the centre of each swatch: x + 0.5, y + 0.35 in cell units
        x = int((i % columns + 0.5) * width / columns)
        y = int((i // columns + 0.35) * height / rows)
        assert np.abs(image[y, x].astype(int) - colour).max() <= 1, (i, image[y, x], colour)


@pytest.mark.parametrize("k", [1, 5, 255])
def test_indexed_png_reads_back_as_the_quantized_image(tmp_path, k):
    import imageio.v3 as iio
    from PIL import Image

    g = np.random.default_rng(k)
    palette = np.unique(g.integers(0, 256, (k, 3), dtype=np.uint8), axis=0)
    palette = np.vstack([palette, palette[:1]])  # the first colour again, last: as the course's published palette can
    Q = palette[g.integers(0, len(palette), (37, 53))]
    index = quantize_engine.indexed(Q, palette)
    assert index.dtype == np.uint8 and (palette[index] == Q).all()
    assert (index != len(palette) - 1).all()  # a repeated colour maps to its first entry
    images.write_indexed_png(tmp_path / "q.png", index, palette)
    np.testing.assert_array_equal(iio.imread(tmp_path / "q.png"), Q)
    with Image.open(tmp_path / "q.png") as image:
        assert image.mode == "P"


@pytest.mark.parametrize("colours,depth", [(1, 1), (2, 1), (3, 2), (4, 2), (7, 4), (16, 4), (17, 8), (256, 8)])
@pytest.mark.parametrize("shape", [(1, 1), (1, 300), (300, 1), (64, 65), (5, 7)])
def test_our_png_writer_passes_pillows_checks(tmp_path, shape, colours, depth):
    """Every chunk's CRC and the zlib stream checked by Pillow's verify(), then the pixels read back.

    Widths that fill the last byte of a row partly at 1, 2 and 4 bits per entry included.
    """
    import struct

    from PIL import Image

    g = np.random.default_rng(shape[1])
    palette = g.integers(0, 256, (colours, 3), dtype=np.uint8)
    index = g.integers(0, colours, shape).astype(np.uint8)
    index.flat[-1] = colours - 1  # the last entry in the last, partly filled byte
    images.write_indexed_png(tmp_path / "w.png", index, palette)
    header = images.png_chunks(tmp_path / "w.png")[0][1]
    assert struct.unpack(">IIBB", header[:10]) == (shape[1], shape[0], depth, 3)
    with Image.open(tmp_path / "w.png") as image:
        image.verify()
    with Image.open(tmp_path / "w.png") as image:
        assert image.mode == "P" and image.size == (shape[1], shape[0])
        np.testing.assert_array_equal(np.asarray(image), index)
        np.testing.assert_array_equal(np.asarray(image.convert("RGB")), palette[index])
    assert [kind for kind, _ in images.png_chunks(tmp_path / "w.png")] == [b"IHDR", b"PLTE", b"IDAT", b"IEND"]


@pytest.mark.parametrize("index,palette,message", [
    (np.array([[0, 3]], np.uint8), np.zeros((3, 3), np.uint8), "entry 3 is beyond the palette's 3 colours"),
    (np.zeros((0, 4), np.uint8), np.zeros((3, 3), np.uint8), "non-empty 2-D"),
    (np.zeros((2, 2), np.uint8), np.zeros((0, 3), np.uint8), "1 to 256 colours"),
])
def test_our_png_writer_refuses_what_is_not_an_indexed_image(tmp_path, index, palette, message):
    with pytest.raises(ValueError, match=message):
        images.write_indexed_png(tmp_path / "bad.png", index, palette)
    assert not (tmp_path / "bad.png").exists()
