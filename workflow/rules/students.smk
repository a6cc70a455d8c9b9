# For students: the exercise files to fill in, and the check of what they wrote.
#   snakemake --cores 1 exercises     writes the files into the folder of config key `solutions`
#   snakemake --cores all check       checks every function written there (fails if one is wrong)
import glob

SOLUTIONS = config["solutions"]
with as_workflow_error():  # not data/, workflow/ (the references' scripts), the repository, home or a system folder
    manifest.check_folder(SOLUTIONS, REPO, key="solutions")


rule exercises:
    """Write a skeleton per exercise module into `solutions`; a file that exists is kept as it is."""
    input:
        code=code("coursekit.students.skeletons"),
    params:
        solutions=SOLUTIONS,
    log:
        log_of("exercises", "exercises"),
    script:
        machinery("students.skeletons")


# Each module is checked by a job of its own: after an edit, only the modules whose file changed are checked again.
import os

from coursekit.students.skeletons import all_exercises, imported_siblings

MODULES = list(dict.fromkeys(exercise.module for exercise in all_exercises()))  # in the course's order


rule check_module:
    """One module of yours: `snakemake --cores all results/check/modules/automata.csv` checks it alone."""
    input:
        solution=lambda wildcards: glob.glob(f"{glob.escape(SOLUTIONS)}/{wildcards.module}.py"),  # an edit reruns it
        imported=lambda wildcards: [f"{SOLUTIONS}/{name}.py" for name in imported_siblings(
            f"{SOLUTIONS}/{wildcards.module}.py", MODULES) if os.path.isfile(f"{SOLUTIONS}/{name}.py")],  # yours
        code=code("coursekit.students.check", "coursekit.students.sandbox", "coursekit.students.runner",
                  "coursekit.students.skeletons", "coursekit.references.verify", "tools")
        + [str(REPO / "workflow/scripts/{module}.py")],  # the reference
    output:
        csv=f"{RESULTS}/check/modules/{{module}}.csv",
        figures=directory(f"{RESULTS}/check/figures/{{module}}"),  # yours beside ours, where an exercise draws one
    wildcard_constraints:
        module="|".join(MODULES),
    params:
        solutions=SOLUTIONS,
        seed=config["seed"],
        config=config,
        limits=config["check"],
    log:
        log_of("check_module", "{module}"),
    script:
        machinery("students.check")


rule check_solutions:
    """Every module's rows, in the course's order: results/check/check.csv and report.md."""
    input:
        modules=expand(rules.check_module.output.csv, module=MODULES),
        code=code("coursekit.students.check"),
    output:
        csv=f"{RESULTS}/check/check.csv",
        md=report(f"{RESULTS}/check/report.md", caption=caption("check"), category="6 Your solutions"),
    params:
        solutions=SOLUTIONS,
    log:
        log_of("check_solutions", "check"),
    script:
        machinery("students.check")


rule check:
    """`snakemake --cores all check`: fails if a function you wrote is wrong, raises, or times out."""
    input:
        csv=rules.check_solutions.output.csv,
        md=rules.check_solutions.output.md,
        code=code("coursekit.students.check"),
    log:
        log_of("check", "check"),
    script:
        machinery("students.check")


# For course authors: a whole class, each student's code in the sandbox, one job per student.
#   snakemake --cores all grade --config submissions=DIR      DIR/<student>/<module>.py, as `exercises` writes them
from coursekit.students.grade import STUDENT, students

SUBMISSIONS = config["submissions"]
STUDENTS = students(SUBMISSIONS) if SUBMISSIONS else []


rule time_references:
    """The reference functions the speed verdicts compare with, timed once for the whole class."""
    input:
        code=sorted(glob.glob(str(REPO / "workflow/scripts/*.py"))) + code("coursekit.students.check"),
    output:
        json=f"{RESULTS}/grade/reference-timings.json",
    params:
        seed=config["seed"],
        config=config,
    log:
        log_of("time_references", "timings"),
    script:
        machinery("students.grade")


rule grade_student:
    """One student's functions, each in the sandbox: their report (what `check` says) and their rows."""
    input:
        solutions=lambda wildcards: sorted(glob.glob(f"{glob.escape(SUBMISSIONS)}/{wildcards.student}/*.py")
                                           + glob.glob(f"{glob.escape(SUBMISSIONS)}/{wildcards.student}/*.ipynb")),
        times=rules.time_references.output.json,
        code=sorted(glob.glob(str(REPO / "workflow/scripts/*.py")))
        + code("coursekit.students.grade", "coursekit.students.check", "coursekit.students.sandbox",
               "coursekit.students.runner", "coursekit.students.skeletons", "coursekit.references.verify"),
    output:
        csv=f"{RESULTS}/grade/{{student}}/rows.csv",
        md=f"{RESULTS}/grade/{{student}}/report.md",
    wildcard_constraints:
        student=STUDENT,
    params:
        folder=lambda wildcards: f"{SUBMISSIONS}/{wildcards.student}",
        seed=config["seed"],
        config=config,
        limits=config["check"],
        unsandboxed=config["grade"]["unsandboxed"],
    resources:
        mem_mb=config["check"]["memory_mb"] + 1024,  # the student's cap, and the checker beside it
    log:
        log_of("grade_student", "{student}"),
    script:
        machinery("students.grade")


rule grade:
    """`snakemake --cores all grade --config submissions=DIR`: the gradebook and the class overview."""
    input:
        rows=expand(rules.grade_student.output.csv, student=STUDENTS),
        reports=expand(rules.grade_student.output.md, student=STUDENTS),
        code=code("coursekit.students.grade"),
    output:
        csv=f"{RESULTS}/grade/gradebook.csv",
        md=f"{RESULTS}/grade/class.md",
        html=f"{RESULTS}/grade/class.html",
    params:
        students=STUDENTS,
    log:
        log_of("grade", "class"),
    script:
        machinery("students.grade")
