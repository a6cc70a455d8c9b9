"""Grade a class: every student's functions checked as `check` checks one student's, each in the sandbox.

``snakemake --cores all grade --config submissions=DIR``: DIR holds one folder
per student (``DIR/<student>/<module>.py``, as ``exercises`` writes them, or
the notebooks it writes, ``DIR/<student>/2-warmup.ipynb``...). One
Snakemake job per student (rule ``grade_student``) writes
``results/grade/<student>/report.md`` (the text ``check`` gives) and its rows;
the ``grade`` job joins them into ``results/grade/gradebook.csv``
(``student,module,function,status,detail,student_s,reference_s``), and the class
overview ``results/grade/class.md`` and ``class.html``: per exercise, how many
students are correct, wrong, todo, error or timeout, and the most common first
differences. A student whose code crashes, hangs or attacks loses only their
own rows; with the SLURM profile the jobs spread over a cluster unchanged.
"""

import collections
import csv
import html
import re
from pathlib import Path

from coursekit.students.check import COLUMNS, STATUSES, check_all, limits_of, report

__all__ = ["STUDENT", "students", "grade_student", "gradebook", "summary", "overview", "overview_html"]

STUDENT = r"[A-Za-z0-9][A-Za-z0-9._-]*"  # a student's folder name: also a path component of results/grade/
GRADEBOOK = ("student", *COLUMNS)


def students(submissions):
    """The students of a submissions folder: its sub-folders with a usable name, sorted (links are not followed)."""
    folder = Path(submissions)
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir()
                  if re.fullmatch(STUDENT, p.name) and p.is_dir() and not p.is_symlink())


def grade_student(folder, seed, config, settings, unsandboxed, times=None):
    """Every exercise's row for the student whose modules are in ``folder``; the sandbox required unless
    ``unsandboxed``. ``times``: the reference timings, measured once for the class (rule time_references)."""
    from coursekit.core import InputError
    from coursekit.students import sandbox

    if not unsandboxed and not sandbox.available():
        raise InputError(f"grade runs every student's code in bubblewrap's sandbox, and {sandbox.MISSING}; "
                         "install it, or set config key grade.unsandboxed: true to grade without it")
    if not any(Path(folder).glob("*.ipynb")):
        return check_all(folder, seed, config, limits_of(settings), sandbox=not unsandboxed, times=times)
    import tempfile

    from coursekit.students.notebook import cell_of

    with tempfile.TemporaryDirectory(prefix="coursekit-grade-") as tmp:
        modules, from_notebook = with_notebooks(folder, Path(tmp))
        rows = check_all(modules, seed, config, limits_of(settings), sandbox=not unsandboxed, times=times)
    for row in rows:  # an error's place in the student's own files: the notebook's code cell, or their .py
        if row["module"] in from_notebook:
            name, source = from_notebook[row["module"]]
            row["detail"] = re.sub(re.escape(f"{modules / row['module']}.py") + r", line (\d+)",
                                   lambda m: f"{name}, code cell {cell_of(source, int(m.group(1)))}", row["detail"])
        row["detail"] = row["detail"].replace(f"{modules}/", f"{folder}/")
    return rows


NOTEBOOK_BYTES = 4 << 20  # a notebook of exercises is tens of kB; a larger one is not read


def with_notebooks(folder, target):
    """A folder of modules for a student who worked in the notebooks ``exercises`` writes (``2-warmup.ipynb``...):
    the student's own ``.py`` files, and for each module of a notebook's chapter that has none, the code of the
    notebook's cells as the notebook check takes it (imports, functions, classes and assignments, in the order
    of the cells). Nothing of the notebook is run here; a notebook that is not one (not JSON, too large) is
    left out, and its modules are then todo. Returns the folder and {module: (notebook name, its source)}."""
    import nbformat

    from coursekit.students.notebook import module_source
    from coursekit.students.sandbox import copy_solutions
    from coursekit.students.skeletons import chapter_notebooks

    target = Path(target) / "solutions"
    copy_solutions(folder, target)  # the student's own .py files: regular files named like modules
    from_notebook = {}
    for _, sections, path in chapter_notebooks(folder):
        if not path.is_file() or path.is_symlink() or path.stat().st_size > NOTEBOOK_BYTES:
            continue
        try:
            notebook = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
            cells = [cell.source for cell in notebook.cells if cell.cell_type == "code" and isinstance(cell.source, str)]
        except Exception:  # not a notebook: its modules stay todo, as if it were not there
            continue
        source = module_source([""] + cells)  # cell n of the notebook's code cells is # In[n]
        for module in (m for section in sections for m in section.modules):
            if not (target / f"{module}.py").exists():
                (target / f"{module}.py").write_text(source, encoding="utf-8")
                from_notebook[module] = (path.name, source)
    return target, from_notebook


