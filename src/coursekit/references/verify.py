"""Compare every deterministic artefact with its committed reference, and accept new references.

References live in ``workflow/references/``, mirroring ``results/``
(``results/warmup/diffusion.npy`` <-> ``workflow/references/warmup/diffusion.npy``),
with the config that made them in ``workflow/references/config.yaml``.

How each kind of file is compared (the tolerances are stated here, once):

- integer, boolean and text arrays (automata, palettes, match indices,
  records), quantized images, Markdown and text: exactly;
- floating-point arrays and numbers in CSV tables: |a - b| <= ATOL + RTOL |b|;
- figures drawn by matplotlib and video frames: by their decoded pixels, as
  the RMS difference on the 0..255 scale, as matplotlib's own image
  comparison does, within FIGURE_RMS and VIDEO_RMS.
"""

import csv
import hashlib
import io
import shutil
from pathlib import Path

import numpy as np

RTOL = 1e-7
ATOL = 1e-9
FIGURE_RMS = 0.5
VIDEO_RMS = 2.0
EXACT_IMAGES = ("quantize/",)  # images that are data (each pixel a palette colour), not drawings

STATUS_OK = "ok"
# Measurements: files under results/ whose bytes may differ between two identical runs.
MEASUREMENTS = ("logs/", "benchmarks/", "sysinfo.txt", "provenance.json", "report.html", "course.html", "check/",
                "compat/")


def within_tolerance(a, b):
    """Where ``a`` agrees with the reference ``b``: |a - b| <= ATOL + RTOL |b|, a NaN agreeing with a NaN.

    The one tolerance of the project: verify, compat and the students' check all call this. Works
    elementwise on arrays (real or complex) and on plain numbers; returns a bool array or a bool.
    """
    a, b = np.asarray(a), np.asarray(b)
    with np.errstate(invalid="ignore"):
        agree = (np.abs(a - b) <= ATOL + RTOL * np.abs(b)) | (np.isnan(a) & np.isnan(b))
    return agree if agree.ndim else bool(agree)


class Outcome:
    """One comparison: which check ran, whether it passed, and the measured difference."""

    def __init__(self, check, ok, difference):
        self.check, self.ok, self.difference = check, ok, difference

    @classmethod
    def all_of(cls, outcomes, joiner):
        """One outcome for several parts (fields, archive members): passes if each passes; names the failures."""
        bad = [o for o in outcomes if not o.ok]
        return cls(joiner.join(sorted({o.check for o in outcomes})), not bad,
                   "; ".join(o.difference for o in (bad or outcomes)))


def compare_arrays(a, b, name=""):
    """Compare two arrays: exactly unless floating point; structured arrays field by field."""
    label = f"{name}: " if name else ""
    if a.dtype.names or b.dtype.names:
        if a.dtype.names != b.dtype.names:
            return Outcome("fields", False, f"{label}fields {a.dtype.names} != {b.dtype.names}")
        return Outcome.all_of([compare_arrays(a[f], b[f], f"{name}.{f}" if name else f) for f in a.dtype.names], " + ")
    if a.shape != b.shape:
        return Outcome("shape", False, f"{label}shape {a.shape} != reference {b.shape}")
    if a.dtype.kind == "f" or b.dtype.kind == "f" or a.dtype.kind == "c":
        if a.size == 0:
            return Outcome("floats", True, f"{label}empty")
        a = a.astype(np.complex128 if a.dtype.kind == "c" else np.float64)
        diff = np.abs(a - b)
        ok = bool(np.all(within_tolerance(a, b)))
        worst = float(np.nanmax(diff)) if np.any(~np.isnan(diff)) else 0.0
        return Outcome(f"floats (rtol {RTOL:g}, atol {ATOL:g})", ok, f"{label}max |diff| {worst:.3g}")
    if a.dtype != b.dtype:
        return Outcome("exact", False, f"{label}dtype {a.dtype} != reference {b.dtype}")
    wrong = int(np.count_nonzero(a != b))
    where = f" (first at {np.argwhere(a != b)[0].tolist()})" if wrong and a.ndim else ""
    return Outcome("exact", wrong == 0, f"{label}{wrong} of {a.size} elements differ{where}")


