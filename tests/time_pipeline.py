"""Measure the pipeline itself: a whole run from clean, a rerun with nothing changed, the test suite.

    .venv/bin/python tests/time_pipeline.py [--repeats 3] [--skip-tests]

Each is run `repeats` times (from a fresh temporary folder for the clean run) and reported as
min / median / max wall-clock seconds. Beside the rerun, as its baseline, the same Snakemake on a
one-rule workflow with nothing to do: what any rerun costs before this workflow's own work.
Not a test: pytest does not collect it.
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
    measured = {"pipeline from clean": [], "rerun, nothing changed": [],
                "baseline: Snakemake on a one-rule workflow, nothing to do": [], "test suite": []}
    with tempfile.TemporaryDirectory() as floor:
        Path(floor, "Snakefile").write_text('rule one:\n    output: "one.txt"\n    run:\n        open(output[0], "w").close()\n')
        one_rule = [sys.executable, "-m", "snakemake", "--cores", "all", "--quiet", "--directory", floor,
                    "--snakefile", str(Path(floor, "Snakefile"))]
        seconds(one_rule)
        for _ in range(args.repeats):
            with tempfile.TemporaryDirectory() as folder:
                measured["pipeline from clean"].append(seconds([*SNAKEMAKE, "--directory", folder]))
                for _ in range(3):  # alternated, so that both see the same machine
                    measured["rerun, nothing changed"].append(seconds([*SNAKEMAKE, "--directory", folder]))
                    measured["baseline: Snakemake on a one-rule workflow, nothing to do"].append(seconds(one_rule))
            if not args.skip_tests:
                measured["test suite"].append(seconds([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]))
    print(f"| what | runs | min (s) | median (s) | max (s) |\n|---|---|---|---|---|")
    for name, times in measured.items():
        if times:
            print(f"| {name} | {len(times)} | {min(times):.2f} | {statistics.median(times):.2f} | {max(times):.2f} |")


if __name__ == "__main__":
    main()
