"""The course under other NumPy versions: every exercise's computation, compared with the references.

For each version in config key ``compat.numpy``, an isolated environment
(a venv under ``.snakemake/compat/numpy-<version>/`` in the working folder,
made once and kept) gets that NumPy, and Pillow and PyYAML at the pinned
versions, from the package registry; the main environment is never touched.
In it, this script (``python compat.py compute CONFIG OUT``) computes every
artefact's numbers (no figure: matplotlib is not installed there), with every
warning recorded. Back in the main environment, each result is compared with
its reference with verify's tolerances, one row per artefact and version:
``same``, ``differs`` (the largest difference or the first differing element),
``error`` (the error's first line and the script line) or ``not-installable``
(pip's one-line reason). A version that cannot be installed is a row, not a
failed run.
"""

import functools
import importlib
import json
import logging
import os
import subprocess
import sys
import traceback
import warnings
from pathlib import Path

import coursekit
from coursekit import CHECKOUT, COURSE as SCRIPTS, use_course

PACKAGE = Path(coursekit.__file__).resolve().parent  # (a Snakemake job runs a copy of this file: not __file__)
log = logging.getLogger("course")  # coursekit.core.log, without importing NumPy's users
# What the compat environment gets beside NumPy: what the computations import (pinned as in requirements.txt)
EXTRAS = ("pillow", "pyyaml")


# -- inside the compat environment ----------------------------------------------------------------


def artefacts(config, repo):
    """Each artefact's computation: {relative path under results/: function returning an array or a dict}."""
    import numpy as np

    use_course()

    import automata
    import diffusion
    import geometry
    import perceptron
    import quantize
    import random_walk
    import records
    import subsequence
    from coursekit.quantizer.images import read_image
    from coursekit.core import rng

    seed = config["seed"]

    def path(p):
        return p if os.path.isabs(p) else os.path.join(repo, p)

    def walk():
        return random_walk.random_walk_fastest(config["random_walk"]["n"], rng(seed, "random_walk"))

    def search():
        s = config["subsequence"]
        return subsequence.find_numpy(subsequence.random_sequence(s["length"], s["alphabet"], rng(seed, "subsequence")),
                                      s["sub"])

    def heat():
        d = config["diffusion"]
        return diffusion.diffuse(diffusion.initial_state(d["steps"], d["size"], d["amplitude"], d["period"], d["offset"],
                                                         d["noise"], rng(seed, "diffusion")), d["F"])

    def table():
        data = records.load(path(config["records"]["data"]))
        return {"data": data, "sorted": records.sort_by_frequency(data)}

    def train():
        p = config["perceptron"]
        samples = perceptron.make_samples(p["samples"], rng(seed, "perceptron", "samples"))
        _, rows, _ = perceptron.train(samples, p["iterations"], p["lrate"], p["decay"], rng(seed, "perceptron", "training"))
        return np.array([[r["iteration"], r["lrate"], r["sample"], r["error"], r["accuracy"]] for r in rows])

    jobs = {"intro/random_walk.npy": walk, "intro/subsequence.npy": search, "warmup/diffusion.npy": heat,
            "warmup/sorted.npz": table, "advanced/geometry.npy": lambda: geometry.transform(geometry.squares(
                config["geometry"]["squares"], config["geometry"]["scale"], config["geometry"]["translate"])),
            "advanced/perceptron/log.csv": train}
    for rule in config["automata"]["rules"]:
        a = config["automata"]
        jobs[f"warmup/automata/rule-{rule}.npy"] = (lambda r=rule: automata.evolve(
            automata.initial_state(a["steps"], a["width"]), r))
    from coursekit.modules import declared

    for declaration in declared():  # an exercise that declares itself: its make(), as its rule runs it
        jobs[f"{declaration.artefact}.npy"] = (lambda d=declaration: importlib.import_module(d.module).make(
            config[d.module], rng(seed, d.module)))
    q = config["quantize"]
    photos = functools.lru_cache(lambda image: read_image(path(image))[0])  # each photo read once

    @functools.lru_cache
    def quantized(name, n, method):  # each quantization computed once, though two artefacts may show it
        stream = rng(seed, "quantize", name, str(n)) if method == "kmeans" else None
        return quantize.quantize(photos(q["images"][name]), n, method, q["steps"], stream)

    for name in q["images"]:
        for n in q["colors"]:

            jobs[f"advanced/quantize/{name}-kmeans-{n}.npy"] = lambda a=(name, n): quantized(*a, "kmeans")[1]
            jobs[f"advanced/quantize/{name}-kmeans-{n}.png"] = lambda a=(name, n): quantized(*a, "kmeans")[0]
            jobs[f"advanced/quantize/{name}-frequent-{n}.png"] = lambda a=(name, n): quantized(*a, "frequent")[0]
            jobs[f"advanced/quantize/{name}-published-{n}.png"] = lambda a=(name, n): quantized(*a, "published")[0]
    return jobs


