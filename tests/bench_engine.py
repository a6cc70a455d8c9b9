"""Benchmark of the quantization engine against an earlier checkout of it (not a test): the same outputs, and
how long each takes, alternated in one run.

    git worktree add /tmp/engine-before <commit>
    .venv/bin/python tests/bench_engine.py --baseline /tmp/engine-before [--runs 5]

For each photo of data/ (scaled bilinearly to 12 megapixels, written as PNG in a temporary folder) and each
method (kmeans, frequent), the quantize command of this checkout and of the baseline run in turn, ``--runs``
times each: seconds for the whole command (min / median / max), and whether the two wrote the same bytes.
Then the pipeline's function, ``quantize.quantize`` on the course's kitten for every method, in both
checkouts: the same arrays? Prints Markdown tables; writes nothing outside a temporary folder.
"""

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHOTOS = ("data/chelsea.jpg", "data/coffee.jpg")


def twelve_megapixels(source, target):
    import imageio.v3 as iio
    import numpy as np
    from PIL import Image

    image = Image.fromarray(np.asarray(iio.imread(ROOT / source))[..., :3])
    iio.imwrite(target, np.asarray(image.resize((4000, 3000), Image.BILINEAR)))


def command(checkout, *args):
    env = {**os.environ, "PYTHONPATH": str(Path(checkout) / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    start = time.perf_counter()
    subprocess.run([sys.executable, str(Path(checkout) / "workflow/scripts/quantize.py"), *map(str, args)],
                   check=True, env=env, capture_output=True)
    return time.perf_counter() - start


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


PIPELINE = """
import hashlib, sys
sys.path[:0] = [sys.argv[1] + "/src", sys.argv[1] + "/workflow/scripts"]
import numpy as np, quantize
from coursekit.quantizer.images import read_image
from coursekit.core import rng
I = read_image(sys.argv[1] + "/data/course/kitten.jpg")[0]
for method in ("kmeans", "frequent", "published"):
    Q, palette = quantize.quantize(I, 16, method, 20, rng(2018, "bench"))
    print(method, hashlib.sha256(Q.tobytes() + palette.tobytes()).hexdigest()[:12])
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", required=True, help="a checkout of the engine to compare with")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    sides = {"this checkout": ROOT, "baseline": Path(options.baseline).resolve()}
    print("| photo | method | baseline (s, min / median / max) | this checkout (s) | median change | same bytes |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for photo in PHOTOS:
            source = Path(tmp) / (Path(photo).stem + ".png")
            twelve_megapixels(photo, source)
            for method in ("kmeans", "frequent"):
                times = {side: [] for side in sides}
                for _ in range(options.runs):
                    for side, checkout in sides.items():
                        times[side].append(command(checkout, source, Path(tmp) / f"{side}.png", "--colors", 16,
                                                   "--method", method))
                same = digest(Path(tmp) / "this checkout.png") == digest(Path(tmp) / "baseline.png")
                old, new = times["baseline"], times["this checkout"]
                change = statistics.median(new) / statistics.median(old) - 1
                print(f"| {Path(photo).name} | {method} | {min(old):.2f} / {statistics.median(old):.2f} / "
                      f"{max(old):.2f} | {min(new):.2f} / {statistics.median(new):.2f} / {max(new):.2f} | "
                      f"{change:+.1%} | {'yes' if same else '**no**'} |")
    outputs = {side: subprocess.run([sys.executable, "-c", PIPELINE, str(checkout)], check=True, capture_output=True,
                                    text=True, env={**os.environ, "PYTHONPATH": str(Path(checkout) / "src")}).stdout
               for side, checkout in sides.items()}
    print(f"\nThe pipeline's quantize() on the kitten, every method: "
          f"{'the same arrays' if outputs['baseline'] == outputs['this checkout'] else 'DIFFERENT'}")


if __name__ == "__main__":
    main()
