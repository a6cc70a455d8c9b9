"""The quantization benchmark's measuring parts, on tiny photos (the real run is `snakemake --cores 1 benchmarks`)."""

import sys

import numpy as np
import pytest
from PIL import Image

from coursekit.benchmarks import quantizers as bench
from coursekit.quantizer import engine


@pytest.fixture
def photo(tmp_path):
    g = np.random.default_rng(0)
    y, x = np.mgrid[0:60, 0:80] / 80
    I = np.clip(np.stack([250 * x, 250 * y, 120 + 60 * np.sin(8 * x)], axis=2) + g.normal(0, 5, (60, 80, 3)), 0, 255)
    path = tmp_path / "photo.png"
    Image.fromarray(np.rint(I).astype(np.uint8)).save(path)
    return path


def test_timed_orders_its_figures():
    result, low, median, high = bench.timed(lambda: sum(range(10000)), 5)
    assert result == 49995000 and 0 < low <= median <= high


def test_error_is_summed_over_the_three_channels():
    I = np.zeros((1, 2, 3), np.uint8)
    Q = np.array([[[3, 4, 0], [0, 0, 0]]], np.uint8)  # one pixel off by 3^2 + 4^2 = 25, one exact
    assert bench.error_rgb(I, Q) == 12.5


def test_library_rows_measure_what_they_name(photo, monkeypatch):
    monkeypatch.setattr(bench, "METHODS", {"ours (histograms, 33 starts)": (bench.ours, "numpy"),
                                           "Pillow median cut": (bench.pillow_median_cut, "PIL"),
                                           "absent": (None, "no_such_module_here")})
    rows = bench.bench_libraries({"tiny": photo}, 8, 10, 2, 1)
    assert [r["method"] for r in rows] == ["ours (histograms, 33 starts)", "Pillow median cut", "absent"]
    I = np.asarray(Image.open(photo).convert("RGB"))
    Q = bench.pillow_median_cut(I, 8, 10, 1)
    pixels, palette = I.reshape(-1, 3).astype(float), Q.reshape(-1, 3).astype(float)
    assert rows[1]["error_rgb"] == round(((pixels - palette) ** 2).sum(axis=1).mean(), 2)
    assert rows[0]["distinct_colours"] == len(np.unique(I.reshape(-1, 3), axis=0))
    assert rows[0]["repeats"] == 2 and rows[0]["min_s"] <= rows[0]["median_s"] <= rows[0]["max_s"]
    assert rows[2]["repeats"] == 0 and rows[2]["note"].startswith("skipped: no_such_module_here not installed")


def test_ours_is_the_pipelines_quantization(photo):
    I = np.asarray(Image.open(photo).convert("RGB"))
    expected, _ = engine.quantize_kmeans(I, 8, 10, np.random.default_rng(3))
    np.testing.assert_array_equal(bench.ours(I, 8, 10, 3), expected)


def test_run_command_sees_the_childs_own_peak_memory():
    big = np.ones(100 << 20, dtype=np.uint8)  # this process is large: a child forked from it would report it too
    seconds, peak = bench.run_command([sys.executable, "-c", "b = bytearray(300 << 20); b[::4096] = b'x' * len(b[::4096])"])
    assert seconds > 0 and 300 <= peak < 360
    _, small = bench.run_command([sys.executable, "-c", "pass"])
    assert small < 50 and big.sum() == 100 << 20  # neither the largest child so far nor this process
    with pytest.raises(RuntimeError, match="boom"):
        bench.run_command([sys.executable, "-c", "raise SystemExit('boom')"])


def test_command_rows_and_their_ratio(photo, tmp_path):
    rows = bench.bench_commands({"tiny": photo}, 8, 2, tmp_path)
    ours, pillow = rows
    assert ours["command"].startswith("ours") and pillow["command"].startswith("Pillow")
    # the ratio is of the unrounded medians; the medians are rounded to 1 ms (a few ms each on this tiny photo)
    low = (ours["median_s"] - 5e-4) / (pillow["median_s"] + 5e-4)
    high = (ours["median_s"] + 5e-4) / (pillow["median_s"] - 5e-4)
    assert low - 5e-4 <= ours["ratio_to_pillow"] <= high + 5e-4
    assert pillow["ratio_to_pillow"] == 1.0 and ours["runs"] == 2
    assert ours["bytes_per_pixel"] == pytest.approx(ours["peak_mb"] * 2**20 / (60 * 80), rel=0.02)
    with Image.open(tmp_path / "ours.png") as image:  # the command really ran: an indexed PNG of 8 colours or fewer
        assert image.mode == "P" and len(image.getcolors()) <= 8


def test_summary_bolds_our_error_only_where_no_library_is_lower():
    rows = []
    for photo, errors in (("A", {"ours (histograms, 33 starts)": 10.0, "Pillow median cut": 12.0}),
                          ("B", {"ours (histograms, 33 starts)": 10.0, "Pillow median cut": 9.5})):
        for method in bench.METHODS:
            error = errors.get(method, "")
            rows.append({"photo": photo, "method": method, "distinct_colours": 500000, "median_s": 1.0 if error else "",
                         "error_rgb": error})
    text = bench.summary(rows, [])
    line_a, line_b = [line for line in text.splitlines() if line.startswith(("| A", "| B"))]
    assert "**10.0**" in line_a and "**" not in line_b
    assert line_a.count("not installed") == len(bench.METHODS) - 2


@pytest.mark.skipif(not bench.installed("skimage"), reason="scikit-image (requirements-bench.txt) not installed")
def test_unseen_photos_are_scaled_and_one_is_noisy(tmp_path):
    config = {"photos": ["astronaut"], "noisy": "astronaut", "noise": 3, "megapixels": 0.5}
    paths = bench.unseen_photos(config, 2018, tmp_path)
    assert list(paths) == ["astronaut", "astronaut + noise"]
    clean, noisy = (np.asarray(Image.open(p)).astype(int) for p in paths.values())
    assert clean.shape == noisy.shape and abs(clean.shape[0] * clean.shape[1] - 0.5e6) < 2000
    assert 2.5 < np.std(noisy - clean) < 3.5  # the noise asked for (a little less where it is clipped)


def test_run_command_stops_a_command_that_hangs():
    import time

    start = time.perf_counter()
    with pytest.raises(RuntimeError, match="still running after 1 s, stopped"):
        bench.run_command([sys.executable, "-c", "import time; time.sleep(60)"], timeout=1)
    assert time.perf_counter() - start < 10


@pytest.mark.skipif(not bench.installed("skimage"), reason="scikit-image (requirements-bench.txt) not installed")
def test_unknown_photo_named_with_its_config_key(tmp_path):
    from coursekit.core import InputError

    with pytest.raises(InputError, match=r"benchmarks.quantize.unseen: 'kitten' is not one of scikit-image's photos; "
                                         r"allowed: .*astronaut"):
        bench.unseen_photos({"photos": ["kitten"], "noisy": "", "noise": 3, "megapixels": 0.1}, 1, tmp_path)
    assert list(tmp_path.iterdir()) == []