def ours(filename):
    """True if a file is one of this project's: a course script, or a module of this package."""
    try:
        path = Path(filename).resolve()
    except (OSError, ValueError):
        return False
    return path.parent == SCRIPTS or PACKAGE in path.parents


def compute(config_path, out):
    """In the compat environment: compute every artefact, record warnings and errors; save to ``out``."""
    import numpy as np

    use_course()
    from coursekit.config import load_yaml

    from coursekit.modules import with_defaults

    config = with_defaults(load_yaml(Path(config_path).read_text(encoding="utf-8")))
    seen, results, errors = [], {}, {}

    def record(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, (DeprecationWarning, FutureWarning)):
            seen.append({"category": category.__name__, "message": str(message).splitlines()[0],
                         "file": Path(filename).name, "line": lineno, "ours": ours(filename)})

    warnings.showwarning = record
    warnings.simplefilter("always")
    for relative, job in artefacts(config, str(CHECKOUT)).items():
        before = len(seen)
        try:
            value = job()
        except Exception as error:  # any error of any NumPy: reported as a row
            frames = [f for f in traceback.extract_tb(error.__traceback__) if ours(f.filename)]
            where = f"{Path(frames[-1].filename).name}, line {frames[-1].lineno}" if frames else "?"
            errors[relative] = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''} ({where})"
            continue
        for w in seen[before:]:
            w["artefact"] = relative
        if isinstance(value, dict):
            for key, array in value.items():
                results[f"{relative}::{key}"] = np.asarray(array)
        else:
            results[relative] = np.asarray(value)
    np.savez(Path(out) / "arrays.npz", **{k.replace("/", "|"): v for k, v in results.items()})
    (Path(out) / "report.json").write_text(json.dumps({"numpy": np.__version__, "errors": errors, "warnings": seen},
                                                      indent=1))


# -- in the main environment ----------------------------------------------------------------------------


def pinned(names):
    """The pinned 'name==version' of each package, read from requirements.txt and constraints.txt."""
    pins = {}
    for text in ((CHECKOUT / f).read_text() for f in ("requirements.txt", "constraints.txt")):
        for line in text.splitlines():
            line = line.split("#")[0].strip()
            if "==" in line:
                name, version = line.split("==", 1)
                pins.setdefault(name.strip().lower(), version.strip())
    return [f"{name}=={pins[name]}" for name in names if name in pins]


MARKER = ".complete"  # written by environment() once NumPy is installed: the folder is ours, and finished
UNREACHABLE = ("NewConnectionError", "Failed to establish a new connection", "Network is unreachable",
               "Temporary failure in name resolution", "Name or service not known", "Max retries exceeded",
               "ProxyError", "Connection refused", "ConnectTimeoutError", "ReadTimeoutError")


class NotInstallable(RuntimeError):
    """NumPy ``version`` cannot be installed here; the message says why in a few words."""


