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


rule check_solutions:
    input:
        solutions=sorted(glob.glob(f"{glob.escape(SOLUTIONS)}/*.py")),  # an edit reruns the check
        code=sorted(glob.glob(str(REPO / "workflow/scripts/*.py")))  # the references, and what checks against them
        + code("coursekit.students.check", "coursekit.students.skeletons", "coursekit.references.verify"),
    output:
        csv=f"{RESULTS}/check/check.csv",
        md=report(f"{RESULTS}/check/report.md", caption=caption("check"), category="6 Your solutions"),
        figures=directory(f"{RESULTS}/check/figures"),  # yours beside ours, for each exercise that draws one
    params:
        solutions=SOLUTIONS,
        seed=config["seed"],
        config=config,
        limits=config["check"],
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