def rms(a, b):
    """Root mean square difference of two images on the 0..255 scale (matplotlib's measure)."""
    return float(np.sqrt(np.mean((np.asarray(a, dtype=np.float64) - b) ** 2)))


def compare_image(path, reference, exact):
    import imageio.v3 as iio

    a, b = iio.imread(path), iio.imread(reference)
    if a.shape != b.shape:
        return Outcome("pixels", False, f"size {a.shape} != reference {b.shape}")
    if exact:
        wrong = int(np.count_nonzero(np.any(a != b, axis=-1) if a.ndim == 3 else a != b))
        return Outcome("pixels, exact", wrong == 0, f"{wrong} pixels differ")
    value = rms(a, b)
    return Outcome(f"pixels, RMS <= {FIGURE_RMS}", value <= FIGURE_RMS, f"RMS {value:.3g}")


def compare_video(path, reference):
    import imageio.v3 as iio

    a, b = iio.imread(path, plugin="FFMPEG"), iio.imread(reference, plugin="FFMPEG")
    if a.shape != b.shape:
        return Outcome("frames", False, f"frames {a.shape} != reference {b.shape}")
    worst = max(rms(x, y) for x, y in zip(a, b))
    return Outcome(f"frames, RMS <= {VIDEO_RMS}", worst <= VIDEO_RMS, f"worst frame RMS {worst:.3g}")


def _number(cell):
    try:
        return float(cell)
    except ValueError:
        return None


def compare_csv(path, reference):
    with open(path, newline="", encoding="utf-8") as a, open(reference, newline="", encoding="utf-8") as b:
        rows_a, rows_b = list(csv.reader(a)), list(csv.reader(b))
    if len(rows_a) != len(rows_b) or any(len(x) != len(y) for x, y in zip(rows_a, rows_b)):
        return Outcome("table", False, f"{len(rows_a)} rows != reference {len(rows_b)}")
    worst, wrong = 0.0, 0
    for x, y in zip(rows_a, rows_b):
        for p, q in zip(x, y):
            u, v = _number(p), _number(q)
            if u is None or v is None:
                wrong += p != q
            else:
                worst = max(worst, abs(u - v))
                wrong += not within_tolerance(u, v)
    return Outcome("table: text exact, numbers within rtol", wrong == 0, f"{wrong} cells differ, max |diff| {worst:.3g}")


def compare_text(path, reference):
    a = Path(path).read_text(encoding="utf-8").splitlines()
    b = Path(reference).read_text(encoding="utf-8").splitlines()
    wrong = [i + 1 for i, (x, y) in enumerate(zip(a, b)) if x != y]
    if len(a) != len(b):
        wrong.append(min(len(a), len(b)) + 1)
    return Outcome("text, exact", not wrong, f"{len(wrong)} lines differ" + (f" (first: line {wrong[0]})" if wrong else ""))


def deterministic_files(results):
    """Every file under ``results`` but the measurements (and ``*-timings.csv``), as {relative path: bytes}."""
    files = {}
    for path in sorted(Path(results).rglob("*")):
        relative = path.relative_to(results).as_posix()
        if path.is_file() and not relative.endswith("-timings.csv") and not relative.startswith(MEASUREMENTS):
            files[relative] = path.read_bytes()
    return files


def byte_differences(first, second):
    """Names of the deterministic files that are missing from one run or differ in their bytes."""
    a, b = deterministic_files(first), deterministic_files(second)
    return sorted(set(a) ^ set(b)) + sorted(name for name in set(a) & set(b) if a[name] != b[name])


