# The course as one page to share: results/course.html (part of `all`). It shows results/course/compare.md too
# when `snakemake --cores all course` has made it (not an input: the default run need not make the comparison).

def current_params(wildcards):
    """Each rule's params as the current config gives them (those that need no wildcards): to mark stale artefacts."""
    return {r.name: {k: v for k, v in r.params.items() if not callable(v)} for r in workflow.rules}


rule write_course_page:
    """Every artefact inline, in the course's order, with the statements and the parameters each was made with."""
    input:
        artefacts=ARTEFACTS,
        measured=INTRO_MEASURED + WARMUP_MEASURED,
        provenance=rules.write_provenance.output.json,
        verify=rules.compare_with_references.output.md,
        statuses=rules.compare_with_references.output.csv,
        code=code("coursekit.page", "coursekit.students.skeletons", "tools"),
    output:
        html=f"{RESULTS}/course.html",
    params:
        current=current_params,
        config=config,
        repo=lambda wildcards: str(REPO),
    log:
        log_of("write_course_page", "course"),
    script:
        machinery("page")