def installed_numpy(python):
    """The NumPy version that ``python`` imports, or None if it cannot run or import NumPy."""
    try:
        run = subprocess.run([str(python), "-c", "import numpy; print(numpy.__version__)"], capture_output=True,
                             text=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    return run.stdout.strip() if run.returncode == 0 else None


def why_not_installable(version, stderr):
    """pip's failure to install numpy==``version`` in a few words: the registry unreachable, no wheel, no such version.

    pip lists the versions it found with a wheel for this Python
    (``--only-binary``): none while the registry cannot be reached; a
    version older than all of them has no wheel for this Python; one within
    or past their range does not exist.
    """
    from packaging.version import InvalidVersion, Version

    python = f"Python {sys.version_info[0]}.{sys.version_info[1]}"
    if any(sign in stderr for sign in UNREACHABLE):
        cause = next(line for line in stderr.splitlines() if any(sign in line for sign in UNREACHABLE))
        return f"the package registry could not be reached ({cause.strip()[:160]})"
    found = [v.strip() for v in stderr.partition("(from versions:")[2].partition(")")[0].split(",") if v.strip()]
    if found == ["none"] or "(from versions: none)" in stderr:
        return "the package registry lists no NumPy wheel for this machine (or it could not be reached)"
    try:
        asked, listed = Version(version), sorted(Version(v) for v in found)
    except InvalidVersion:
        listed = []
    if listed and asked < listed[0]:
        return f"no NumPy {version} wheel for {python} (the oldest with one is {listed[0]})"
    if listed:
        return f"no such NumPy version ({python} has wheels from {listed[0]} to {listed[-1]})"
    lines = [line for line in stderr.splitlines() if line.startswith("ERROR")] or stderr.splitlines() or ["?"]
    return lines[0].removeprefix("ERROR: ").split(" (from versions:")[0].strip()


def environment(version, cache):
    """The python of a venv that holds NumPy ``version``, made under ``cache`` once and checked on every run.

    An environment whose python is gone, whose NumPy does not import, or
    whose NumPy is not ``version`` (someone installed another into it) is made
    again; only a folder this function made (with its marker) is cleared.

    Raises
    ------
    NotInstallable
        pip's reason, in a few words (:func:`why_not_installable`).
    RuntimeError
        The folder exists but was not made here, so it is left alone.
    """
    folder = Path(cache) / f"numpy-{version}"
    python = folder / "bin" / "python"
    done = folder / MARKER
    if done.exists():
        found = installed_numpy(python)
        if found == version:
            return python
        log.info("numpy %s: the environment %s %s; making it again", version, folder,
                 f"holds NumPy {found}" if found else "cannot import NumPy (its python is gone or broken)")
        done.unlink()
    elif folder.exists() and any(folder.iterdir()) and not (folder / "pyvenv.cfg").exists():
        raise RuntimeError(f"{folder} holds files that compat did not make; it is left alone (move it away)")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(folder)], check=True, capture_output=True)
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                              "--only-binary", ":all:", f"numpy=={version}", *pinned(EXTRAS)],
                             capture_output=True, text=True, timeout=900)
    if install.returncode != 0:
        raise NotInstallable(why_not_installable(version, install.stderr))
    found = installed_numpy(python)
    if found != version:
        raise NotInstallable(f"pip installed NumPy {found}, not {version}")
    done.write_text(version)
    return python


def compare_run(folder, references):
    """Compare the arrays computed in ``folder`` with the references; return {artefact: (status, detail)}."""
    import csv

    import numpy as np

    from coursekit.references import verify

    report = json.loads((Path(folder) / "report.json").read_text())
    rows = {relative: ("error", detail) for relative, detail in report["errors"].items()}
    with np.load(Path(folder) / "arrays.npz", allow_pickle=False) as archive:
        computed = {k.replace("|", "/"): archive[k] for k in archive.files}
    grouped = {}
    for key, array in computed.items():
        relative, _, member = key.partition("::")
        grouped.setdefault(relative, {})[member] = array
    for relative, parts in sorted(grouped.items()):
        reference = Path(references) / relative
        if not reference.exists():
            rows[relative] = ("differs", "no reference to compare with")
            continue
        if relative.endswith(".npz"):
            with np.load(reference, allow_pickle=False) as want:
                outcome = verify.Outcome.all_of([verify.compare_arrays(parts[k], want[k], k) for k in want.files], "; ")
        elif relative.endswith(".png"):
            import imageio.v3 as iio

            outcome = verify.compare_arrays(parts[""], iio.imread(reference))
        elif relative.endswith(".csv"):
            with open(reference, newline="", encoding="utf-8") as f:
                table = list(csv.DictReader(f))
            want = np.array([[float(r[c]) for c in ("iteration", "lrate", "sample", "error", "accuracy")] for r in table])
            got = parts[""]
            # the log is written with 6 significant digits: compare at that precision
            outcome = verify.compare_arrays(np.array([[float(f"{v:.6g}") for v in row] for row in got]), want)
        else:
            outcome = verify.compare_arrays(parts[""], np.load(reference, allow_pickle=False))
        rows[relative] = ("same" if outcome.ok else "differs", outcome.difference)
    return rows, report