def compare(path, reference, relative):
    """Compare one artefact with its reference; the kind of check follows the file type."""
    suffix = Path(path).suffix
    if suffix == ".npy":
        return compare_arrays(np.load(path, allow_pickle=False), np.load(reference, allow_pickle=False))
    if suffix == ".npz":
        with np.load(path, allow_pickle=False) as a, np.load(reference, allow_pickle=False) as b:
            if sorted(a.files) != sorted(b.files):
                return Outcome("arrays", False, f"arrays {sorted(a.files)} != reference {sorted(b.files)}")
            return Outcome.all_of([compare_arrays(a[k], b[k], k) for k in sorted(a.files)], "; ")
    if suffix == ".png":
        return compare_image(path, reference, exact=any(p in relative for p in EXACT_IMAGES))
    if suffix == ".mp4":
        return compare_video(path, reference)
    if suffix == ".csv":
        return compare_csv(path, reference)
    return compare_text(path, reference)


def unreadable_row(relative, path, reference, error):
    """The verify.md row of an artefact whose comparison failed: which file is damaged, and how to mend it.

    A file cut short on disk (a PNG of 100 bytes) is reported, never a traceback.
    """
    if not Path(reference).is_file():
        return relative, "-", "UNREADABLE REFERENCE", f"{reference} is missing or not a file: restore it with git"
    for name, where in (("artefact", path), ("reference", reference)):
        try:
            compare(where, where, relative)  # a file compared with itself fails only if it cannot be read
        except Exception as own:
            first = (str(own).strip().splitlines() or [""])[0][:160]
            remake = (f"remake it with `snakemake --cores all --force results/{relative}`" if name == "artefact"
                      else f"restore it with `git checkout -- {reference}`")
            return relative, "-", f"UNREADABLE {name.upper()}", f"cannot be read ({type(own).__name__}: {first}); {remake}"
    first = (str(error).strip().splitlines() or [""])[0][:160]
    return relative, "-", "NOT COMPARABLE", f"{type(error).__name__}: {first}"


def reference_files(references):
    """The references' relative paths, as ``MANIFEST.sha256`` in ``references`` lists them (not its config.yaml).

    An empty set if there is no manifest: a folder that accept_references did not make holds no references.
    """
    from coursekit.references import manifest

    return set(manifest.read(references) or {}) - {manifest.CONFIG, manifest.PROVENANCE}


def verify(artefacts, results, references):
    """Compare each artefact (paths under ``results``) with its reference under ``references``.

    Returns a list of rows (artefact, check, status, difference), one per
    artefact and one per reference whose artefact the pipeline no longer makes.

    Raises
    ------
    coursekit.core.InputError
        If ``references`` holds no reference at all.
    """
    from coursekit.core import InputError

    results, references = Path(results), Path(references)
    known = reference_files(references)
    if not known:
        raise InputError(f"no references in {references}: make them from the current results with "
                         "`snakemake --cores all accept_references` (and commit them)")
    rows = []
    made = set()
    for path in sorted(map(Path, artefacts)):
        relative = path.relative_to(results).as_posix()
        made.add(relative)
        reference = references / relative
        if relative not in known:
            rows.append((relative, "-", "NO REFERENCE", "no reference file: accept the results to add one"))
            continue
        try:
            outcome = compare(path, reference, relative)
            rows.append((relative, outcome.check, STATUS_OK if outcome.ok else "DIFFERENT", outcome.difference))
        except Exception as error:  # a damaged file: each reader raises its own types
            rows.append(unreadable_row(relative, path, reference, error))
    for relative in sorted(known - made):
        rows.append((relative, "-", "NOT MADE", "a reference exists but the pipeline no longer makes this artefact"))
    return rows


def config_changes(config, reference_config, prefix=""):
    """List the keys whose values differ between two configs, as 'key: reference -> now'."""
    changes = []
    for key in sorted(set(config) | set(reference_config)):
        name = f"{prefix}{key}"
        a, b = config.get(key, "(absent)"), reference_config.get(key, "(absent)")
        if isinstance(a, dict) and isinstance(b, dict):
            changes += config_changes(a, b, f"{name}.")
        elif a != b:
            changes.append(f"`{name}`: {b!r} -> {a!r}")
    return changes


