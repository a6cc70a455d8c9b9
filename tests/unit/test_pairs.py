import numpy as np
import pytest

from coursekit.benchmarks import pairs as benchmarks
from coursekit.core import rng


def test_pair_refuses_to_time_implementations_that_disagree():
    with pytest.raises(AssertionError, match="disagree"):
        benchmarks.pair("x", "n=1", ("slow", lambda: 1), ("fast", lambda: 2), 1, lambda a, b: a == b)


def test_pair_rows_and_speed_up():
    rows = benchmarks.pair("x", "n=1", ("slow", lambda: sum(range(20000))), ("fast", lambda: 199990000), 2,
                           lambda a, b: a == b)
    assert [r["implementation"] for r in rows] == ["slow", "fast"]
    assert rows[0]["speedup"] == 1.0
    assert rows[1]["speedup"] == pytest.approx(rows[0]["median_s"] / rows[1]["median_s"])


def test_quantization_rows_on_a_small_photo():
    photo = np.random.default_rng(0).integers(0, 256, (20, 30, 3), dtype=np.uint8)
    rows = benchmarks.bench_quantize(photo, (24, 16), (12, 8), 4, 3, 1, lambda: rng(0, "b"))
    ours = [r for r in rows if r["exercise"] == "k-means at scale" and r["implementation"].startswith("ours")][0]
    assert float(ours["mse"]) > 0 and float(ours["peak_mb"]) >= 0
    assert ours["note"].endswith("distinct colours")
    assert rows[1]["speedup"] > 0  # ours against the course's, after both reached the same centroids
