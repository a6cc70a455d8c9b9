"""Measure the pipeline itself: a whole run from clean, a rerun with nothing changed, the test suite.

    .venv/bin/python tests/time_pipeline.py [--repeats 3] [--skip-tests]

Each is run `repeats` times (from a fresh temporary folder for the clean run) and reported as
min / median / max wall-clock seconds. Not a test: pytest does not collect it.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"), "--cores", "all", "--quiet"]


def seconds(command, cwd=ROOT):
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-tests", action="store_true")
    args = parser.parse_args()
    measured = {"pipeline from clean": [], "rerun, nothing changed": [], "test suite": []}
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory() as folder:
            measured["pipeline from clean"].append(seconds([*SNAKEMAKE, "--directory", folder]))
            measured["rerun, nothing changed"].append(seconds([*SNAKEMAKE, "--directory", folder]))
        if not args.skip_tests:
            measured["test suite"].append(seconds([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]))
    print(f"| what | runs | min (s) | median (s) | max (s) |\n|---|---|---|---|---|")
    for name, times in measured.items():
        if times:
            print(f"| {name} | {len(times)} | {min(times):.2f} | {statistics.median(times):.2f} | {max(times):.2f} |")


if __name__ == "__main__":
    main()