def table(rows, config=None, reference_config=None, versions=None):
    """Return verify.md: a summary line, config and version changes since the references, one row per artefact.

    ``versions`` are the version changes (see :func:`version_changes`): named once, and again beside
    every artefact that differs, since a new NumPy or matplotlib is a likely cause.
    """
    bad = [r for r in rows if r[2] != STATUS_OK]
    lines = ["# Verification against the committed references\n",
             f"{len(rows) - len(bad)} of {len(rows)} artefacts match their references"
             + (f"; {len(bad)} do not." if bad else ".") + "\n",
             f"Tolerances: floats |a - b| <= {ATOL:g} + {RTOL:g} |b|; figures RMS <= {FIGURE_RMS} "
             f"and video frames RMS <= {VIDEO_RMS} (0..255 scale); everything else exact.\n"]
    if config is not None and reference_config is not None:
        changes = config_changes(config, reference_config)
        lines.append("Config changes since the references were made: " + ("; ".join(changes) if changes else "none")
                     + ".\n")
    if versions is not None:
        lines.append("Versions that differ from the references' run: " + ("; ".join(versions) if versions else "none")
                     + ".\n")
        if versions:
            rows = [(a, c, s, d if s == STATUS_OK else f"{d} (versions differ: {'; '.join(versions)})")
                    for a, c, s, d in rows]
    lines += ["| artefact | check | status | measured difference |", "|---|---|---|---|"]
    def cell(text):  # a | inside a cell ends it: `max |diff| 0` showed as "max"
        return str(text).replace("|", "\\|")

    lines += [f"| {cell(a)} | {cell(c)} | {s if s == STATUS_OK else f'**{s}**'} | {cell(d)} |" for a, c, s, d in rows]
    return "\n".join(lines) + "\n"


COLUMNS = ("artefact", "check", "status", "difference")  # verify.csv, which `verify` and the page read


def statuses(path):
    """verify.csv as rows (dicts of COLUMNS); none if the file does not exist (verify has not run)."""
    if not Path(path).is_file():
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def failures(path):
    """The rows of verify.csv whose status is not ok."""
    return [row for row in statuses(path) if row["status"] != STATUS_OK]


def comparable_and_equal(path, target, relative):
    """True if ``path`` matches ``target`` within tolerance; False if not, or if either cannot be read."""
    try:
        return compare(path, target, relative).ok
    except Exception:  # a damaged reference is replaced like a changed one
        return False


def version_changes(provenance, reference_provenance):
    """The versions that differ between the references' run and this one, as 'numpy 2.3.5 -> 2.4.6'."""
    if not provenance or not reference_provenance:
        return ["the references carry no provenance (accept them again to record it)"] if provenance else []
    now = {**provenance.get("packages", {}), "python": provenance.get("python")}
    then = {**reference_provenance.get("packages", {}), "python": reference_provenance.get("python")}
    return [f"{name} {then.get(name, '(absent)')} -> {now.get(name, '(absent)')}"
            for name in sorted(set(now) | set(then)) if now.get(name) != then.get(name)]


