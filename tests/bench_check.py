"""Benchmark of a student's check (not a test): seconds from the command to the verdict, and whether the speed
verdicts repeat.

    .venv/bin/python tests/bench_check.py [--runs 10]

A student folder holds the course's own solution of every module with a speed verdict (random_walk, subsequence,
diffusion, automata, geometry), plus two versions between the loop and the vectorised one: automata.evolve
written as the loop, and random_walk_faster (itertools.accumulate, the course's middle version). Each run checks
two modules at once (``course-check`` twice in parallel, as ``snakemake --cores all check`` runs its jobs on this
2-core machine), ``--runs`` times, and records every speed verdict. Prints Markdown tables for docs/performance.md:
the verdicts and how often each came out, and the seconds from the command to the verdict (min, median, max).
Writes nothing outside a temporary folder.
"""

import argparse
import ast
import collections
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "workflow" / "scripts"
COMMAND = [str(Path(sys.executable).parent / "course-check")]
MODULES = ("random_walk", "subsequence", "diffusion", "automata", "geometry")


def students_folder(folder):
    for module in MODULES:
        shutil.copyfile(SCRIPTS / f"{module}.py", folder / f"{module}.py")
    text = (SCRIPTS / "automata.py").read_text()
    loop = next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == "evolve_python")
    body = ast.get_source_segment(text, loop).replace("def evolve_python(", "def evolve(", 1)
    (folder / "automata.py").write_text(text + "\n\n" + body + "\n")  # the later evolve wins: the loop


def verdicts(output):
    found = {}
    for line in output.splitlines():
        if "the vectorised solution" in line:
            found[line.split()[0]] = line.rsplit(": ", 1)[1]
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    seen = collections.defaultdict(collections.Counter)
    seconds = collections.defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        students_folder(folder)
        pairs = [MODULES[i:i + 2] for i in range(0, len(MODULES), 2)]
        for _ in range(runs):
            for pair in pairs:
                started, processes = {}, {}
                for module in pair:
                    started[module] = time.perf_counter()
                    processes[module] = subprocess.Popen(COMMAND + ["--solutions", str(folder), module], cwd=ROOT,
                                                         stdout=subprocess.PIPE, text=True)
                for module, process in processes.items():
                    out, _ = process.communicate()
                    seconds[module].append(time.perf_counter() - started[module])
                    for function, verdict in verdicts(out).items():
                        seen[function][verdict] += 1
    print(f"| function (the student's version) | verdicts in {runs} runs |\n|---|---|")
    for function, counts in seen.items():
        print(f"| `{function}` | " + ", ".join(f"{verdict}: {n}" for verdict, n in counts.most_common()) + " |")
    print(f"\n| module | seconds from the command to the verdict, two modules at once (min / median / max of "
          f"{runs}) |\n|---|---|")
    for module, values in seconds.items():
        print(f"| {module} | {min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f} |")


if __name__ == "__main__":
    main()