def main_job(snakemake):
    """The Snakemake job of one version: environment, computation, comparison; results/compat/numpy-<v>.json."""
    import tempfile

    from coursekit.core import InputError, save_text

    version = snakemake.wildcards.version
    result = {"numpy": version, "rows": {}, "warnings": []}
    try:
        python = environment(version, snakemake.params.cache)
    except NotInstallable as error:
        log.info("numpy %s: not installable: %s", version, error)
        result["not_installable"] = str(error)
        # a row for every artefact, so that the matrix has them even when no version installs
        result["rows"] = {relative: ["not-installable", str(error)]
                          for relative in artefacts(snakemake.params.config, str(CHECKOUT))}
        save_text(snakemake.output.json, json.dumps(result, indent=1, sort_keys=True) + "\n")
        return
    except (RuntimeError, subprocess.SubprocessError, OSError) as error:
        raise InputError(f"numpy {version}: the environment could not be made: {error}") from None
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.json"
        config.write_text(json.dumps(snakemake.params.config))
        # the compat environment has NumPy, Pillow and PyYAML only: this package is read from the checkout
        package = str(PACKAGE.parent)
        run = subprocess.run([str(python), "-m", "coursekit.compat", "compute", str(config), folder],
                             capture_output=True, text=True, timeout=3600,
                             env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": package})
        if run.returncode != 0:
            last = (run.stderr.strip().splitlines() or ["?"])[-1]
            result["rows"] = {"(all)": ["error", f"the computation did not finish: {last}"]}
        else:
            rows, report = compare_run(folder, snakemake.params.references)
            result["rows"] = {k: list(v) for k, v in rows.items()}
            result["warnings"] = report["warnings"]
            result["installed"] = report["numpy"]
            if report["numpy"] != version:  # never labelled with the version asked for
                result["rows"] = {k: ["error", f"the environment ran NumPy {report['numpy']}, not {version}"]
                                  for k in rows}
    for relative, (status, detail) in sorted(result["rows"].items()):
        log.info("numpy %s  %-45s %-8s %s", version, relative, status, detail)
    save_text(snakemake.output.json, json.dumps(result, indent=1, sort_keys=True) + "\n")


def matrix(results):
    """Rows of matrix.csv (artefact, numpy, status, detail) and of warnings.csv, from the per-version results."""
    artefacts = sorted({a for r in results for a in r["rows"]})
    rows, warned = [], []
    for r in results:
        for artefact in artefacts:
            if "not_installable" in r:
                rows.append({"artefact": artefact, "numpy": r["numpy"], "status": "not-installable",
                             "detail": r["not_installable"]})
            elif artefact in r["rows"]:
                status, detail = r["rows"][artefact]
                rows.append({"artefact": artefact, "numpy": r["numpy"], "status": status, "detail": detail})
        for w in r.get("warnings", []):
            warned.append({"numpy": r["numpy"], "category": w["category"], "warning": w["message"], "file": w["file"],
                           "line": w["line"], "artefact": w.get("artefact", ""), "ours": w["ours"]})
    return rows, warned


COLOURS = {"same": "#4c9a2a", "differs": "#e0a100", "error": "#c0392b", "not-installable": "#9e9e9e"}


def draw_matrix(rows, path):
    """matrix.png: artefacts (rows) x NumPy versions (columns), each cell coloured by its status."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgb

    from coursekit.core import save_figure

    artefacts = sorted({r["artefact"] for r in rows}) or ["(no artefact)"]
    versions = list(dict.fromkeys(r["numpy"] for r in rows)) or ["(no version)"]
    cells = {(r["artefact"], r["numpy"]): r["status"] for r in rows}
    fig, ax = plt.subplots(figsize=(2.2 + 1.3 * len(versions), 0.6 + 0.32 * len(artefacts)))
    image = [[to_rgb(COLOURS.get(cells.get((a, v), ""), "#ffffff")) for v in versions] for a in artefacts]
    ax.imshow(image, aspect="auto")
    ax.set_xticks(range(len(versions)), [f"NumPy {v}" for v in versions])
    ax.set_yticks(range(len(artefacts)), artefacts, fontsize=8)
    ax.xaxis.tick_top()
    for (i, a) in enumerate(artefacts):
        for (j, v) in enumerate(versions):
            ax.text(j, i, cells.get((a, v), ""), ha="center", va="center", fontsize=7, color="white")
    fig.tight_layout()
    save_figure(fig, path, dpi=100)


def markdown(rows, warned):
    """matrix.md: the matrix as a table a person reads, then the warnings raised by our code."""
    versions = list(dict.fromkeys(r["numpy"] for r in rows))
    cells = {(r["artefact"], r["numpy"]): r for r in rows}
    lines = ["# The course under several NumPy versions\n",
             "Each artefact's numbers recomputed under each NumPy and compared with the references (verify's "
             "tolerances). `same`, `differs` (and by how much), `error` (the first line and where), `not-installable`.\n",
             "| artefact | " + " | ".join(f"NumPy {v}" for v in versions) + " |",
             "|---|" + "---|" * len(versions)]
    for artefact in sorted({r["artefact"] for r in rows}):
        row = [cells.get((artefact, v)) for v in versions]
        lines.append(f"| {artefact} | " + " | ".join(
            "" if r is None else (r["status"] if r["status"] == "same" else f"**{r['status']}**: {r['detail']}")
            .replace("|", "\\|") for r in row) + " |")
    ours = [w for w in warned if w["ours"]]
    lines += ["", f"## Deprecation and future warnings raised by our code: {len(ours)}\n"]
    if ours:
        lines += ["| NumPy | warning | where | artefact |", "|---|---|---|---|"]
        lines += [f"| {w['numpy']} | {w['category']}: {w['warning']} | {w['file']}, line {w['line']} | {w['artefact']} |"
                  for w in ours]
    others = len(warned) - len(ours)
    if others:
        lines.append(f"\n({others} more raised inside other packages: in warnings.csv.)")
    return "\n".join(lines) + "\n"


if __name__ == "__main__" and "snakemake" not in globals() and len(sys.argv) == 4 and sys.argv[1] == "compute":
    compute(sys.argv[2], sys.argv[3])

def failures(matrix_csv):
    """The rows of matrix.csv whose status is ``error`` or ``differs``: what makes `compat` fail."""
    import csv

    with open(matrix_csv, newline="", encoding="utf-8") as f:
        return [row for row in csv.DictReader(f) if row["status"] in ("error", "differs")]


def verdict(matrix_csv):
    """`snakemake compat`'s last job: raise InputError listing the failing rows, after the matrix was written."""
    from coursekit.core import InputError

    bad = failures(matrix_csv)
    if bad:
        listed = "\n  ".join(f"NumPy {r['numpy']}: {r['artefact']}: {r['status']}: {r['detail']}" for r in bad[:20])
        more = f"\n  ... and {len(bad) - 20} more" if len(bad) > 20 else ""
        raise InputError(f"{len(bad)} artefact(s) differ or fail under another NumPy (the whole matrix is in "
                         f"{Path(matrix_csv).with_suffix('.md')}):\n  {listed}{more}")
    log.info("compat: no artefact differs or fails (%s)", Path(matrix_csv).with_suffix(".md"))


if __name__ == "__main__" and "snakemake" in globals():
    from coursekit.core import entry, save_csv, save_text

    def gather():
        results = [json.loads(Path(p).read_text()) for p in snakemake.input.runs]
        rows, warned = matrix(results)
        save_csv(snakemake.output.csv, rows, columns=("artefact", "numpy", "status", "detail"))
        save_csv(snakemake.output.warnings, warned,
                 columns=("numpy", "category", "warning", "file", "line", "artefact", "ours"))
        save_text(snakemake.output.md, markdown(rows, warned))
        draw_matrix(rows, snakemake.output.png)

    jobs = {"run_under_numpy": lambda: main_job(snakemake), "gather_compat": gather,
            "compat": lambda: verdict(snakemake.input.csv)}
    entry(snakemake, jobs[snakemake.rule])