def accept(artefacts, results, references, config, repo, provenance=None):
    """Copy every artefact into ``references`` (and the config); return rows (artefact, what happened).

    Only files that ``MANIFEST.sha256`` lists (written by an earlier accept) are
    overwritten or removed; every check is made before the first write (see
    manifest.plan). The manifest is first extended with the new names, so an
    accept stopped half way leaves only listed files, then written in full.
    """
    import yaml

    from coursekit.references import manifest
    from coursekit.core import atomic_path

    results, references = Path(results), Path(references)
    made = {path.relative_to(results).as_posix(): path for path in sorted(map(Path, artefacts))}
    old = manifest.plan(references, repo, [*made, manifest.CONFIG] + ([manifest.PROVENANCE] if provenance else []))
    changes = []
    for relative, path in made.items():
        target = references / relative
        if relative not in old or not target.exists():
            changes.append((relative, "added"))
        elif not comparable_and_equal(path, target, relative):
            changes.append((relative, "changed"))
        elif path.read_bytes() != target.read_bytes():
            changes.append((relative, "refreshed (same within tolerance)"))
    entries = {relative: manifest.sha256(path) for relative, path in made.items()}
    buffer = io.StringIO()
    yaml.safe_dump(config, buffer, sort_keys=True)
    config_text = "# The config that made these references (written by accept_references).\n" + buffer.getvalue()
    entries[manifest.CONFIG] = hashlib.sha256(config_text.encode("utf-8")).hexdigest()
    if provenance:
        entries[manifest.PROVENANCE] = manifest.sha256(provenance)
    manifest.write(references, {**old, **entries})
    for relative, path in made.items():
        with atomic_path(references / relative) as tmp:
            shutil.copyfile(path, tmp)
    with atomic_path(references / manifest.CONFIG) as tmp:
        tmp.write_text(config_text, encoding="utf-8", newline="\n")
    if provenance:
        with atomic_path(references / manifest.PROVENANCE) as tmp:
            shutil.copyfile(provenance, tmp)
    for relative in sorted(set(old) - set(entries)):
        (references / relative).unlink(missing_ok=True)
        changes.append((relative, "removed"))
    manifest.write(references, entries)
    return changes


if __name__ == "__main__" and "snakemake" not in globals():
    import sys

    # python -m coursekit.references.verify RESULTS_A RESULTS_B: are two runs byte-identical?
    if len(sys.argv) != 3:
        sys.exit("usage: python -m coursekit.references.verify RESULTS_A RESULTS_B")
    count = len(deterministic_files(sys.argv[1]))
    different = byte_differences(sys.argv[1], sys.argv[2])
    if different or not count:
        sys.exit(f"{len(different)} of {count} deterministic files differ between the two runs:\n  " + "\n  ".join(different))
    print(f"{count} deterministic files, byte-identical in both runs")

if __name__ == "__main__" and "snakemake" in globals():
    from coursekit.config import load_yaml
    from coursekit.core import InputError, entry, log, save_csv, save_text

    references = Path(snakemake.params.references)
    artefacts = list(snakemake.input.artefacts)

    def reference_config():
        path = references / "config.yaml"
        return load_yaml(path.read_text(encoding="utf-8")) if path.exists() else None

    def compare_all():
        try:
            rows = verify(artefacts, "results", references)
        except InputError as error:
            rows = [("(all)", "-", "NO REFERENCES", str(error))]
        import json

        def provenance_of(path):
            return json.loads(Path(path).read_text(encoding="utf-8")) if Path(path).is_file() else None

        versions = version_changes(provenance_of(snakemake.input.provenance),
                                   provenance_of(references / "provenance.json"))
        save_text(snakemake.output.md, table(rows, snakemake.params.config, reference_config(), versions))
        save_csv(snakemake.output.csv, [dict(zip(COLUMNS, row)) for row in rows], COLUMNS)

    def check():
        bad = failures(snakemake.input.csv)
        if bad:
            listed = [f"{r['artefact']} | {r['check']} | **{r['status']}** | {r['difference']}" for r in bad]
            raise InputError(f"{len(bad)} artefact(s) differ from the references in {references} "
                             f"(details in {snakemake.input.md}):\n  " + "\n  ".join(listed))
        log.info("every artefact matches its reference (%s)", snakemake.input.md)

    def accept_all():
        for relative, what in accept(artefacts, "results", references, snakemake.params.config, snakemake.params.repo,
                                     snakemake.input.provenance) or [("(none)", "no change")]:
            log.info("%-45s %s", relative, what)
        log.info("references in %s now match the results: review with `git diff --stat %s`, then commit",
                 references, references)

    entry(snakemake, {"compare_with_references": compare_all, "verify": check,
                      "accept_references": accept_all}[snakemake.rule])