def first_line(detail):
    """The part of a detail that students share: the first difference without the case's arguments."""
    line = (detail or "").splitlines()[0] if detail else ""
    return re.sub(r"^case \d+ of \d+, [^:]*\): ", "", line)[:160]


def summary(rows):
    """Per exercise, in the gradebook's order: (module, function, {status: students}, [(first difference,
    students)], the three most common among the wrong)."""
    by_function = collections.OrderedDict()
    for row in rows:
        by_function.setdefault((row["module"], row["function"]), []).append(row)
    return [(module, function, collections.Counter(r["status"] for r in group),
             collections.Counter(first_line(r["detail"]) for r in group if r["status"] == "wrong").most_common(3))
            for (module, function), group in by_function.items()]


def overview(rows, count):
    """class.md: per exercise, how many students have each status, and the most common first differences."""
    lines = ["# The class, graded\n", f"{count} student(s). Each row counts the students with each status; "
             "the gradebook (gradebook.csv) has every student's rows.\n",
             "| exercise | " + " | ".join(STATUSES) + " | most common first differences |",
             "|---|" + "---|" * (len(STATUSES) + 1)]
    for module, function, counts, common in summary(rows):
        cells = [f"`{module}.{function}`", *(str(counts.get(s, 0)) for s in STATUSES),
                 "; ".join(f"{text} ({n})" for text, n in common)]
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def overview_html(rows, count):
    """class.html: the same overview as a page, every cell escaped."""
    head = "".join(f"<th>{html.escape(s)}</th>" for s in ("exercise", *STATUSES, "most common first differences"))
    body = []
    for module, function, counts, common in summary(rows):
        cells = [f"<code>{html.escape(module)}.{html.escape(function)}</code>",
                 *(html.escape(str(counts.get(s, 0))) for s in STATUSES),
                 "<br>".join(f"{html.escape(t)} ({n})" for t, n in common)]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'><title>The class, graded</title>"
            "<style>body{font-family:system-ui,sans-serif;margin:1em}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:2px 6px}.wrap{overflow-x:auto}"
            "@media (prefers-color-scheme: dark){body{background:#111;color:#ddd}td,th{border-color:#444}}</style>"
            f"</head><body><h1>The class, graded</h1><p>{count} student(s).</p><div class='wrap'><table>"
            f"<tr>{head}</tr>{''.join(body)}</table></div></body></html>\n")


def gradebook(pairs):
    """The gradebook's rows from (student, rows.csv path) pairs, in the students' order."""
    rows = []
    for student, path in pairs:
        with open(path, newline="", encoding="utf-8") as f:
            rows += [{"student": student, **{k: row.get(k, "") for k in COLUMNS}} for row in csv.DictReader(f)]
    return rows


if __name__ == "__main__" and "snakemake" in globals():
    from coursekit.core import InputError, entry, log, save_csv, save_text

    def one_student():
        import json

        student = snakemake.wildcards.student
        times = json.loads(Path(snakemake.input.times).read_text(encoding="utf-8"))
        rows = grade_student(snakemake.params.folder, snakemake.params.seed, snakemake.params.config,
                             snakemake.params.limits, snakemake.params.unsandboxed, times)
        counts = collections.Counter(r["status"] for r in rows)
        log.info("%s: %s", student, ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s]))
        save_csv(snakemake.output.csv, [{k: row.get(k, "") for k in COLUMNS} for row in rows], COLUMNS)
        save_text(snakemake.output.md, report(rows, student))

    def whole_class():
        if not snakemake.params.students:
            raise InputError("no class to grade: config key submissions names no folder of student folders; "
                             "run `snakemake --cores all grade --config submissions=DIR`, DIR holding one folder "
                             "per student")
        rows = gradebook(zip(snakemake.params.students, snakemake.input.rows))
        save_csv(snakemake.output.csv, rows, GRADEBOOK)
        save_text(snakemake.output.md, overview(rows, len(snakemake.params.students)))
        save_text(snakemake.output.html, overview_html(rows, len(snakemake.params.students)))
        log.info("%d students graded: %s", len(snakemake.params.students), snakemake.output.csv)

    def time_references():
        import json

        from coursekit.students.check import reference_times

        times = reference_times(snakemake.params.seed, snakemake.params.config)
        save_text(snakemake.output.json, json.dumps(times, indent=1, sort_keys=True) + "\n")
        log.info("%d reference functions timed once for the class", len(times))

    entry(snakemake, {"grade_student": one_student, "grade": whole_class,
                      "time_references": time_references}[snakemake.rule])
