"""Benchmark of grading (not a test): seconds per submission, and what the sandbox adds to each call.

    .venv/bin/python tests/bench_grade.py [--repeats 3] [--students 20]

1. The sandbox's overhead: one student function (reorder.element_struct, the reference's own) run by the
   checker with and without bubblewrap, alternated, ``--calls`` times each: min, median and max seconds.
2. A class graded from clean with ``snakemake --cores 2 grade``, ``--repeats`` times: the generated class of
   tests/workflow/classroom.py (kinds in turn, a loop among them), and a class whose every student hands in
   every module (the course's own solutions: all 31 functions run). Seconds per submission: min, median, max.

Prints a Markdown table for the README; writes nothing outside a temporary folder.
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "workflow"), str(ROOT / "workflow" / "scripts")]

import yaml  # noqa: E402

from classroom import make_class  # noqa: E402
from conftest import small_config  # noqa: E402


def spread(values):
    return f"{min(values):.3f} / {statistics.median(values):.3f} / {max(values):.3f}"


def overhead(calls):
    from coursekit.students import check

    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    limits = check.limits_of(config["check"])
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(ROOT / "workflow/scripts/reorder.py", folder)
        times = {True: [], False: []}
        for _ in range(calls):
            for sandboxed in (True, False):
                started = time.perf_counter()
                row = check.check_function({"module": "reorder", "name": "element_struct"}, Path(folder), 2018,
                                           config, limits, sandbox=sandboxed)
                times[sandboxed].append(time.perf_counter() - started)
                assert row["status"] == "correct", row
    return times


def full_class(folder, count):
    for i in range(count):
        student = Path(folder) / f"s{i:02d}"
        student.mkdir(parents=True)
        for path in (ROOT / "workflow/scripts").glob("*.py"):
            shutil.copy(path, student / path.name)


def grade_seconds(make, count, repeats):
    seconds = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            make(Path(tmp) / "class", count)
            config = small_config(submissions=str(Path(tmp) / "class"))
            (Path(tmp) / "c.yaml").write_text(yaml.safe_dump(config))
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"), "--directory",
                            str(Path(tmp) / "run"), "--configfile", str(Path(tmp) / "c.yaml"),
                            "--replace-workflow-config", "grade", "--cores", "2", "--quiet"], check=True,
                           capture_output=True)
            seconds.append((time.perf_counter() - started) / count)
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    times = overhead(args.calls)
    added = [a - b for a, b in zip(times[True], times[False])]
    print("| what | min / median / max (s) |\n|---|---|")
    print(f"| one function checked, in the sandbox | {spread(times[True])} |")
    print(f"| the same, without the sandbox | {spread(times[False])} |")
    print(f"| what the sandbox adds to a call (paired) | {spread(added)} |")
    generated = grade_seconds(lambda folder, count: make_class(folder, count), args.students, args.repeats)
    print(f"| grade, {args.students} generated submissions, per submission | {spread(generated)} |")
    every = grade_seconds(full_class, args.students, args.repeats)
    print(f"| grade, {args.students} students handing in every module (31 functions), per submission | "
          f"{spread(every)} |")


if __name__ == "__main__":
    main()
